/* OAuth 2.0 token endpoint (RFC 6749: password, client_credentials and refresh_token
 * grants), logout, the caller's identity, and the JWKS. Errors on the token endpoint use
 * RFC 6749 §5.2 ({"error","error_description"}); everything else the standard error shape.
 *
 * The token endpoint commits what it must remember even when it refuses (failed-login
 * counters, a detected refresh-token reuse), so it runs its statements in autocommit or in
 * transactions of its own rather than in the request's transaction. */
#include "app.h"
#include "auth/access.h"
#include "auth/identity.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "auth/token.h"
#include "core/audit.h"
#include "core/refdata.h"
#include "core/revoke.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/form.h"
#include "http/req.h"
#include "util/b64url.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

#define LOCKOUT_FAILURES "5"
#define LOCKOUT_WINDOW "15 minutes"

static void no_store(struct req *r)
{
    req_set_header(r, "Cache-Control", "no-store");
    req_set_header(r, "Pragma", "no-cache");
}

static void oauth_error(struct req *r, int status, const char *error, const char *description)
{
    no_store(r);
    reply_json(r, status, json_pack("{s:s, s:s, s:s}", "error", error, "error_description",
                                    description, "request_id", r->id));
}

static void sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* 256 random bits, base64url (43 characters); caller frees. */
static char *random_token(void)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    return b64url_encode(raw, sizeof raw);
}

/* Runs SQL on the request's connection; on failure replies (oauth shape) and returns NULL. */
static PGresult *sql(struct req *r, const char *text, int n, const char *const *params)
{
    struct db_conn *c = r->db;
    if (!c) {
        enum pool_result pr = pool_acquire(r->app->pool, &r->db);
        if (pr != POOL_OK) {
            r->db = NULL;
            req_set_header(r, "Retry-After", "1");
            oauth_error(r, 503, "temporarily_unavailable", "the database is unavailable; retry shortly");
            return NULL;
        }
        c = r->db;
    }
    PGresult *res = db_exec(c, text, n, params);
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Returns the connection to the pool before a slow password hash. */
static void release_db(struct req *r)
{
    if (r->db) {
        pool_release(r->app->pool, r->db);
        r->db = NULL;
    }
}

struct grantee {
    enum identity_kind kind;
    char id[64];        /* user uuid or client_id */
    char principal[48];
    unsigned roles;
    json_t *areas;      /* array of slugs, owned */
};

static unsigned roles_from_json(const char *text)
{
    json_t *a = json_loads(text, 0, NULL);
    unsigned roles = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) roles |= role_parse(json_string_value(v));
    json_decref(a);
    return roles;
}

/* Issues an access token for g and replies with it (and refresh, when given). */
static void reply_tokens(struct req *r, struct grantee *g, const char *sid, const char *refresh)
{
    size_t n = json_array_size(g->areas);
    const char **areas = xcalloc(n + 1, sizeof *areas);
    struct strbuf scope;
    strbuf_init(&scope);
    for (unsigned bit = 1; bit <= ROLE_COUNTY_ADMIN; bit <<= 1)
        if (g->roles & bit)
            strbuf_addf(&scope, "%s%s", scope.len ? " " : "", role_name(bit));
    for (size_t i = 0; i < n; i++) {
        areas[i] = json_string_value(json_array_get(g->areas, i));
        if (g->roles & (ROLE_REPORTER | ROLE_COUNTY_ADMIN))
            strbuf_addf(&scope, " write:%s", areas[i]);
    }
    char subject[80];
    snprintf(subject, sizeof subject, "%s:%s", g->kind == IDENTITY_USER ? "user" : "client", g->id);
    struct token_claims claims = {
        .kind = g->kind, .subject = subject, .principal = g->principal, .roles = g->roles,
        .areas = areas, .area_count = (int)n, .sid = sid,
    };
    int64_t expires_at = 0;
    char jti[40];
    char *token = token_issue(r->app->tokens, &claims, &expires_at, jti);
    free(areas);
    if (!token) {
        strbuf_free(&scope);
        oauth_error(r, 500, "server_error", "the token could not be signed");
        return;
    }
    json_t *body = json_pack("{s:s, s:s, s:i, s:s}", "access_token", token, "token_type", "Bearer",
                             "expires_in", token_ttl(r->app->tokens), "scope", scope.data ? scope.data : "");
    if (refresh)
        json_object_set_new(body, "refresh_token", json_string(refresh));
    free(token);
    strbuf_free(&scope);
    no_store(r);
    reply_json(r, 200, body);
}

