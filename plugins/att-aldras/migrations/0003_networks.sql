-- att-aldras, migration 3: the county networks of activity a4 ("Skapa struktur och ge uppdrag
-- till länsövergripande nätverk med syfte att verka för god och jämlik vård utifrån nationell
-- kunskapsstyrning inom områdena palliativ vård för vuxna, kognitiv svikt och sköra äldre."):
-- their assignment, the principals taking part and their representatives by role, meeting
-- dates, and the knowledge-guidance recommendations they issue with each principal's
-- follow-up ("uppföljning av genomslag"). Runs with lgvo.system = 'on' and the search_path
-- "att_aldras, core". Function bodies name their schemas: requests run with another path.

-- County-level rows (the networks, who takes part, meetings, recommendations): only the county
-- secretariat (county_admin, for whom the core sets lgvo.writable to '*') and migrations.
CREATE FUNCTION county_may_write() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(core.may_write(NULL), false)
$$;

-- A principal's own rows in the networks (its representatives, its follow-up answers) are
-- managed by its org_admin. An org_admin is not a reporter, so the shared write decision
-- (host->can_write) approves nothing for it; the principal of the request's caller
-- (lgvo.actor_principal, set by the core for every request) may therefore write its own rows
-- too. The handlers check the role; this keeps every principal out of the others' rows.
CREATE FUNCTION may_manage(principal integer) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(core.may_write(principal), false)
        OR principal = (SELECT id FROM core.principals
                        WHERE slug = nullif(current_setting('lgvo.actor_principal', true), ''))
$$;

CREATE FUNCTION protect_rows(tbl regclass, check_expr text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE POLICY rows_read ON %s FOR SELECT USING (true)', tbl);
    EXECUTE format('CREATE POLICY rows_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, check_expr);
    EXECUTE format('CREATE POLICY rows_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', tbl, check_expr, check_expr);
    EXECUTE format('CREATE POLICY rows_delete ON %s FOR DELETE USING (%s)', tbl, check_expr);
END
$$;

CREATE TABLE networks (
    id          serial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    title_en    text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    assignment  text NOT NULL CHECK (length(assignment) BETWEEN 1 AND 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL
);
SELECT protect_rows('networks', 'att_aldras.county_may_write()');

CREATE TABLE network_participants (
    network_id   integer NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    PRIMARY KEY (network_id, principal_id)
);
SELECT protect_rows('network_participants', 'att_aldras.county_may_write()');

CREATE TABLE network_meetings (
    network_id integer NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    meeting_on date NOT NULL,
    PRIMARY KEY (network_id, meeting_on)
);
SELECT protect_rows('network_meetings', 'att_aldras.county_may_write()');

-- Representatives by role; a name is optional and personal identity numbers are refused by
-- the handlers. Leaving the network removes the principal's representatives.
CREATE TABLE network_representatives (
    network_id   integer NOT NULL,
    principal_id smallint NOT NULL,
    position     smallint NOT NULL CHECK (position >= 0),
    role         text NOT NULL CHECK (length(role) BETWEEN 1 AND 100),
    name         text CHECK (length(name) BETWEEN 1 AND 200),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    PRIMARY KEY (network_id, principal_id, position),
    FOREIGN KEY (network_id, principal_id) REFERENCES network_participants ON DELETE CASCADE
);
SELECT protect_rows('network_representatives', 'att_aldras.may_manage(principal_id)');

CREATE TABLE recommendations (
    id          serial PRIMARY KEY,
    network_id  integer NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description text CHECK (length(description) <= 4000),
    issued_on   date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL
);
CREATE INDEX recommendations_network ON recommendations (network_id);
SELECT protect_rows('recommendations', 'att_aldras.county_may_write()');

-- Each principal's answer: implemented | partly | not_yet, as of a date.
CREATE TABLE recommendation_follow_up (
    recommendation_id integer NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    principal_id      smallint NOT NULL REFERENCES core.principals (id),
    status            text NOT NULL CHECK (status IN ('implemented', 'partly', 'not_yet')),
    assessed_on       date NOT NULL,
    comment           text CHECK (length(comment) <= 2000),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text NOT NULL,
    PRIMARY KEY (recommendation_id, principal_id)
);
SELECT protect_rows('recommendation_follow_up', 'att_aldras.may_manage(principal_id)');

-- One network as the API shows it.
CREATE FUNCTION network_json(network integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'slug', n.slug, 'title', n.title, 'title_en', n.title_en, 'assignment', n.assignment,
        'participants', coalesce((
            SELECT json_agg(json_build_object('principal', p.slug, 'name', p.name, 'kind', p.kind,
                'representatives', coalesce((
                    SELECT json_agg(json_build_object('role', r.role, 'name', r.name) ORDER BY r.position)
                    FROM att_aldras.network_representatives r
                    WHERE r.network_id = n.id AND r.principal_id = p.id), '[]'))
                ORDER BY p.sort_order)
            FROM att_aldras.network_participants np JOIN core.principals p ON p.id = np.principal_id
            WHERE np.network_id = n.id), '[]'),
        'meetings', coalesce((
            SELECT json_agg(to_char(m.meeting_on, 'YYYY-MM-DD') ORDER BY m.meeting_on)
            FROM att_aldras.network_meetings m WHERE m.network_id = n.id), '[]'),
        'recommendations', coalesce((
            SELECT json_agg(json_build_object('id', rc.id, 'title', rc.title,
                'description', rc.description, 'issued_on', to_char(rc.issued_on, 'YYYY-MM-DD'),
                'follow_up', coalesce((
                    SELECT json_agg(json_build_object('principal', p.slug, 'status', f.status,
                        'date', to_char(f.assessed_on, 'YYYY-MM-DD'), 'comment', f.comment,
                        'updated_at', f.updated_at) ORDER BY p.sort_order)
                    FROM att_aldras.recommendation_follow_up f
                    JOIN core.principals p ON p.id = f.principal_id
                    WHERE f.recommendation_id = rc.id), '[]'),
                'uptake', (
                    SELECT json_build_object(
                        'implemented', count(*) FILTER (WHERE f.status = 'implemented'),
                        'partly', count(*) FILTER (WHERE f.status = 'partly'),
                        'not_yet', count(*) FILTER (WHERE f.status = 'not_yet'),
                        'unanswered', count(*) FILTER (WHERE f.status IS NULL))
                    FROM att_aldras.network_participants np
                    LEFT JOIN att_aldras.recommendation_follow_up f
                        ON f.recommendation_id = rc.id AND f.principal_id = np.principal_id
                    WHERE np.network_id = n.id))
                ORDER BY rc.issued_on, rc.id)
            FROM att_aldras.recommendations rc WHERE rc.network_id = n.id), '[]'),
        'updated_at', n.updated_at)
    FROM att_aldras.networks n WHERE n.id = network
$$;

-- The three networks of the work plan; every principal takes part. The assignment restates
-- activity a4 for the network's own area; the county secretariat may rewrite it.
INSERT INTO networks (slug, title, title_en, assignment, updated_by) VALUES
    ('palliativ-vard', 'Palliativ vård för vuxna', 'Palliative care for adults',
     'Länsövergripande nätverk med syfte att verka för god och jämlik vård utifrån nationell kunskapsstyrning inom området palliativ vård för vuxna.',
     'migration'),
    ('kognitiv-svikt', 'Kognitiv svikt', 'Cognitive impairment',
     'Länsövergripande nätverk med syfte att verka för god och jämlik vård utifrån nationell kunskapsstyrning inom området kognitiv svikt.',
     'migration'),
    ('skora-aldre', 'Sköra äldre', 'Frail older people',
     'Länsövergripande nätverk med syfte att verka för god och jämlik vård utifrån nationell kunskapsstyrning inom området sköra äldre.',
     'migration');

INSERT INTO network_participants (network_id, principal_id)
SELECT n.id, p.id FROM networks n CROSS JOIN core.principals p;
