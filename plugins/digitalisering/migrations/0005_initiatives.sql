-- digitalisering, migration 5: the baseline mapping ("Baslinjemätning inkl. kartläggning av
-- vad som redan pågår", digitalisering.m1): each principal's digital initiatives, by area and
-- welfare-technology category. The yearly count of ongoing initiatives
-- (digitalisering.initiatives-ongoing) is derived from it. Runs with lgvo.system = 'on' and the
-- search path "digitalisering, core".

-- The categories of welfare technology as the SVO plan names them (Gemensam plan för SVO,
-- E-hälsa/digitalisering): "Exempel på välfärdsteknik är digitala trygghetslarm,
-- videokommunikation, hemmonitorering, mobila arbetssätt och olika e-tjänster."
CREATE TABLE categories (
    slug     text PRIMARY KEY,
    name     text NOT NULL,
    name_en  text NOT NULL,
    position smallint NOT NULL UNIQUE
);
INSERT INTO categories (slug, name, name_en, position) VALUES
    ('digital-safety-alarms', 'Digitala trygghetslarm', 'Digital safety alarms', 1),
    ('video-communication', 'Videokommunikation', 'Video communication', 2),
    ('home-monitoring', 'Hemmonitorering', 'Remote monitoring at home', 3),
    ('mobile-working', 'Mobila arbetssätt', 'Mobile ways of working', 4),
    ('e-services', 'E-tjänster', 'E-services', 5);
SELECT core.protect_shared_rows('categories');

CREATE TABLE initiatives (
    id           serial PRIMARY KEY,
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    area_id      smallint NOT NULL REFERENCES core.areas (id),
    category     text NOT NULL REFERENCES categories (slug),
    status       text NOT NULL CHECK (status IN ('planned', 'ongoing', 'ended')),
    started_on   date CHECK (started_on >= DATE '2000-01-01'),
    ended_on     date,
    description  text CHECK (length(description) BETWEEN 1 AND 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL DEFAULT core.current_actor(),
    CHECK (status = 'planned' OR started_on IS NOT NULL),
    CHECK ((status = 'ended') = (ended_on IS NOT NULL)),
    CHECK (ended_on >= started_on)
);
-- A principal names each initiative once; the name (case-insensitive) is its key in a push.
CREATE UNIQUE INDEX initiatives_name ON initiatives (principal_id, lower(name));
SELECT core.protect_principal_rows('initiatives');

-- The counts of ongoing initiatives per year of the given principals, as the mapping is with
-- `proposed` applied (rows {principal_id, name, status, started_on, ended_on} replacing the
-- stored rows of the same principal and name) and the initiative `removed` left out. An
-- initiative is ongoing at the end of a year (for the current year: today) when it is not
-- planned, started on or before that day and did not end on or before it. The years run from
-- the earliest start (before or after the change, so that a removed start gets its count
-- lowered) to the current year. Only the years whose count differs from the stored value of
-- digitalisering.initiatives-ongoing (or that have none) are returned.
CREATE FUNCTION derived_counts(principals smallint[], proposed jsonb, removed integer)
RETURNS TABLE (principal_id smallint, year integer, ongoing bigint) LANGUAGE sql STABLE AS $$
    WITH new AS (
        SELECT x.principal_id, x.name, x.status, x.started_on, x.ended_on
        FROM jsonb_to_recordset(coalesce(proposed, '[]'))
             AS x(principal_id smallint, name text, status text, started_on date, ended_on date)),
    state AS (
        SELECT i.principal_id, i.status, i.started_on, i.ended_on
        FROM digitalisering.initiatives i
        WHERE i.principal_id = ANY (principals) AND i.id IS DISTINCT FROM removed
          AND NOT EXISTS (SELECT 1 FROM new n WHERE n.principal_id = i.principal_id
                          AND lower(n.name) = lower(i.name))
        UNION ALL
        SELECT n.principal_id, n.status, n.started_on, n.ended_on FROM new n),
    first_year AS (
        SELECT p AS principal_id, greatest(2000, least(
            (SELECT min(extract(year FROM s.started_on))::int FROM state s WHERE s.principal_id = p),
            (SELECT min(extract(year FROM i.started_on))::int FROM digitalisering.initiatives i
             WHERE i.principal_id = p))) AS y
        FROM unnest(principals) AS p),
    years AS (
        SELECT f.principal_id, g.year, least(make_date(g.year, 12, 31), current_date) AS as_of
        FROM first_year f, generate_series(f.y, extract(year FROM current_date)::int) AS g(year)
        WHERE f.y IS NOT NULL),
    counts AS (
        SELECT y.principal_id, y.year,
               (SELECT count(*) FROM state s WHERE s.principal_id = y.principal_id
                AND s.status <> 'planned' AND s.started_on <= y.as_of
                AND (s.ended_on IS NULL OR s.ended_on > y.as_of)) AS ongoing
        FROM years y)
    SELECT c.principal_id, c.year, c.ongoing FROM counts c
    WHERE NOT EXISTS (
        SELECT 1 FROM core.values v JOIN core.measures m ON m.id = v.measure_id
        WHERE m.slug = 'digitalisering.initiatives-ongoing' AND v.principal_id = c.principal_id
          AND v.period = c.year::text AND v.sex = 'T' AND v.value = c.ongoing)
    ORDER BY 1, 2
$$;

CREATE FUNCTION initiative_json(i digitalisering.initiatives) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'principal', (SELECT slug FROM core.principals WHERE id = i.principal_id),
        'name', i.name, 'area', (SELECT slug FROM core.areas WHERE id = i.area_id),
        'category', i.category, 'status', i.status,
        'started_on', to_char(i.started_on, 'YYYY-MM-DD'), 'ended_on', to_char(i.ended_on, 'YYYY-MM-DD'),
        'description', i.description, 'updated_at', i.updated_at)
$$;
