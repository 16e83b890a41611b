/* Measure definitions; see measures.h. */
#include "core/measures.h"

#include "app.h"
#include "core/routes.h"
#include "http/params.h"
#include "http/req.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct entry {
    struct measure m;
    char *json; /* rendered object */
};

struct measures {
    pthread_rwlock_t lock;
    struct entry *items;
    int count;
    json_t *pending; /* definitions from plugins, not yet written */
};

struct measures *measures_create(void)
{
    struct measures *ms = xcalloc(1, sizeof *ms);
    pthread_rwlock_init(&ms->lock, NULL);
    ms->pending = json_array();
    return ms;
}

static void free_items(struct entry *items, int count)
{
    for (int i = 0; i < count; i++)
        free(items[i].json);
    free(items);
}

void measures_destroy(struct measures *ms)
{
    if (!ms)
        return;
    free_items(ms->items, ms->count);
    json_decref(ms->pending);
    pthread_rwlock_destroy(&ms->lock);
    free(ms);
}

static int one_of(const char *v, const char *const *allowed)
{
    for (int i = 0; v && allowed[i]; i++)
        if (strcmp(v, allowed[i]) == 0)
            return 1;
    return 0;
}

int measures_define(struct measures *ms, const char *area, const lgvo_measure_def *d, char *err,
                    size_t errlen)
{
    static const char *const kinds[] = {"indicator", "milestone", "text", NULL};
    static const char *const directions[] = {"lower_is_better", "higher_is_better", "none", NULL};
    static const char *const reporters[] = {"region", "municipality", "both", NULL};
    size_t alen = strlen(area);
    const char *slug = d->slug ? d->slug : "";
    if (strncmp(slug, area, alen) != 0 || slug[alen] != '.' || !slug[alen + 1]) {
        snprintf(err, errlen, "measure \"%s\": the slug must start with \"%s.\"", slug, area);
        return -1;
    }
    if (!d->title || !*d->title || !d->title_en || !*d->title_en) {
        snprintf(err, errlen, "measure %s: title and title_en are required", slug);
        return -1;
    }
    if (!one_of(d->kind, kinds) || !one_of(d->direction, directions) ||
        !one_of(d->reported_by, reporters) || period_type_parse(d->period_type) == PERIOD_NONE ||
        !d->unit || !*d->unit) {
        snprintf(err, errlen, "measure %s: kind, unit, period_type, direction or reported_by is invalid",
                 slug);
        return -1;
    }
    if (d->ratio && strcmp(d->kind, "indicator") != 0) {
        snprintf(err, errlen, "measure %s: only indicators can be ratios", slug);
        return -1;
    }
    json_t *rep = strcmp(d->reported_by, "both") == 0 ? json_pack("[ss]", "region", "municipality")
                                                      : json_pack("[s]", d->reported_by);
    json_t *def = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:b, s:s?, s:o, s:b, s:b, s:s?, s:s?, s:s?}",
        "slug", slug, "area", area, "title", d->title, "title_en", d->title_en, "kind", d->kind,
        "unit", d->unit, "period_type", d->period_type, "direction", d->direction, "ratio",
        d->ratio, "min", d->has_min ? json_real(d->min) : json_null(), "max",
        d->has_max ? json_real(d->max) : json_null(), "sex_split", d->sex_split, "age_band",
        d->age_band, "reported_by", rep, "on_behalf", d->on_behalf, "restricted", d->restricted,
        "subgoal", d->subgoal, "activity", d->activity, "description", d->description);
    if (!def) {
        snprintf(err, errlen, "measure %s: a text is not valid UTF-8", slug);
        return -1;
    }
    json_array_append_new(ms->pending, def);
    return 0;
}

