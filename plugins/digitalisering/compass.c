/* The value compass (digitalisering.m2): the vital few ("Vitala få").
 *
 *   GET /api/v1/digitalisering/value-compass   every chosen measure with its baseline, the
 *                                              latest value per principal and for the county,
 *                                              the change and its direction, in one call
 *   PUT /api/v1/digitalisering/value-compass   county_admin chooses 3 to 7 indicators from any
 *                                              area: {"measures": [{"measure", "baseline"?}]}
 *
 * The computation is the SQL function digitalisering.value_compass (migration 0006). */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MEASURES 3
#define MAX_MEASURES 7

static const char *const body_fields[] = {"measures", NULL};
static const char *const item_fields[] = {"measure", "baseline", NULL};

static void reply_compass(lgvo_request *req, int status)
{
    struct dg_who w;
    dg_caller(req, &w);
    char viewer[16];
    snprintf(viewer, sizeof viewer, "%d", w.principal_id);
    const char *params[] = {viewer, w.county ? "true" : "false"};
    dg_reply_sql_json(req, status, "SELECT digitalisering.value_compass($1::integer, $2::boolean)::text", 2,
                      params, "no value compass");
}

void dg_compass_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    if (!dg_query_none(req))
        reply_compass(req, 200);
}

/* Reads the items: {measure, baseline} with the member problems in errors. Returns a new array
 * [{index, measure, baseline}] of the items to check against the database. */
static json_t *read_items(json_t *errors, json_t *body)
{
    json_t *list = json_object_get(body, "measures"), *items = json_array();
    if (!json_is_array(list) || json_array_size(list) < MIN_MEASURES || json_array_size(list) > MAX_MEASURES) {
        dg_error(errors, "/measures", list ? "wrong_count" : "missing",
                 "the vital few are %d to %d measures: an array of {\"measure\": slug, \"baseline\"?: period}",
                 MIN_MEASURES, MAX_MEASURES);
        return items;
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        char base[32], path[48];
        snprintf(base, sizeof base, "/measures/%zu", i);
        if (!json_is_object(item)) {
            dg_error(errors, base, "wrong_type", "each item is an object {\"measure\": slug, \"baseline\"?: period}");
            continue;
        }
        dg_unknown_members(errors, base, item, item_fields);
        snprintf(path, sizeof path, "%s/measure", base);
        const char *slug = dg_text(errors, json_object_get(item, "measure"), path, 100, 1, 0);
        json_t *bv = json_object_get(item, "baseline");
        const char *baseline = json_string_value(bv);
        snprintf(path, sizeof path, "%s/baseline", base);
        if (bv && !json_is_null(bv) && !baseline)
            dg_error(errors, path, "wrong_type", "must be a period (e.g. 2024, 2024Q1, 2024-01) or null");
        if (slug)
            json_array_append_new(items, json_pack("{s:I, s:s, s:s?}", "index", (json_int_t)i, "measure", slug,
                                                   "baseline", baseline));
    }
    return items;
}

/* One baseline against its measure's period type. */
static void check_baseline(json_t *errors, const char *base, const char *slug, const char *baseline,
                           const char *period_type)
{
    char path[48];
    const char *type = NULL;
    struct dg_date start;
    snprintf(path, sizeof path, "%s/baseline", base);
    if (dg_parse_period(baseline, &type, &start) != 0)
        dg_error(errors, path, "invalid_period", "must be a period like 2024, 2024H1, 2024T1, 2024Q1, 2024-01 or 2024-W09");
    else if (strcmp(type, period_type) != 0)
        dg_error(errors, path, "wrong_period_type", "%s is reported per %s, so its baseline is a %s period, not a %s",
                 slug, period_type, period_type, type);
    else if (start.year < DG_FIRST_YEAR)
        dg_error(errors, path, "period_too_early", "periods start in %d", DG_FIRST_YEAR);
    else if (dg_date_cmp(start, dg_today()) > 0)
        dg_error(errors, path, "future_period", "%s has not started yet", baseline);
}

/* Checks the measures: known, indicators (numbers to follow), each once, baselines of their
 * period type. Returns 0, or -1 after the host replied. */
static int check_items(lgvo_request *req, json_t *errors, json_t *items)
{
    char *list = dg_dump(items); /* freed below */
    const char *params[] = {list};
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT x.index::text, x.measure, x.baseline, m.kind, m.period_type,"
        " row_number() OVER (PARTITION BY x.measure ORDER BY x.index) > 1"
        " FROM jsonb_to_recordset($1::jsonb) AS x(index integer, measure text, baseline text)"
        " LEFT JOIN core.measures m ON m.slug = x.measure ORDER BY x.index",
        1, params);
    free(list);
    if (!res)
        return -1;
    for (int r = 0; r < dg_host->result_rows(res); r++) {
        char base[32], path[48];
        const char *slug = dg_host->result_value(res, r, 1), *baseline = dg_host->result_value(res, r, 2);
        const char *kind = dg_host->result_value(res, r, 3);
        snprintf(base, sizeof base, "/measures/%s", dg_host->result_value(res, r, 0));
        snprintf(path, sizeof path, "%s/measure", base);
        if (!kind)
            dg_error(errors, path, "unknown_measure", "there is no measure %s (see GET /api/v1/measures)", slug);
        else if (strcmp(kind, "indicator") != 0)
            dg_error(errors, path, "not_an_indicator",
                     "%s is a %s measure; the compass follows indicators (numbers with a baseline and a change)", slug, kind);
        else if (dg_host->result_value(res, r, 5)[0] == 't')
            dg_error(errors, path, "duplicate", "names %s a second time", slug);
        else if (baseline)
            check_baseline(errors, base, slug, baseline, dg_host->result_value(res, r, 4));
    }
    dg_host->result_free(res);
    return 0;
}

void dg_compass_put(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array(), *items = NULL;
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    dg_unknown_members(errors, "", body, body_fields);
    items = read_items(errors, body);
    if ((json_array_size(items) && check_items(req, errors, items) != 0) || dg_refuse(req, errors))
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    char *list = dg_dump(items); /* freed below */
    const char *params[] = {list, w.subject};
    int rc = dg_exec(req, "DELETE FROM digitalisering.compass_measures", 0, NULL);
    if (rc == 0)
        rc = dg_exec(req,
                     "INSERT INTO digitalisering.compass_measures (position, measure_id, baseline_period, chosen_by)"
                     " SELECT x.index + 1, m.id, x.baseline, $2 FROM jsonb_to_recordset($1::jsonb)"
                     "  AS x(index integer, measure text, baseline text) JOIN core.measures m ON m.slug = x.measure",
                     2, params);
    free(list);
    if (rc == 0 && dg_audit(req, "value_compass.choose", NULL, NULL, json_incref(body)) == 0)
        reply_compass(req, 200);
out:
    json_decref(errors);
    json_decref(items);
}
