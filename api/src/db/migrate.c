/* Migration runner; see migrate.h. */
#include "db/migrate.h"

#include "log.h"
#include "util/mem.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The advisory lock key: "LGVO" in ASCII. */
#define MIGRATION_LOCK_KEY "1279743567"

static const char *const bootstrap_sql =
    "CREATE SCHEMA IF NOT EXISTS core;"
    "CREATE TABLE IF NOT EXISTS core.migrations ("
    " component text NOT NULL,"
    " version integer NOT NULL,"
    " name text NOT NULL,"
    " sha256 text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (component, version))";

void migration_set_free(struct migration_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free(set->items[i].name);
        free(set->items[i].sql);
    }
    free(set->items);
    set->items = NULL;
    set->count = 0;
}

void migrate_sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int valid_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 10 || strcmp(name + n - 4, ".sql") != 0)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    if (name[4] != '_')
        return 0;
    for (size_t i = 5; i < n - 4; i++)
        if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) && name[i] != '_')
            return 0;
    return 1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int by_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

int migrate_scan(const char *dir, int missing_ok, struct migration_set *out, char *err,
                 size_t errlen)
{
    out->items = NULL;
    out->count = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT && missing_ok)
            return 0;
        snprintf(err, errlen, "cannot read migrations directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".sql") != 0)
            continue;
        if (!valid_name(e->d_name)) {
            snprintf(err, errlen,
                     "%s/%s: migration files must be named NNNN_description.sql "
                     "(four digits, then lower-case letters, digits and '_')",
                     dir, e->d_name);
            rc = -1;
            break;
        }
        char *path = xasprintf("%s/%s", dir, e->d_name);
        size_t len = 0;
        char *sql = read_file(path, &len);
        free(path);
        if (!sql) {
            snprintf(err, errlen, "cannot read %s/%s: %s", dir, e->d_name, strerror(errno));
            rc = -1;
            break;
        }
        if (out->count == cap) {
            cap = cap ? cap * 2 : 16;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct migration *m = &out->items[out->count++];
        m->version = atoi(e->d_name);
        m->name = xstrdup(e->d_name);
        m->sql = sql;
        migrate_sha256_hex(sql, len, m->sha256);
    }
    closedir(d);
    if (rc == 0 && out->count > 1) {
        qsort(out->items, out->count, sizeof *out->items, by_version);
        for (size_t i = 1; i < out->count; i++) {
            if (out->items[i].version == out->items[i - 1].version) {
                snprintf(err, errlen, "%s: %s and %s share version %04d", dir,
                         out->items[i - 1].name, out->items[i].name, out->items[i].version);
                rc = -1;
                break;
            }
        }
    }
    if (rc != 0)
        migration_set_free(out);
    return rc;
}

long migrate_plan(const struct migration_set *files, const struct migration_set *applied,
                  const char *component, char *err, size_t errlen)
{
    /* Both sets are sorted by version. Every applied migration must still be on disk,
     * unchanged; and every file not yet applied must come after the last applied one. */
    size_t fi = 0;
    for (size_t ai = 0; ai < applied->count; ai++) {
        const struct migration *a = &applied->items[ai];
        if (fi < files->count && files->items[fi].version < a->version) {
            snprintf(err, errlen,
                     "%s: migration %s is new but sorts before the applied migration %s; "
                     "give it a higher number",
                     component, files->items[fi].name, a->name);
            return -1;
        }
        if (fi == files->count || files->items[fi].version != a->version) {
            snprintf(err, errlen,
                     "%s: applied migration %s is missing from the migrations directory",
                     component, a->name);
            return -1;
        }
        const struct migration *f = &files->items[fi];
        if (strcmp(f->name, a->name) != 0) {
            snprintf(err, errlen, "%s: applied migration %s was renamed to %s", component,
                     a->name, f->name);
            return -1;
        }
        if (strcmp(f->sha256, a->sha256) != 0) {
            snprintf(err, errlen,
                     "%s: applied migration %s has changed (applied sha256 %s, file sha256 %s); "
                     "add a new migration instead of editing an applied one",
                     component, a->name, a->sha256, f->sha256);
            return -1;
        }
        fi++;
    }
    return (long)fi;
}

static void pg_error(PGconn *pg, const PGresult *r, char *err, size_t errlen, const char *what)
{
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg);
    snprintf(err, errlen, "%s: %s", what, msg && *msg ? msg : "unknown error");
    size_t n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

static int exec_ok(PGconn *pg, const char *sql, char *err, size_t errlen, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType s = PQresultStatus(r);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
    if (!ok)
        pg_error(pg, r, err, errlen, what);
    PQclear(r);
    return ok ? 0 : -1;
}

