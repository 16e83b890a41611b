-- Measure values pushed by the principals' systems, their history, period locks,
-- idempotent pushes and the data version used for ETags.

CREATE TABLE core.values (
    measure_id   integer NOT NULL REFERENCES core.measures (id),
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    period       text NOT NULL,
    period_start date NOT NULL,
    period_end   date NOT NULL,
    sex          char(1) NOT NULL DEFAULT 'T' CHECK (sex IN ('T', 'K', 'M')),
    value        numeric,
    numerator    numeric,
    denominator  numeric,
    achieved     boolean,
    achieved_on  date,
    text         text CHECK (length(text) <= 4000),
    comment      text CHECK (length(comment) <= 2000),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    updated_by_principal text,
    request_id   text,
    PRIMARY KEY (measure_id, principal_id, period_start, sex)
);
CREATE INDEX values_principal ON core.values (principal_id, measure_id, period_start);
CREATE INDEX values_updated ON core.values (updated_at);
SELECT core.protect_principal_rows('core.values');

-- Every create, update and delete of a value, written by statement-level triggers so that
-- every write path (the push endpoint, plugins writing through the host) is recorded.
CREATE TABLE core.value_history (
    id           bigserial PRIMARY KEY,
    measure_id   integer NOT NULL,
    principal_id smallint NOT NULL,
    period       text NOT NULL,
    sex          char(1) NOT NULL,
    operation    text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    old          jsonb,
    new          jsonb,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    changed_by   text NOT NULL,
    changed_by_principal text,
    request_id   text
);
CREATE INDEX value_history_key ON core.value_history (measure_id, principal_id, period, id);

CREATE FUNCTION core.value_json(v core.values) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_strip_nulls(jsonb_build_object('value', v.value, 'numerator', v.numerator,
        'denominator', v.denominator, 'achieved', v.achieved, 'achieved_on', v.achieved_on,
        'text', v.text, 'comment', v.comment))
$$;

CREATE FUNCTION core.values_history_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.value_history (measure_id, principal_id, period, sex, operation, new,
                                    changed_by, changed_by_principal, request_id)
    SELECT n.measure_id, n.principal_id, n.period, n.sex, 'create', core.value_json(n),
           n.updated_by, n.updated_by_principal, n.request_id
    FROM new_rows n;
    RETURN NULL;
END
$$;

CREATE FUNCTION core.values_history_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.value_history (measure_id, principal_id, period, sex, operation, old, new,
                                    changed_by, changed_by_principal, request_id)
    SELECT n.measure_id, n.principal_id, n.period, n.sex, 'update', core.value_json(o),
           core.value_json(n), n.updated_by, n.updated_by_principal, n.request_id
    FROM new_rows n JOIN old_rows o USING (measure_id, principal_id, period_start, sex);
    RETURN NULL;
END
$$;

CREATE FUNCTION core.values_history_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.value_history (measure_id, principal_id, period, sex, operation, old,
                                    changed_by, changed_by_principal, request_id)
    SELECT o.measure_id, o.principal_id, o.period, o.sex, 'delete', core.value_json(o),
           coalesce(nullif(current_setting('lgvo.actor', true), ''), 'unknown'),
           nullif(current_setting('lgvo.actor_principal', true), ''),
           nullif(current_setting('lgvo.request_id', true), '')
    FROM old_rows o;
    RETURN NULL;
END
$$;

CREATE TRIGGER values_history_insert AFTER INSERT ON core.values
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core.values_history_insert();
CREATE TRIGGER values_history_update AFTER UPDATE ON core.values
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.values_history_update();
CREATE TRIGGER values_history_delete AFTER DELETE ON core.values
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION core.values_history_delete();

-- Locked measure × period slices (set by county_admin at the county's follow-up dates).
-- measure_id NULL locks every measure; a lock covers periods that end on or before up_to.
CREATE TABLE core.period_locks (
    id          bigserial PRIMARY KEY,
    measure_id  integer REFERENCES core.measures (id),
    period      text,            -- one period, or NULL with up_to
    up_to       date,            -- every period ending on or before this date
    locked_by   text NOT NULL,
    locked_at   timestamptz NOT NULL DEFAULT now(),
    reason      text,
    CHECK ((period IS NULL) <> (up_to IS NULL))
);
CREATE UNIQUE INDEX period_locks_one ON core.period_locks (coalesce(measure_id, 0), coalesce(period, ''), coalesce(up_to, '0001-01-01'));

-- Idempotent pushes: a retried request with the same key and body gets the first answer.
CREATE TABLE core.idempotency_keys (
    subject      text NOT NULL,
    key          text NOT NULL,
    request_sha256 text NOT NULL,
    status       integer NOT NULL,
    response     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, key)
);

-- Bumped by every write of values; every copy of the service hears the new number through
-- NOTIFY lgvo_values and uses it in ETags, so unchanged reads are answered with 304.
CREATE SEQUENCE core.values_version;

-- Population reference data (for rates per 1,000 inhabitants), typically from Statistics
-- Sweden; the region's rows are the county totals.
CREATE TABLE core.population (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year         integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    sex          char(1) NOT NULL CHECK (sex IN ('T', 'K', 'M')),
    age_band     text NOT NULL CHECK (age_band IN ('0-17', '18-64', '65-79', '80+', 'all')),
    population   integer NOT NULL CHECK (population >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    PRIMARY KEY (principal_id, year, sex, age_band)
);