/* Starts a login family for a user: stores a new refresh token; returns it (caller frees). */
static char *new_refresh_token(struct req *r, const char *user_id, const char *family)
{
    char *token = random_token();
    char hash[65], ttl[16];
    sha256_hex(token, hash);
    snprintf(ttl, sizeof ttl, "%d", r->app->cfg.refresh_token_ttl_s);
    const char *params[] = {hash, family, user_id, ttl};
    PGresult *res = sql(r,
                        "INSERT INTO core.refresh_tokens (token_sha256, family_id, user_id, expires_at) "
                        "VALUES ($1, $2::uuid, $3::uuid, now() + make_interval(secs => $4::int))",
                        4, params);
    if (!res) {
        free(token);
        return NULL;
    }
    PQclear(res);
    return token;
}

static int audit(struct req *r, const char *action, const char *actor, const char *principal,
                 const char *target, json_t *details)
{
    struct audit_event e = {.action = action, .actor = actor, .actor_principal = principal,
                            .principal = principal, .target = target, .details = details};
    return audit_write(r, &e);
}

static int exec_simple(struct req *r, const char *text)
{
    PGresult *res = sql(r, text, 0, NULL);
    PQclear(res);
    return res ? 0 : -1;
}

static void reply_locked(struct req *r, const char *username, const char *retry_after)
{
    req_set_header(r, "Retry-After", retry_after);
    audit(r, "login.locked", username, NULL, NULL, NULL);
    oauth_error(r, 429, "invalid_grant",
                "too many failed logins for this username; try again later (see Retry-After)");
}

/* Returns 1 after replying 429 when the username is locked, 0 when it is not, -1 after
 * replying with an error. Checked before and again after the (slow) password check, so that
 * guesses sent in parallel cannot all slip in before the lock is set. */
static int locked_out(struct req *r, const char *username)
{
    const char *p[] = {username};
    PGresult *res = sql(r,
                        "SELECT ceil(extract(epoch FROM locked_until - now()))::int "
                        "FROM core.login_throttle WHERE username = $1 AND locked_until > now()",
                        1, p);
    if (!res)
        return -1;
    int locked = PQntuples(res) > 0;
    if (locked)
        reply_locked(r, username, PQgetvalue(res, 0, 0));
    PQclear(res);
    return locked;
}

