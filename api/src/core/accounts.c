/* Management of a principal's users and machine clients:
 *   /api/v1/principals/{slug}/users[/{id}]       list, create, get, update (incl. deactivate)
 *   /api/v1/principals/{slug}/clients[/{id}]     list, create, get, update (incl. deactivate)
 *   /api/v1/principals/{slug}/clients/{id}/secret  rotate the secret
 * An org_admin manages its own principal (never granting county_admin, never touching a
 * county_admin's account); a county_admin manages every principal. Deactivation and grant
 * changes revoke the account's existing tokens on every running copy within a second. */
#include "app.h"
#include "auth/access.h"
#include "auth/authz.h"
#include "auth/password.h"
#include "core/audit.h"
#include "core/grants.h"
#include "core/refdata.h"
#include "core/revoke.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/body.h"
#include "http/req.h"
#include "util/b64url.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define USER_JSON                                                                               \
    "json_build_object('id', u.id, 'username', u.username, 'display_name', u.display_name,"     \
    " 'principal', p.slug, 'roles', u.roles, 'areas', u.areas, 'active', u.active,"             \
    " 'created_at', u.created_at, 'updated_at', u.updated_at)::text"
#define CLIENT_JSON                                                                             \
    "json_build_object('client_id', c.client_id, 'name', c.name, 'principal', p.slug,"          \
    " 'roles', c.roles, 'areas', c.areas, 'active', c.active, 'created_at', c.created_at,"      \
    " 'updated_at', c.updated_at)::text"

/* Resolves {slug} and checks that the caller manages that principal. */
static int managed_principal(struct req *r, struct principal *p)
{
    const char *slug = req_param(r, "slug");
    if (refdata_principal(r->app->refdata, slug, p) != 0) {
        reply_error(r, 404, NULL, "no principal '%s'", slug);
        return -1;
    }
    if (!authz_is_org_admin_of(&r->who, p->id)) {
        access_deny(r, "an org_admin manages only its own principal's accounts");
        return -1;
    }
    return 0;
}

/* Runs a query returning JSON texts in column 0; replies with one object (404 when no row)
 * or, with list set, {"items":[…]}. */
static void reply_rows(struct req *r, const char *sql, int n, const char *const *params,
                       int list, int status, const char *what)
{
    PGresult *res = req_sql(r, sql, n, params);
    if (!res)
        return;
    if (!db_ok(res)) {
        reply_db_error(r, res);
    } else if (list) {
        json_t *items = json_array();
        for (int i = 0; i < PQntuples(res); i++)
            json_array_append_new(items, json_loads(PQgetvalue(res, i, 0), 0, NULL));
        reply_json(r, status, json_pack("{s:o}", "items", items));
    } else if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no %s '%s' at this principal", what, req_param(r, "id"));
    } else {
        reply_json(r, status, json_loads(PQgetvalue(res, 0, 0), 0, NULL));
    }
    PQclear(res);
}

static int audit_change(struct req *r, const char *action, const struct principal *p,
                        const char *target, json_t *details)
{
    struct audit_event e = {.action = action, .principal = p->slug, .target = target,
                            .details = details};
    return audit_write(r, &e);
}

/* Runs an UPDATE/INSERT; replies on failure. conflict_message is used for 409. */
static int exec_change(struct req *r, const char *sql, int n, const char *const *params,
                       const char *conflict_message, int *rows)
{
    PGresult *res = req_sql(r, sql, n, params);
    if (!res)
        return -1;
    if (!db_ok(res)) {
        if (db_classify(r->db, res) == DB_CONFLICT && conflict_message)
            reply_error(r, 409, NULL, "%s", conflict_message);
        else
            reply_db_error(r, res);
        PQclear(res);
        return -1;
    }
    if (rows)
        *rows = atoi(PQcmdTuples(res));
    PQclear(res);
    return 0;
}

