/* Signals from noise: run and control charts on the measures' series (docs/signals.md).
 *   GET /api/v1/measures/{slug}/signals?principal=&sex=&from=&to=&chart=&freeze=&part=
 *       one series (a principal's, or the county's without principal) as a chart: points
 *       with centre and limits, the run rules, the verdict, PDSA annotations
 *   GET /api/v1/areas/{slug}/signals?as_of=
 *       the verdict of the auto chart of every indicator of the area for every principal and
 *       the county, with the direction of the latest signal and since when
 * Any authenticated caller may read. Suppressed values (restricted measures) are left out of
 * everything computed for a caller who may not see them. Responses carry an ETag built from
 * the data version, as the other value reads do. */
#include "app.h"
#include "auth/authz.h"
#include "core/routes.h"
#include "core/signals/pdsa.h"
#include "core/signals/signals.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "log.h"
#include "util/clock.h"
#include "util/mem.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>

#define SIG_MAX_PARTS 12

/* W/"<data version>-<fingerprint of the URL and what the caller may see>", as values_read.c.
 * Returns 1 (after replying 304) when the client's copy is current. */
static int signals_etag_check(struct req *r)
{
    char input[1024], etag[64];
    snprintf(input, sizeof input, "%s|%d|%d", r->http->http_url, r->who.principal_id,
             authz_is_county_admin(&r->who));
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(input, strlen(input), md, &n, EVP_sha256(), NULL);
    snprintf(etag, sizeof etag, "W/\"%lld-%02x%02x%02x%02x%02x%02x\"",
             (long long)atomic_load(&r->app->values_version), md[0], md[1], md[2], md[3], md[4], md[5]);
    req_set_header(r, "ETag", etag);
    req_set_header(r, "Cache-Control", "private, no-cache");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && (strstr(inm, etag + 2) || strcmp(inm, "*") == 0)) {
        reply_empty(r, 304);
        return 1;
    }
    return 0;
}

/* A period query parameter (any type); 0 when absent or malformed (a problem is recorded). */
static int query_period(struct query_params *q, const char *name, struct period *out)
{
    const char *v = query_text(q, name, 16);
    if (!v)
        return 0;
    if (period_parse(v, out) != 0) {
        query_problem(q, name, "must be a period such as 2025, 2025H1, 2025T1, 2025Q1, 2025-03 or 2025-W09");
        return 0;
    }
    return 1;
}

/* ---- GET /api/v1/measures/{slug}/signals ---- */

struct measure_query {
    int county;          /* no principal: the county series */
    struct principal p;
    const char *sex;
    char from[11], to[11]; /* "" for no bound */
    enum spc_chart chart;
    const char *reason;
    int has_freeze;
    struct period freeze;
    int nparts;
    struct period parts[SIG_MAX_PARTS];
};

static void bound(struct query_params *q, const char *name, int end, char out[11])
{
    struct period p;
    out[0] = '\0';
    if (query_period(q, name, &p))
        date_format(end ? p.end : p.start, out);
}

static void parse_chart(struct query_params *q, const struct measure *m, struct measure_query *mq)
{
    static const char *const charts[] = {"auto", "run", "p", "u", "c", "i", NULL};
    const char *name = query_enum(q, "chart", charts, "auto");
    mq->chart = sig_chart_auto(m, &mq->reason);
    if (strcmp(name, "auto") == 0 || spc_chart_parse(name, &mq->chart) != 0)
        return;
    mq->reason = "chosen by the caller (chart parameter)";
    const char *unfit = sig_chart_unfit(m, mq->chart);
    if (unfit) {
        char msg[192];
        snprintf(msg, sizeof msg, "%s; %s is measured in %s%s", unfit, m->slug, m->unit,
                 m->ratio ? " as a ratio" : "");
        query_problem(q, "chart", msg);
    }
}

/* part=PERIOD[,PERIOD...]: at most SIG_MAX_PARTS periods. */
static void parse_parts(struct query_params *q, struct measure_query *mq)
{
    const char *v = query_text(q, "part", 17 * SIG_MAX_PARTS);
    if (!v)
        return;
    char copy[17 * SIG_MAX_PARTS + 1], *save = NULL;
    snprintf(copy, sizeof copy, "%s", v);
    int bad = v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,") != NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && !bad; tok = strtok_r(NULL, ",", &save)) {
        if (mq->nparts == SIG_MAX_PARTS || period_parse(tok, &mq->parts[mq->nparts]) != 0)
            bad = 1;
        else
            mq->nparts++;
    }
    if (bad)
        query_problem(q, "part", "must be 1 to 12 periods separated by commas, such as 2024-03,2025-01");
}

