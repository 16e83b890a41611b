-- PDSA cycles (Plan-Do-Study-Act): how a principal, or several together (e.g. a region-
-- municipality pair), tests a change under a work-plan activity. Phases are filled in order
-- (plan at the start, then do, study, act); a cycle may follow a predecessor, so that a chain
-- of cycles tells the story of a test.
--
-- The rows belong to principals: a cycle to the principal that started it, a participant row
-- to its principal. Row-level security (0005) lets a transaction write them only for the
-- principals the shared write decision approved; any participant may advance a joint cycle.

CREATE TABLE core.pdsa_cycles (
    id              bigserial PRIMARY KEY,
    activity_id     bigint NOT NULL REFERENCES core.workplan_activities (id),
    principal_id    smallint NOT NULL REFERENCES core.principals (id), -- started by
    predecessor_id  bigint UNIQUE REFERENCES core.pdsa_cycles (id),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    phase           text NOT NULL CHECK (phase IN ('plan', 'do', 'study', 'act')), -- last phase filled
    -- Plan: what change, what we predict, which measures will tell.
    plan_change     text NOT NULL CHECK (length(plan_change) BETWEEN 1 AND 4000),
    plan_prediction text NOT NULL CHECK (length(plan_prediction) BETWEEN 1 AND 4000),
    plan_measures   text[] NOT NULL DEFAULT '{}',
    plan_starts_on  date,
    plan_ends_on    date,
    plan_at         timestamptz NOT NULL DEFAULT now(),
    plan_by         text NOT NULL,
    -- Do: what happened, when.
    do_happened     text CHECK (length(do_happened) BETWEEN 1 AND 4000),
    do_started_on   date,
    do_ended_on     date,
    do_at           timestamptz,
    do_by           text,
    -- Study: what the data showed, with references to measure values
    -- ([{measure, principal, period, sex}]).
    study_findings  text CHECK (length(study_findings) BETWEEN 1 AND 4000),
    study_values    jsonb NOT NULL DEFAULT '[]',
    study_at        timestamptz,
    study_by        text,
    -- Act: adopt, adapt or abandon the change, and what the next cycle is.
    act_decision    text CHECK (act_decision IN ('adopt', 'adapt', 'abandon')),
    act_next        text CHECK (length(act_next) BETWEEN 1 AND 4000),
    act_at          timestamptz,
    act_by          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (plan_ends_on >= plan_starts_on),
    CHECK (do_ended_on >= do_started_on),
    CHECK ((phase IN ('do', 'study', 'act')) = (do_happened IS NOT NULL AND do_started_on IS NOT NULL)),
    CHECK ((phase IN ('study', 'act')) = (study_findings IS NOT NULL)),
    CHECK ((phase = 'act') = (act_decision IS NOT NULL)),
    CHECK (predecessor_id <> id)
);
CREATE INDEX pdsa_cycles_activity ON core.pdsa_cycles (activity_id, id);

CREATE TABLE core.pdsa_participants (
    cycle_id     bigint NOT NULL REFERENCES core.pdsa_cycles (id),
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    joined_at    timestamptz NOT NULL DEFAULT now(),
    joined_by    text NOT NULL DEFAULT core.current_actor(),
    PRIMARY KEY (cycle_id, principal_id)
);
CREATE INDEX pdsa_participants_principal ON core.pdsa_participants (principal_id, cycle_id);

-- Phases advance one step at a time and a filled phase does not change afterwards, whichever
-- path writes the row.
CREATE FUNCTION core.pdsa_phase_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    phases CONSTANT text[] := ARRAY['plan', 'do', 'study', 'act'];
    was integer := array_position(phases, OLD.phase);
    now_at integer := array_position(phases, NEW.phase);
BEGIN
    IF now_at NOT IN (was, was + 1) THEN
        RAISE EXCEPTION 'PDSA cycle %: phase % cannot follow %', OLD.id, NEW.phase, OLD.phase
            USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.plan_change, NEW.plan_prediction, NEW.plan_measures, NEW.plan_starts_on, NEW.plan_ends_on)
           IS DISTINCT FROM (OLD.plan_change, OLD.plan_prediction, OLD.plan_measures, OLD.plan_starts_on, OLD.plan_ends_on)
       OR (was >= 2 AND (NEW.do_happened, NEW.do_started_on, NEW.do_ended_on)
           IS DISTINCT FROM (OLD.do_happened, OLD.do_started_on, OLD.do_ended_on))
       OR (was >= 3 AND (NEW.study_findings, NEW.study_values) IS DISTINCT FROM (OLD.study_findings, OLD.study_values))
       OR (was >= 4 AND (NEW.act_decision, NEW.act_next) IS DISTINCT FROM (OLD.act_decision, OLD.act_next))
       OR NEW.activity_id <> OLD.activity_id OR NEW.principal_id <> OLD.principal_id
       OR NEW.predecessor_id IS DISTINCT FROM OLD.predecessor_id THEN
        RAISE EXCEPTION 'PDSA cycle %: a filled phase cannot be changed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER pdsa_phase_order BEFORE UPDATE ON core.pdsa_cycles
    FOR EACH ROW EXECUTE FUNCTION core.pdsa_phase_order();

SELECT core.protect_principal_rows('core.pdsa_cycles');
SELECT core.protect_principal_rows('core.pdsa_participants');
-- A joint cycle is advanced by any of its participants (permissive policies add up).
CREATE POLICY participant_update ON core.pdsa_cycles FOR UPDATE
    USING (EXISTS (SELECT 1 FROM core.pdsa_participants p
                   WHERE p.cycle_id = pdsa_cycles.id AND core.may_write(p.principal_id)))
    WITH CHECK (EXISTS (SELECT 1 FROM core.pdsa_participants p
                        WHERE p.cycle_id = pdsa_cycles.id AND core.may_write(p.principal_id)));