static int check_grants(struct req *r, const struct principal *p, json_t *roles, json_t *areas,
                        int for_client, const char *field)
{
    struct db_conn *c = req_db(r);
    if (!c)
        return -1;
    char buf[256];
    const char *problem = grants_check(db_conn_pg(c), p->id, roles, areas, for_client,
                                       authz_is_county_admin(&r->who), buf, sizeof buf);
    if (!problem)
        return 0;
    utf8_scrub(buf); /* it quotes client input, possibly cut inside a UTF-8 sequence */
    json_t *details = json_pack("[{s:s, s:s}]", "path", field, "message", problem);
    /* Granting county_admin without being one is forbidden; anything else is invalid input
     * (the unknown-role message names county_admin too, so test the roles, not the text). */
    int grants_county = 0;
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v) grants_county |= role_parse(json_string_value(v)) == ROLE_COUNTY_ADMIN;
    if (grants_county && !for_client && !authz_is_county_admin(&r->who))
        reply_error_details(r, 403, "forbidden", details, "%s", problem);
    else
        reply_error_details(r, 422, "validation_failed", details, "%s", problem);
    return -1;
}

/* ---- users ---- */

static void list_users(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    if (managed_principal(r, &p) != 0)
        return;
    const char *params[] = {p.slug};
    reply_rows(r,
               "SELECT " USER_JSON " FROM core.users u JOIN core.principals p ON p.id = u.principal_id"
               " WHERE p.slug = $1 ORDER BY u.username",
               1, params, 1, 200, "user");
}

static void get_user(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    if (managed_principal(r, &p) != 0)
        return;
    const char *params[] = {p.slug, req_param(r, "id")};
    reply_rows(r,
               "SELECT " USER_JSON " FROM core.users u JOIN core.principals p ON p.id = u.principal_id"
               " WHERE p.slug = $1 AND u.id::text = $2",
               2, params, 0, 200, "user");
}

static void create_user(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    struct body b;
    if (managed_principal(r, &p) != 0 || body_open(&b, r) != 0)
        return;
    const char *username = body_string(&b, "username", 1, 3, 64);
    const char *display = body_string(&b, "display_name", 0, 0, 200);
    const char *password = body_string(&b, "password", 1, 1, PASSWORD_MAX_LENGTH);
    json_t *roles = body_string_array(&b, "roles", 1, 4);
    json_t *areas = body_string_array(&b, "areas", 0, 16);
    char lower[80] = "";
    if (username) {
        for (size_t i = 0; username[i] && i < sizeof lower - 1; i++)
            lower[i] = (char)(username[i] >= 'A' && username[i] <= 'Z' ? username[i] + 32 : username[i]);
        size_t n = strlen(lower);
        int ok = n >= 3 && ((lower[0] >= 'a' && lower[0] <= 'z') || (lower[0] >= '0' && lower[0] <= '9'));
        for (size_t i = 0; ok && i < n; i++)
            ok = (lower[i] >= 'a' && lower[i] <= 'z') || (lower[i] >= '0' && lower[i] <= '9') ||
                 strchr("._@-", lower[i]);
        if (!ok)
            body_problem(&b, "username", "use 3 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a letter or digit");
    }
    if (password && password_policy_error(password))
        body_problem(&b, "password", "%s", password_policy_error(password));
    if (body_failed(&b) || check_grants(r, &p, roles, areas, 0, "/roles") != 0)
        return;
    char hash[PASSWORD_HASH_MAX];
    enum pw_result pr = password_hash(r->app->hashes, password, hash);
    if (pr != PW_OK) {
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "busy", "too many password operations at once; retry shortly");
        return;
    }
    if (req_begin(r) != 0)
        return;
    char *roles_json = json_dumps(roles, JSON_COMPACT);
    char *areas_json = areas ? json_dumps(areas, JSON_COMPACT) : xstrdup("[]");
    char pid[16];
    snprintf(pid, sizeof pid, "%d", p.id);
    const char *params[] = {pid, lower, display ? display : "", hash, roles_json, areas_json};
    PGresult *res = req_sql(
        r,
        "WITH u AS (INSERT INTO core.users (principal_id, username, display_name, password_hash,"
        " roles, areas) VALUES ($1::smallint, $2, $3, $4,"
        " ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),"
        " ARRAY(SELECT jsonb_array_elements_text($6::jsonb))) RETURNING *) "
        "SELECT u.id, " USER_JSON " FROM u JOIN core.principals p ON p.id = u.principal_id",
        6, params);
    free(roles_json);
    free(areas_json);
    sodium_memzero(hash, sizeof hash);
    if (!res)
        return;
    if (!db_ok(res)) {
        if (db_classify(r->db, res) == DB_CONFLICT)
            reply_error(r, 409, NULL, "the username '%s' is already taken", lower);
        else
            reply_db_error(r, res);
        PQclear(res);
        return;
    }
    char target[64], location[160];
    snprintf(target, sizeof target, "user:%s", PQgetvalue(res, 0, 0));
    snprintf(location, sizeof location, "/api/v1/principals/%s/users/%s", p.slug, PQgetvalue(res, 0, 0));
    json_t *user = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    PQclear(res);
    if (audit_change(r, "user.create", &p, target,
                     json_pack("{s:s, s:O, s:O}", "username", lower, "roles",
                               json_object_get(user, "roles"), "areas",
                               json_object_get(user, "areas"))) != 0) {
        json_decref(user);
        return;
    }
    req_set_header(r, "Location", location);
    reply_json(r, 201, user);
}

