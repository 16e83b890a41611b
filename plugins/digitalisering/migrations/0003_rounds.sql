-- digitalisering, migration 3: prioritisation rounds. Activity digitalisering.a7: "LGVO gör
-- gemensamt prioritering i bruttolistan som grund för test av gemensamma lösningar." The
-- county secretariat opens a round over a set of needs with a closing date; each of the 14
-- principals submits one ranking ballot, which it may replace until the round closes; after
-- closing the joint order (Borda count), every ballot and who did not vote are published.
-- Runs with lgvo.system = 'on' and the search path "digitalisering, core".

CREATE TABLE rounds (
    id           serial PRIMARY KEY,
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text CHECK (length(description) BETWEEN 1 AND 4000),
    opened_at    timestamptz NOT NULL DEFAULT now(),
    -- Ballots are taken through closes_on (Swedish time): closes_at is the end of that day,
    -- or the moment the secretariat closed the round early.
    closes_on    date NOT NULL,
    closes_at    timestamptz NOT NULL,
    closed_early boolean NOT NULL DEFAULT false,
    created_by   text NOT NULL DEFAULT core.current_actor(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL DEFAULT core.current_actor(),
    CHECK (closes_at > opened_at OR closed_early)
);
SELECT core.protect_shared_rows('rounds');

-- The needs a round ranks, in the order they were listed.
CREATE TABLE round_needs (
    round_id integer NOT NULL REFERENCES rounds (id),
    need_id  integer NOT NULL REFERENCES needs (id),
    position smallint NOT NULL CHECK (position >= 1),
    PRIMARY KEY (round_id, need_id),
    UNIQUE (round_id, position)
);
CREATE INDEX round_needs_need ON round_needs (need_id);
SELECT core.protect_shared_rows('round_needs');

-- A closed round does not change.
CREATE FUNCTION round_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.closes_at <= now() THEN
        RAISE EXCEPTION 'round % is closed and does not change', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER round_frozen BEFORE UPDATE ON rounds FOR EACH ROW EXECUTE FUNCTION round_frozen();

-- One ballot per principal and round: the round's needs, most important first.
CREATE TABLE ballots (
    round_id           integer NOT NULL REFERENCES rounds (id),
    principal_id       smallint NOT NULL REFERENCES core.principals (id),
    ranking            integer[] NOT NULL CHECK (cardinality(ranking) >= 2),
    first_submitted_at timestamptz NOT NULL DEFAULT now(),
    submitted_at       timestamptz NOT NULL DEFAULT now(),
    submitted_by       text NOT NULL DEFAULT core.current_actor(),
    replaced           integer NOT NULL DEFAULT 0 CHECK (replaced >= 0),
    PRIMARY KEY (round_id, principal_id)
);
-- A reporter's ballot is approved by the shared write decision (host->can_write); a
-- principal's org_admin votes for its own principal too, but an org_admin is not a reporter
-- and the shared decision approves nothing for it: the caller's own principal
-- (lgvo.actor_principal, set by the core for every request) may therefore write its own
-- ballot. The handler checks the role; this keeps every principal out of the others' ballots.
SELECT core.protect_principal_rows('ballots');
CREATE POLICY own_ballot_insert ON ballots FOR INSERT
    WITH CHECK (principal_id = digitalisering.actor_principal());
CREATE POLICY own_ballot_update ON ballots FOR UPDATE
    USING (principal_id = digitalisering.actor_principal())
    WITH CHECK (principal_id = digitalisering.actor_principal());

-- Whichever path writes: a ballot ranks every need of its round once, while the round is open.
CREATE FUNCTION ballot_valid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT closes_at FROM digitalisering.rounds WHERE id = NEW.round_id) <= now() THEN
        RAISE EXCEPTION 'round % is closed: no more ballots', NEW.round_id USING ERRCODE = 'check_violation';
    END IF;
    IF (SELECT array_agg(need_id ORDER BY need_id) FROM digitalisering.round_needs WHERE round_id = NEW.round_id)
       IS DISTINCT FROM (SELECT array_agg(x ORDER BY x) FROM unnest(NEW.ranking) x) THEN
        RAISE EXCEPTION 'a ballot of round % must rank every need of the round once', NEW.round_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ballot_valid BEFORE INSERT OR UPDATE ON ballots FOR EACH ROW EXECUTE FUNCTION ballot_valid();

-- One round as the API shows it. Who has voted is public while the round is open; the
-- rankings are published with the result.
CREATE FUNCTION round_json(round integer) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'title', r.title, 'description', r.description,
        'status', CASE WHEN r.closes_at <= now() THEN 'closed' ELSE 'open' END,
        'opened_at', r.opened_at, 'closes_on', to_char(r.closes_on, 'YYYY-MM-DD'),
        'closes_at', r.closes_at, 'closed_early', r.closed_early,
        'needs', (SELECT coalesce(json_agg(json_build_object('id', n.id, 'kind', n.kind,
                      'title', n.title, 'status', n.status) ORDER BY rn.position), '[]')
                  FROM digitalisering.round_needs rn JOIN digitalisering.needs n ON n.id = rn.need_id
                  WHERE rn.round_id = r.id),
        'ballots', json_build_object(
            'submitted', (SELECT count(*) FROM digitalisering.ballots b WHERE b.round_id = r.id),
            'expected', (SELECT count(*) FROM core.principals),
            'principals', (SELECT json_agg(json_build_object('principal', p.slug, 'name', p.name,
                               'voted', b.principal_id IS NOT NULL, 'submitted_at', b.submitted_at)
                               ORDER BY p.sort_order)
                           FROM core.principals p
                           LEFT JOIN digitalisering.ballots b ON b.round_id = r.id AND b.principal_id = p.id)),
        'updated_at', r.updated_at)
    FROM digitalisering.rounds r WHERE r.id = round
$$;
