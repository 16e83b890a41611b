-- nara-vard, migration 3: what the principals report. Every table's rows belong to a
-- principal and are guarded by row-level security (core.protect_principal_rows): a request
-- writes only rows of principals the shared write decision (host->can_write) approved.
-- Derived figures are generated columns, so that they are computed once, exactly (numeric),
-- and the same way for every reader.

-- Beds per municipality, ISO week and kind: places available, average occupied, people
-- waiting. Occupied above available only when flagged overcrowded and explained.
CREATE TABLE beds (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    week        text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
    week_start  date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    place_type  text NOT NULL REFERENCES place_types (place_type),
    available   integer NOT NULL CHECK (available >= 0),
    occupied    numeric NOT NULL CHECK (occupied >= 0),
    waiting     integer NOT NULL CHECK (waiting >= 0),
    overcrowded boolean NOT NULL DEFAULT false,
    comment     text CHECK (length(comment) BETWEEN 1 AND 2000),
    occupancy   numeric GENERATED ALWAYS AS
                (CASE WHEN available > 0 THEN trim_scale(round(occupied / available, 6)) END) STORED,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (principal_id, week_start, place_type),
    CHECK (occupied <= available OR (overcrowded AND comment IS NOT NULL))
);
CREATE INDEX beds_week ON beds (week_start);
SELECT core.protect_principal_rows('beds');

-- Discharge delays per municipality of residence and month, pushed by the region under the
-- agreement on safe and effective discharge (agreements.ok-utskrivning-sluten-vard).
CREATE TABLE discharge_delays (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    month       text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    month_start date NOT NULL CHECK (extract(day FROM month_start) = 1),
    patients_ready integer NOT NULL CHECK (patients_ready >= 0),
    days_beyond integer NOT NULL CHECK (days_beyond >= 0),
    mean_days   numeric GENERATED ALWAYS AS
                (CASE WHEN patients_ready > 0 THEN trim_scale(round(days_beyond::numeric / patients_ready, 6)) END) STORED,
    reported_mean numeric CHECK (reported_mean >= 0),  -- the mean as sent, when sent
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (principal_id, month_start),
    CHECK (patients_ready > 0 OR days_beyond = 0)
);
CREATE INDEX discharge_delays_month ON discharge_delays (month_start);
SELECT core.protect_principal_rows('discharge_delays');

-- The municipality's own comment on its discharge-delay row (kept apart, so that the
-- region's next push does not overwrite it).
CREATE TABLE discharge_comments (
    principal_id smallint NOT NULL,
    month_start date NOT NULL,
    comment     text NOT NULL CHECK (length(comment) BETWEEN 1 AND 2000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (principal_id, month_start),
    FOREIGN KEY (principal_id, month_start) REFERENCES discharge_delays (principal_id, month_start)
        ON DELETE CASCADE  -- a month the region's ?mode=replace removes takes its comment along
);
SELECT core.protect_principal_rows('discharge_comments');

-- Fall injuries per municipality, quarter, age band and sex (K, M and their sum T), with the
-- population the rate was derived from (core.population of the quarter's year; NULL when it
-- was missing at the push).
CREATE TABLE fall_injuries (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    quarter     text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    quarter_start date NOT NULL,
    age_band    text NOT NULL CHECK (age_band IN ('65-79', '80+')),
    sex         char(1) NOT NULL CHECK (sex IN ('T', 'K', 'M')),
    injuries    integer NOT NULL CHECK (injuries >= 0),
    population  integer CHECK (population >= 0),
    rate_per_1000 numeric GENERATED ALWAYS AS
                (CASE WHEN population > 0 THEN trim_scale(round(injuries * 1000::numeric / population, 6)) END) STORED,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (principal_id, quarter_start, age_band, sex)
);
CREATE INDEX fall_injuries_quarter ON fall_injuries (quarter_start);
SELECT core.protect_principal_rows('fall_injuries');

-- Cost per patient (KPP) per year, ICD-10 chapter and age band, pushed by the region (a push
-- replaces a whole year: the cost shares need all of it).
CREATE TABLE kpp_groups (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    chapter     text NOT NULL REFERENCES icd10_chapters (chapter),
    age_band    text NOT NULL CHECK (age_band IN ('0-17', '18-64', '65-79', '80+')),
    patients    integer NOT NULL CHECK (patients >= 0),
    total_cost  bigint NOT NULL CHECK (total_cost >= 0),
    cost_per_patient numeric GENERATED ALWAYS AS
                (CASE WHEN patients > 0 THEN round(total_cost::numeric / patients, 2) END) STORED,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (principal_id, year, chapter, age_band),
    CHECK (patients > 0 OR total_cost = 0)
);
SELECT core.protect_principal_rows('kpp_groups');

-- The primary-care plan's status per principal, tertial and activity.
CREATE TABLE plan_status (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    tertial     text NOT NULL CHECK (tertial ~ '^[0-9]{4}T[1-3]$'),
    tertial_start date NOT NULL,
    activity_id text NOT NULL REFERENCES plan_activities (id),
    status      text NOT NULL REFERENCES plan_statuses (status),
    comment     text CHECK (length(comment) BETWEEN 1 AND 2000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (tertial_start, principal_id, activity_id)
);
SELECT core.protect_principal_rows('plan_status');

-- Staffing per principal, year and occupation, in full-time equivalents: employed, vacant,
-- and the estimated recruitment need over the next five years.
CREATE TABLE staffing (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    occupation  text NOT NULL REFERENCES occupations (slug),
    fte_employed numeric NOT NULL CHECK (fte_employed >= 0),
    vacancies   numeric NOT NULL CHECK (vacancies >= 0),
    recruitment_need_5y numeric NOT NULL CHECK (recruitment_need_5y >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (year, principal_id, occupation)
);
SELECT core.protect_principal_rows('staffing');

-- Per region and year: the KPP totals and the share of cost spent on the prioritised age
-- bands, in percent with 6 decimals (as the core derives a percent ratio: numerator * 100 /
-- denominator), and its shift from the year before in percentage points.
CREATE VIEW kpp_years AS
SELECT g.principal_id, g.year, sum(g.patients) AS patients, sum(g.total_cost) AS total_cost,
       coalesce(sum(g.total_cost) FILTER (WHERE b.age_band IS NOT NULL), 0) AS priority_cost,
       CASE WHEN sum(g.total_cost) > 0
            THEN trim_scale(round(coalesce(sum(g.total_cost) FILTER (WHERE b.age_band IS NOT NULL), 0)
                                  * 100::numeric / sum(g.total_cost), 6)) END AS priority_cost_share
FROM kpp_groups g LEFT JOIN kpp_priority_age_bands b ON b.age_band = g.age_band
GROUP BY g.principal_id, g.year;

CREATE VIEW kpp_shift AS
SELECT c.principal_id, c.year, c.patients, c.total_cost, c.priority_cost, c.priority_cost_share,
       p.priority_cost_share AS previous_share,
       c.priority_cost_share - p.priority_cost_share AS shift_pp
FROM kpp_years c LEFT JOIN kpp_years p ON p.principal_id = c.principal_id AND p.year = c.year - 1;