static int load_applied(PGconn *pg, const char *component, struct migration_set *out,
                        char *err, size_t errlen)
{
    out->items = NULL;
    out->count = 0;
    const char *params[] = {component};
    PGresult *r = PQexecParams(pg,
                               "SELECT version, name, sha256 FROM core.migrations "
                               "WHERE component = $1 ORDER BY version",
                               1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_error(pg, r, err, errlen, "cannot read core.migrations");
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    out->items = xcalloc((size_t)n + 1, sizeof *out->items);
    for (int i = 0; i < n; i++) {
        struct migration *m = &out->items[i];
        m->version = atoi(PQgetvalue(r, i, 0));
        m->name = xstrdup(PQgetvalue(r, i, 1));
        snprintf(m->sha256, sizeof m->sha256, "%s", PQgetvalue(r, i, 2));
    }
    out->count = (size_t)n;
    PQclear(r);
    return 0;
}

static int apply_one(PGconn *pg, const char *component, const char *schema,
                     const struct migration *m, char *err, size_t errlen)
{
    char what[320];
    snprintf(what, sizeof what, "%s: migration %s failed", component, m->name);
    if (exec_ok(pg, "BEGIN", err, errlen, what) != 0)
        return -1;
    if (exec_ok(pg, "SELECT set_config('lgvo.system', 'on', true)", err, errlen, what) != 0)
        goto fail;
    if (schema) {
        const char *params[] = {schema};
        PGresult *r = PQexecParams(pg, "SELECT set_config('search_path', $1 || ', core', true)",
                                   1, NULL, params, NULL, NULL, 0);
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            pg_error(pg, r, err, errlen, what);
        PQclear(r);
        if (!ok)
            goto fail;
    }
    if (exec_ok(pg, m->sql, err, errlen, what) != 0)
        goto fail;
    char version[16];
    snprintf(version, sizeof version, "%d", m->version);
    const char *params[] = {component, version, m->name, m->sha256};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO core.migrations (component, version, name, sha256) "
                               "VALUES ($1, $2::int, $3, $4)",
                               4, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pg_error(pg, r, err, errlen, what);
    PQclear(r);
    if (!ok)
        goto fail;
    return exec_ok(pg, "COMMIT", err, errlen, what);
fail:
    PQclear(PQexec(pg, "ROLLBACK"));
    return -1;
}

int migrate_apply(PGconn *pg, const char *component, const char *dir, const char *schema,
                  char *err, size_t errlen)
{
    struct migration_set files = {0}, applied = {0};
    int rc = -1, locked = 0;
    if (migrate_scan(dir, 1, &files, err, errlen) != 0)
        goto out;
    if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", err, errlen,
                "cannot take the migration lock") != 0)
        goto out;
    locked = 1;
    if (exec_ok(pg, bootstrap_sql, err, errlen, "cannot create core.migrations") != 0)
        goto out;
    if (schema) {
        char *sql = xasprintf("CREATE SCHEMA IF NOT EXISTS \"%s\"", schema);
        int failed = exec_ok(pg, sql, err, errlen, "cannot create the plugin schema");
        free(sql);
        if (failed)
            goto out;
    }
    if (load_applied(pg, component, &applied, err, errlen) != 0)
        goto out;
    long first = migrate_plan(&files, &applied, component, err, errlen);
    if (first < 0)
        goto out;
    int count = 0;
    for (size_t i = (size_t)first; i < files.count; i++) {
        if (apply_one(pg, component, schema, &files.items[i], err, errlen) != 0)
            goto out;
        log_msg(LOG_INFO, "applied migration %s/%s", component, files.items[i].name);
        count++;
    }
    rc = count;
out:
    if (locked)
        PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")"));
    migration_set_free(&files);
    migration_set_free(&applied);
    return rc;
}

int migrate_check(PGconn *pg, const char *component, const char *dir, char *err,
                  size_t errlen)
{
    struct migration_set files = {0}, applied = {0};
    int rc = -1;
    if (migrate_scan(dir, 1, &files, err, errlen) != 0)
        goto out;
    if (load_applied(pg, component, &applied, err, errlen) != 0)
        goto out;
    long first = migrate_plan(&files, &applied, component, err, errlen);
    if (first < 0)
        goto out;
    rc = (size_t)first == files.count ? 1 : 0;
    if (!rc)
        snprintf(err, errlen, "%s: %zu migration(s) pending", component,
                 files.count - (size_t)first);
out:
    migration_set_free(&files);
    migration_set_free(&applied);
    return rc;
}