int measures_sync(struct measures *ms, PGconn *pg, char *err, size_t errlen)
{
    if (json_array_size(ms->pending) == 0)
        return 0;
    char *defs = json_dumps(ms->pending, JSON_COMPACT);
    const char *params[] = {defs};
    PGresult *r = PQexecParams(
        pg,
        "INSERT INTO core.measures AS m (slug, area_id, title, title_en, kind, unit, period_type,"
        " direction, ratio, min, max, sex_split, age_band, reported_by, on_behalf, restricted,"
        " subgoal, activity, description, defined_by) "
        "SELECT d.slug, a.id, d.title, d.title_en, d.kind, d.unit, d.period_type, d.direction,"
        " d.ratio, d.min, d.max, d.sex_split, d.age_band,"
        " ARRAY(SELECT jsonb_array_elements_text(d.reported_by)), d.on_behalf, d.restricted,"
        " d.subgoal, d.activity, d.description, d.area "
        "FROM jsonb_to_recordset($1::jsonb) AS d(slug text, area text, title text, title_en text,"
        " kind text, unit text, period_type text, direction text, ratio boolean,"
        " min double precision, max double precision, sex_split boolean, age_band text,"
        " reported_by jsonb, on_behalf boolean, restricted boolean, subgoal text, activity text,"
        " description text) JOIN core.areas a ON a.slug = d.area "
        "ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, title_en = EXCLUDED.title_en,"
        " kind = EXCLUDED.kind, unit = EXCLUDED.unit, period_type = EXCLUDED.period_type,"
        " direction = EXCLUDED.direction, ratio = EXCLUDED.ratio, min = EXCLUDED.min,"
        " max = EXCLUDED.max, sex_split = EXCLUDED.sex_split, age_band = EXCLUDED.age_band,"
        " reported_by = EXCLUDED.reported_by, on_behalf = EXCLUDED.on_behalf,"
        " restricted = EXCLUDED.restricted, subgoal = EXCLUDED.subgoal,"
        " activity = EXCLUDED.activity, description = coalesce(EXCLUDED.description, m.description),"
        " defined_by = EXCLUDED.defined_by, updated_at = now() "
        "WHERE (m.title, m.title_en, m.kind, m.unit, m.period_type, m.direction, m.ratio, m.min,"
        " m.max, m.sex_split, m.age_band, m.reported_by, m.on_behalf, m.restricted, m.subgoal,"
        " m.activity, m.description, m.defined_by) IS DISTINCT FROM (EXCLUDED.title,"
        " EXCLUDED.title_en, EXCLUDED.kind, EXCLUDED.unit, EXCLUDED.period_type,"
        " EXCLUDED.direction, EXCLUDED.ratio, EXCLUDED.min, EXCLUDED.max, EXCLUDED.sex_split,"
        " EXCLUDED.age_band, EXCLUDED.reported_by, EXCLUDED.on_behalf, EXCLUDED.restricted,"
        " EXCLUDED.subgoal, EXCLUDED.activity, coalesce(EXCLUDED.description, m.description),"
        " EXCLUDED.defined_by)",
        1, NULL, params, NULL, NULL, 0);
    free(defs);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, errlen, "cannot store the plugins' measures: %s", PQresultErrorMessage(r));
    PQclear(r);
    json_array_clear(ms->pending);
    return ok ? 0 : -1;
}

static double unit_scale(const char *unit)
{
    if (strcmp(unit, "percent") == 0)
        return 100.0;
    if (strcmp(unit, "per_1000") == 0)
        return 1000.0;
    return 1.0;
}

int measures_load(struct measures *ms, PGconn *pg, char *err, size_t errlen)
{
    PGresult *r = PQexec(
        pg,
        "SELECT m.id, m.slug, m.area_id, a.slug, m.kind, m.unit, m.period_type, m.direction,"
        " m.ratio, m.min, m.max, m.sex_split, 'region' = ANY (m.reported_by),"
        " 'municipality' = ANY (m.reported_by), m.on_behalf, m.restricted,"
        " json_build_object('slug', m.slug, 'area', a.slug, 'title', m.title, 'title_en', m.title_en,"
        " 'kind', m.kind, 'unit', m.unit, 'period_type', m.period_type, 'direction', m.direction,"
        " 'ratio', m.ratio, 'min', m.min, 'max', m.max, 'sex_split', m.sex_split,"
        " 'age_band', m.age_band, 'reported_by', m.reported_by, 'on_behalf', m.on_behalf,"
        " 'restricted', m.restricted, 'subgoal', m.subgoal, 'activity', m.activity,"
        " 'description', m.description)::text "
        "FROM core.measures m JOIN core.areas a ON a.id = m.area_id ORDER BY a.sort_order, m.slug");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.measures: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    struct entry *items = xcalloc((size_t)n + 1, sizeof *items);
    for (int i = 0; i < n; i++) {
        struct measure *m = &items[i].m;
        m->id = atoi(PQgetvalue(r, i, 0));
        snprintf(m->slug, sizeof m->slug, "%s", PQgetvalue(r, i, 1));
        m->area_id = atoi(PQgetvalue(r, i, 2));
        snprintf(m->area, sizeof m->area, "%s", PQgetvalue(r, i, 3));
        snprintf(m->kind, sizeof m->kind, "%s", PQgetvalue(r, i, 4));
        snprintf(m->unit, sizeof m->unit, "%s", PQgetvalue(r, i, 5));
        m->period_type = period_type_parse(PQgetvalue(r, i, 6));
        snprintf(m->direction, sizeof m->direction, "%s", PQgetvalue(r, i, 7));
        m->ratio = PQgetvalue(r, i, 8)[0] == 't';
        m->scale = unit_scale(m->unit);
        m->has_min = !PQgetisnull(r, i, 9);
        m->min = m->has_min ? strtod(PQgetvalue(r, i, 9), NULL) : 0;
        m->has_max = !PQgetisnull(r, i, 10);
        m->max = m->has_max ? strtod(PQgetvalue(r, i, 10), NULL) : 0;
        m->sex_split = PQgetvalue(r, i, 11)[0] == 't';
        m->by_region = PQgetvalue(r, i, 12)[0] == 't';
        m->by_municipality = PQgetvalue(r, i, 13)[0] == 't';
        m->on_behalf = PQgetvalue(r, i, 14)[0] == 't';
        m->restricted = PQgetvalue(r, i, 15)[0] == 't';
        /* Re-encode compactly (PostgreSQL's json has spaces). */
        json_t *obj = json_loads(PQgetvalue(r, i, 16), 0, NULL);
        items[i].json = json_dumps(obj, JSON_COMPACT);
        json_decref(obj);
    }
    PQclear(r);
    pthread_rwlock_wrlock(&ms->lock);
    struct entry *old = ms->items;
    int oldn = ms->count;
    ms->items = items;
    ms->count = n;
    pthread_rwlock_unlock(&ms->lock);
    free_items(old, oldn);
    return 0;
}

