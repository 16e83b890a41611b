/* Signals from noise: run and control charts on the measures' series (docs/signals.md).
 *   GET /api/v1/measures/{slug}/signals?principal=&sex=&from=&to=&chart=&freeze=&part=
 *       one series (a principal's, or the county's without principal) as a chart: points
 *       with centre and limits, the run rules, the verdict, PDSA annotations
 *   GET /api/v1/areas/{slug}/signals?as_of= (area.c)
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
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_MAX_PARTS 12

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
    if (sig_query_period(q, name, &p))
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
    mq->has_freeze = sig_query_period(&q, "freeze", &mq->freeze);
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
    char etag[64];
    if (find_indicator(r, &m) != 0 || measure_query_parse(r, &m, &mq) != 0 || sig_etag_check(r, etag))
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
    req_set_header(r, "ETag", etag);
    reply_json(r, 200, measure_body(&m, &mq, &s, &res, pdsa));
    pdsa = NULL;
out:
    json_decref(pdsa);
    spc_result_free(&res);
    free(pts);
    sig_series_free(&s);
}

int signal_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/measures/:slug/signals", .fn = measure_signals,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getMeasureSignals"},
        {.method = "GET", .pattern = "/api/v1/areas/:slug/signals", .fn = signals_area_get,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getAreaSignals"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
