-- The careless test plugin's area and its per-principal table, protected by row-level
-- security: whatever its handlers forget, the database refuses rows of principals that the
-- shared write decision did not approve in the request's transaction.
INSERT INTO core.areas (id, slug, name, name_en, sort_order)
VALUES (61, 'careless', 'Slarvig', 'Careless', 61)
ON CONFLICT DO NOTHING;
INSERT INTO core.principal_areas (principal_id, area_id)
SELECT id, 61 FROM core.principals
ON CONFLICT DO NOTHING;

CREATE TABLE notes (
    id           serial PRIMARY KEY,
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    note         text NOT NULL
);
SELECT core.protect_principal_rows('careless.notes');
