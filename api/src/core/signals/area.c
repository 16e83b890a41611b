/* GET /api/v1/areas/{slug}/signals?as_of=PERIOD: for every indicator of the area, the county
 * and every principal that reports it (or has reported it), the verdict of the auto chart
 * over the points ending by as_of, the direction of the latest signal and since when.
 *
 * One query reads the area's total-sex values, with what the caller may not see already
 * nulled; everything else is done here: the rows are sorted by measure, principal and period
 * (in C, by small keys: PostgreSQL's sort of the wide rows cost more CPU than the rest of the
 * query), the values are read from the result where they are needed (not copied),
 * the measures and principals come from memory, the county series are summed per period like
 * the series endpoint's (a total with any suppressed contribution is itself suppressed), and
 * each series goes through the pure chart code. The durations are logged at debug level. */
#include "core/signals/signals.h"

#include "app.h"
#include "auth/authz.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "log.h"
#include "util/clock.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A row of the query, found by its key: the rows are not copied, only their keys sorted. */
struct area_key {
    int measure_id, principal_id;
    int day; /* the period start as yyyymmdd, for ordering */
    int row; /* in the result */
};

struct area_principal {
    int id;
    char slug[48];
    int region;
};

struct area_data {
    PGresult *res;          /* owned */
    struct area_key *keys;  /* owned; sorted by measure, principal, period start */
    int nkeys;
    struct area_principal *principals; /* owned; in the principals' order */
    int nprincipals;
};

static void area_data_free(struct area_data *d)
{
    PQclear(d->res);
    free(d->keys);
    free(d->principals);
    memset(d, 0, sizeof *d);
}

/* Columns: measure_id, principal_id, period, period_start, value, numerator, denominator,
 * suppressed. */
static const char area_sql[] =
    "SELECT v.measure_id, v.principal_id, v.period, v.period_start,"
    " CASE WHEN s.hide THEN NULL ELSE v.value END, CASE WHEN s.hide THEN NULL ELSE v.numerator END,"
    " CASE WHEN s.hide THEN NULL ELSE v.denominator END, s.hide "
    "FROM core.measures m JOIN core.areas a ON a.id = m.area_id JOIN core.values v ON v.measure_id = m.id,"
    " LATERAL (SELECT " SIGNALS_SUPPRESSED " AS hide) s "
    "WHERE a.slug = $3 AND m.kind = 'indicator' AND v.sex = 'T'"
    " AND ($4::date IS NULL OR v.period_end <= $4::date)";

static int compare_keys(const void *a, const void *b)
{
    const struct area_key *x = a, *y = b;
    if (x->measure_id != y->measure_id)
        return x->measure_id < y->measure_id ? -1 : 1;
    if (x->principal_id != y->principal_id)
        return x->principal_id < y->principal_id ? -1 : 1;
    return (x->day > y->day) - (x->day < y->day);
}

/* The rows' keys, sorted by measure, principal and period start. */
static void sort_rows(struct area_data *d)
{
    d->nkeys = PQntuples(d->res);
    d->keys = xmalloc((d->nkeys ? (size_t)d->nkeys : 1) * sizeof *d->keys); /* owned by d */
    for (int i = 0; i < d->nkeys; i++) {
        struct area_key *k = &d->keys[i];
        struct date start = {0, 0, 0};
        date_parse(PQgetvalue(d->res, i, 3), &start);
        k->measure_id = atoi(PQgetvalue(d->res, i, 0));
        k->principal_id = atoi(PQgetvalue(d->res, i, 1));
        k->day = start.year * 10000 + start.month * 100 + start.day;
        k->row = i;
    }
    qsort(d->keys, (size_t)d->nkeys, sizeof *d->keys, compare_keys);
}

/* The principals in their order, from the in-memory reference data. */
static void read_principals(struct app *app, struct area_data *d)
{
    size_t len = 0;
    char etag[24];
    char *text = refdata_json(app->refdata, REFDATA_PRINCIPALS, NULL, &len, etag);
    json_t *list = text ? json_loads(text, 0, NULL) : NULL;
    json_t *items = json_object_get(list, "items");
    d->principals = xcalloc(json_array_size(items) + 1, sizeof *d->principals); /* owned by d */
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        struct principal p;
        if (refdata_principal(app->refdata, json_string_value(json_object_get(item, "slug")), &p) != 0)
            continue;
        struct area_principal *ap = &d->principals[d->nprincipals++];
        ap->id = p.id;
        snprintf(ap->slug, sizeof ap->slug, "%s", p.slug);
        ap->region = strcmp(p.kind, "region") == 0;
    }
    json_decref(list);
    free(text);
}

