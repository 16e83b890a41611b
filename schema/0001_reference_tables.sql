-- Reference data: the 14 principals (huvudmän) and the areas of responsibility.
-- Migration files run inside one transaction each; they must not contain BEGIN/COMMIT.

CREATE TABLE core.principals (
    id          smallint PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL,
    short_name  text NOT NULL,
    name_en     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('region', 'municipality')),
    -- Official code: the county code (länskod, 2 digits) for the region, the municipality
    -- code (kommunkod, 4 digits) for a municipality.
    code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{2}([0-9]{2})?$'),
    sort_order  smallint NOT NULL
);

CREATE TABLE core.areas (
    id          smallint PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text NOT NULL,
    name_en     text NOT NULL,
    sort_order  smallint NOT NULL
);
