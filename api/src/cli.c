/* Administrative subcommands; see cli.h. */
#include "cli.h"

#include "app.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "core/grants.h"
#include "log.h"
#include "util/b64url.h"
#include "util/mem.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct account_args {
    const char *principal;
    char slug[48]; /* the principal's slug, once resolved */
    const char *username; /* users */
    const char *name;     /* clients */
    const char *role;
    json_t *areas;
    int password_stdin;
};

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lgvo-api: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* Parses the options after "user add" / "client add". Returns 0 or an exit code. */
static int parse_account_args(int argc, char **argv, struct account_args *a, int for_client)
{
    a->areas = json_array();
    for (int i = 0; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--password-stdin") == 0 && !for_client) {
            a->password_stdin = 1;
            continue;
        }
        if (i + 1 >= argc)
            return fail("option %s needs a value", opt);
        const char *val = argv[++i];
        if (strcmp(opt, "--principal") == 0)
            a->principal = val;
        else if (strcmp(opt, "--username") == 0 && !for_client)
            a->username = val;
        else if (strcmp(opt, "--name") == 0 && for_client)
            a->name = val;
        else if (strcmp(opt, "--role") == 0)
            a->role = val;
        else if (strcmp(opt, "--area") == 0)
            json_array_append_new(a->areas, json_string(val));
        else
            return fail("unknown option %s", opt);
    }
    if (!a->principal)
        return fail("%s", "--principal is required");
    if (!a->role)
        return fail("%s", "--role is required");
    if (!for_client && !a->username)
        return fail("%s", "--username is required");
    if (!for_client && !a->password_stdin)
        return fail("%s", "--password-stdin is required (the password is read from standard input)");
    if (for_client && !a->name)
        return fail("%s", "--name is required");
    return 0;
}

/* Looks the principal up by slug or official code; returns its id (and slug) or -1. */
static int principal_id(PGconn *pg, const char *key, char slug[48])
{
    const char *params[] = {key};
    PGresult *r = PQexecParams(pg, "SELECT id, slug FROM core.principals WHERE slug = $1 OR code = $1",
                               1, NULL, params, NULL, NULL, 0);
    int id = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        id = atoi(PQgetvalue(r, 0, 0));
        snprintf(slug, 48, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return id;
}

static int check_account(PGconn *pg, struct account_args *a, int for_client, int *pid)
{
    *pid = principal_id(pg, a->principal, a->slug);
    if (*pid < 0)
        return fail("unknown principal '%s'", a->principal);
    json_t *roles = json_pack("[s]", a->role);
    char buf[256];
    const char *problem = grants_check(pg, *pid, roles, a->areas, for_client, 1, buf, sizeof buf);
    json_decref(roles);
    if (problem)
        return fail("%s", problem);
    return 0;
}

static void audit_cli(PGconn *pg, const char *action, const char *principal, const char *target)
{
    const char *params[] = {principal, action, target};
    PQclear(PQexecParams(pg,
                         "INSERT INTO core.audit (actor, principal, action, target) "
                         "VALUES ('cli', (SELECT slug FROM core.principals WHERE slug = $1 OR code = $1), $2, $3)",
                         3, NULL, params, NULL, NULL, 0));
}

/* Reads one line from stdin without its newline; caller frees. */
static char *read_password(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static int user_add(struct app *app, PGconn *pg, int argc, char **argv)
{
    struct account_args a = {0};
    int pid, rc = parse_account_args(argc, argv, &a, 0);
    char *password = NULL;
    if (rc || (rc = check_account(pg, &a, 0, &pid)))
        goto out;
    password = read_password();
    if (!password) {
        rc = fail("%s", "no password on standard input");
        goto out;
    }
    if (password_policy_error(password)) {
        rc = fail("%s", password_policy_error(password));
        goto out;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(app->hashes, password, hash) != PW_OK) {
        rc = fail("%s", "cannot hash the password");
        goto out;
    }
    char spid[16];
    snprintf(spid, sizeof spid, "%d", pid);
    char *areas = json_dumps(a.areas, JSON_COMPACT);
    const char *params[] = {spid, a.username, hash, a.role, areas};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO core.users (principal_id, username, password_hash, roles, areas) "
                               "VALUES ($1::smallint, lower($2), $3, ARRAY[$4],"
                               " ARRAY(SELECT jsonb_array_elements_text($5::jsonb))) RETURNING id, username",
                               5, NULL, params, NULL, NULL, 0);
    free(areas);
    sodium_memzero(hash, sizeof hash);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "23505") == 0)
            rc = fail("the username '%s' is already taken", a.username);
        else if (state && strcmp(state, "23514") == 0)
            rc = fail("the username '%s' is not acceptable: use 3 to 64 of a-z, 0-9, '.', '_', '@', '-'", a.username);
        else
            rc = fail("cannot create the user: %s", PQresultErrorMessage(r));
        PQclear(r);
        goto out;
    }
    char target[64];
    snprintf(target, sizeof target, "user:%s", PQgetvalue(r, 0, 0));
    json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:O}", "id", PQgetvalue(r, 0, 0), "username",
                            PQgetvalue(r, 0, 1), "principal", a.slug, "role", a.role, "areas",
                            a.areas);
    PQclear(r);
    audit_cli(pg, "user.create", a.principal, target);
    char *text = json_dumps(out, JSON_COMPACT);
    printf("%s\n", text);
    free(text);
    json_decref(out);
