-- Identity and access: users, machine clients, the areas each principal may write, refresh
-- tokens, revocations, signing keys, login throttling and the audit trail.

-- The areas of responsibility in which each principal may write. A user's or client's area
-- grants can never exceed its principal's.
CREATE TABLE core.principal_areas (
    principal_id smallint NOT NULL REFERENCES core.principals (id),
    area_id      smallint NOT NULL REFERENCES core.areas (id),
    PRIMARY KEY (principal_id, area_id)
);
INSERT INTO core.principal_areas (principal_id, area_id)
    SELECT p.id, a.id FROM core.principals p CROSS JOIN core.areas a;

CREATE TABLE core.users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    principal_id  smallint NOT NULL REFERENCES core.principals (id),
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
    display_name  text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    password_hash text NOT NULL,
    roles         text[] NOT NULL CHECK (cardinality(roles) >= 1 AND
                      roles <@ ARRAY['reader', 'reporter', 'org_admin', 'county_admin']),
    areas         text[] NOT NULL DEFAULT '{}',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_principal ON core.users (principal_id);

CREATE TABLE core.clients (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id     text NOT NULL UNIQUE CHECK (client_id ~ '^[a-z0-9-]{3,80}$'),
    principal_id  smallint NOT NULL REFERENCES core.principals (id),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the secret: secrets are 256 random bits, so a slow hash adds nothing.
    secret_sha256 text NOT NULL,
    roles         text[] NOT NULL CHECK (cardinality(roles) >= 1 AND
                      roles <@ ARRAY['reader', 'reporter']),
    areas         text[] NOT NULL DEFAULT '{}',
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_principal ON core.clients (principal_id);

-- Opaque refresh tokens, stored as SHA-256, single use. A family is one login; presenting a
-- used token revokes the family.
CREATE TABLE core.refresh_tokens (
    token_sha256 text PRIMARY KEY,
    family_id    uuid NOT NULL,
    user_id      uuid NOT NULL REFERENCES core.users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX refresh_tokens_family ON core.refresh_tokens (family_id);

-- Revoked access tokens: by token id (jti), by login family (sid) or every token of a
-- subject issued up to revoked_at (sub, on deactivation). Every running copy keeps these
-- in memory and hears about new ones through NOTIFY lgvo_revocation.
CREATE TABLE core.revocations (
    kind       text NOT NULL CHECK (kind IN ('jti', 'sid', 'sub')),
    value      text NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now(),
    -- After this no token it could match is valid any more; the row can be forgotten.
    forget_after timestamptz NOT NULL,
    PRIMARY KEY (kind, value)
);

CREATE FUNCTION core.notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lgvo_revocation',
                      NEW.kind || ':' || extract(epoch FROM NEW.revoked_at)::bigint || ':' || NEW.value);
    RETURN NULL;
END
$$;
CREATE TRIGGER revocation_added AFTER INSERT OR UPDATE ON core.revocations
    FOR EACH ROW EXECUTE FUNCTION core.notify_revocation();

-- Signing keys for access tokens (when LGVO_JWT_KEY_FILE is not used). The newest active key
-- signs; older ones still verify until their tokens have expired.
CREATE TABLE core.signing_keys (
    kid         text PRIMARY KEY,
    alg         text NOT NULL CHECK (alg IN ('ES256', 'RS256')),
    private_pem text NOT NULL,
    public_pem  text NOT NULL,
    public_jwk  jsonb NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION core.notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lgvo_keys', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON core.signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION core.notify_keys();

-- Failed password logins per username (existing or not, so that the answer never reveals
-- whether a username exists).
CREATE TABLE core.login_throttle (
    username     text PRIMARY KEY,
    failures     integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

CREATE TABLE core.audit (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor        text NOT NULL,          -- "user:<id>", "client:<client_id>", "cli" or the username tried
    actor_principal text,                -- slug of the actor's principal, when known
    principal    text,                   -- slug of the principal the event concerns, when any
    action       text NOT NULL,
    target       text,
    request_id   text,
    client_ip    inet,
    details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON core.audit (at, id);
CREATE INDEX audit_principal_at ON core.audit (principal, at);
