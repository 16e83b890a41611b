-- digitalisering, migration 4: tests of joint solutions. Activity digitalisering.a5:
-- "Utifrån kartläggning av behov och nuläge, ska LGVO testa gemensamma lösningar." A
-- prioritised need starts a test, linked to a chain of PDSA cycles in the work plan
-- (core.pdsa_cycles, read only here), with the principals taking part; the need's status
-- follows the test. Runs with lgvo.system = 'on' and the search path "digitalisering, core".

CREATE TABLE tests (
    id            serial PRIMARY KEY,
    need_id       integer NOT NULL REFERENCES needs (id),
    -- The first cycle of the PDSA chain (a chain follows predecessors; it does not fork).
    pdsa_cycle_id bigint NOT NULL REFERENCES core.pdsa_cycles (id),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    principals    smallint[] NOT NULL CHECK (cardinality(principals) BETWEEN 1 AND 14),
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ended')),
    outcome       text CHECK (outcome IN ('solved', 'not_solved')),
    started_on    date NOT NULL,
    ended_on      date,
    note          text CHECK (length(note) BETWEEN 1 AND 4000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL DEFAULT core.current_actor(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL DEFAULT core.current_actor(),
    CHECK ((status = 'ended') = (outcome IS NOT NULL)),
    CHECK ((status = 'ended') = (ended_on IS NOT NULL)),
    CHECK (ended_on >= started_on)
);
CREATE UNIQUE INDEX tests_one_running ON tests (need_id) WHERE status = 'running';
CREATE INDEX tests_pdsa ON tests (pdsa_cycle_id);
-- Tests are joint decisions: the county secretariat writes them.
SELECT core.protect_shared_rows('tests');

-- The need follows its test: in_test while it runs, then solved, or prioritised again (to be
-- tested another way or dropped) when the test did not solve it. An ended test is final.
CREATE FUNCTION test_moves_need() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'ended' THEN
        RAISE EXCEPTION 'test % has ended and does not change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE digitalisering.needs SET status = 'in_test', updated_at = now(),
               updated_by = core.current_actor()
        WHERE id = NEW.need_id;
    ELSIF NEW.status = 'ended' THEN
        UPDATE digitalisering.needs
        SET status = CASE NEW.outcome WHEN 'solved' THEN 'solved' ELSE 'prioritised' END,
            updated_at = now(), updated_by = core.current_actor()
        WHERE id = NEW.need_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER test_moves_need AFTER INSERT OR UPDATE ON tests
    FOR EACH ROW EXECUTE FUNCTION test_moves_need();

-- The chain a cycle belongs to, first to last.
CREATE FUNCTION pdsa_chain(cycle bigint) RETURNS TABLE (id bigint, n integer) LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT c.id, c.predecessor_id, 0 AS d FROM core.pdsa_cycles c WHERE c.id = cycle
        UNION ALL
        SELECT c.id, c.predecessor_id, up.d + 1 FROM core.pdsa_cycles c JOIN up ON c.id = up.predecessor_id
        WHERE up.d < 1000),
    down AS (
        SELECT u.id, 1 AS n FROM up u WHERE u.predecessor_id IS NULL
        UNION ALL
        SELECT c.id, down.n + 1 FROM core.pdsa_cycles c JOIN down ON c.predecessor_id = down.id
        WHERE down.n < 1000)
    SELECT id, n FROM down
$$;

-- One test as the API shows it, with its PDSA chain as the work plan has it now.
CREATE FUNCTION test_json(test integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'title', t.title,
        'need', (SELECT json_build_object('id', n.id, 'kind', n.kind, 'title', n.title, 'status', n.status)
                 FROM digitalisering.needs n WHERE n.id = t.need_id),
        'status', t.status, 'outcome', t.outcome,
        'principals', (SELECT coalesce(json_agg(p.slug ORDER BY p.sort_order), '[]')
                       FROM core.principals p WHERE p.id = ANY (t.principals)),
        'started_on', to_char(t.started_on, 'YYYY-MM-DD'), 'ended_on', to_char(t.ended_on, 'YYYY-MM-DD'),
        'note', t.note,
        'pdsa', (SELECT json_build_object(
            'first_cycle', t.pdsa_cycle_id,
            'activity', (SELECT json_build_object('id', a.id, 'key', a.key, 'title', a.title,
                             'area', (SELECT slug FROM core.areas WHERE id = a.area_id))
                         FROM core.pdsa_cycles c JOIN core.workplan_activities a ON a.id = c.activity_id
                         WHERE c.id = t.pdsa_cycle_id),
            'cycles', json_agg(json_build_object('id', c.id, 'title', c.title, 'phase', c.phase,
                'status', CASE WHEN c.phase = 'act' THEN 'closed' ELSE 'open' END,
                'decision', c.act_decision,
                'principals', (SELECT coalesce(json_agg(p.slug ORDER BY p.sort_order), '[]')
                               FROM core.pdsa_participants pp JOIN core.principals p ON p.id = pp.principal_id
                               WHERE pp.cycle_id = c.id),
                'updated_at', c.updated_at) ORDER BY ch.n))
            FROM digitalisering.pdsa_chain(t.pdsa_cycle_id) ch JOIN core.pdsa_cycles c ON c.id = ch.id),
        'created_at', t.created_at, 'updated_at', t.updated_at)
    FROM digitalisering.tests t WHERE t.id = test
$$;

-- One item of the gross list as the API shows it: its origins, what was merged into it, the
-- rounds that ranked it, its tests and its status history.
CREATE FUNCTION need_json(need integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', n.id, 'kind', n.kind, 'title', n.title, 'description', n.description,
        'status', n.status, 'areas', to_json(n.areas),
        'principals', (SELECT coalesce(json_agg(p.slug ORDER BY p.sort_order), '[]')
                       FROM core.principals p WHERE p.id = ANY (n.principals)),
        'raised_by', (SELECT slug FROM core.principals WHERE id = n.raised_by),
        'origins', (SELECT coalesce(json_agg(json_build_object('need', o.origin_id,
                        'principal', p.slug, 'kind', o.kind, 'title', o.title, 'raised_at', o.raised_at)
                        ORDER BY o.raised_at, o.origin_id), '[]')
                    FROM digitalisering.need_origins o JOIN core.principals p ON p.id = o.principal_id
                    WHERE o.need_id = n.id),
        'merged_into', n.merged_into,
        'merged', (SELECT coalesce(json_agg(m.id ORDER BY m.id), '[]')
                   FROM digitalisering.needs m WHERE m.merged_into = n.id),
        'rounds', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'title', r.title,
                       'status', CASE WHEN r.closes_at <= now() THEN 'closed' ELSE 'open' END) ORDER BY r.id), '[]')
                   FROM digitalisering.round_needs rn JOIN digitalisering.rounds r ON r.id = rn.round_id
                   WHERE rn.need_id = n.id),
        'tests', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'title', t.title,
                      'status', t.status, 'outcome', t.outcome) ORDER BY t.id), '[]')
                  FROM digitalisering.tests t WHERE t.need_id = n.id),
        'history', (SELECT coalesce(json_agg(json_build_object('from', h.from_status, 'to', h.to_status,
                        'merged_into', h.merged_into, 'at', h.changed_at, 'by', h.changed_by, 'principal', h.by_principal)
                        ORDER BY h.id), '[]')
                    FROM digitalisering.need_history h WHERE h.need_id = n.id),
        'created_at', n.created_at, 'updated_at', n.updated_at)
    FROM digitalisering.needs n WHERE n.id = need
$$;
