-- The work plan's driver diagrams (issue "The work plan itself"): per work-plan period, the
-- shared goal, and per area of responsibility its sub-goals ("Vad?"), activities ("Hur?",
-- tested in PDSA cycles, see 0011) and its "Mått och mätning" items, with the links between
-- them. A measure item links to the machine-usable measure definitions (core.measures) that
-- quantify it, by slug text, so that a link may name a measure a plugin defines later.
--
-- Items are never deleted: they are retired (retired_at) and stay readable, with every change
-- recorded in core.workplan_history by triggers. Only a county_admin edits the diagrams; the
-- shared-row policy below backs that up in the database.

-- Writes to rows that belong to no principal (the work plan, the agreements): only migrations
-- and a county_admin's transaction (lgvo.writable = '*', see 0005_row_security.sql).
CREATE FUNCTION core.may_write_shared() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('lgvo.system', true), '') = 'on'
        OR coalesce(current_setting('lgvo.writable', true), '') = '*'
$$;

CREATE FUNCTION core.protect_shared_rows(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY shared_read ON %s FOR SELECT USING (true)', tbl);
    EXECUTE format('CREATE POLICY shared_insert ON %s FOR INSERT WITH CHECK (core.may_write_shared())', tbl);
    EXECUTE format('CREATE POLICY shared_update ON %s FOR UPDATE USING (core.may_write_shared()) WITH CHECK (core.may_write_shared())', tbl);
    EXECUTE format('CREATE POLICY shared_delete ON %s FOR DELETE USING (core.may_write_shared())', tbl);
END
$$;

-- Who made a change, for history rows: the request's actor, or the migration.
CREATE FUNCTION core.current_actor() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('lgvo.actor', true), ''), 'migration')
$$;

