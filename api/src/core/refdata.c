/* In-memory reference data; see refdata.h. A reload builds a new snapshot off-lock and swaps
 * it in under the write lock; readers copy what they need under the read lock. */
#include "core/refdata.h"

#include "db/migrate.h"
#include "util/mem.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct rendered {
    char *json;
    size_t len;
    char etag[24];
};

struct snapshot {
    struct principal *principals;
    int nprincipals;
    struct area *areas;
    int nareas;
    struct rendered principals_list, areas_list;
    struct rendered *principal_items; /* parallel to principals */
    struct rendered *area_items;      /* parallel to areas */
};

struct refdata {
    pthread_rwlock_t lock;
    struct snapshot *snap;
    json_t *area_plugins; /* area slug → plugin slug */
};

void refdata_set_area_plugins(struct refdata *rd, json_t *map)
{
    pthread_rwlock_wrlock(&rd->lock);
    json_decref(rd->area_plugins);
    rd->area_plugins = json_deep_copy(map);
    pthread_rwlock_unlock(&rd->lock);
}

static void snapshot_free(struct snapshot *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nprincipals; i++)
        free(s->principal_items[i].json);
    for (int i = 0; i < s->nareas; i++)
        free(s->area_items[i].json);
    free(s->principal_items);
    free(s->area_items);
    free(s->principals_list.json);
    free(s->areas_list.json);
    free(s->principals);
    free(s->areas);
    free(s);
}

struct refdata *refdata_create(void)
{
    struct refdata *rd = xcalloc(1, sizeof *rd);
    pthread_rwlock_init(&rd->lock, NULL);
    return rd;
}

void refdata_destroy(struct refdata *rd)
{
    if (!rd)
        return;
    snapshot_free(rd->snap);
    json_decref(rd->area_plugins);
    pthread_rwlock_destroy(&rd->lock);
    free(rd);
}

/* Renders and steals json. */
static void render(struct rendered *out, json_t *json)
{
    out->json = json_dumps(json, JSON_COMPACT);
    out->len = strlen(out->json);
    char sha[65];
    migrate_sha256_hex(out->json, out->len, sha);
    snprintf(out->etag, sizeof out->etag, "\"%.20s\"", sha);
    json_decref(json);
}

static void copy_field(char *dst, size_t n, const PGresult *r, int row, int col)
{
    snprintf(dst, n, "%s", PQgetvalue(r, row, col));
}

static int load_principals(struct snapshot *s, PGconn *pg, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg, "SELECT id, slug, name, kind, code FROM core.principals "
                             "ORDER BY sort_order, id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.principals: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    s->nprincipals = PQntuples(r);
    s->principals = xcalloc((size_t)s->nprincipals, sizeof *s->principals);
    s->principal_items = xcalloc((size_t)s->nprincipals, sizeof *s->principal_items);
    json_t *items = json_array();
    for (int i = 0; i < s->nprincipals; i++) {
        struct principal *p = &s->principals[i];
        p->id = atoi(PQgetvalue(r, i, 0));
        copy_field(p->slug, sizeof p->slug, r, i, 1);
        copy_field(p->name, sizeof p->name, r, i, 2);
        copy_field(p->kind, sizeof p->kind, r, i, 3);
        copy_field(p->code, sizeof p->code, r, i, 4);
        json_t *item = json_pack("{s:s, s:s, s:s, s:s}", "slug", p->slug, "name", p->name,
                                 "kind", p->kind, "code", p->code);
        json_array_append(items, item);
        render(&s->principal_items[i], item);
    }
    PQclear(r);
    render(&s->principals_list, json_pack("{s:o}", "items", items));
    return 0;
}

static int load_areas(struct snapshot *s, PGconn *pg, json_t *plugins, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg, "SELECT id, slug, name, name_en FROM core.areas "
                             "ORDER BY sort_order, id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.areas: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    s->nareas = PQntuples(r);
    s->areas = xcalloc((size_t)s->nareas, sizeof *s->areas);
    s->area_items = xcalloc((size_t)s->nareas, sizeof *s->area_items);
    json_t *items = json_array();
    for (int i = 0; i < s->nareas; i++) {
        struct area *a = &s->areas[i];
        a->id = atoi(PQgetvalue(r, i, 0));
        copy_field(a->slug, sizeof a->slug, r, i, 1);
        copy_field(a->name, sizeof a->name, r, i, 2);
        copy_field(a->name_en, sizeof a->name_en, r, i, 3);
        json_t *plugin = json_object_get(plugins, a->slug);
        json_t *item = json_pack("{s:s, s:s, s:s, s:O}", "slug", a->slug, "name", a->name,
                                 "name_en", a->name_en, "plugin", plugin ? plugin : json_null());
        json_array_append(items, item);
        render(&s->area_items[i], item);
    }
    PQclear(r);
    render(&s->areas_list, json_pack("{s:o}", "items", items));
    return 0;
}