static void update_user(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    struct body b;
    if (managed_principal(r, &p) != 0 || body_open(&b, r) != 0)
        return;
    const char *display = body_string(&b, "display_name", 0, 0, 200);
    int has_active = body_has(&b, "active");
    int active = body_bool(&b, "active", 1);
    const char *password = body_string(&b, "password", 0, 1, PASSWORD_MAX_LENGTH);
    json_t *roles = body_string_array(&b, "roles", 0, 4);
    json_t *areas = body_string_array(&b, "areas", 0, 16);
    if (password && password_policy_error(password))
        body_problem(&b, "password", "%s", password_policy_error(password));
    if (body_failed(&b) || req_begin(r) != 0)
        return;

    const char *id = req_param(r, "id");
    const char *p1[] = {p.slug, id};
    PGresult *res = req_sql(r,
                            "SELECT u.id, array_to_json(u.roles)::text, array_to_json(u.areas)::text, u.active "
                            "FROM core.users u JOIN core.principals p ON p.id = u.principal_id "
                            "WHERE p.slug = $1 AND u.id::text = $2 FOR UPDATE OF u",
                            2, p1);
    if (!res)
        return;
    if (!db_ok(res) || PQntuples(res) == 0) {
        if (db_ok(res))
            reply_error(r, 404, NULL, "no user '%s' at this principal", id);
        else
            reply_db_error(r, res);
        PQclear(res);
        return;
    }
    char uid[40];
    snprintf(uid, sizeof uid, "%s", PQgetvalue(res, 0, 0));
    json_t *old_roles = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    json_t *old_areas = json_loads(PQgetvalue(res, 0, 2), 0, NULL);
    int was_active = PQgetvalue(res, 0, 3)[0] == 't';
    PQclear(res);
    int target_is_county = 0;
    size_t i;
    json_t *v;
    json_array_foreach(old_roles, i, v) target_is_county |= strcmp(json_string_value(v), "county_admin") == 0;

    json_t *new_roles = roles ? roles : old_roles, *new_areas = areas ? areas : old_areas;
    int grants_changed = (roles && !json_equal(roles, old_roles)) || (areas && !json_equal(areas, old_areas));
    int rc = -1;
    char hash[PASSWORD_HASH_MAX] = "";
    if (target_is_county && !authz_is_county_admin(&r->who)) {
        access_deny(r, "only a county_admin can change a county_admin's account");
        goto out;
    }
    if ((roles || areas) && check_grants(r, &p, new_roles, new_areas, 0, roles ? "/roles" : "/areas") != 0)
        goto out;
    if (password && password_hash(r->app->hashes, password, hash) != PW_OK) {
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "busy", "too many password operations at once; retry shortly");
        goto out;
    }
    char *roles_json = json_dumps(new_roles, JSON_COMPACT);
    char *areas_json = json_dumps(new_areas, JSON_COMPACT);
    const char *params[] = {uid, display, has_active ? (active ? "true" : "false") : NULL,
                            hash[0] ? hash : NULL, roles_json, areas_json};
    rc = exec_change(r,
                     "UPDATE core.users SET display_name = coalesce($2, display_name),"
                     " active = coalesce($3::boolean, active), password_hash = coalesce($4, password_hash),"
                     " roles = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),"
                     " areas = ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), updated_at = now() "
                     "WHERE id = $1::uuid",
                     6, params, NULL, NULL);
    free(roles_json);
    free(areas_json);
    sodium_memzero(hash, sizeof hash);
    if (rc != 0)
        goto out;
    char target[64];
    snprintf(target, sizeof target, "user:%s", uid);
    int deactivated = has_active && !active && was_active;
    rc = -1;
    if ((deactivated || grants_changed) && revoke_tokens(r, "sub", target, deactivated ? 1 : 0, deactivated) != 0)
        goto out;
    json_t *changed = json_array();
    if (display)
        json_array_append_new(changed, json_string("display_name"));
    if (has_active)
        json_array_append_new(changed, json_string("active"));
    if (password)
        json_array_append_new(changed, json_string("password"));
    if (roles)
        json_array_append_new(changed, json_string("roles"));
    if (areas)
        json_array_append_new(changed, json_string("areas"));
    if (audit_change(r, deactivated ? "user.deactivate" : "user.update", &p, target,
                     json_pack("{s:o, s:O, s:O}", "fields", changed, "roles", new_roles, "areas", new_areas)) != 0)
        goto out;
    const char *params2[] = {p.slug, uid};
    reply_rows(r,
               "SELECT " USER_JSON " FROM core.users u JOIN core.principals p ON p.id = u.principal_id"
               " WHERE p.slug = $1 AND u.id = $2::uuid",
               2, params2, 0, 200, "user");
    rc = 0;
