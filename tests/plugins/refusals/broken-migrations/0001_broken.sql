-- Deliberately broken (tests/integration/plugins-loader.test.mjs): the migration must fail,
-- roll back, and stop start-up.
CREATE TABLE fine (id integer);
CREATE TABEL broken (id integer);