/* Returns 0, or -1 after replying 400. */
static int measure_query_parse(struct req *r, const struct measure *m, struct measure_query *mq)
{
    static const char *const sexes[] = {"T", "K", "M", NULL};
    memset(mq, 0, sizeof *mq);
    struct query_params q;
    query_params_init(&q, r);
    const char *principal = query_text(&q, "principal", 48);
    mq->county = principal == NULL;
    if (principal && refdata_principal(r->app->refdata, principal, &mq->p) != 0)
        query_problem(&q, "principal", "is not a principal slug or code");
    mq->sex = query_enum(&q, "sex", sexes, "T");
    bound(&q, "from", 0, mq->from);
    bound(&q, "to", 1, mq->to);
    parse_chart(&q, m, mq);
    mq->has_freeze = query_period(&q, "freeze", &mq->freeze);
    parse_parts(&q, mq);
    return query_params_failed(&q) ? -1 : 0;
}

/* The last point ending on or before the freeze period's end; -1 without freeze or point. */
static int freeze_index(const struct sig_series *s, const struct measure_query *mq)
{
    int idx = -1;
    for (int i = 0; mq->has_freeze && i < s->count; i++)
        if (date_compare(s->rows[i].end, mq->freeze.end) <= 0)
            idx = i;
    return idx;
}

static int compare_period_start(const void *a, const void *b)
{
    return date_compare(((const struct period *)a)->start, ((const struct period *)b)->start);
}

/* Each part starts a phase at the first point starting on or after it; parts before the
 * second point or after the last start no phase. Returns the count of indices written. */
static int part_indices(const struct sig_series *s, struct measure_query *mq, int *out)
{
    int n = 0;
    qsort(mq->parts, (size_t)mq->nparts, sizeof mq->parts[0], compare_period_start);
    for (int k = 0; k < mq->nparts; k++) {
        int idx = 0;
        while (idx < s->count && date_compare(s->rows[idx].start, mq->parts[k].start) < 0)
            idx++;
        if (idx > 0 && idx < s->count && (n == 0 || idx > out[n - 1]))
            out[n++] = idx;
    }
    return n;
}

/* 404 unless slug names an indicator. Returns 0 or -1 after replying. */
static int find_indicator(struct req *r, struct measure *m)
{
    const char *slug = req_param(r, "slug");
    if (measures_get(r->app->measures, slug, m) != 0) {
        reply_error(r, 404, NULL, "no measure '%s'", slug);
        return -1;
    }
    if (strcmp(m->kind, "indicator") != 0) {
        reply_error(r, 404, NULL, "'%s' is a %s: only indicators have signals", slug, m->kind);
        return -1;
    }
    return 0;
}

static void reply_no_baseline(struct req *r, const struct measure_query *mq)
{
    char period[16], msg[160];
    period_format(&mq->freeze, period, sizeof period);
    snprintf(msg, sizeof msg, "the series has no point up to and including %s to build a baseline from", period);
    reply_error_details(r, 400, "invalid_query",
                        json_pack("[{s:s, s:s}]", "path", "query.freeze", "message", msg),
                        "the query string has 1 problem(s); see details");
}

/* The response body; steals pdsa. */
static json_t *measure_body(const struct measure *m, const struct measure_query *mq,
                            const struct sig_series *s, const struct spc_result *res, json_t *pdsa)
{
    const struct spc_phase *last = res->nphases ? &res->phases[res->nphases - 1] : NULL;
    return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:i, s:o, s:o, s:s, s:o, s:o}", "measure", m->slug,
                     "principal", mq->county ? NULL : mq->p.slug, "sex", mq->sex, "chart",
                     spc_chart_name(mq->chart), "chart_reason", mq->reason, "useful_observations",
                     last ? last->runs.useful : 0, "points", sig_points_json(s, res), "rules",
                     sig_rules_json(last), "verdict",
                     spc_verdict_name(last ? last->verdict : SPC_INSUFFICIENT_DATA), "phases",
                     sig_phases_json(s, res), "pdsa", pdsa);
}

