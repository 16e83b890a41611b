-- digitalisering, migration 2: the gross list (bruttolista) of needs and obstacles. Activity
-- digitalisering.a6 of the work plan 2024-2025: "Alla åldersindelade ansvarsområden
-- identifierar behov och hinder - bruttolista skapas." Runs once, in one transaction, with
-- lgvo.system = 'on' and the search path "digitalisering, core". Function bodies name their
-- schemas: requests run with another path. Never edit an applied migration; add the next one.

-- The principal of the request's caller (set by the core for every request), or NULL.
CREATE FUNCTION actor_principal() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT id FROM core.principals
    WHERE slug = nullif(current_setting('lgvo.actor_principal', true), '')
$$;

-- One item of the list. Any reporter may propose (the row belongs to the principal that
-- raised it, approved by the shared write decision); afterwards the county secretariat
-- (county_admin) curates it. Status: proposed -> prioritised -> in_test -> solved | dropped;
-- merged when it was a duplicate of another item (merged_into), which keeps its origin.
CREATE TABLE needs (
    id          serial PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('need', 'obstacle')),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description text CHECK (length(description) BETWEEN 1 AND 4000),
    status      text NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'prioritised', 'in_test', 'solved', 'dropped', 'merged')),
    areas       text[] NOT NULL CHECK (cardinality(areas) BETWEEN 1 AND 64),
    principals  smallint[] NOT NULL DEFAULT '{}' CHECK (cardinality(principals) <= 14),
    raised_by   smallint NOT NULL REFERENCES core.principals (id),
    merged_into integer REFERENCES needs (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL DEFAULT core.current_actor(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL DEFAULT core.current_actor(),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    CHECK (merged_into <> id)
);
CREATE INDEX needs_status ON needs (status);

ALTER TABLE needs ENABLE ROW LEVEL SECURITY;
ALTER TABLE needs FORCE ROW LEVEL SECURITY;
CREATE POLICY needs_read ON needs FOR SELECT USING (true);
-- Proposing: only for a principal the shared write decision approved (host->can_write).
CREATE POLICY needs_insert ON needs FOR INSERT WITH CHECK (core.may_write(raised_by));
-- Curating: the county secretariat only.
CREATE POLICY needs_update ON needs FOR UPDATE USING (core.may_write_shared())
    WITH CHECK (core.may_write_shared());
CREATE POLICY needs_delete ON needs FOR DELETE USING (core.may_write_shared());

-- Where each item came from: one row per item as first proposed. Merging a duplicate moves
-- its origin to the item it was merged into, so the merged item keeps both.
CREATE TABLE need_origins (
    origin_id    integer PRIMARY KEY REFERENCES needs (id), -- the item as first proposed
    need_id      integer NOT NULL REFERENCES needs (id),    -- the item it belongs to now
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    kind         text NOT NULL,
    title        text NOT NULL,
    raised_at    timestamptz NOT NULL DEFAULT now(),
    raised_by    text NOT NULL DEFAULT core.current_actor()
);
CREATE INDEX need_origins_need ON need_origins (need_id);
SELECT core.protect_principal_rows('need_origins');

-- Every status change, whichever path made it (append-only).
CREATE TABLE need_history (
    id           bigserial PRIMARY KEY,
    need_id      integer NOT NULL REFERENCES needs (id),
    from_status  text,
    to_status    text NOT NULL,
    merged_into  integer,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by   text NOT NULL DEFAULT core.current_actor(),
    by_principal text DEFAULT nullif(current_setting('lgvo.actor_principal', true), ''),
    request_id   text DEFAULT nullif(current_setting('lgvo.request_id', true), '')
);
CREATE INDEX need_history_need ON need_history (need_id, id);
ALTER TABLE need_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE need_history FORCE ROW LEVEL SECURITY;
CREATE POLICY history_read ON need_history FOR SELECT USING (true);
CREATE POLICY history_insert ON need_history FOR INSERT WITH CHECK (true);

-- The status flow, whichever path writes: proposed -> prioritised | dropped | merged;
-- prioritised -> proposed | in_test | dropped | merged; in_test -> prioritised | solved (when
-- its test ends); dropped -> proposed | merged; solved and merged are final.
CREATE FUNCTION need_status_flow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
           (OLD.status = 'proposed' AND NEW.status IN ('prioritised', 'dropped', 'merged'))
        OR (OLD.status = 'prioritised' AND NEW.status IN ('proposed', 'in_test', 'dropped', 'merged'))
        OR (OLD.status = 'in_test' AND NEW.status IN ('prioritised', 'solved'))
        OR (OLD.status = 'dropped' AND NEW.status IN ('proposed', 'merged'))) THEN
        RAISE EXCEPTION 'need %: status % cannot follow %', OLD.id, NEW.status, OLD.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'merged' AND (NEW.*) IS DISTINCT FROM (OLD.*) THEN
        RAISE EXCEPTION 'need % was merged into need % and does not change', OLD.id, OLD.merged_into
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER need_status_flow BEFORE UPDATE ON needs
    FOR EACH ROW EXECUTE FUNCTION need_status_flow();

CREATE FUNCTION need_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO digitalisering.need_origins (origin_id, need_id, principal_id, kind, title)
        VALUES (NEW.id, NEW.id, NEW.raised_by, NEW.kind, NEW.title);
        INSERT INTO digitalisering.need_history (need_id, to_status) VALUES (NEW.id, NEW.status);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO digitalisering.need_history (need_id, from_status, to_status, merged_into)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.merged_into);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER need_recorded AFTER INSERT OR UPDATE ON needs
    FOR EACH ROW EXECUTE FUNCTION need_recorded();
