-- Tables of "Växa upp och mitt i livet". Run with the schema vaxa_upp first on the search_path
-- and lgvo.system = 'on'. Every table that belongs to a principal is protected by
-- core.protect_principal_rows (only principals the shared write decision approved in the
-- request's transaction can be written); the controlled list of placement reasons only by the
-- county secretariat (county_admin). The plugin checks everything first and answers with
-- row-precise errors; the CHECK constraints below back the arithmetic up.

-- True inside migrations and for county_admin: who may edit the county's controlled lists.
CREATE FUNCTION county_writes() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('lgvo.system', true), '') = 'on'
        OR coalesce(current_setting('lgvo.writable', true), '') = '*'
$$;

-- The sum of the (integer) values of a JSON object {key: count}.
CREATE FUNCTION jsonb_count_sum(obj jsonb) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(sum(value::bigint), 0) FROM jsonb_each_text(obj)
$$;

-- Placement reasons (placeringsorsak) for the joint HVB: a controlled list, seeded here and
-- kept by county_admin (PUT /api/v1/vaxa-upp/hvb/reasons/{code}). Codes are never deleted, so
-- that stored figures keep their meaning; a reason that is no longer used is made inactive.
CREATE TABLE placement_reasons (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 48),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    label_en    text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 200),
    active      boolean NOT NULL DEFAULT true,
    sort_order  integer NOT NULL DEFAULT 100 CHECK (sort_order BETWEEN 0 AND 10000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL DEFAULT 'migration'
);
ALTER TABLE placement_reasons ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_reasons FORCE ROW LEVEL SECURITY;
CREATE POLICY reasons_read ON placement_reasons FOR SELECT USING (true);
CREATE POLICY reasons_insert ON placement_reasons FOR INSERT WITH CHECK (county_writes());
CREATE POLICY reasons_update ON placement_reasons FOR UPDATE USING (county_writes()) WITH CHECK (county_writes());
CREATE POLICY reasons_delete ON placement_reasons FOR DELETE USING (county_writes());