static void measure_signals(struct req *r, void *ctx)
{
    (void)ctx;
    struct measure m;
    struct measure_query mq;
    struct sig_series s = {0};
    struct spc_result res = {0};
    struct spc_point *pts = NULL;
    json_t *pdsa = NULL;
    int parts[SIG_MAX_PARTS];
    struct spc_options opt = {.freeze = -1, .parts = parts};
    if (find_indicator(r, &m) != 0 || measure_query_parse(r, &m, &mq) != 0 || signals_etag_check(r))
        goto out;
    if (sig_series_load(r, &m, mq.county ? NULL : &mq.p, mq.sex, mq.from, mq.to, &s) != 0)
        goto out;
    opt.chart = mq.chart;
    opt.scale = m.scale;
    opt.freeze = freeze_index(&s, &mq);
    opt.nparts = part_indices(&s, &mq, parts);
    if (mq.has_freeze && opt.freeze < 0 && s.count > 0) {
        reply_no_baseline(r, &mq);
        goto out;
    }
    pts = sig_points(&s);
    if (spc_compute(pts, s.count, &opt, &res) != 0) {
        reply_error(r, 500, NULL, "the chart could not be computed");
        goto out;
    }
    pdsa = signals_pdsa_annotations(r, &m, mq.county ? NULL : &mq.p, s.count > 0,
                                    s.count ? s.rows[0].start : (struct date){0},
                                    s.count ? s.rows[s.count - 1].end : (struct date){0});
    if (!pdsa)
        goto out;
    reply_json(r, 200, measure_body(&m, &mq, &s, &res, pdsa));
    pdsa = NULL;
out:
    json_decref(pdsa);
    spc_result_free(&res);
    free(pts);
    sig_series_free(&s);
}

/* ---- GET /api/v1/areas/{slug}/signals ---- */

/* Every indicator of the area × every principal that may report it or has reported it, and
 * the county (principal NULL), with its total-sex points up to $4 in order; a pair without
 * points comes as one row with a NULL period. Columns: measure, principal, sort, period,
 * period_start, value, numerator, denominator, suppressed. */
static const char area_sql[] =
    "WITH ms AS (SELECT m.id, m.slug, m.unit, m.ratio, m.restricted, m.on_behalf, m.reported_by,"
    "  ('region' = ANY (m.reported_by) AND NOT 'municipality' = ANY (m.reported_by)"
    "   AND NOT m.on_behalf) AS from_region"
    "  FROM core.measures m JOIN core.areas a ON a.id = m.area_id"
    "  WHERE a.slug = $3 AND m.kind = 'indicator'),"
    " v AS (SELECT v.measure_id, v.principal_id, pr.kind AS pkind, v.period, v.period_start, v.value,"
    "  v.numerator, v.denominator, " SIGNALS_SUPPRESSED " AS hide"
    "  FROM core.values v JOIN ms m ON m.id = v.measure_id JOIN core.principals pr ON pr.id = v.principal_id"
    "  WHERE v.sex = 'T' AND ($4::date IS NULL OR v.period_end <= $4::date)),"
    " pairs AS (SELECT m.id AS measure_id, pr.id AS principal_id FROM ms m CROSS JOIN core.principals pr"
    "  WHERE m.on_behalf OR pr.kind = ANY (m.reported_by)"
    "  UNION SELECT measure_id, principal_id FROM v) "
    "SELECT m.slug, pr.slug, pr.sort_order, v.period, v.period_start,"
    " CASE WHEN v.hide THEN NULL ELSE v.value END, CASE WHEN v.hide THEN NULL ELSE v.numerator END,"
    " CASE WHEN v.hide THEN NULL ELSE v.denominator END, coalesce(v.hide, false) "
    "FROM pairs p JOIN ms m ON m.id = p.measure_id JOIN core.principals pr ON pr.id = p.principal_id"
    " LEFT JOIN v ON v.measure_id = p.measure_id AND v.principal_id = p.principal_id "
    "UNION ALL "
    "SELECT m.slug, NULL, 0, c.period, c.period_start,"
    " CASE WHEN c.hidden THEN NULL WHEN m.unit = 'count' OR m.from_region THEN c.total END,"
    " CASE WHEN c.hidden OR NOT m.ratio THEN NULL ELSE c.num END,"
    " CASE WHEN c.hidden OR NOT m.ratio THEN NULL ELSE c.den END, coalesce(c.hidden, false) "
    "FROM ms m LEFT JOIN LATERAL (SELECT v.period, v.period_start, sum(v.value) AS total,"
    "  sum(v.numerator) AS num, sum(v.denominator) AS den, bool_or(v.hide) AS hidden FROM v"
    "  WHERE v.measure_id = m.id AND v.pkind = CASE WHEN m.from_region THEN 'region' ELSE 'municipality' END"
    "  GROUP BY v.period, v.period_start) c ON true "
    "ORDER BY 1, 3, 2 NULLS FIRST, 5";

static int same_series(const PGresult *res, int a, int b)
{
    if (strcmp(PQgetvalue(res, a, 0), PQgetvalue(res, b, 0)) != 0)
        return 0;
    if (PQgetisnull(res, a, 1) || PQgetisnull(res, b, 1))
        return PQgetisnull(res, a, 1) && PQgetisnull(res, b, 1);
    return strcmp(PQgetvalue(res, a, 1), PQgetvalue(res, b, 1)) == 0;
}