static int key_before(const struct area_key *k, int measure_id, int principal_id)
{
    return k->measure_id < measure_id || (k->measure_id == measure_id && k->principal_id < principal_id);
}

/* The first key at or after (measure_id, principal_id). */
static int lower_bound(const struct area_data *d, int measure_id, int principal_id)
{
    int lo = 0, hi = d->nkeys;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (key_before(&d->keys[mid], measure_id, principal_id))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double cell(const PGresult *res, int row, int col, int *has)
{
    *has = !PQgetisnull(res, row, col);
    return *has ? strtod(PQgetvalue(res, row, col), NULL) : 0.0;
}

/* Sums of rows (one row for a principal's point, several for a county point). */
struct area_sum {
    int hidden;
    int has_value, has_numerator, has_denominator;
    double value, numerator, denominator;
};

static void sum_row(const PGresult *res, int row, struct area_sum *sum)
{
    int has;
    double v = cell(res, row, 4, &has);
    sum->has_value |= has;
    sum->value += v;
    v = cell(res, row, 5, &has);
    sum->has_numerator |= has;
    sum->numerator += v;
    v = cell(res, row, 6, &has);
    sum->has_denominator |= has;
    sum->denominator += v;
    sum->hidden |= PQgetvalue(res, row, 7)[0] == 't';
}

static void add_point(struct sig_series *s, const struct measure *m, const PGresult *res, int row,
                      const struct area_sum *sum)
{
    struct sig_row *point = sig_series_add(s);
    snprintf(point->period, sizeof point->period, "%s", PQgetvalue(res, row, 2));
    date_parse(PQgetvalue(res, row, 3), &point->start);
    sig_row_set(point, m, sum->has_value, sum->value, sum->has_numerator && sum->has_denominator,
                sum->numerator, sum->denominator, sum->hidden);
}

static void principal_series(const struct area_data *d, const struct measure *m, int principal_id,
                             struct sig_series *s)
{
    int end = lower_bound(d, m->id, principal_id + 1);
    for (int i = lower_bound(d, m->id, principal_id); i < end; i++) {
        struct area_sum one = {0};
        sum_row(d->res, d->keys[i].row, &one);
        add_point(s, m, d->res, d->keys[i].row, &one);
    }
}

static const struct area_principal *principal_of(const struct area_data *d, int id)
{
    for (int k = 0; k < d->nprincipals; k++)
        if (d->principals[k].id == id)
            return &d->principals[k];
    return NULL;
}

static int compare_day(const void *a, const void *b)
{
    const struct area_key *x = *(const struct area_key *const *)a, *y = *(const struct area_key *const *)b;
    return (x->day > y->day) - (x->day < y->day);
}

/* The county point of keys part[0..n-1] (one period). As the series endpoint: ratios sum
 * numerators and denominators; counts, and measures the region alone reports, sum values;
 * other values have no county total. */
static void add_county_point(struct sig_series *s, const struct measure *m, int from_region,
                             const PGresult *res, struct area_key *const *part, int n)
{
    struct area_sum sum = {0};
    for (int k = 0; k < n; k++)
        sum_row(res, part[k]->row, &sum);
    sum.has_value = sum.has_value && (strcmp(m->unit, "count") == 0 || from_region);
    add_point(s, m, res, part[0]->row, &sum);
}

/* The county: the municipalities' rows, or the region's own when the region alone reports
 * the measure, summed per period. */
static void county_series(const struct area_data *d, const struct measure *m, struct sig_series *s)
{
    int from_region = m->by_region && !m->by_municipality && !m->on_behalf;
    int first = lower_bound(d, m->id, -1), end = lower_bound(d, m->id + 1, -1), n = 0;
    struct area_key **mine = xmalloc(((size_t)(end - first) + 1) * sizeof *mine); /* freed below */
    for (int i = first; i < end; i++) {
        const struct area_principal *p = principal_of(d, d->keys[i].principal_id);
        if (p && p->region == from_region)
            mine[n++] = &d->keys[i];
    }
    qsort(mine, (size_t)n, sizeof *mine, compare_day);
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && mine[j]->day == mine[i]->day; j++)
            ;
        add_county_point(s, m, from_region, d->res, &mine[i], j - i);
    }
    free(mine);
}