out:
    json_decref(old_roles);
    json_decref(old_areas);
}

/* ---- clients ---- */

static char *new_secret(char sha_hex[65])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char *b64 = b64url_encode(raw, sizeof raw);
    char *secret = xasprintf("cs_%s", b64);
    free(b64);
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(secret, strlen(secret), md, &n, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(sha_hex + 2 * i, 3, "%02x", md[i]);
    return secret;
}

static void list_clients(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    if (managed_principal(r, &p) != 0)
        return;
    const char *params[] = {p.slug};
    reply_rows(r,
               "SELECT " CLIENT_JSON " FROM core.clients c JOIN core.principals p ON p.id = c.principal_id"
               " WHERE p.slug = $1 ORDER BY c.client_id",
               1, params, 1, 200, "client");
}

static void get_client(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    if (managed_principal(r, &p) != 0)
        return;
    const char *params[] = {p.slug, req_param(r, "id")};
    reply_rows(r,
               "SELECT " CLIENT_JSON " FROM core.clients c JOIN core.principals p ON p.id = c.principal_id"
               " WHERE p.slug = $1 AND c.client_id = $2",
               2, params, 0, 200, "client");
}

static void create_client(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    struct body b;
    if (managed_principal(r, &p) != 0 || body_open(&b, r) != 0)
        return;
    const char *name = body_string(&b, "name", 1, 1, 200);
    json_t *roles = body_string_array(&b, "roles", 1, 2);
    json_t *areas = body_string_array(&b, "areas", 0, 16);
    if (body_failed(&b) || check_grants(r, &p, roles, areas, 1, "/roles") != 0 || req_begin(r) != 0)
        return;
    unsigned char raw[4];
    randombytes_buf(raw, sizeof raw);
    char client_id[80], sha[65];
    snprintf(client_id, sizeof client_id, "%s-%02x%02x%02x%02x", p.slug, raw[0], raw[1], raw[2], raw[3]);
    char *secret = new_secret(sha);
    char *roles_json = json_dumps(roles, JSON_COMPACT);
    char *areas_json = areas ? json_dumps(areas, JSON_COMPACT) : xstrdup("[]");
    char pid[16];
    snprintf(pid, sizeof pid, "%d", p.id);
    const char *params[] = {client_id, pid, name, sha, roles_json, areas_json};
    PGresult *res = req_sql(
        r,
        "WITH c AS (INSERT INTO core.clients (client_id, principal_id, name, secret_sha256, roles, areas)"
        " VALUES ($1, $2::smallint, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),"
        " ARRAY(SELECT jsonb_array_elements_text($6::jsonb))) RETURNING *) "
        "SELECT " CLIENT_JSON " FROM c JOIN core.principals p ON p.id = c.principal_id",
        6, params);
    free(roles_json);
    free(areas_json);
    if (!res || !db_ok(res)) {
        if (res)
            reply_db_error(r, res);
        PQclear(res);
        sodium_memzero(secret, strlen(secret));
        free(secret);
        return;
    }
    json_t *client = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    char target[100], location[200];
    snprintf(target, sizeof target, "client:%s", client_id);
    snprintf(location, sizeof location, "/api/v1/principals/%s/clients/%s", p.slug, client_id);
    if (audit_change(r, "client.create", &p, target,
                     json_pack("{s:s, s:O, s:O}", "name", name, "roles",
                               json_object_get(client, "roles"), "areas",
                               json_object_get(client, "areas"))) != 0) {
        json_decref(client);
        sodium_memzero(secret, strlen(secret));
        free(secret);
        return;
    }
    json_object_set_new(client, "client_secret", json_string(secret));
    sodium_memzero(secret, strlen(secret));
    free(secret);
    req_set_header(r, "Location", location);
    req_set_header(r, "Cache-Control", "no-store");
    reply_json(r, 201, client);
}

