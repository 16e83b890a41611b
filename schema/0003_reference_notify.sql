-- Every running copy of the service keeps the reference data in memory. Any change to these
-- tables, through the API or by hand, tells them all to reload (channel lgvo_refdata).

CREATE FUNCTION core.notify_refdata() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lgvo_refdata', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER principals_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON core.principals FOR EACH STATEMENT EXECUTE FUNCTION core.notify_refdata();
CREATE TRIGGER areas_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON core.areas FOR EACH STATEMENT EXECUTE FUNCTION core.notify_refdata();