static void grant_password(struct req *r, json_t *form)
{
    const char *username_in = json_string_value(json_object_get(form, "username"));
    const char *password = json_string_value(json_object_get(form, "password"));
    if (!username_in || !*username_in || !password) {
        oauth_error(r, 400, "invalid_request", "username and password are required");
        return;
    }
    char username[80];
    size_t n = strlen(username_in);
    if (n >= sizeof username) {
        oauth_error(r, 400, "invalid_grant", "invalid username or password");
        return;
    }
    for (size_t i = 0; i <= n; i++)
        username[i] = (char)((username_in[i] >= 'A' && username_in[i] <= 'Z') ? username_in[i] + 32 : username_in[i]);

    const char *p1[] = {username};
    if (locked_out(r, username) != 0)
        return;

    PGresult *res = sql(r,
              "SELECT u.id, u.password_hash, u.active, p.slug, array_to_json(u.roles)::text,"
              " array_to_json(u.areas)::text "
              "FROM core.users u JOIN core.principals p ON p.id = u.principal_id WHERE u.username = $1",
              1, p1);
    if (!res)
        return;
    int found = PQntuples(res) == 1;
    char *hash = found ? xstrdup(PQgetvalue(res, 0, 1)) : NULL;
    int active = found && PQgetvalue(res, 0, 2)[0] == 't';
    struct grantee g = {.kind = IDENTITY_USER};
    if (found) {
        snprintf(g.id, sizeof g.id, "%s", PQgetvalue(res, 0, 0));
        snprintf(g.principal, sizeof g.principal, "%s", PQgetvalue(res, 0, 3));
        g.roles = roles_from_json(PQgetvalue(res, 0, 4));
        g.areas = json_loads(PQgetvalue(res, 0, 5), 0, NULL);
    }
    PQclear(res);

    release_db(r);
    int rehash = 0;
    enum pw_result pr = password_verify(r->app->hashes, hash, password, &rehash);
    free(hash);
    if (pr == PW_BUSY || pr == PW_ERROR) {
        json_decref(g.areas);
        req_set_header(r, "Retry-After", "1");
        oauth_error(r, 503, "temporarily_unavailable", "too many logins at once; retry shortly");
        return;
    }
    if (pr != PW_OK || !active) {
        json_decref(g.areas);
        res = sql(r,
                  "INSERT INTO core.login_throttle AS t (username, failures, window_start) "
                  "VALUES ($1, 1, now()) ON CONFLICT (username) DO UPDATE SET "
                  " failures = CASE WHEN t.window_start < now() - interval '" LOCKOUT_WINDOW "'"
                  "   THEN 1 ELSE t.failures + 1 END,"
                  " window_start = CASE WHEN t.window_start < now() - interval '" LOCKOUT_WINDOW "'"
                  "   THEN now() ELSE t.window_start END,"
                  " locked_until = CASE WHEN t.window_start >= now() - interval '" LOCKOUT_WINDOW "'"
                  "   AND t.failures + 1 >= " LOCKOUT_FAILURES
                  "   THEN now() + interval '" LOCKOUT_WINDOW "' ELSE NULL END "
                  "RETURNING failures, ceil(extract(epoch FROM locked_until - now()))::int",
                  1, p1);
        if (!res)
            return;
        if (atoi(PQgetvalue(res, 0, 0)) > atoi(LOCKOUT_FAILURES) && !PQgetisnull(res, 0, 1)) {
            /* Locked by guesses that finished while this one was being checked. */
            reply_locked(r, username, PQgetvalue(res, 0, 1));
            PQclear(res);
            return;
        }
        PQclear(res);
        if (audit(r, "login.failure", username, NULL, NULL, NULL) != 0)
            return;
        oauth_error(r, 400, "invalid_grant", "invalid username or password");
        return;
    }

    if (locked_out(r, username) != 0) {
        json_decref(g.areas);
        return;
    }
    char new_hash[PASSWORD_HASH_MAX] = "";
    if (rehash && password_hash(r->app->hashes, password, new_hash) != PW_OK)
        new_hash[0] = '\0';
    char family[40];
    res = sql(r, "SELECT gen_random_uuid()::text", 0, NULL);
    if (!res) {
        json_decref(g.areas);
        return;
    }
    snprintf(family, sizeof family, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    char *refresh = NULL;
    char target[80];
    snprintf(target, sizeof target, "user:%s", g.id);
    if (exec_simple(r, "BEGIN") == 0) {
        const char *pd[] = {username};
        PGresult *d = sql(r, "DELETE FROM core.login_throttle WHERE username = $1", 1, pd);
        PQclear(d);
        const char *ph[] = {new_hash, g.id};
        PGresult *h = d && new_hash[0]
                          ? sql(r, "UPDATE core.users SET password_hash = $1 WHERE id = $2::uuid", 2, ph)
                          : NULL;
        PQclear(h);
        if (d && (!new_hash[0] || h))
            refresh = new_refresh_token(r, g.id, family);
        if (refresh && audit(r, "login.success", target, g.principal, target,
                             json_pack("{s:s}", "grant_type", "password")) != 0) {
            free(refresh);
            refresh = NULL;
        }
        if (refresh && exec_simple(r, "COMMIT") != 0) {
            free(refresh);
            refresh = NULL;
        }
    }
    if (refresh)
        reply_tokens(r, &g, family, refresh);
    free(refresh);
    json_decref(g.areas);
}

static void grant_client_credentials(struct req *r, json_t *form)
{
    const char *id = json_string_value(json_object_get(form, "client_id"));
    const char *secret = json_string_value(json_object_get(form, "client_secret"));
    const char *basic_user = r->http->auth_basic_user;
    int basic = basic_user != NULL;
    if (basic && (id || secret)) {
        oauth_error(r, 400, "invalid_request",
                    "send the client credentials either with HTTP Basic or in the body, not both");
        return;
    }
    if (basic) {
        id = basic_user;
        secret = r->http->auth_basic_password;
    }
    if (!id || !secret || !*id || !*secret) {
        oauth_error(r, 400, "invalid_request", "client_id and client_secret are required");
        return;
    }
    /* Client ids are 3-80 of [a-z0-9-]; anything else (e.g. a Basic user name that is not
     * UTF-8) is an unknown client, not a database error, and is not copied into the audit. */
    size_t idlen = strlen(id);
    int plausible = idlen >= 3 && idlen <= 80 &&
                    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == idlen;
    const char *p[] = {id};
    PGresult *res = NULL;
    if (plausible) {
        res = sql(r,
                  "SELECT c.secret_sha256, c.active, p.slug, array_to_json(c.roles)::text,"
                  " array_to_json(c.areas)::text "
                  "FROM core.clients c JOIN core.principals p ON p.id = c.principal_id "
                  "WHERE c.client_id = $1",
                  1, p);
        if (!res)
            return;
    }
    char given[65];
    sha256_hex(secret, given);
    int ok = res && PQntuples(res) == 1 && PQgetvalue(res, 0, 1)[0] == 't' &&
             sodium_memcmp(given, PQgetvalue(res, 0, 0), 64) == 0;
    struct grantee g = {.kind = IDENTITY_CLIENT};
    if (ok) {
        snprintf(g.id, sizeof g.id, "%s", id);
        snprintf(g.principal, sizeof g.principal, "%s", PQgetvalue(res, 0, 2));
        g.roles = roles_from_json(PQgetvalue(res, 0, 3));
        g.areas = json_loads(PQgetvalue(res, 0, 4), 0, NULL);
    }
    PQclear(res);
    char target[96];
    snprintf(target, sizeof target, "client:%s", plausible ? id : "?");
    if (!ok) {
        if (audit(r, "client.auth_failure", target, NULL, target, NULL) != 0)
            return;
        if (basic)
            req_set_header(r, "WWW-Authenticate", "Basic realm=\"lgvo-api\"");
        oauth_error(r, 401, "invalid_client", "unknown client, wrong secret or deactivated client");
        return;
    }
    if (audit(r, "token.issue", target, g.principal, target,
              json_pack("{s:s}", "grant_type", "client_credentials")) == 0)
        reply_tokens(r, &g, NULL, NULL);
    json_decref(g.areas);
}

static void grant_refresh(struct req *r, json_t *form)
{
    const char *token = json_string_value(json_object_get(form, "refresh_token"));
    if (!token || !*token) {
        oauth_error(r, 400, "invalid_request", "refresh_token is required");
        return;
    }
    char hash[65];
    sha256_hex(token, hash);
    if (exec_simple(r, "BEGIN") != 0)
        return;
    const char *p[] = {hash};
    PGresult *res = sql(r,
                        "SELECT t.family_id, t.user_id, t.used_at IS NOT NULL, t.revoked_at IS NOT NULL,"
                        " t.expires_at <= now(), u.active, p.slug, array_to_json(u.roles)::text,"
                        " array_to_json(u.areas)::text "
                        "FROM core.refresh_tokens t JOIN core.users u ON u.id = t.user_id"
                        " JOIN core.principals p ON p.id = u.principal_id "
                        "WHERE t.token_sha256 = $1 FOR UPDATE OF t",
                        1, p);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        PQclear(res);
        oauth_error(r, 400, "invalid_grant", "unknown refresh token");
        return;
    }
    char family[40], target[80];
    snprintf(family, sizeof family, "%s", PQgetvalue(res, 0, 0));
    struct grantee g = {.kind = IDENTITY_USER};
    snprintf(g.id, sizeof g.id, "%s", PQgetvalue(res, 0, 1));
    snprintf(target, sizeof target, "user:%s", g.id);
    int used = PQgetvalue(res, 0, 2)[0] == 't', revoked = PQgetvalue(res, 0, 3)[0] == 't';
    int expired = PQgetvalue(res, 0, 4)[0] == 't', active = PQgetvalue(res, 0, 5)[0] == 't';
    snprintf(g.principal, sizeof g.principal, "%s", PQgetvalue(res, 0, 6));
    g.roles = roles_from_json(PQgetvalue(res, 0, 7));
    g.areas = json_loads(PQgetvalue(res, 0, 8), 0, NULL);
    PQclear(res);

    if (used && !revoked) {
        /* A used token came back: someone holds a copy. End the whole login. */
        if (revoke_tokens(r, "sid", family, 0, 0) == 0 &&
            audit(r, "token.refresh_reuse", target, g.principal, target,
                  json_pack("{s:s}", "family", family)) == 0 &&
            exec_simple(r, "COMMIT") == 0)
            oauth_error(r, 400, "invalid_grant",
                        "this refresh token was already used; the login has been revoked");
        json_decref(g.areas);
        return;
    }
    if (used || revoked || expired || !active) {
        json_decref(g.areas);
        oauth_error(r, 400, "invalid_grant", "the refresh token is expired or revoked");
        return;
    }
    res = sql(r, "UPDATE core.refresh_tokens SET used_at = now() WHERE token_sha256 = $1", 1, p);
    PQclear(res);
    char *fresh = res ? new_refresh_token(r, g.id, family) : NULL;
    if (fresh && audit(r, "token.refresh", target, g.principal, target, NULL) == 0 &&
        exec_simple(r, "COMMIT") == 0)
        reply_tokens(r, &g, family, fresh);
    free(fresh);
    json_decref(g.areas);
}