/* Loads a client of the managed principal FOR UPDATE; replies 404 when missing. */
static int lock_client(struct req *r, const struct principal *p, json_t **roles, json_t **areas,
                       int *active)
{
    const char *params[] = {p->slug, req_param(r, "id")};
    PGresult *res = req_sql(r,
                            "SELECT array_to_json(c.roles)::text, array_to_json(c.areas)::text, c.active "
                            "FROM core.clients c JOIN core.principals p ON p.id = c.principal_id "
                            "WHERE p.slug = $1 AND c.client_id = $2 FOR UPDATE OF c",
                            2, params);
    if (!res)
        return -1;
    if (!db_ok(res) || PQntuples(res) == 0) {
        if (db_ok(res))
            reply_error(r, 404, NULL, "no client '%s' at this principal", req_param(r, "id"));
        else
            reply_db_error(r, res);
        PQclear(res);
        return -1;
    }
    *roles = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    *areas = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    *active = PQgetvalue(res, 0, 2)[0] == 't';
    PQclear(res);
    return 0;
}

static void update_client(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    struct body b;
    if (managed_principal(r, &p) != 0 || body_open(&b, r) != 0)
        return;
    const char *name = body_string(&b, "name", 0, 1, 200);
    int has_active = body_has(&b, "active");
    int active = body_bool(&b, "active", 1);
    json_t *roles = body_string_array(&b, "roles", 0, 2);
    json_t *areas = body_string_array(&b, "areas", 0, 16);
    json_t *old_roles = NULL, *old_areas = NULL;
    int was_active = 0;
    if (body_failed(&b) || req_begin(r) != 0 ||
        lock_client(r, &p, &old_roles, &old_areas, &was_active) != 0)
        return;
    json_t *new_roles = roles ? roles : old_roles, *new_areas = areas ? areas : old_areas;
    int grants_changed = (roles && !json_equal(roles, old_roles)) || (areas && !json_equal(areas, old_areas));
    char *roles_json = NULL, *areas_json = NULL;
    char target[100];
    snprintf(target, sizeof target, "client:%s", req_param(r, "id"));
    int deactivated = has_active && !active && was_active;
    if ((roles || areas) && check_grants(r, &p, new_roles, new_areas, 1, roles ? "/roles" : "/areas") != 0)
        goto out;
    roles_json = json_dumps(new_roles, JSON_COMPACT);
    areas_json = json_dumps(new_areas, JSON_COMPACT);
    const char *params[] = {req_param(r, "id"), name, has_active ? (active ? "true" : "false") : NULL,
                            roles_json, areas_json};
    if (exec_change(r,
                    "UPDATE core.clients SET name = coalesce($2, name), active = coalesce($3::boolean, active),"
                    " roles = ARRAY(SELECT jsonb_array_elements_text($4::jsonb)),"
                    " areas = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), updated_at = now() "
                    "WHERE client_id = $1",
                    5, params, NULL, NULL) != 0)
        goto out;
    if ((deactivated || grants_changed) && revoke_tokens(r, "sub", target, deactivated ? 1 : 0, 0) != 0)
        goto out;
    if (audit_change(r, deactivated ? "client.deactivate" : "client.update", &p, target,
                     json_pack("{s:O, s:O, s:b}", "roles", new_roles, "areas", new_areas, "active",
                               has_active ? active : was_active)) != 0)
        goto out;
    const char *params2[] = {p.slug, req_param(r, "id")};
    reply_rows(r,
               "SELECT " CLIENT_JSON " FROM core.clients c JOIN core.principals p ON p.id = c.principal_id"
               " WHERE p.slug = $1 AND c.client_id = $2",
               2, params2, 0, 200, "client");
out:
    free(roles_json);
    free(areas_json);
    json_decref(old_roles);
    json_decref(old_areas);
}

