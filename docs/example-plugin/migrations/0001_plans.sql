-- psykisk-halsa, migration 1. Runs once, in one transaction, with lgvo.system = 'on' and the
-- search_path "psykisk_halsa, core": unqualified names are created in the plugin's schema.
-- Never edit an applied migration; add 0002_….sql instead.

-- The area this plugin serves. A plugin must serve an existing area and each area has one
-- plugin; a fifth area comes with its plugin. Area ids are 1-64.
INSERT INTO core.areas (id, slug, name, name_en, sort_order)
VALUES (5, 'psykisk-halsa', 'Psykisk hälsa', 'Mental health', 5)
ON CONFLICT DO NOTHING;

-- Which principals may be granted the area (users and clients get grants within these).
INSERT INTO core.principal_areas (principal_id, area_id)
SELECT id, 5 FROM core.principals
ON CONFLICT DO NOTHING;

-- Each principal's action plan per year. The rows belong to a principal, so row-level
-- security guards them: a request may write only the rows of principals that the shared
-- write decision (host->can_write) approved.
CREATE TABLE plans (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    status       text NOT NULL CHECK (status IN ('none', 'draft', 'adopted')),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    updated_by   text NOT NULL,
    PRIMARY KEY (principal_id, year)
);
SELECT core.protect_principal_rows('plans');
