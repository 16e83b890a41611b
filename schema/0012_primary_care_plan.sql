-- The joint plan for primary care (Bilaga 6 of the 2024-2025 work plan, "Primärvården ska vara
-- navet"): its four prioritised areas, its activities and its simple principles, per
-- work-plan period. Nära vård's sub-goal 1 is to develop this plan.

CREATE TABLE core.primary_care_plans (
    period_id        integer PRIMARY KEY REFERENCES core.workplan_periods (id),
    title            text NOT NULL,
    title_en         text NOT NULL,
    motto            text NOT NULL,
    motto_en         text NOT NULL,
    parties          text NOT NULL,
    parties_en       text NOT NULL,
    introduction     text[] NOT NULL DEFAULT '{}',
    introduction_en  text[] NOT NULL DEFAULT '{}',
    expected_results    text[] NOT NULL DEFAULT '{}',
    expected_results_en text[] NOT NULL DEFAULT '{}',
    dependencies     text[] NOT NULL DEFAULT '{}',
    dependencies_en  text[] NOT NULL DEFAULT '{}',
    principles_title    text NOT NULL,
    principles_title_en text NOT NULL,
    principles_intro    text NOT NULL,
    principles_intro_en text NOT NULL,
    principles_lead_in    text NOT NULL,
    principles_lead_in_en text NOT NULL,
    principles_carrier    text NOT NULL,
    principles_carrier_en text NOT NULL,
    activities_heading    text NOT NULL,
    activities_heading_en text NOT NULL,
    related_keys     text[] NOT NULL DEFAULT '{}', -- driver-diagram items it relates to
    activities_link_note text,
    CHECK (cardinality(introduction) = cardinality(introduction_en)),
    CHECK (cardinality(expected_results) = cardinality(expected_results_en)),
    CHECK (cardinality(dependencies) = cardinality(dependencies_en))
);

CREATE TABLE core.primary_care_principles (
    period_id integer NOT NULL REFERENCES core.primary_care_plans (period_id),
    position  smallint NOT NULL,
    title     text NOT NULL,
    title_en  text NOT NULL,
    PRIMARY KEY (period_id, position)
);

CREATE TABLE core.primary_care_areas (
    period_id      integer NOT NULL REFERENCES core.primary_care_plans (period_id),
    slug           text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    position       smallint NOT NULL,
    title          text NOT NULL,
    title_en       text NOT NULL,
    need           text NOT NULL,
    need_en        text NOT NULL,
    description    text NOT NULL,
    description_en text NOT NULL,
    PRIMARY KEY (period_id, slug),
    UNIQUE (period_id, position)
);

CREATE TABLE core.primary_care_activities (
    period_id  integer NOT NULL REFERENCES core.primary_care_plans (period_id),
    key        text NOT NULL CHECK (key ~ '^pcp\.a[0-9]+$'),
    position   smallint NOT NULL,
    title      text NOT NULL,
    title_en   text NOT NULL,
    -- Set only where the activity's wording names the area; NULL = not tied to one.
    area_slug  text,
    link_basis text CHECK (link_basis IN ('wording', 'decided')),
    link_note  text,
    PRIMARY KEY (period_id, key),
    FOREIGN KEY (period_id, area_slug) REFERENCES core.primary_care_areas (period_id, slug),
    CHECK ((area_slug IS NULL) = (link_basis IS NULL))
);

SELECT core.protect_shared_rows('core.primary_care_plans');
SELECT core.protect_shared_rows('core.primary_care_principles');
SELECT core.protect_shared_rows('core.primary_care_areas');
SELECT core.protect_shared_rows('core.primary_care_activities');
