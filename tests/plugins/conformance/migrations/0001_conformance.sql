-- The conformance test plugin's area and table. Plugin migrations run with lgvo.system = 'on'
-- (row-level security lets them write anything) and the search_path "conformance, core".
--
-- A plugin serves an existing area, each area only one plugin: this one brings its own.
INSERT INTO core.areas (id, slug, name, name_en, sort_order)
VALUES (60, 'conformance', 'Konformitet', 'Conformance', 60)
ON CONFLICT DO NOTHING;
-- Every principal may be granted the area.
INSERT INTO core.principal_areas (principal_id, area_id)
SELECT id, 60 FROM core.principals
ON CONFLICT DO NOTHING;

-- Items belong to a principal: row-level security lets a request write only the rows of
-- principals the shared write decision approved.
CREATE TABLE items (
    id           serial PRIMARY KEY,
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    label        text NOT NULL,
    UNIQUE (principal_id, label)
);
SELECT core.protect_principal_rows('items');