-- The reasons of LVU (2 § the home environment; 3 § the young person's own behaviour) and the
-- other grounds social services give for placing 13-17-year-olds at an HVB.
INSERT INTO placement_reasons (code, label, label_en, sort_order) VALUES
    ('home-environment', 'Brister i hemmiljön', 'Shortcomings in the home environment', 10),
    ('substance-use', 'Missbruk av beroendeframkallande medel', 'Substance use', 20),
    ('criminality', 'Brottslig verksamhet', 'Criminal activity', 30),
    ('other-destructive-behaviour', 'Annat socialt nedbrytande beteende', 'Other socially destructive behaviour', 40),
    ('mental-health', 'Psykisk ohälsa', 'Mental ill-health', 50),
    ('family-relations', 'Relationsproblem i familjen', 'Relationship problems in the family', 60),
    ('honour-related', 'Hedersrelaterat våld och förtryck', 'Honour-related violence and oppression', 70),
    ('other', 'Annan orsak', 'Other reason', 90);

-- Occupancy of the joint HVB Fyrbylund (13-17 years) per placing principal and half-year
-- (POST /api/v1/vaxa-upp/hvb/occupancy).
CREATE TABLE hvb_occupancy (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    half         smallint NOT NULL CHECK (half IN (1, 2)),
    started      integer NOT NULL CHECK (started >= 0),
    ended        integer NOT NULL CHECK (ended >= 0),
    ongoing      integer NOT NULL CHECK (ongoing >= 0),
    care_days    integer NOT NULL CHECK (care_days >= 0),
    age_13       integer NOT NULL CHECK (age_13 >= 0),
    age_14       integer NOT NULL CHECK (age_14 >= 0),
    age_15       integer NOT NULL CHECK (age_15 >= 0),
    age_16       integer NOT NULL CHECK (age_16 >= 0),
    age_17       integer NOT NULL CHECK (age_17 >= 0),
    by_reason    jsonb NOT NULL CHECK (jsonb_typeof(by_reason) = 'object'),
    collaborating_parties text[] NOT NULL DEFAULT '{}',
    comment      text CHECK (length(comment) <= 2000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    request_id   text,
    PRIMARY KEY (principal_id, year, half),
    CHECK (age_13 + age_14 + age_15 + age_16 + age_17 = started),
    CHECK (jsonb_count_sum(by_reason) = started),
    CHECK (started <= ended + ongoing),
    CHECK (care_days <= (CASE WHEN half = 1 THEN make_date(year, 7, 1) - make_date(year, 1, 1)
                              ELSE 184 END) * (ongoing + ended))
);
SELECT core.protect_principal_rows('hvb_occupancy');

-- The half-yearly account of how the home works and of any need for change, for the strategic
-- steering group (POST /api/v1/vaxa-upp/hvb/reports): one per half-year, given by a principal.
CREATE TABLE hvb_reports (
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    half         smallint NOT NULL CHECK (half IN (1, 2)),
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    operations   text NOT NULL CHECK (length(operations) BETWEEN 1 AND 8000),
    change_needs text CHECK (length(change_needs) <= 4000),
    steering_group_meeting date,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    request_id   text,
    PRIMARY KEY (year, half)
);
SELECT core.protect_principal_rows('hvb_reports');

-- Health examinations and dental-health assessments of children and young people (0-20)
-- placed outside their own homes, per placing municipality and year.
CREATE TABLE placed_children_checks (
    principal_id    smallint NOT NULL REFERENCES core.principals (id),
    year            integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    placed          integer NOT NULL CHECK (placed >= 0),
    health_examined integer NOT NULL CHECK (health_examined BETWEEN 0 AND placed),
    dental_assessed integer NOT NULL CHECK (dental_assessed BETWEEN 0 AND placed),
    comment         text CHECK (length(comment) <= 2000),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL,
    request_id      text,
    PRIMARY KEY (principal_id, year)
);
SELECT core.protect_principal_rows('placed_children_checks');

-- Youth health (ungdomshälsa): visits per municipality, year, age band and sex (K women,
-- M men), and staffing in full-time equivalents. Young adults 22-25 are kept apart.
CREATE TABLE youth_health (
    principal_id   smallint NOT NULL REFERENCES core.principals (id),
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    visits_13_17_k integer NOT NULL CHECK (visits_13_17_k >= 0),
    visits_13_17_m integer NOT NULL CHECK (visits_13_17_m >= 0),
    visits_18_21_k integer NOT NULL CHECK (visits_18_21_k >= 0),
    visits_18_21_m integer NOT NULL CHECK (visits_18_21_m >= 0),
    visits_22_25_k integer NOT NULL CHECK (visits_22_25_k >= 0),
    visits_22_25_m integer NOT NULL CHECK (visits_22_25_m >= 0),
    staffing_fte   numeric(7, 2) NOT NULL CHECK (staffing_fte BETWEEN 0 AND 1000),
    comment        text CHECK (length(comment) <= 2000),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text NOT NULL,
    request_id     text,
    PRIMARY KEY (principal_id, year)
);
SELECT core.protect_principal_rows('youth_health');

-- Coordinated individual plans (SIP) initiated per municipality and tertial, by initiator and
-- by age band; each breakdown adds up to the plans initiated.
CREATE TABLE sip (
    principal_id        smallint NOT NULL REFERENCES core.principals (id),
    year                integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    tertial             smallint NOT NULL CHECK (tertial BETWEEN 1 AND 3),
    initiated           integer NOT NULL CHECK (initiated >= 0),
    by_social_services  integer NOT NULL CHECK (by_social_services >= 0),
    by_health_care      integer NOT NULL CHECK (by_health_care >= 0),
    by_school           integer NOT NULL CHECK (by_school >= 0),
    by_person_or_relatives integer NOT NULL CHECK (by_person_or_relatives >= 0),
    age_0_17            integer NOT NULL CHECK (age_0_17 >= 0),
    age_18_plus         integer NOT NULL CHECK (age_18_plus >= 0),
    comment             text CHECK (length(comment) <= 2000),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL,
    request_id          text,
    PRIMARY KEY (principal_id, year, tertial),
    CHECK (by_social_services + by_health_care + by_school + by_person_or_relatives = initiated),
    CHECK (age_0_17 + age_18_plus = initiated)
);
SELECT core.protect_principal_rows('sip');

-- Reports of concern about children (orosanmälningar) per municipality and quarter.
CREATE TABLE concern_reports (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    quarter      smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    reports      integer NOT NULL CHECK (reports >= 0),
    comment      text CHECK (length(comment) <= 2000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    request_id   text,
    PRIMARY KEY (principal_id, year, quarter)
);
SELECT core.protect_principal_rows('concern_reports');

-- State grants under the national agreement on mental health and suicide prevention, per
-- principal and year, in whole kronor: what was granted, what was carried over from the year
-- before, what was used, the focus areas, and a short account.
CREATE TABLE state_grants (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    granted      bigint NOT NULL CHECK (granted >= 0),
    used         bigint NOT NULL CHECK (used >= 0),
    carried_over bigint NOT NULL CHECK (carried_over >= 0),
    focus_areas  text[] NOT NULL DEFAULT '{}'
                 CHECK (focus_areas <@ ARRAY['co-morbidity', 'suicide-prevention', 'user-involvement']),
    account      text NOT NULL CHECK (length(account) BETWEEN 1 AND 2000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    request_id   text,
    PRIMARY KEY (principal_id, year),
    CHECK (used <= granted + carried_over)
);
SELECT core.protect_principal_rows('state_grants');
