-- nara-vard, migration 2: reference texts and code lists. Runs once, in one transaction, with
-- lgvo.system = 'on' and the search_path "nara_vard, core": unqualified names are created in
-- the plugin's schema. Never edit an applied migration; add 0004_….sql instead.
--
-- The Swedish texts are verbatim from LGVO Arbetsplan 2024-2025 (RÖ 2024/4256): the shared
-- Nära vård goal, the driver diagram "Nära vård och kompetensförsörjning" (Bilaga 2) and the
-- joint primary-care plan (Bilaga 6, "Gemensam plan för primärvård i Östergötland"), typos
-- included. English is beside them (summaries for long passages, not word-for-word).
-- The service never reads the source documents at run time; these rows are its copy.

-- The county-wide shared goal for 2030, which every driver diagram uses as its goal.
CREATE TABLE shared_goal (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    title_en    text NOT NULL,
    target_year integer NOT NULL,
    text        text NOT NULL,   -- the canonical wording (the plan's body text)
    text_en     text NOT NULL,
    diagram_text text NOT NULL,  -- the wording in the Nära vård diagram (Bilaga 2)
    adopted_by  text NOT NULL,
    adopted_by_en text NOT NULL
);

INSERT INTO shared_goal VALUES ('nara-vard-2030', 'Länsgemensamt mål för nära vård', 'County-wide shared goal for local/close care (Nära vård)', 2030,
    'Senast år 2030 ska alla invånare erbjudas en god, nära, jämlik och samordnad hälso- och sjukvård, omsorg och socialtjänst som förebygger ohälsa och stärker hälsan. Hälso- och sjukvård, omsorg och socialtjänst ska vara lättillgängliga och invånaren ska vara delaktig utifrån sina förutsättningar och behov. Primärvården ska vara navet. En effektivare användning av kommunernas, regionens och invånarens egna resurser ska uppnås.',
    'By 2030 at the latest, all residents shall be offered good, local/close, equitable and coordinated health care, social care and social services that prevent ill health and strengthen health. Health care, social care and social services shall be easily accessible and the resident shall be involved according to his or her circumstances and needs. Primary care shall be the hub. A more efficient use of the municipalities'', the region''s and the resident''s own resources shall be achieved.',
    'Senast år 2030 ska alla invånare få (erbjudas) en god, nära, jämlik och samordnad hälso- och sjukvård, omsorg och socialtjänst som förebygger ohälsa och stärker hälsan. Hälso- och sjukvård, omsorg och socialtjänst ska vara lättillgänglig och invånaren ska vara delaktig utifrån sina förutsättningar och behov. Primärvården ska vara navet. En effektivare användning av kommunernas, regionens och invånarnas egna resurser ska uppnås.',
    'fastställt i fullmäktige hos alla fjorton huvudmän', 'adopted by the councils (fullmäktige) of all fourteen principals');


-- The driver diagram of the area: sub-goals ("Vad?") and activities ("Hur?", linked 1:1 by
-- order and wording). Its measures are core.measures rows with area nara-vard.
CREATE TABLE diagram_items (
    id          text PRIMARY KEY CHECK (id ~ '^nara-vard\.(sg|a)[0-9]+$'),
    kind        text NOT NULL CHECK (kind IN ('sub_goal', 'activity')),
    ord         smallint NOT NULL,
    title       text NOT NULL,
    title_en    text NOT NULL,
    sub_goal_id text REFERENCES diagram_items (id),
    UNIQUE (kind, ord)
);
INSERT INTO diagram_items (id, kind, ord, title, title_en, sub_goal_id) VALUES
    ('nara-vard.sg1', 'sub_goal', 1, 'Arbeta fram en gemensam plan för primärvård',
     'Develop a joint plan for primary care', NULL),
    ('nara-vard.sg2', 'sub_goal', 2, 'Rikta insatser till de med störst vårdbehov',
     'Target interventions at those with the greatest care needs', NULL),
    ('nara-vard.sg3', 'sub_goal', 3, 'Förflyttning av resurser och kompetens så att fler patienter kan vårdas på rätt vårdnivå med primärvården som nav',
     'Shift resources and competence so that more patients can be cared for at the right level of care, with primary care as the hub', NULL),
    ('nara-vard.sg4', 'sub_goal', 4, 'Fokusera på hälso- och sjukvårdens, vården och omsorgens del av folkhälsoarbetet för att fler ska klara sig på egen hand',
     'Focus on the health-care and social-care share of public-health work so that more people can manage on their own', NULL),
    ('nara-vard.a1', 'activity', 1, 'I planen tydliggöra prioriterade utvecklingsområden',
     'Make the prioritised development areas clear in the plan', 'nara-vard.sg1'),
    ('nara-vard.a2', 'activity', 2, 'Sköra patienter ska prioriteras',
     'Frail patients shall be prioritised', 'nara-vard.sg2'),
    ('nara-vard.a3', 'activity', 3, 'I planen för primärvård identifiera vilka gränser, vilken kompetens och mandat som behöver flyttas för att patienter ska kunna vårdas på rätt vårdnivå',
     'In the primary-care plan, identify which boundaries, competences and mandates need to move so that patients can be cared for at the right level of care', 'nara-vard.sg3'),
    ('nara-vard.a4', 'activity', 4, 'Bevaka arbetet med preventiv och proaktiv vård i alla aktiviteter som planeras och genomförs',
     'Keep watch over preventive and proactive care in all activities that are planned and carried out', 'nara-vard.sg4');


-- The joint primary-care plan (Bilaga 6): one row.
CREATE TABLE plan (
    id              text PRIMARY KEY CHECK (id = 'pcp'),
    title           text NOT NULL,
    title_en        text NOT NULL,
    motto           text NOT NULL,
    motto_en        text NOT NULL,
    parties         text NOT NULL,
    parties_en      text NOT NULL,
    principles_title    text NOT NULL,
    principles_title_en text NOT NULL,
    principles_intro    text NOT NULL,
    principles_intro_en text NOT NULL,
    principles_lead_in    text NOT NULL,
    principles_lead_in_en text NOT NULL,
    principles_carried_by    text NOT NULL,
    principles_carried_by_en text NOT NULL,
    activities_heading    text NOT NULL,
    activities_heading_en text NOT NULL,
    plan_review     text NOT NULL,
    plan_review_en  text NOT NULL
);

INSERT INTO plan VALUES ('pcp',
    'Gemensam plan för primärvård i Östergötland', 'Joint plan for primary care in Östergötland',
    'Primärvården ska vara navet', 'Primary care shall be the hub',
    'Region Östergötland och länets tretton kommuner', 'Region Östergötland and the county''s thirteen municipalities',
    'Enkla principer', 'Simple principles',
    'Som stöd i arbetet har vi följande enkla principer som genomsyrar allt arbete på alla nivåer och stöttar vår samverkanskultur.',
    'To support the work we have the following simple principles, which run through all work at all levels and support our culture of collaboration.',
    'Jag bidrar till effektivt användande av allas resurser genom att:', 'I contribute to the efficient use of everyone''s resources by:',
    'LGVO ska vara bärare av de enkla principerna och verka för att de lyfts och implementeras.',
    'LGVO shall carry the simple principles and work to have them raised and put into practice.',
    'Aktiviteter (konkretiseras i separata genomförandeplaner)',
    'Activities (made concrete in separate implementation plans)',
    'Planen följs upp i samband med beslut om LGVO arbetsplan.',
    'The plan is followed up when the LGVO work plan is decided.');


-- The plan's four prioritised areas, each with the need it answers ("Vi behöver …").
CREATE TABLE plan_areas (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    ord         smallint NOT NULL UNIQUE,
    title       text NOT NULL,
    title_en    text NOT NULL,
    need        text NOT NULL,
    need_en     text NOT NULL,
    description text NOT NULL,
    description_en text NOT NULL
);
INSERT INTO plan_areas VALUES
    ('personcentrering', 1, 'Förhållningssätt Nära vård - personcentrering', 'Nära vård approach – person-centredness',
     'Vi behöver bli sedda, lyssnade på och vara delaktiga i vår egen vård.',
     'We need to be seen, listened to and involved in our own care.',
     'För att bli resurseffektiva behövs ett personcentrerat arbetssätt. Det uppnås genom ändrad kultur och ett förhållningssätt där relation går före organisation.',
     'Using resources well requires a person-centred way of working, achieved through a changed culture and an approach where relationship comes before organisation.'),
    ('akuta-floden', 2, 'Omställning akuta flöden', 'Transforming acute (emergency) patient flows',
     'Vi behöver kortast väg till rätt vård.',
     'We need the shortest path to the right care.',
     'Genom förändrade arbetssätt kan vi minska tiden patienter vistas i det organisatoriska mellanrummet och även påverka belastningen på vården. Omhändertagande på akuten ska bara ske när det är värdeskapande för patienten.',
     'Changed ways of working can cut the time patients spend in the organisational gaps and also affect the load on care. Care at the emergency department shall happen only when it creates value for the patient.'),
    ('narvardsplatser', 3, 'Närvårdsplatser', 'Local-care places (närvårdsplatser)',
     'Vi behöver vård nära i tid, rum och relation.',
     'We need care that is close in time, place and relationship.',
     'Den höga belastningen på korttidsavdelningar och slutenvård kan minskas genom närvårdsplatser. Vården kommer närmare patienten. Sjukhusvård innebär stora samhällskostnader, närvårdsplatser är ett resurseffektivt alternativ som möjliggör vård på rätt vårdnivå.',
     'The heavy load on short-term units and inpatient care can be reduced with local-care places; care comes closer to the patient. Hospital care is costly for society; local-care places are a resource-efficient alternative that allows care at the right level.'),
    ('gemensamma-team', 4, 'Gemensamma team kring patienter med komplexa behov', 'Joint teams around patients with complex needs',
     'Vi behöver en robust, tillgänglig och säker vård.',
     'We need robust, accessible and safe care.',
     'Genom team får patienten tillgång till bredare kompetens, ökad tillgänglighet och samordnad vård. Systemet blir då också enkelt, resurseffektivt och attraktivt att verka i.',
     'Teams give the patient broader competence, better accessibility and coordinated care. The system also becomes simple, resource-efficient and attractive to work in.');


-- The plan's eight activities. area_slug is set only where the activity's wording names the
-- area (the page layout that tied them is lost in the source); link_note says why.
CREATE TABLE plan_activities (
    id          text PRIMARY KEY CHECK (id ~ '^pcp\.a[0-9]+$'),
    ord         smallint NOT NULL UNIQUE,
    title       text NOT NULL,
    title_en    text NOT NULL,
    area_slug   text REFERENCES plan_areas (slug),
    link_note   text
);
INSERT INTO plan_activities VALUES
    ('pcp.a1', 1,
     'De enkla principerna och fokusflyttningarna ska genomsyra allt som görs på alla nivåer i organisationerna. LGVO ska vara bärare av de enkla principerna och verka för att de lyfts och implementeras.',
     'The simple principles and the focus shifts shall run through everything done at all levels of the organisations. LGVO shall carry the simple principles and work to have them raised and put into practice.',
     NULL, 'Cross-cutting; closest in spirit to ''personcentrering'', but not tied to an area in the text.'),
    ('pcp.a2', 2,
     'På systemnivå utarbeta en plan för omhändertagande av patienter med komplexa behov.',
     'At system level, draw up a plan for the care of patients with complex needs.',
     'gemensamma-team', 'Both speak of ''patienter med komplexa behov''.'),
    ('pcp.a3', 3,
     'Arbeta för att tydliggöra kontaktvägar mellan specialistvård och primärvård och skapa en väg in 24/7 för kommunsjuksköterska.',
     'Work to clarify contact routes between specialist care and primary care and create a single way in, 24/7, for municipal nurses.',
     NULL, 'Plausibly ''akuta-floden'', but the text does not say.'),
    ('pcp.a4', 4,
     'Utreda och skapa förutsättningar för subakuta mottagningar och/eller dagvårdsmottagning inom specialistvården.',
     'Investigate and create the conditions for sub-acute clinics and/or day-care clinics within specialist care.',
     NULL, 'Plausibly ''akuta-floden'', but the text does not say.'),
    ('pcp.a5', 5,
     'Utreda förutsättningar för tillskapandet av fler närvårdsplatser.',
     'Investigate the conditions for creating more local-care places.',
     'narvardsplatser', 'Both name ''närvårdsplatser''.'),
    ('pcp.a6', 6,
     'Sköra äldre, personer med funktionsnedsättning och eller psykiatrisk problematik ska prioriteras.',
     'Frail older people and people with disabilities and/or psychiatric problems shall be prioritised.',
     NULL, 'Not tied to an area in the text.'),
    ('pcp.a7', 7,
     'Äldrevårdsmottagningarna ska utvecklas i samverkan.',
     'The clinics for older people (äldrevårdsmottagningar) shall be developed in collaboration.',
     NULL, 'Not tied to an area in the text.'),
    ('pcp.a8', 8,
     'Testa koncept med sjukhusvård hemma för ett urval av de identifierade sköra patienterna. Samverkan mellan specialistklinik, primärvård och kommunal vård och omsorg.',
     'Test a hospital-at-home concept for a selection of the identified frail patients, in collaboration between specialist clinic, primary care and municipal care.',
     NULL, 'Not tied to an area in the text (plausibly ''gemensamma-team'' or ''narvardsplatser'').');


-- The four simple principles ("enkla principer").
CREATE TABLE plan_principles (
    ord         smallint PRIMARY KEY,
    title       text NOT NULL,
    title_en    text NOT NULL
);
INSERT INTO plan_principles VALUES
    (1, 'Ta reda på Vad är viktigt för dig och hur kan jag bidra?', 'Finding out: What matters to you, and how can I contribute?'),
    (2, 'Ha mod att prova nya lösningar', 'Having the courage to try new solutions'),
    (3, 'Jag tar ansvar nu och underlättar för nästa steg', 'I take responsibility now and make the next step easier'),
    (4, 'Jag vill – jag kan, Vi vill – Vi kan', 'I want to – I can; We want to – We can');


-- What a principal reports per tertial for each activity of the plan.
CREATE TABLE plan_statuses (
    status      text PRIMARY KEY CHECK (status ~ '^[a-z_]+$'),
    ord         smallint NOT NULL UNIQUE,
    title       text NOT NULL,
    title_en    text NOT NULL
);
INSERT INTO plan_statuses VALUES
    ('not_started', 1, 'Ej påbörjad', 'Not started'),
    ('planned', 2, 'Planerad', 'Planned'),
    ('ongoing', 3, 'Pågående', 'Ongoing'),
    ('implemented', 4, 'Genomförd', 'Implemented'),
    ('evaluated', 5, 'Utvärderad', 'Evaluated');

-- The agreement whose follow-up the discharge delays serve (Överenskommelser och avtal,
-- bilaga 7; title as printed, "slutet" included).
CREATE TABLE agreements (
    id          text PRIMARY KEY,
    title       text NOT NULL,
    title_en    text NOT NULL,
    validity_text text NOT NULL,
    start_date  date,
    follow_up_text text NOT NULL,
    follow_up_en text NOT NULL,
    responsible_text text NOT NULL
);
INSERT INTO agreements VALUES
    ('ok-utskrivning-sluten-vard',
     'Överenskommelse mellan Region Östergötland och kommunerna i Östergötland om samverkan för trygg, säker och effektiv utskrivning från slutet hälso- och sjukvård',
     'Agreement between Region Östergötland and the municipalities of Östergötland on collaboration for secure, safe and efficient discharge from inpatient health care',
     '2018-01-01 och tills vidare Överenskommelsen kan sägas upp i sin helhet och för samtliga parter efter beslut hos respektive huvudman. Uppsägningstid 1 år från uppsägningsdatum',
     '2018-01-01',
     'Uppföljning initieras av LGVO eller när någon av parterna påkallar detta. Vid uppföljning kontrolleras samverkansrutinens funktion och hur samtliga parter utövar sitt lagstadgade åtagande. Uppföljningarna ska utgöra underlag för eventuell framtida revidering.',
     'Follow-up is initiated by LGVO or when any party asks for it. It checks how the collaboration routine works and how all parties carry out their statutory duties, and is the basis for any revision.',
     'LGVO au');

-- Kinds of bed the municipalities report weekly.
CREATE TABLE place_types (
    place_type  text PRIMARY KEY,
    ord         smallint NOT NULL UNIQUE,
    title       text NOT NULL,
    title_en    text NOT NULL,
    places_measure text NOT NULL,     -- core.measures slug: places available
    occupancy_measure text NOT NULL   -- core.measures slug: average occupied / available
);
INSERT INTO place_types VALUES
    ('short_term', 1, 'Korttidsplatser', 'Short-term places', 'nara-vard.short-term-places', 'nara-vard.short-term-occupancy'),
    ('local_care', 2, 'Närvårdsplatser', 'Local-care places', 'nara-vard.local-care-places', 'nara-vard.local-care-occupancy');

-- The chapters of ICD-10 (Swedish titles as in ICD-10-SE, Socialstyrelsen), the diagnosis
-- groups of the cost-per-patient (KPP) figures.
CREATE TABLE icd10_chapters (
    chapter     text PRIMARY KEY CHECK (chapter ~ '^[IVX]+$'),
    ord         smallint NOT NULL UNIQUE,
    codes       text NOT NULL,
    title       text NOT NULL,
    title_en    text NOT NULL
);
INSERT INTO icd10_chapters VALUES
    ('I', 1, 'A00-B99', 'Vissa infektionssjukdomar och parasitsjukdomar', 'Certain infectious and parasitic diseases'),
    ('II', 2, 'C00-D48', 'Tumörer', 'Neoplasms'),
    ('III', 3, 'D50-D89', 'Sjukdomar i blod och blodbildande organ samt vissa rubbningar i immunsystemet', 'Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism'),
    ('IV', 4, 'E00-E90', 'Endokrina sjukdomar, nutritionsrubbningar och ämnesomsättningssjukdomar', 'Endocrine, nutritional and metabolic diseases'),
    ('V', 5, 'F00-F99', 'Psykiska sjukdomar och syndrom samt beteendestörningar', 'Mental and behavioural disorders'),
    ('VI', 6, 'G00-G99', 'Sjukdomar i nervsystemet', 'Diseases of the nervous system'),
    ('VII', 7, 'H00-H59', 'Sjukdomar i ögat och närliggande organ', 'Diseases of the eye and adnexa'),
    ('VIII', 8, 'H60-H95', 'Sjukdomar i örat och mastoidutskottet', 'Diseases of the ear and mastoid process'),
    ('IX', 9, 'I00-I99', 'Cirkulationsorganens sjukdomar', 'Diseases of the circulatory system'),
    ('X', 10, 'J00-J99', 'Andningsorganens sjukdomar', 'Diseases of the respiratory system'),
    ('XI', 11, 'K00-K93', 'Matsmältningsorganens sjukdomar', 'Diseases of the digestive system'),
    ('XII', 12, 'L00-L99', 'Hudens och underhudens sjukdomar', 'Diseases of the skin and subcutaneous tissue'),
    ('XIII', 13, 'M00-M99', 'Sjukdomar i muskuloskeletala systemet och bindväven', 'Diseases of the musculoskeletal system and connective tissue'),
    ('XIV', 14, 'N00-N99', 'Sjukdomar i urin- och könsorganen', 'Diseases of the genitourinary system'),
    ('XV', 15, 'O00-O99', 'Graviditet, förlossning och barnsängstid', 'Pregnancy, childbirth and the puerperium'),
    ('XVI', 16, 'P00-P96', 'Vissa perinatala tillstånd', 'Certain conditions originating in the perinatal period'),
    ('XVII', 17, 'Q00-Q99', 'Medfödda missbildningar, deformiteter och kromosomavvikelser', 'Congenital malformations, deformations and chromosomal abnormalities'),
    ('XVIII', 18, 'R00-R99', 'Symtom, sjukdomstecken och onormala kliniska fynd och laboratoriefynd som ej klassificeras på annan plats', 'Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified'),
    ('XIX', 19, 'S00-T98', 'Skador, förgiftningar och vissa andra följder av yttre orsaker', 'Injury, poisoning and certain other consequences of external causes'),
    ('XX', 20, 'V01-Y98', 'Yttre orsaker till sjukdom och död', 'External causes of morbidity and mortality'),
    ('XXI', 21, 'Z00-Z99', 'Faktorer av betydelse för hälsotillståndet och för kontakter med hälso- och sjukvården', 'Factors influencing health status and contact with health services'),
    ('XXII', 22, 'U00-U99', 'Koder för särskilda ändamål', 'Codes for special purposes');

-- The age bands the plan prioritises when KPP costs shift "till de med störst vårdbehov"
-- (the measure nara-vard.kpp-priority-cost-share). The plan names frail older people (pcp.a6
-- "Sköra äldre … ska prioriteras"; nara-vard.a2 "Sköra patienter ska prioriteras"); the work
-- plan does not define the groups further, so both older age bands of the core's population
-- data are prioritised. LGVO can change the set with a migration; shares are computed from it
-- at every push and read.
CREATE TABLE kpp_priority_age_bands (
    age_band    text PRIMARY KEY CHECK (age_band IN ('0-17', '18-64', '65-79', '80+')),
    reason      text NOT NULL,
    reason_en   text NOT NULL
);
INSERT INTO kpp_priority_age_bands VALUES
    ('65-79', 'Sköra äldre, personer med funktionsnedsättning och eller psykiatrisk problematik ska prioriteras.', 'Frail older people (pcp.a6) — the younger of the two older age bands.'),
    ('80+', 'Sköra äldre, personer med funktionsnedsättning och eller psykiatrisk problematik ska prioriteras.', 'Frail older people (pcp.a6) — the oldest age band, where most frail patients are.');

-- Occupations followed for competence supply (kompetensförsörjning). Every full-time
-- equivalent counts in one occupation only: "nurse" is registered nurses without a
-- specialist degree, "specialist-nurse" specialist nurses other than district nurses.
CREATE TABLE occupations (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z]+(-[a-z]+)*$'),
    ord         smallint NOT NULL UNIQUE,
    title       text NOT NULL,
    title_en    text NOT NULL
);
INSERT INTO occupations VALUES
    ('nurse', 1, 'Sjuksköterska', 'Registered nurse'),
    ('specialist-nurse', 2, 'Specialistsjuksköterska', 'Specialist nurse'),
    ('district-nurse', 3, 'Distriktssköterska', 'District nurse'),
    ('physiotherapist', 4, 'Fysioterapeut', 'Physiotherapist'),
    ('social-worker', 5, 'Socionom', 'Social worker'),
    ('assistant-nurse', 6, 'Undersköterska', 'Assistant nurse'),
    ('physician', 7, 'Läkare', 'Physician');

-- The four focus shifts ("fokusflyttningar") the plan's follow-up watches (and pcp.a1 names).
CREATE TABLE plan_focus_shifts (
    ord         smallint PRIMARY KEY,
    title       text NOT NULL,
    title_en    text NOT NULL
);
INSERT INTO plan_focus_shifts VALUES
    (1, 'Fokus på person och relation', 'Focus on the person and the relationship'),
    (2, 'Samordning utifrån personens fokus', 'Coordination based on the person''s focus'),
    (3, 'Proaktiv och hälsofrämjande', 'Proactive and health-promoting'),
    (4, 'Aktiv medskapare', 'Active co-creator');

-- Statistics for the planner now: tables this small are never analysed by autovacuum, and
-- default estimates would make the reads look expensive enough to be JIT-compiled.
ANALYZE shared_goal, diagram_items, plan, plan_areas, plan_activities, plan_principles,
    plan_statuses, agreements, place_types, icd10_chapters, kpp_priority_age_bands, occupations,
    plan_focus_shifts;
