-- Generated once by scripts/gen-workplan-seed.py from the structured extraction of the LGVO
-- work plan 2024-2025 (RÖ 2024/4256). Swedish text verbatim, English beside it.
-- A migration runs once; every statement also skips rows that exist, so running the file
-- again changes nothing and never overwrites edits made through the API.

INSERT INTO core.primary_care_plans (period_id, title, title_en, motto, motto_en, parties, parties_en,
    introduction, introduction_en, expected_results, expected_results_en, dependencies,
    dependencies_en, principles_title, principles_title_en, principles_intro, principles_intro_en,
    principles_lead_in, principles_lead_in_en, principles_carrier, principles_carrier_en,
    activities_heading, activities_heading_en, related_keys, activities_link_note)
VALUES ((SELECT id FROM core.workplan_periods WHERE slug = '2024-2025'), 'Gemensam plan för primärvård i Östergötland', 'Joint plan for primary care in Östergötland', 'Primärvården ska vara navet', 'Primary care shall be the hub',
    'Region Östergötland och länets tretton kommuner', 'Region Östergötland and the county''s thirteen municipalities',
    ARRAY['Primärvården, som utförs av såväl kommuner, region som privata utförare, ska vara basen och navet i vården. För att kunna vara det måste primärvården samspela med den specialiserade vården, kommunernas socialtjänst samt andra involverade aktörer.', 'I den här planen har Region Östergötland och länets tretton kommuner kommit överens om prioriterade områden som ska leda till ökad resurseffektivitet, god arbetsmiljö och säkerställd kvalitet. I planen är också viktiga förutsättningar belysta som samverkan och uppföljning.', 'Arbetet med prioriterade områden måste utgå från lokala behov och lokal kontext. De har också beroenden till andra länsgemensamma initiativ exempelvis samverkansmodellen för barn och unga samt SVOP (samordnad vård och omsorgsplanering) och sammanhållen journalföring som ger viktiga förutsättningar.']::text[],
    ARRAY['Primary care, provided by municipalities, the region and private providers alike, shall be the base and the hub of care. To be that, primary care must work together with specialised care, the municipalities'' social services and other actors involved.', 'In this plan Region Östergötland and the county''s thirteen municipalities have agreed on prioritised areas that are to lead to better use of resources, a good working environment and assured quality. The plan also sheds light on important preconditions such as collaboration and follow-up.', 'Work on the prioritised areas must start from local needs and local context. It also depends on other county-wide initiatives, e.g. the collaboration model for children and young people, SVOP (coordinated care and social-care planning) and shared medical records, which provide important preconditions.']::text[],
    ARRAY['ökad resurseffektivitet', 'god arbetsmiljö', 'säkerställd kvalitet']::text[], ARRAY['better use of resources (resource efficiency)', 'a good working environment', 'assured quality']::text[],
    ARRAY['samverkansmodellen för barn och unga', 'SVOP (samordnad vård och omsorgsplanering)', 'sammanhållen journalföring']::text[],
    ARRAY['the collaboration model for children and young people', 'SVOP (coordinated health and social care planning)', 'shared (integrated) medical records']::text[],
    'Enkla principer', 'Simple principles', 'Som stöd i arbetet har vi följande enkla principer som genomsyrar allt arbete på alla nivåer och stöttar vår samverkanskultur.',
    'To support the work we have the following simple principles, which run through all work at all levels and support our culture of collaboration.',
    'Jag bidrar till effektivt användande av allas resurser genom att:', 'I contribute to the efficient use of everyone''s resources by:',
    'LGVO ska vara bärare av de enkla principerna och verka för att de lyfts och implementeras.',
    'LGVO shall carry the simple principles and work to have them raised and put into practice.',
    'Aktiviteter (konkretiseras i separata genomförandeplaner)', 'Activities (made concrete in separate implementation plans)', ARRAY['nara-vard.sg1', 'nara-vard.a1', 'nara-vard.a3']::text[],
    'In the extracted text the four prioritised areas come first and the eight activities follow as one list; the page layout (probably a table) that tied activities to areas is lost. Links are set only where an activity repeats an area''s key words.')
ON CONFLICT (period_id) DO NOTHING;

-- Enkla principer.
INSERT INTO core.primary_care_principles (period_id, position, title, title_en)
SELECT (SELECT id FROM core.workplan_periods WHERE slug = '2024-2025'), v.position, v.title, v.title_en
FROM (VALUES
    (1, 'Ta reda på Vad är viktigt för dig och hur kan jag bidra?', 'Finding out: What matters to you, and how can I contribute?'),
    (2, 'Ha mod att prova nya lösningar', 'Having the courage to try new solutions'),
    (3, 'Jag tar ansvar nu och underlättar för nästa steg', 'I take responsibility now and make the next step easier'),
    (4, 'Jag vill – jag kan, Vi vill – Vi kan', 'I want to – I can; We want to – We can')
) AS v(position, title, title_en)
ON CONFLICT (period_id, position) DO NOTHING;

-- The four prioritised areas.
INSERT INTO core.primary_care_areas (period_id, slug, position, title, title_en, need, need_en,
    description, description_en)