/* The points of rows first..end-1 (one series); a row without a period has no point. */
static void area_series(const PGresult *res, int first, int end, const struct measure *m,
                        struct sig_series *s)
{
    for (int i = first; i < end; i++) {
        if (PQgetisnull(res, i, 3))
            continue;
        struct sig_row *row = sig_series_add(s);
        snprintf(row->period, sizeof row->period, "%s", PQgetvalue(res, i, 3));
        date_parse(PQgetvalue(res, i, 4), &row->start);
        const char *cell[3];
        for (int c = 0; c < 3; c++)
            cell[c] = PQgetisnull(res, i, 5 + c) ? NULL : PQgetvalue(res, i, 5 + c);
        sig_row_fill(row, m, cell[0], cell[1], cell[2], PQgetvalue(res, i, 8)[0] == 't');
    }
}

/* One item: the auto chart's verdict, and the direction and start of the latest signal. */
static json_t *area_item(const PGresult *res, int first, int end, const struct measure *m)
{
    struct sig_series s = {0};
    struct spc_result out = {0};
    const char *reason;
    area_series(res, first, end, m, &s);
    struct spc_point *pts = sig_points(&s); /* freed below */
    struct spc_options opt = {.chart = sig_chart_auto(m, &reason), .scale = m->scale, .freeze = -1};
    spc_compute(pts, s.count, &opt, &out);
    struct spc_latest latest;
    spc_latest_signal(&out, &latest);
    const char *principal = PQgetisnull(res, first, 1) ? NULL : PQgetvalue(res, first, 1);
    enum spc_verdict verdict = out.nphases ? out.phases[out.nphases - 1].verdict : SPC_INSUFFICIENT_DATA;
    json_t *item = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?}", "measure", m->slug, "principal",
                             principal, "chart", spc_chart_name(opt.chart), "verdict",
                             spc_verdict_name(verdict), "direction",
                             latest.found ? sig_direction(m, latest.side) : NULL, "since",
                             latest.found ? s.rows[latest.first].period : NULL);
    spc_result_free(&out);
    free(pts);
    sig_series_free(&s);
    return item;
}

/* The items of every series in res; *nseries counts them. */
static json_t *area_items(struct req *r, const PGresult *res, int *nseries)
{
    json_t *items = json_array();
    struct measure m = {0};
    *nseries = 0;
    int n = PQntuples(res);
    for (int first = 0, end; first < n; first = end) {
        for (end = first + 1; end < n && same_series(res, first, end); end++)
            ;
        if (strcmp(m.slug, PQgetvalue(res, first, 0)) != 0 &&
            measures_get(r->app->measures, PQgetvalue(res, first, 0), &m) != 0)
            continue; /* defined a moment ago; not yet in memory */
        json_array_append_new(items, area_item(res, first, end, &m));
        (*nseries)++;
    }
    return items;
}

static void area_signals(struct req *r, void *ctx)
{
    (void)ctx;
    struct area a;
    const char *slug = req_param(r, "slug");
    if (refdata_area(r->app->refdata, slug, &a) != 0) {
        reply_error(r, 404, NULL, "no area '%s'", slug);
        return;
    }
    struct query_params q;
    query_params_init(&q, r);
    struct period as_of;
    int has_as_of = query_period(&q, "as_of", &as_of);
    if (query_params_failed(&q) || signals_etag_check(r))
        return;
    char me[16], end[11], as_of_text[16];
    snprintf(me, sizeof me, "%d", r->who.principal_id);
    if (has_as_of) {
        date_format(as_of.end, end);
        period_format(&as_of, as_of_text, sizeof as_of_text);
    }
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", a.slug,
                            has_as_of ? end : NULL};
    int64_t t0 = clock_mono_us();
    PGresult *res = req_sql(r, area_sql, 4, params);
    if (!res)
        return;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return;
    }
    int64_t t1 = clock_mono_us();
    int nseries = 0;
    json_t *items = area_items(r, res, &nseries);
    log_msg(LOG_DEBUG, "signals %s: area %s, %d series from %d rows; query %lld us, charts %lld us", r->id,
            a.slug, nseries, PQntuples(res), (long long)(t1 - t0), (long long)(clock_mono_us() - t1));
    PQclear(res);
    reply_json(r, 200, json_pack("{s:s, s:s?, s:o}", "area", a.slug, "as_of", has_as_of ? as_of_text : NULL,
                                 "items", items));
}

int signal_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/measures/:slug/signals", .fn = measure_signals,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getMeasureSignals"},
        {.method = "GET", .pattern = "/api/v1/areas/:slug/signals", .fn = area_signals,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getAreaSignals"},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (router_add(&app->router, &routes[i], err, errlen) != 0)
            return -1;
    return 0;
}