static void rotate_client_secret(struct req *r, void *ctx)
{
    (void)ctx;
    struct principal p;
    json_t *roles = NULL, *areas = NULL;
    int active = 0;
    if (managed_principal(r, &p) != 0 || req_begin(r) != 0 ||
        lock_client(r, &p, &roles, &areas, &active) != 0)
        return;
    json_decref(roles);
    json_decref(areas);
    char sha[65];
    char *secret = new_secret(sha);
    const char *params[] = {req_param(r, "id"), sha};
    char target[100];
    snprintf(target, sizeof target, "client:%s", req_param(r, "id"));
    struct audit_event e = {.action = "client.rotate_secret", .principal = p.slug, .target = target};
    if (exec_change(r, "UPDATE core.clients SET secret_sha256 = $2, updated_at = now() WHERE client_id = $1",
                    2, params, NULL, NULL) == 0 &&
        audit_write(r, &e) == 0) {
        req_set_header(r, "Cache-Control", "no-store");
        reply_json(r, 200, json_pack("{s:s, s:s}", "client_id", req_param(r, "id"), "client_secret", secret));
    }
    sodium_memzero(secret, strlen(secret));
    free(secret);
}

int account_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/principals/:slug/users", .fn = list_users,
         .access = ACCESS_ORG_ADMIN, .operation_id = "listUsers"},
        {.method = "POST", .pattern = "/api/v1/principals/:slug/users", .fn = create_user,
         .access = ACCESS_ORG_ADMIN, .operation_id = "createUser"},
        {.method = "GET", .pattern = "/api/v1/principals/:slug/users/:id", .fn = get_user,
         .access = ACCESS_ORG_ADMIN, .operation_id = "getUser"},
        {.method = "PATCH", .pattern = "/api/v1/principals/:slug/users/:id", .fn = update_user,
         .access = ACCESS_ORG_ADMIN, .operation_id = "updateUser"},
        {.method = "GET", .pattern = "/api/v1/principals/:slug/clients", .fn = list_clients,
         .access = ACCESS_ORG_ADMIN, .operation_id = "listClients"},
        {.method = "POST", .pattern = "/api/v1/principals/:slug/clients", .fn = create_client,
         .access = ACCESS_ORG_ADMIN, .operation_id = "createClient"},
        {.method = "GET", .pattern = "/api/v1/principals/:slug/clients/:id", .fn = get_client,
         .access = ACCESS_ORG_ADMIN, .operation_id = "getClient"},
        {.method = "PATCH", .pattern = "/api/v1/principals/:slug/clients/:id", .fn = update_client,
         .access = ACCESS_ORG_ADMIN, .operation_id = "updateClient"},
        {.method = "POST", .pattern = "/api/v1/principals/:slug/clients/:id/secret",
         .fn = rotate_client_secret, .access = ACCESS_ORG_ADMIN,
         .operation_id = "rotateClientSecret"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