SELECT (SELECT id FROM core.workplan_periods WHERE slug = '2024-2025'), v.slug, v.position, v.title, v.title_en, v.need, v.need_en, v.description, v.description_en
FROM (VALUES
    ('personcentrering', 1, 'Förhållningssätt Nära vård - personcentrering', 'Nära vård approach – person-centredness', 'Vi behöver bli sedda, lyssnade på och vara delaktiga i vår egen vård.', 'We need to be seen, listened to and involved in our own care.', 'För att bli resurseffektiva behövs ett personcentrerat arbetssätt. Det uppnås genom ändrad kultur och ett förhållningssätt där relation går före organisation.', 'Using resources well requires a person-centred way of working, achieved through a changed culture and an approach where relationship comes before organisation.'),
    ('akuta-floden', 2, 'Omställning akuta flöden', 'Transforming acute (emergency) patient flows', 'Vi behöver kortast väg till rätt vård.', 'We need the shortest path to the right care.', 'Genom förändrade arbetssätt kan vi minska tiden patienter vistas i det organisatoriska mellanrummet och även påverka belastningen på vården. Omhändertagande på akuten ska bara ske när det är värdeskapande för patienten.', 'Changed ways of working can cut the time patients spend in the organisational gaps and also affect the load on care. Care at the emergency department shall happen only when it creates value for the patient.'),
    ('narvardsplatser', 3, 'Närvårdsplatser', 'Local-care places (närvårdsplatser)', 'Vi behöver vård nära i tid, rum och relation.', 'We need care that is close in time, place and relationship.', 'Den höga belastningen på korttidsavdelningar och slutenvård kan minskas genom närvårdsplatser. Vården kommer närmare patienten. Sjukhusvård innebär stora samhällskostnader, närvårdsplatser är ett resurseffektivt alternativ som möjliggör vård på rätt vårdnivå.', 'The heavy load on short-term units and inpatient care can be reduced with local-care places; care comes closer to the patient. Hospital care is costly for society; local-care places are a resource-efficient alternative that allows care at the right level.'),
    ('gemensamma-team', 4, 'Gemensamma team kring patienter med komplexa behov', 'Joint teams around patients with complex needs', 'Vi behöver en robust, tillgänglig och säker vård.', 'We need robust, accessible and safe care.', 'Genom team får patienten tillgång till bredare kompetens, ökad tillgänglighet och samordnad vård. Systemet blir då också enkelt, resurseffektivt och attraktivt att verka i.', 'Teams give the patient broader competence, better accessibility and coordinated care. The system also becomes simple, resource-efficient and attractive to work in.')
) AS v(slug, position, title, title_en, need, need_en, description, description_en)
ON CONFLICT (period_id, slug) DO NOTHING;

-- Activities; tied to a prioritised area only where the wording names it.
INSERT INTO core.primary_care_activities (period_id, key, position, title, title_en, area_slug,
    link_basis, link_note)
SELECT (SELECT id FROM core.workplan_periods WHERE slug = '2024-2025'), v.key, v.position, v.title, v.title_en, v.area_slug, v.link_basis, v.link_note
FROM (VALUES
    ('pcp.a1', 1, 'De enkla principerna och fokusflyttningarna ska genomsyra allt som görs på alla nivåer i organisationerna. LGVO ska vara bärare av de enkla principerna och verka för att de lyfts och implementeras.', 'The simple principles and the focus shifts shall run through everything done at all levels of the organisations. LGVO shall carry the simple principles and work to have them raised and put into practice.', NULL, NULL, 'Cross-cutting; closest in spirit to ''personcentrering'', but not tied to an area in the text.'),
    ('pcp.a2', 2, 'På systemnivå utarbeta en plan för omhändertagande av patienter med komplexa behov.', 'At system level, draw up a plan for the care of patients with complex needs.', 'gemensamma-team', 'wording', 'Both speak of ''patienter med komplexa behov''.'),
    ('pcp.a3', 3, 'Arbeta för att tydliggöra kontaktvägar mellan specialistvård och primärvård och skapa en väg in 24/7 för kommunsjuksköterska.', 'Work to clarify contact routes between specialist care and primary care and create a single way in, 24/7, for municipal nurses.', NULL, NULL, 'Plausibly ''akuta-floden'', but the text does not say.'),
    ('pcp.a4', 4, 'Utreda och skapa förutsättningar för subakuta mottagningar och/eller dagvårdsmottagning inom specialistvården.', 'Investigate and create the conditions for sub-acute clinics and/or day-care clinics within specialist care.', NULL, NULL, 'Plausibly ''akuta-floden'', but the text does not say.'),
    ('pcp.a5', 5, 'Utreda förutsättningar för tillskapandet av fler närvårdsplatser.', 'Investigate the conditions for creating more local-care places.', 'narvardsplatser', 'wording', 'Both name ''närvårdsplatser''.'),
    ('pcp.a6', 6, 'Sköra äldre, personer med funktionsnedsättning och eller psykiatrisk problematik ska prioriteras.', 'Frail older people and people with disabilities and/or psychiatric problems shall be prioritised.', NULL, NULL, 'Not tied to an area in the text.'),
    ('pcp.a7', 7, 'Äldrevårdsmottagningarna ska utvecklas i samverkan.', 'The clinics for older people (äldrevårdsmottagningar) shall be developed in collaboration.', NULL, NULL, 'Not tied to an area in the text.'),
    ('pcp.a8', 8, 'Testa koncept med sjukhusvård hemma för ett urval av de identifierade sköra patienterna. Samverkan mellan specialistklinik, primärvård och kommunal vård och omsorg.', 'Test a hospital-at-home concept for a selection of the identified frail patients, in collaboration between specialist clinic, primary care and municipal care.', NULL, NULL, 'Not tied to an area in the text (plausibly ''gemensamma-team'' or ''narvardsplatser'').')
) AS v(key, position, title, title_en, area_slug, link_basis, link_note)
ON CONFLICT (period_id, key) DO NOTHING;