/* One item: the auto chart's verdict and the direction and start of its latest signal. */
static json_t *series_item(const struct measure *m, const char *principal, const struct sig_series *s)
{
    struct spc_result out = {0};
    const char *reason;
    struct spc_point *pts = sig_points(s); /* freed below */
    struct spc_options opt = {.chart = sig_chart_auto(m, &reason), .scale = m->scale, .freeze = -1};
    spc_compute(pts, s->count, &opt, &out);
    struct spc_latest latest;
    spc_latest_signal(&out, &latest);
    enum spc_verdict verdict = out.nphases ? out.phases[out.nphases - 1].verdict : SPC_INSUFFICIENT_DATA;
    json_t *item = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?}", "measure", m->slug, "principal",
                             principal, "chart", spc_chart_name(opt.chart), "verdict",
                             spc_verdict_name(verdict), "direction",
                             latest.found ? sig_direction(m, latest.side) : NULL, "since",
                             latest.found ? s->rows[latest.first].period : NULL);
    spc_result_free(&out);
    free(pts);
    return item;
}

static int reports(const struct measure *m, const struct area_principal *p)
{
    return m->on_behalf || (p->region ? m->by_region : m->by_municipality);
}

/* The county item, then one per principal that reports the measure or has values of it. */
static void measure_items(const struct area_data *d, const struct measure *m, json_t *items)
{
    struct sig_series s = {0};
    county_series(d, m, &s);
    json_array_append_new(items, series_item(m, NULL, &s));
    for (int k = 0; k < d->nprincipals; k++) {
        const struct area_principal *p = &d->principals[k];
        s.count = 0;
        principal_series(d, m, p->id, &s);
        if (s.count > 0 || reports(m, p))
            json_array_append_new(items, series_item(m, p->slug, &s));
    }
    sig_series_free(&s);
}

/* The items of every indicator of the area, in the measures' order. */
static json_t *area_items(struct app *app, const char *area, const struct area_data *d, int *nmeasures)
{
    json_t *items = json_array();
    size_t len = 0;
    char *text = measures_json(app->measures, NULL, area, "indicator", &len);
    json_t *list = text ? json_loads(text, 0, NULL) : NULL;
    size_t i;
    json_t *item;
    *nmeasures = 0;
    json_array_foreach(json_object_get(list, "items"), i, item) {
        struct measure m;
        if (measures_get(app->measures, json_string_value(json_object_get(item, "slug")), &m) != 0)
            continue;
        measure_items(d, &m, items);
        (*nmeasures)++;
    }
    json_decref(list);
    free(text);
    return items;
}

/* Reads the area's values; 0, or -1 after replying. */
static int area_read(struct req *r, const char *area, const char *as_of_end, struct area_data *d)
{
    char me[16];
    snprintf(me, sizeof me, "%d", r->who.principal_id);
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", area, as_of_end};
    PGresult *res = req_sql_ok(r, area_sql, 4, params);
    if (!res)
        return -1;
    d->res = res; /* owned by d */
    return 0;
}

void signals_area_get(struct req *r, void *ctx)
{
    (void)ctx;
    struct area a;
    struct area_data d = {0};
    struct period as_of;
    char end[11] = "", as_of_text[16] = "", etag[64];
    const char *slug = req_param(r, "slug");
    if (refdata_area(r->app->refdata, slug, &a) != 0) {
        reply_error(r, 404, NULL, "no area '%s'", slug);
        goto out;
    }
    struct query_params q;
    query_params_init(&q, r);
    int has_as_of = sig_query_period(&q, "as_of", &as_of);
    if (query_params_failed(&q) || sig_etag_check(r, etag))
        goto out;
    if (has_as_of) {
        date_format(as_of.end, end);
        period_format(&as_of, as_of_text, sizeof as_of_text);
    }
    int64_t t0 = clock_mono_us();
    if (area_read(r, a.slug, has_as_of ? end : NULL, &d) != 0)
        goto out;
    int64_t t1 = clock_mono_us();
    sort_rows(&d);
    read_principals(r->app, &d);
    int nmeasures = 0;
    json_t *items = area_items(r->app, a.slug, &d, &nmeasures);
    log_msg(LOG_DEBUG, "signals %s: area %s, %d measures, %zu series from %d values; query %lld us, charts %lld us",
            r->id, a.slug, nmeasures, json_array_size(items), d.nkeys, (long long)(t1 - t0),
            (long long)(clock_mono_us() - t1));
    req_set_header(r, "ETag", etag);
    reply_json(r, 200, json_pack("{s:s, s:s?, s:o}", "area", a.slug, "as_of", has_as_of ? as_of_text : NULL,
                                 "items", items));
out:
    area_data_free(&d);
}