out:
    if (password) {
        sodium_memzero(password, strlen(password));
        free(password);
    }
    json_decref(a.areas);
    return rc;
}

static int client_add(struct app *app, PGconn *pg, int argc, char **argv)
{
    (void)app;
    struct account_args a = {0};
    int pid, rc = parse_account_args(argc, argv, &a, 1);
    if (!rc && strcmp(a.role, "reader") != 0 && strcmp(a.role, "reporter") != 0)
        rc = fail("a machine client can only be reader or reporter, not %s", a.role);
    if (rc || (rc = check_account(pg, &a, 1, &pid))) {
        json_decref(a.areas);
        return rc;
    }
    unsigned char raw[32], idr[4];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(idr, sizeof idr);
    char *b64 = b64url_encode(raw, sizeof raw);
    char *secret = xasprintf("cs_%s", b64);
    free(b64);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(secret, strlen(secret), md, &mdlen, EVP_sha256(), NULL);
    char sha[65];
    for (int i = 0; i < 32; i++)
        snprintf(sha + 2 * i, 3, "%02x", md[i]);
    char spid[16];
    snprintf(spid, sizeof spid, "%d", pid);
    char *areas = json_dumps(a.areas, JSON_COMPACT);
    char suffix[16];
    snprintf(suffix, sizeof suffix, "%02x%02x%02x%02x", idr[0], idr[1], idr[2], idr[3]);
    const char *params[] = {spid, a.name, sha, a.role, areas, suffix};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO core.clients (client_id, principal_id, name, secret_sha256, roles, areas) "
                               "VALUES ((SELECT slug FROM core.principals WHERE id = $1::smallint) || '-' || $6,"
                               " $1::smallint, $2, $3, ARRAY[$4], ARRAY(SELECT jsonb_array_elements_text($5::jsonb)))"
                               " RETURNING client_id",
                               6, NULL, params, NULL, NULL, 0);
    free(areas);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = fail("cannot create the client: %s", PQresultErrorMessage(r));
    } else {
        char target[100];
        snprintf(target, sizeof target, "client:%s", PQgetvalue(r, 0, 0));
        json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "client_id", PQgetvalue(r, 0, 0),
                                "client_secret", secret, "principal", a.slug, "name", a.name,
                                "role", a.role, "areas", a.areas);
        audit_cli(pg, "client.create", a.principal, target);
        char *text = json_dumps(out, JSON_COMPACT);
        printf("%s\n", text);
        sodium_memzero(text, strlen(text));
        free(text);
        json_decref(out);
    }
    PQclear(r);
    sodium_memzero(secret, strlen(secret));
    free(secret);
    json_decref(a.areas);
    return rc;
}

int cli_user(struct app *app, PGconn *pg, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add") != 0)
        return fail("%s", "usage: lgvo-api user add --principal SLUG --username NAME --role ROLE [--area SLUG]... --password-stdin");
    return user_add(app, pg, argc - 1, argv + 1);
}

int cli_client(struct app *app, PGconn *pg, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add") != 0)
        return fail("%s", "usage: lgvo-api client add --principal SLUG --name NAME --role reader|reporter [--area SLUG]...");
    return client_add(app, pg, argc - 1, argv + 1);
}

int cli_keys(struct app *app, PGconn *pg, int argc, char **argv)
{
    char err[512];
    if (argc == 1 && strcmp(argv[0], "rotate") == 0) {
        char kid[64];
        if (keyring_rotate(&app->cfg, pg, kid, err, sizeof err) != 0)
            return fail("%s", err);
        const char *params[] = {kid};
        PQclear(PQexecParams(pg,
                             "INSERT INTO core.audit (actor, action, target) VALUES ('cli', 'key.rotate', $1)",
                             1, NULL, params, NULL, NULL, 0));
        printf("{\"kid\":\"%s\",\"algorithm\":\"%s\"}\n", kid, app->cfg.jwt_alg);
        return 0;
    }
    if (argc == 1 && strcmp(argv[0], "list") == 0) {
        json_t *list = keyring_list(pg, err, sizeof err);
        if (!list)
            return fail("%s", err);
        char *text = json_dumps(list, JSON_COMPACT);
        printf("%s\n", text);
        free(text);
        json_decref(list);
        return 0;
    }
    return fail("%s", "usage: lgvo-api keys rotate | lgvo-api keys list");
}