int refdata_load(struct refdata *rd, PGconn *pg, char *err, size_t errlen)
{
    struct snapshot *s = xcalloc(1, sizeof *s);
    pthread_rwlock_rdlock(&rd->lock);
    json_t *plugins = json_incref(rd->area_plugins);
    pthread_rwlock_unlock(&rd->lock);
    int failed = load_principals(s, pg, err, errlen) != 0 ||
                 load_areas(s, pg, plugins, err, errlen) != 0;
    json_decref(plugins);
    if (failed) {
        snapshot_free(s);
        return -1;
    }
    pthread_rwlock_wrlock(&rd->lock);
    struct snapshot *old = rd->snap;
    rd->snap = s;
    pthread_rwlock_unlock(&rd->lock);
    snapshot_free(old);
    return 0;
}

static int find_principal(const struct snapshot *s, const char *key)
{
    for (int i = 0; s && i < s->nprincipals; i++)
        if (strcmp(s->principals[i].slug, key) == 0 || strcmp(s->principals[i].code, key) == 0)
            return i;
    return -1;
}

static int find_area(const struct snapshot *s, const char *key)
{
    for (int i = 0; s && i < s->nareas; i++)
        if (strcmp(s->areas[i].slug, key) == 0)
            return i;
    return -1;
}

int refdata_principal(struct refdata *rd, const char *slug_or_code, struct principal *out)
{
    pthread_rwlock_rdlock(&rd->lock);
    int i = find_principal(rd->snap, slug_or_code);
    if (i >= 0)
        *out = rd->snap->principals[i];
    pthread_rwlock_unlock(&rd->lock);
    return i >= 0 ? 0 : -1;
}

int refdata_principal_by_id(struct refdata *rd, int id, struct principal *out)
{
    int found = -1;
    pthread_rwlock_rdlock(&rd->lock);
    for (int i = 0; rd->snap && i < rd->snap->nprincipals; i++) {
        if (rd->snap->principals[i].id == id) {
            *out = rd->snap->principals[i];
            found = 0;
            break;
        }
    }
    pthread_rwlock_unlock(&rd->lock);
    return found;
}

int refdata_area(struct refdata *rd, const char *slug, struct area *out)
{
    pthread_rwlock_rdlock(&rd->lock);
    int i = find_area(rd->snap, slug);
    if (i >= 0)
        *out = rd->snap->areas[i];
    pthread_rwlock_unlock(&rd->lock);
    return i >= 0 ? 0 : -1;
}

int refdata_area_by_id(struct refdata *rd, int id, struct area *out)
{
    int found = -1;
    pthread_rwlock_rdlock(&rd->lock);
    for (int i = 0; rd->snap && i < rd->snap->nareas; i++) {
        if (rd->snap->areas[i].id == id) {
            *out = rd->snap->areas[i];
            found = 0;
            break;
        }
    }
    pthread_rwlock_unlock(&rd->lock);
    return found;
}

int refdata_principal_count(struct refdata *rd)
{
    pthread_rwlock_rdlock(&rd->lock);
    int n = rd->snap ? rd->snap->nprincipals : 0;
    pthread_rwlock_unlock(&rd->lock);
    return n;
}

char *refdata_json(struct refdata *rd, enum refdata_kind kind, const char *key, size_t *len,
                   char etag[24])
{
    char *out = NULL;
    pthread_rwlock_rdlock(&rd->lock);
    const struct snapshot *s = rd->snap;
    const struct rendered *r = NULL;
    if (s && kind == REFDATA_PRINCIPALS) {
        int i = key ? find_principal(s, key) : -1;
        r = key ? (i >= 0 ? &s->principal_items[i] : NULL) : &s->principals_list;
    } else if (s && kind == REFDATA_AREAS) {
        int i = key ? find_area(s, key) : -1;
        r = key ? (i >= 0 ? &s->area_items[i] : NULL) : &s->areas_list;
    }
    if (r) {
        out = xstrndup(r->json, r->len);
        *len = r->len;
        memcpy(etag, r->etag, 24);
    }
    pthread_rwlock_unlock(&rd->lock);
    return out;
}
