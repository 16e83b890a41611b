-- Agreements (överenskommelser och avtal) that LGVO follows: validity, automatic renewal,
-- notice, follow-up schedule and responsibility; and the follow-up reports that close each
-- scheduled follow-up. Current end dates, notice dates and due follow-ups are computed by the
-- service (api/src/core/workplan/agreement_dates.c), as of any date.

CREATE TABLE core.agreements (
    id                  serial PRIMARY KEY,
    key                 text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    position            smallint NOT NULL DEFAULT 999, -- order in the table of agreements
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 1000),
    title_en            text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 1000),
    kind                text NOT NULL CHECK (kind IN ('överenskommelse', 'avtal', 'ramavtal', 'regelverk')),
    parties             smallint[] NOT NULL DEFAULT '{}', -- core.principals ids
    parties_text        text,
    validity_text       text,
    valid_from          date,
    valid_to            date,            -- end of the first term as printed; NULL = until further notice
    original_end_date   date,
    extension_text      text,
    end_condition_text  text,
    end_condition_en    text,
    end_text            text,
    end_text_en         text,
    -- Automatic renewal: the agreement runs renewal_years more at a time unless notice is given.
    renewal_years       smallint CHECK (renewal_years BETWEEN 1 AND 10),
    renewal_text        text,
    -- Notice: notice_months before the end of a term (before_end_of_term), or a notice period
    -- running from the day notice is given (from_notice_date); unspecified = not said.
    notice_months       smallint CHECK (notice_months BETWEEN 1 AND 120),
    notice_rule         text CHECK (notice_rule IN ('before_end_of_term', 'from_notice_date', 'unspecified')),
    notice_text         text,
    notice_written      boolean NOT NULL DEFAULT false,
    notice_period_text  text,
    notice_given_on     date,            -- a party gave notice on this date
    revision_text       text,
    termination_text    text,
    follow_up_text      text,
    follow_up_en        text,
    follow_up_questions text[] NOT NULL DEFAULT '{}',
    -- Scheduled follow-ups are tracked from this date on (earlier ones are history).
    follow_up_from      date NOT NULL,
    responsible_text    text,
    responsible_en      text,
    responsible_refs    text[] NOT NULL DEFAULT '{}',
    responsible_area_id smallint REFERENCES core.areas (id),
    related_activities  text[] NOT NULL DEFAULT '{}', -- work-plan activity keys
    details             jsonb NOT NULL DEFAULT '{}', -- target group, milestones, dimensions, …
    notes               text[] NOT NULL DEFAULT '{}',
    source              text,
    retired_at          timestamptz,
    retired_by          text,
    retire_reason       text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text NOT NULL DEFAULT core.current_actor(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          text NOT NULL DEFAULT core.current_actor(),
    CHECK (valid_to >= valid_from),
    CHECK ((notice_months IS NULL) = (notice_rule IS NULL)),
    CHECK (renewal_years IS NULL OR valid_to IS NOT NULL)
);

-- The follow-up schedule: a recurring cadence runs from its anchor (the k-th follow-up is due
-- on the last day of the k-th span of every_months months from the anchor); "once" is due on
-- due_on; "on_demand" is never due by itself.
CREATE TABLE core.agreement_schedules (
    id            serial PRIMARY KEY,
    agreement_id  integer NOT NULL REFERENCES core.agreements (id),
    position      smallint NOT NULL,
    cadence       text NOT NULL CHECK (cadence IN ('yearly', 'half_yearly', 'every_n_years', 'end_of_term', 'once', 'on_demand')),
    every_months  smallint CHECK (every_months BETWEEN 1 AND 240),
    anchor        date,
    due_on        date,
    what          text NOT NULL,
    what_en       text NOT NULL,
    by_text       text[] NOT NULL DEFAULT '{}',
    when_text     text,
    UNIQUE (agreement_id, position),
    CHECK ((cadence IN ('yearly', 'half_yearly', 'every_n_years', 'end_of_term'))
           = (every_months IS NOT NULL AND anchor IS NOT NULL)),
    CHECK (cadence = 'once' OR due_on IS NULL)
);

CREATE TABLE core.agreement_follow_ups (
    id           bigserial PRIMARY KEY,
    agreement_id integer NOT NULL REFERENCES core.agreements (id),
    schedule_id  integer REFERENCES core.agreement_schedules (id),
    due_on       date,                  -- the scheduled follow-up this report closes
    reported_on  date NOT NULL,
    summary      text NOT NULL CHECK (length(summary) BETWEEN 1 AND 4000),
    reported_by  text NOT NULL CHECK (length(reported_by) BETWEEN 1 AND 200),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by  text NOT NULL DEFAULT core.current_actor(),
    request_id   text DEFAULT nullif(current_setting('lgvo.request_id', true), ''),
    UNIQUE (schedule_id, due_on),
    CHECK (due_on IS NULL OR schedule_id IS NOT NULL)
);
CREATE INDEX agreement_follow_ups_agreement ON core.agreement_follow_ups (agreement_id, reported_on);

SELECT core.protect_shared_rows('core.agreements');
SELECT core.protect_shared_rows('core.agreement_schedules');
SELECT core.protect_shared_rows('core.agreement_follow_ups');