-- The work plan is versioned by period (2024-2025 now); a new period may start as a copy of
-- the previous one.
CREATE TABLE core.workplan_periods (
    id          serial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[0-9]{4}-[0-9]{4}$'),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_en    text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    reference   text,                  -- the document's case number, e.g. RÖ 2024/4256
    copied_from integer REFERENCES core.workplan_periods (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL DEFAULT core.current_actor(),
    CHECK (ends_on >= starts_on)
);

-- The goal every diagram points to ("Mål", "Fyren"): the county-wide Nära vård goal for 2030.
CREATE TABLE core.workplan_goals (
    id            serial PRIMARY KEY,
    period_id     integer NOT NULL REFERENCES core.workplan_periods (id),
    key           text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    title         text NOT NULL,
    title_en      text NOT NULL,
    paragraphs    text[] NOT NULL,
    paragraphs_en text[] NOT NULL,
    target_year   smallint,
    adopted_by    text,
    adopted_by_en text,
    context       text,
    context_en    text,
    UNIQUE (period_id, key)
);

-- One driver diagram per area and period: its title, column headings and notes. A diagram
-- may print the goal in slightly different words (goal_paragraphs; NULL = the goal's own).
CREATE TABLE core.workplan_diagrams (
    period_id          integer NOT NULL REFERENCES core.workplan_periods (id),
    area_id            smallint NOT NULL REFERENCES core.areas (id),
    goal_id            integer NOT NULL REFERENCES core.workplan_goals (id),
    title              text NOT NULL,
    title_en           text NOT NULL,
    appendix           smallint,
    goal_paragraphs    text[],
    goal_variant_note  text,
    headings           jsonb NOT NULL DEFAULT '{}',  -- {"sub_goals","activities","measures"}
    header_points      text[] NOT NULL DEFAULT '{}',
    measures_label     text,
    link_notes         text[] NOT NULL DEFAULT '{}', -- how the links were decided (English)
    PRIMARY KEY (period_id, area_id)
);

-- Keys are stable across periods: a copied item keeps its key (e.g. att-aldras.a2).
CREATE TABLE core.workplan_subgoals (
    id            bigserial PRIMARY KEY,
    period_id     integer NOT NULL REFERENCES core.workplan_periods (id),
    area_id       smallint NOT NULL REFERENCES core.areas (id),
    key           text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*\.sg[0-9]+$'),
    position      smallint NOT NULL CHECK (position BETWEEN 1 AND 999),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 2000),
    title_en      text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 2000),
    parts         jsonb NOT NULL DEFAULT '[]',   -- [{key, title, title_en}], e.g. a) and b)
    retired_at    timestamptz,
    retired_by    text,
    retire_reason text,
    copied_from   bigint REFERENCES core.workplan_subgoals (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL DEFAULT core.current_actor(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL DEFAULT core.current_actor(),
    UNIQUE (period_id, key),
    UNIQUE (id, period_id, area_id)
);

CREATE TABLE core.workplan_activities (
    id              bigserial PRIMARY KEY,
    period_id       integer NOT NULL REFERENCES core.workplan_periods (id),
    area_id         smallint NOT NULL REFERENCES core.areas (id),
    key             text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*\.a[0-9]+$'),
    position        smallint NOT NULL CHECK (position BETWEEN 1 AND 999),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 2000),
    title_en        text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 2000),
    -- The sub-goal, when the source makes the link clear (link_basis order_and_wording or
    -- wording) or the LGVO decided it through the API (decided); NULL = listed at area level.
    subgoal_id      bigint,
    link_basis      text CHECK (link_basis IN ('order_and_wording', 'wording', 'decided')),
    link_note       text,
    -- The deadline as written ("Info och beslut vt 2025") and, where it can be derived, the
    -- window it means (vt 2025 = 2025-01-01..2025-06-30; window_proposed: derived, not printed).
    deadline_text   text CHECK (length(deadline_text) <= 200),
    deadline_kind   text CHECK (deadline_kind IN ('info_and_decision', 'start', 'decision', 'done')),
    deadline_term   text,
    deadline_year   smallint,
    window_from     date,
    window_to       date,
    window_proposed boolean NOT NULL DEFAULT false,
    deadline_note   text,
    related_agreements text[] NOT NULL DEFAULT '{}', -- agreement keys (0013)
    responsible_refs   text[] NOT NULL DEFAULT '{}', -- bodies, e.g. styrgrupp-hvb
    details         jsonb NOT NULL DEFAULT '{}',     -- e.g. network_topics, routine_title
    notes           text[] NOT NULL DEFAULT '{}',    -- the extraction's notes (English)
    retired_at      timestamptz,
    retired_by      text,
    retire_reason   text,
    copied_from     bigint REFERENCES core.workplan_activities (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT core.current_actor(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT core.current_actor(),
    UNIQUE (period_id, key),
    UNIQUE (id, period_id, area_id),
    FOREIGN KEY (subgoal_id, period_id, area_id) REFERENCES core.workplan_subgoals (id, period_id, area_id),
    CHECK ((subgoal_id IS NULL) = (link_basis IS NULL)),
    CHECK ((window_from IS NULL) = (window_to IS NULL)),
    CHECK (window_to >= window_from)
);
CREATE INDEX workplan_activities_subgoal ON core.workplan_activities (subgoal_id);

-- The "Mått och mätning" items as written in the diagrams.
CREATE TABLE core.workplan_measure_items (
    id                  bigserial PRIMARY KEY,
    period_id           integer NOT NULL REFERENCES core.workplan_periods (id),
    area_id             smallint NOT NULL REFERENCES core.areas (id),
    key                 text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*\.m[0-9]+$'),
    position            smallint NOT NULL CHECK (position BETWEEN 1 AND 999),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 2000),
    title_en            text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 2000),
    link_basis          text CHECK (link_basis IN ('order_and_wording', 'wording', 'decided')),
    link_note           text,
    classification_note text,
    -- The extraction's suggestion for making the item machine-usable (not in the documents).
    proposed_definition jsonb,
    notes               text[] NOT NULL DEFAULT '{}',
    retired_at          timestamptz,
    retired_by          text,
    retire_reason       text,
    copied_from         bigint REFERENCES core.workplan_measure_items (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text NOT NULL DEFAULT core.current_actor(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL DEFAULT core.current_actor(),
    UNIQUE (period_id, key),
    UNIQUE (id, period_id, area_id)
);

-- Links of a measure item to activities, to sub-goals and to measure definitions. Removing a
-- link retires it (retired_at), so the history stays.
CREATE TABLE core.workplan_item_activities (
    id              bigserial PRIMARY KEY,
    measure_item_id bigint NOT NULL,
    activity_id     bigint NOT NULL,
    period_id       integer NOT NULL,
    area_id         smallint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT core.current_actor(),
    retired_at      timestamptz,
    retired_by      text,
    FOREIGN KEY (measure_item_id, period_id, area_id) REFERENCES core.workplan_measure_items (id, period_id, area_id),
    FOREIGN KEY (activity_id, period_id, area_id) REFERENCES core.workplan_activities (id, period_id, area_id)
);
CREATE UNIQUE INDEX workplan_item_activities_live ON core.workplan_item_activities (measure_item_id, activity_id)
    WHERE retired_at IS NULL;
CREATE INDEX workplan_item_activities_activity ON core.workplan_item_activities (activity_id);

CREATE TABLE core.workplan_item_subgoals (
    id              bigserial PRIMARY KEY,
    measure_item_id bigint NOT NULL,
    subgoal_id      bigint NOT NULL,
    period_id       integer NOT NULL,
    area_id         smallint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT core.current_actor(),
    retired_at      timestamptz,
    retired_by      text,
    FOREIGN KEY (measure_item_id, period_id, area_id) REFERENCES core.workplan_measure_items (id, period_id, area_id),
    FOREIGN KEY (subgoal_id, period_id, area_id) REFERENCES core.workplan_subgoals (id, period_id, area_id)
);
CREATE UNIQUE INDEX workplan_item_subgoals_live ON core.workplan_item_subgoals (measure_item_id, subgoal_id)
    WHERE retired_at IS NULL;
CREATE INDEX workplan_item_subgoals_subgoal ON core.workplan_item_subgoals (subgoal_id);

-- By slug text, resolved with a LEFT JOIN on core.measures: a link may name a measure that a
-- plugin defines later.
CREATE TABLE core.workplan_item_measures (
    id              bigserial PRIMARY KEY,
    measure_item_id bigint NOT NULL REFERENCES core.workplan_measure_items (id),
    measure_slug    text NOT NULL CHECK (measure_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$'),
    position        smallint NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT core.current_actor(),
    retired_at      timestamptz,
    retired_by      text
);
CREATE UNIQUE INDEX workplan_item_measures_live ON core.workplan_item_measures (measure_item_id, measure_slug)
    WHERE retired_at IS NULL;
CREATE INDEX workplan_item_measures_slug ON core.workplan_item_measures (measure_slug);

-- Every change to a sub-goal, activity or measure item (and to a measure item's links),
-- whichever path made it: old and new values of the columns that changed.
CREATE TABLE core.workplan_history (
    id            bigserial PRIMARY KEY,
    item_type     text NOT NULL CHECK (item_type IN ('subgoal', 'activity', 'measure_item')),
    item_id       bigint NOT NULL,
    operation     text NOT NULL CHECK (operation IN ('create', 'update', 'retire', 'restore', 'link', 'unlink')),
    old           jsonb,
    new           jsonb,
    changed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by    text NOT NULL DEFAULT core.current_actor(),
    changed_by_principal text DEFAULT nullif(current_setting('lgvo.actor_principal', true), ''),
    request_id    text DEFAULT nullif(current_setting('lgvo.request_id', true), '')
);
CREATE INDEX workplan_history_item ON core.workplan_history (item_type, item_id, id);

CREATE FUNCTION core.workplan_item_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item_type text := CASE TG_TABLE_NAME WHEN 'workplan_subgoals' THEN 'subgoal'
                                         WHEN 'workplan_activities' THEN 'activity'
                                         ELSE 'measure_item' END;
    o jsonb;
    n jsonb;
    op text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core.workplan_history (item_type, item_id, operation, new)
        VALUES (item_type, NEW.id, 'create',
                to_jsonb(NEW) - ARRAY['created_at', 'created_by', 'updated_at', 'updated_by']);
        RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(k.key, to_jsonb(OLD) -> k.key), jsonb_object_agg(k.key, k.value)
      INTO o, n
      FROM jsonb_each(to_jsonb(NEW)) k
     WHERE k.key NOT IN ('updated_at', 'updated_by')
       AND k.value IS DISTINCT FROM to_jsonb(OLD) -> k.key;
    IF n IS NULL THEN
        RETURN NULL;
    END IF;
    op := CASE WHEN OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL THEN 'retire'
               WHEN OLD.retired_at IS NOT NULL AND NEW.retired_at IS NULL THEN 'restore'
               ELSE 'update' END;
    INSERT INTO core.workplan_history (item_type, item_id, operation, old, new)
    VALUES (item_type, NEW.id, op, o, n);
    RETURN NULL;
END
$$;

CREATE TRIGGER subgoals_history AFTER INSERT OR UPDATE ON core.workplan_subgoals
    FOR EACH ROW EXECUTE FUNCTION core.workplan_item_history();
CREATE TRIGGER activities_history AFTER INSERT OR UPDATE ON core.workplan_activities
    FOR EACH ROW EXECUTE FUNCTION core.workplan_item_history();
CREATE TRIGGER measure_items_history AFTER INSERT OR UPDATE ON core.workplan_measure_items
    FOR EACH ROW EXECUTE FUNCTION core.workplan_item_history();

-- Link changes are part of the measure item's history.
CREATE FUNCTION core.workplan_link_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target jsonb := CASE TG_TABLE_NAME
        WHEN 'workplan_item_activities' THEN jsonb_build_object('activity',
            (SELECT key FROM core.workplan_activities WHERE id = (to_jsonb(NEW) ->> 'activity_id')::bigint),
            'activity_id', (to_jsonb(NEW) ->> 'activity_id')::bigint)
        WHEN 'workplan_item_subgoals' THEN jsonb_build_object('sub_goal',
            (SELECT key FROM core.workplan_subgoals WHERE id = (to_jsonb(NEW) ->> 'subgoal_id')::bigint),
            'sub_goal_id', (to_jsonb(NEW) ->> 'subgoal_id')::bigint)
        ELSE jsonb_build_object('measure', to_jsonb(NEW) ->> 'measure_slug') END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core.workplan_history (item_type, item_id, operation, new)
        VALUES ('measure_item', NEW.measure_item_id, 'link', target);
    ELSIF OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL THEN
        INSERT INTO core.workplan_history (item_type, item_id, operation, old)
        VALUES ('measure_item', NEW.measure_item_id, 'unlink', target);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER item_activities_history AFTER INSERT OR UPDATE ON core.workplan_item_activities
    FOR EACH ROW EXECUTE FUNCTION core.workplan_link_history();
CREATE TRIGGER item_subgoals_history AFTER INSERT OR UPDATE ON core.workplan_item_subgoals
    FOR EACH ROW EXECUTE FUNCTION core.workplan_link_history();
CREATE TRIGGER item_measures_history AFTER INSERT OR UPDATE ON core.workplan_item_measures
    FOR EACH ROW EXECUTE FUNCTION core.workplan_link_history();

SELECT core.protect_shared_rows('core.workplan_periods');
SELECT core.protect_shared_rows('core.workplan_goals');
SELECT core.protect_shared_rows('core.workplan_diagrams');
SELECT core.protect_shared_rows('core.workplan_subgoals');
SELECT core.protect_shared_rows('core.workplan_activities');
SELECT core.protect_shared_rows('core.workplan_measure_items');
SELECT core.protect_shared_rows('core.workplan_item_activities');
SELECT core.protect_shared_rows('core.workplan_item_subgoals');
SELECT core.protect_shared_rows('core.workplan_item_measures');