int measures_get(struct measures *ms, const char *slug, struct measure *out)
{
    int rc = -1;
    pthread_rwlock_rdlock(&ms->lock);
    for (int i = 0; i < ms->count; i++) {
        if (strcmp(ms->items[i].m.slug, slug) == 0) {
            *out = ms->items[i].m;
            rc = 0;
            break;
        }
    }
    pthread_rwlock_unlock(&ms->lock);
    return rc;
}

int measures_get_by_id(struct measures *ms, int id, struct measure *out)
{
    int rc = -1;
    pthread_rwlock_rdlock(&ms->lock);
    for (int i = 0; i < ms->count; i++) {
        if (ms->items[i].m.id == id) {
            *out = ms->items[i].m;
            rc = 0;
            break;
        }
    }
    pthread_rwlock_unlock(&ms->lock);
    return rc;
}

char *measures_json(struct measures *ms, const char *slug, const char *area, const char *kind,
                    size_t *len)
{
    struct strbuf b;
    strbuf_init(&b);
    pthread_rwlock_rdlock(&ms->lock);
    if (slug) {
        for (int i = 0; i < ms->count; i++)
            if (strcmp(ms->items[i].m.slug, slug) == 0)
                strbuf_adds(&b, ms->items[i].json);
    } else {
        strbuf_adds(&b, "{\"items\":[");
        int first = 1;
        for (int i = 0; i < ms->count; i++) {
            const struct measure *m = &ms->items[i].m;
            if ((area && strcmp(m->area, area) != 0) || (kind && strcmp(m->kind, kind) != 0))
                continue;
            if (!first)
                strbuf_add(&b, ",", 1);
            first = 0;
            strbuf_adds(&b, ms->items[i].json);
        }
        strbuf_adds(&b, "]}");
    }
    pthread_rwlock_unlock(&ms->lock);
    if (!b.len) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b, len);
}

static void list_measures(struct req *r, void *ctx)
{
    (void)ctx;
    static const char *const kinds[] = {"indicator", "milestone", "text", NULL};
    struct query_params q;
    query_params_init(&q, r);
    const char *area = query_text(&q, "area", 32);
    const char *kind = query_enum(&q, "kind", kinds, NULL);
    if (query_params_failed(&q))
        return;
    size_t len = 0;
    char *json = measures_json(r->app->measures, NULL, area, kind, &len);
    reply_raw(r, 200, "application/json; charset=utf-8", json, len);
}

static void get_measure(struct req *r, void *ctx)
{
    (void)ctx;
    size_t len = 0;
    char *json = measures_json(r->app->measures, req_param(r, "slug"), NULL, NULL, &len);
    if (!json) {
        reply_error(r, 404, NULL, "no measure '%s'", req_param(r, "slug"));
        return;
    }
    reply_raw(r, 200, "application/json; charset=utf-8", json, len);
}

int measure_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/measures", .fn = list_measures,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listMeasures"},
        {.method = "GET", .pattern = "/api/v1/measures/:slug", .fn = get_measure,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getMeasure"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