static int is_type(const char *ctype, const char *want)
{
    size_t n = strlen(want);
    return ctype && strncasecmp(ctype, want, n) == 0 && (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static void token_endpoint(struct req *r, void *ctx)
{
    (void)ctx;
    size_t len = 0;
    const char *body = req_raw_body(r, &len);
    const char *ctype = req_header(r, "Content-Type");
    json_t *form = NULL;
    const char *why = "the body must be application/x-www-form-urlencoded or application/json";
    if (is_type(ctype, "application/x-www-form-urlencoded")) {
        form = form_parse(body ? body : "", len, &why);
    } else if (is_type(ctype, "application/json")) {
        form = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
        const char *k;
        json_t *v;
        json_object_foreach(form, k, v) if (!json_is_string(v)) {
            json_decref(form);
            form = NULL;
            why = "every parameter must be a string";
            break;
        }
        if (!json_is_object(form) && form) {
            json_decref(form);
            form = NULL;
        }
        if (!form && strcmp(why, "every parameter must be a string") != 0)
            why = "the body is not a JSON object";
    }
    if (!form) {
        oauth_error(r, 400, "invalid_request", why);
        return;
    }
    const char *grant = json_string_value(json_object_get(form, "grant_type"));
    if (!grant)
        oauth_error(r, 400, "invalid_request", "grant_type is required");
    else if (strcmp(grant, "password") == 0)
        grant_password(r, form);
    else if (strcmp(grant, "client_credentials") == 0)
        grant_client_credentials(r, form);
    else if (strcmp(grant, "refresh_token") == 0)
        grant_refresh(r, form);
    else
        oauth_error(r, 400, "unsupported_grant_type",
                    "grant_type must be password, client_credentials or refresh_token");
    json_decref(form);
}

static void logout(struct req *r, void *ctx)
{
    (void)ctx;
    if (req_begin(r) != 0)
        return;
    if (revoke_tokens(r, "jti", r->who.jti, 0, 0) != 0)
        return;
    if (r->who.sid[0] && revoke_tokens(r, "sid", r->who.sid, 0, 0) != 0)
        return;
    struct audit_event e = {.action = "logout", .principal = r->who.principal,
                            .target = r->who.subject};
    if (audit_write(r, &e) != 0)
        return;
    reply_empty(r, 204);
}

static void me(struct req *r, void *ctx)
{
    (void)ctx;
    const struct identity *who = &r->who;
    int user = who->kind == IDENTITY_USER;
    const char *id = strchr(who->subject, ':') + 1;
    const char *p[] = {id};
    PGresult *res = req_sql(r, user ? "SELECT username, display_name FROM core.users WHERE id = $1::uuid"
                                    : "SELECT client_id, name FROM core.clients WHERE client_id = $1",
                            1, p);
    if (!res)
        return;
    if (!db_ok(res) || PQntuples(res) != 1) {
        if (db_ok(res))
            reply_error(r, 404, NULL, "the caller no longer exists");
        else
            reply_db_error(r, res);
        PQclear(res);
        return;
    }
    struct principal pr;
    refdata_principal_by_id(r->app->refdata, who->principal_id, &pr);
    json_t *roles = json_array(), *areas = json_array();
    for (unsigned bit = 1; bit <= ROLE_COUNTY_ADMIN; bit <<= 1)
        if (who->roles & bit)
            json_array_append_new(roles, json_string(role_name(bit)));
    for (int i = 1; i <= 64; i++) {
        struct area a;
        if ((who->area_mask >> (i - 1)) & 1 && refdata_area_by_id(r->app->refdata, i, &a) == 0)
            json_array_append_new(areas, json_string(a.slug));
    }
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:I}",
                             "kind", user ? "user" : "client", "id", id,
                             user ? "username" : "client_id", PQgetvalue(res, 0, 0),
                             user ? "display_name" : "name", PQgetvalue(res, 0, 1),
                             "principal", "slug", pr.slug, "name", pr.name, "kind", pr.kind,
                             "code", pr.code, "roles", roles, "areas", areas, "expires_at",
                             (json_int_t)who->expires_at);
    PQclear(res);
    reply_json(r, 200, body);
}

static void jwks(struct req *r, void *ctx)
{
    (void)ctx;
    size_t len = 0;
    char *doc = keyring_jwks(r->app->keys, &len);
    req_set_header(r, "Cache-Control", "public, max-age=5");
    reply_raw(r, 200, "application/json; charset=utf-8", doc, len);
}

int auth_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "POST", .pattern = "/api/v1/auth/token", .fn = token_endpoint,
         .access = ACCESS_PUBLIC, .operation_id = "createToken"},
        {.method = "POST", .pattern = "/api/v1/auth/logout", .fn = logout,
         .access = ACCESS_AUTHENTICATED, .operation_id = "logout"},
        {.method = "GET", .pattern = "/api/v1/auth/me", .fn = me,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getMe"},
        {.method = "GET", .pattern = "/.well-known/jwks.json", .fn = jwks,
         .access = ACCESS_PUBLIC, .operation_id = "getJwks"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
