-- Row-level security for per-principal data, core tables and plugin tables alike.
--
-- Each request's transaction sets lgvo.writable: '*' for a county_admin, otherwise the ids of
-- the principals whose rows the caller was allowed to write (its own, for a reporter, plus any
-- principal the shared write decision approved in this transaction, e.g. the region writing
-- hospital data on behalf of a municipality). Migrations set lgvo.system = 'on'.
-- A handler that forgets to check whose rows it writes is stopped here.
--
-- Note: PostgreSQL superusers bypass row-level security; the service warns at start-up when
-- it connects as one.

CREATE FUNCTION core.may_write(principal integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN coalesce(current_setting('lgvo.system', true), '') = 'on' THEN true
        WHEN coalesce(current_setting('lgvo.writable', true), '') = '*' THEN true
        WHEN coalesce(current_setting('lgvo.writable', true), '') = '' THEN false
        ELSE principal = ANY (string_to_array(current_setting('lgvo.writable', true), ',')::integer[])
    END
$$;

-- Protects a table whose rows belong to a principal (column `col`): everyone may read, only
-- approved principals' rows may be inserted, updated or deleted.
CREATE FUNCTION core.protect_principal_rows(tbl regclass, col name DEFAULT 'principal_id')
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY principal_read ON %s FOR SELECT USING (true)', tbl);
    EXECUTE format('CREATE POLICY principal_insert ON %s FOR INSERT WITH CHECK (core.may_write(%I))', tbl, col);
    EXECUTE format('CREATE POLICY principal_update ON %s FOR UPDATE USING (core.may_write(%I)) WITH CHECK (core.may_write(%I))', tbl, col, col);
    EXECUTE format('CREATE POLICY principal_delete ON %s FOR DELETE USING (core.may_write(%I))', tbl, col);
END
$$;
