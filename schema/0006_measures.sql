-- Measure definitions: what can be reported, by whom, per which period, in which unit.
-- Seeded from the work plan (0007) and defined further by the area plugins through the host.

CREATE TABLE core.measures (
    id          serial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$'),
    area_id     smallint NOT NULL REFERENCES core.areas (id),
    title       text NOT NULL,
    title_en    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('indicator', 'milestone', 'text')),
    unit        text NOT NULL CHECK (unit ~ '^[a-z_0-9]+$'),
    period_type text NOT NULL CHECK (period_type IN ('year', 'half', 'tertial', 'quarter', 'month', 'week')),
    direction   text NOT NULL CHECK (direction IN ('lower_is_better', 'higher_is_better', 'none')),
    ratio       boolean NOT NULL DEFAULT false,
    min         double precision,
    max         double precision,
    sex_split   boolean NOT NULL DEFAULT false,
    age_band    text,
    reported_by text[] NOT NULL CHECK (cardinality(reported_by) >= 1 AND reported_by <@ ARRAY['region', 'municipality']),
    on_behalf   boolean NOT NULL DEFAULT false,
    restricted  boolean NOT NULL DEFAULT false,
    subgoal     text,
    activity    text,
    description text,
    defined_by  text NOT NULL DEFAULT 'core',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'indicator' OR NOT ratio),
    CHECK (min IS NULL OR max IS NULL OR min <= max)
);
CREATE INDEX measures_area ON core.measures (area_id);

CREATE FUNCTION core.notify_measures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lgvo_measures', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER measures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core.measures
    FOR EACH STATEMENT EXECUTE FUNCTION core.notify_measures();
