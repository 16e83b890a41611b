-- att-aldras, migration 2: the reports the shared values are derived from. Runs once, in one
-- transaction, with lgvo.system = 'on' and the search_path "att_aldras, core".
-- Never edit an applied migration; add the next one instead.

-- The region's monthly hospital statistics for people aged 80+, by municipality of residence
-- and sex (POST /api/v1/att-aldras/hospital-reports). The shares derived from them live in
-- core.values (att-aldras.readmissions-48h, readmissions-30d, ed-visits-not-admitted).
CREATE TABLE hospital_reports (
    principal_id     smallint NOT NULL REFERENCES core.principals (id),
    month            date NOT NULL CHECK (extract(day FROM month) = 1 AND month >= DATE '2000-01-01'),
    sex              char(1) NOT NULL CHECK (sex IN ('T', 'K', 'M')),
    discharges       integer NOT NULL CHECK (discharges >= 0),
    readmissions_48h integer NOT NULL CHECK (readmissions_48h >= 0),
    readmissions_30d integer NOT NULL CHECK (readmissions_30d >= 0),
    ed_visits        integer NOT NULL CHECK (ed_visits >= 0),
    ed_admitted      integer NOT NULL CHECK (ed_admitted >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NOT NULL,
    request_id       text,
    PRIMARY KEY (principal_id, month, sex),
    CHECK (readmissions_48h <= readmissions_30d AND readmissions_30d <= discharges),
    CHECK (ed_admitted <= ed_visits)
);
CREATE INDEX hospital_reports_month ON hospital_reports (month);
-- Rows belong to the municipality of residence: only principals the shared write decision
-- approved in the request (host->can_write; for these on_behalf data: the region) are written.
SELECT core.protect_principal_rows('hospital_reports');

-- Yearly care contacts per care level, people 80+ and everyone, by municipality of residence,
-- with the population figures used for the rates (POST /api/v1/att-aldras/care-levels).
CREATE TABLE care_contacts (
    principal_id   smallint NOT NULL REFERENCES core.principals (id),
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    care_level     text NOT NULL CHECK (care_level IN ('primary', 'specialist', 'municipal')),
    contacts_80    bigint NOT NULL CHECK (contacts_80 >= 0),
    contacts_all   bigint NOT NULL CHECK (contacts_all >= contacts_80),
    population_80  integer NOT NULL CHECK (population_80 > 0),
    population_all integer NOT NULL CHECK (population_all > 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text NOT NULL,
    request_id     text,
    PRIMARY KEY (principal_id, year, care_level)
);
SELECT core.protect_principal_rows('care_contacts');
