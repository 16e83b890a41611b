/* Discharge delays: the follow-up of the agreement on safe and effective discharge from
 * inpatient care (ok-utskrivning-sluten-vard), per municipality of residence and month.
 *
 *   POST   /discharge-delays   {"reports":[{municipality, month, patients_ready, days_beyond,
 *                              mean_days?}]}   write:nara-vard; the region (on behalf of every
 *                              municipality) or county_admin
 *   PUT    /discharge-delays/:municipality/:month/comment  {"comment": "…"}
 *                              write:nara-vard; the municipality itself or county_admin
 *   DELETE /discharge-delays/:municipality/:month/comment
 *   GET    /discharge-delays   ?municipality=&from=&to=
 *
 * patients_ready: patients ready for discharge; days_beyond: days they waited in all beyond
 * the agreed time. The mean (days_beyond / patients_ready) is derived; a mean_days sent along
 * must agree with it to within 0.05 (a mean rounded to one decimal). Pushed as the shared
 * value nara-vard.discharge-delay-mean-days (numerator days, denominator patients). */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEAN_MEASURE "nara-vard.discharge-delay-mean-days"
#define MEAN_TOLERANCE 0.05

static const char *const ROW_FIELDS[] = {"municipality", "month", "patients_ready", "days_beyond",
                                         "mean_days", NULL};

/* ---------------------------------------------------------------- checking */

/* The totals and the mean sent along must agree. Returns 0 or -1. */
static int check_totals(nv_batch *b, size_t i, json_int_t patients, json_int_t days, int has_mean,
                        double mean, const char *mean_text)
{
    if (patients == 0 && days > 0) {
        nv_error(b, i, "/days_beyond", "days_without_patients",
                 "days_beyond is %" JSON_INTEGER_FORMAT " but patients_ready is 0", days);
        return -1;
    }
    if (!has_mean)
        return 0;
    double derived = patients > 0 ? (double)days / (double)patients : 0;
    double diff = mean > derived ? mean - derived : derived - mean;
    if (diff > MEAN_TOLERANCE + 1e-9) {
        nv_error(b, i, "/mean_days", "mean_mismatch",
                 "mean_days (%s) does not match days_beyond / patients_ready = %" JSON_INTEGER_FORMAT
                 " / %" JSON_INTEGER_FORMAT " = %.4g (to within %.2f)",
                 mean_text, days, patients, derived, MEAN_TOLERANCE);
        return -1;
    }
    return 0;
}

static void check_row(nv_batch *b, size_t i, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    if (nv_check_object(b, i, row, "", ROW_FIELDS) < 0)
        return;
    int id = 0;
    char slug[48], mean_text[32] = "";
    nv_period month;
    json_int_t patients = 0, days = 0;
    double mean = 0;
    int who = nv_get_principal(b, i, row, "", "municipality", "municipality", &id, slug);
    int when = nv_get_period(b, i, row, "", "month", NV_MONTH, &month);
    if (who == 1 && when == 1)
        snprintf(key, 64, "%d|%s", id, month.start_text);
    int ok = nv_get_int(b, i, row, "", "patients_ready", 1, 0, 10000000, &patients) == 1;
    ok &= nv_get_int(b, i, row, "", "days_beyond", 1, 0, 1000000000, &days) == 1;
    int has_mean = nv_get_number(b, i, row, "", "mean_days", 0, 0, 1e9, -1, &mean, mean_text);
    ok &= has_mean >= 0;
    if (!ok || check_totals(b, i, patients, days, has_mean == 1, mean, mean_text) != 0)
        return;
    if (who != 1 || when != 1 || b->bad[i])
        return;
    json_t *clean = json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:s?}", "principal", slug,
                              "principal_id", id, "month", month.text, "month_start",
                              month.start_text, "patients_ready", patients, "days_beyond", days,
                              "reported_mean", has_mean == 1 ? mean_text : NULL);
    if (clean)
        json_array_set_new(b->clean, i, clean);
}

/* ---------------------------------------------------------------- derived values and storing */

static void derive(nv_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        json_t *c = json_array_get(b->clean, i);
        if (b->bad[i] || !json_is_object(c))
            continue;
        json_int_t patients = json_integer_value(json_object_get(c, "patients_ready"));
        if (patients == 0)
            continue; /* no mean without patients */
        nv_value(b, i, MEAN_MEASURE, json_string_value(json_object_get(c, "principal")),
                 json_string_value(json_object_get(c, "month")), "T",
                 json_integer(json_integer_value(json_object_get(c, "days_beyond"))),
                 json_integer(patients), NULL);
    }
}

/* The records to store: one per kept row (caller owns; nv_batch_store steals it). */
static json_t *records(const nv_batch *b)
{
    json_t *out = json_array();
    for (size_t i = 0; i < b->count; i++)
        if (nv_kept(b, i))
            json_array_append(out, json_array_get(b->clean, i));
    return out;
}

static const char STORE_SQL[] =
    "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
    "  month text, month_start date, patients_ready integer, days_beyond integer,"
    "  reported_mean numeric)),"
    " up AS (INSERT INTO nara_vard.discharge_delays AS d (principal_id, month, month_start,"
    "  patients_ready, days_beyond, reported_mean, updated_by)"
    "  SELECT principal_id, month, month_start, patients_ready, days_beyond, reported_mean, $2"
    "  FROM input ORDER BY principal_id, month_start"
    "  ON CONFLICT (principal_id, month_start) DO UPDATE SET"
    "   patients_ready = EXCLUDED.patients_ready, days_beyond = EXCLUDED.days_beyond,"
    "   reported_mean = EXCLUDED.reported_mean, updated_at = now(), updated_by = EXCLUDED.updated_by"
    "  WHERE (d.patients_ready, d.days_beyond, d.reported_mean) IS DISTINCT FROM"
    "   (EXCLUDED.patients_ready, EXCLUDED.days_beyond, EXCLUDED.reported_mean)"
    "  RETURNING (xmax = 0) AS inserted) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(*) FROM input) - count(*) FROM up";

/* ?mode=replace: the months of the slice that the push does not mention (per municipality),
 * with the municipalities' comments on them. */
static const char REPLACE_SQL[] =
    "WITH gone AS (DELETE FROM nara_vard.discharge_delays d"
    " WHERE d.principal_id IN (SELECT value::smallint FROM jsonb_array_elements_text($1::jsonb))"
    " AND d.month_start >= $3::date AND (d.month_start + interval '1 month')::date - 1 <= $4::date"
    " AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS k(principal_id smallint, start date)"
    "  WHERE k.principal_id = d.principal_id AND k.start = d.month_start)"
    " RETURNING 1) "
    "SELECT count(*) FROM gone";

/* ---------------------------------------------------------------- handlers */

static void post_delays(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_batch b;
    char (*keys)[64] = NULL;
    json_t *stored = NULL;
    if (nv_batch_open(&b, req, "reports", 1) != 0)
        return;
    keys = calloc(b.count + 1, sizeof *keys);
    if (!keys) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b.count; i++)
        check_row(&b, i, keys[i]);
    nv_check_duplicates(&b, keys, "municipality, month");
    /* The region reports these for every municipality (on behalf); a municipality may not. */
    if (nv_batch_approve(&b, 1) != 0)
        goto out;
    derive(&b);
    if (nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 1, STORE_SQL, records(&b), &stored) != 0 ||
        nv_batch_replace(&b, "month_start", REPLACE_SQL, stored) != 0) {
        json_decref(stored);
        goto out;
    }
    nv_batch_reply(&b, json_pack("{s:o}", "stored", stored));
out:
    free(keys);
    nv_batch_free(&b);
}

/* The row a comment route names: municipality (slug or code) and month from the path.
 * Returns 0, or -1 after replying (404 unknown municipality, 400 malformed month). */
static int comment_target(lgvo_request *req, lgvo_principal *p, char *slug, nv_period *month)
{
    const char *who = nv_host->param(req, "municipality");
    const char *when = nv_host->param(req, "month");
    p->struct_size = sizeof *p;
    if (nv_host->principal(who, p) != 0 || strcmp(p->kind, "municipality") != 0) {
        nv_host->reply_error(req, 404, NULL, "no such municipality", NULL);
        return -1;
    }
    snprintf(slug, 48, "%s", p->slug);
    if (nv_period_parse(NV_MONTH, when, month) != 0) {
        nv_host->reply_error(req, 400, "invalid_period", "the month must look like 2025-03",
                             json_pack("[{s:s, s:s, s:s}]", "path", "month", "code", "invalid_period",
                                       "message", "must be a month like 2025-03"));
        return -1;
    }
    return 0;
}

/* The body {"comment": "…"}. Returns the comment (borrowed from the body) or NULL after
 * replying. */
static const char *comment_body(lgvo_request *req)
{
    json_t *body = nv_host->body(req); /* borrowed; NULL after the host replied */
    if (!body)
        return NULL;
    const char *msg = NULL, *code = NULL, *path = "/comment";
    json_t *c = json_object_get(body, "comment");
    size_t chars = 0;
    for (const char *t = json_string_value(c); t && *t; t++)
        chars += ((unsigned char)*t & 0xC0) != 0x80;
    if (!json_is_object(body) || json_object_size(body) != 1 || !c)
        msg = "the body must be {\"comment\": \"…\"} with nothing else", code = "invalid_body", path = "";
    else if (!json_is_string(c))
        msg = "comment must be a string", code = "wrong_type";
    else if (strlen(json_string_value(c)) != json_string_length(c))
        msg = "comment must not contain NUL characters", code = "nul_character";
    else if (chars == 0)
        msg = "comment must not be empty (DELETE removes a comment)", code = "empty";
    else if (chars > NV_COMMENT_MAX)
        msg = "comment must be at most 2000 characters", code = "too_long";
    if (!msg)
        return json_string_value(c);
    nv_host->reply_error(req, 422, "validation_failed", msg,
                         json_pack("[{s:s, s:s, s:s}]", "path", path, "code", code, "message", msg));
    return NULL;
}

static void put_comment(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_principal p;
    char slug[48], id[16];
    nv_period month;
    if (comment_target(req, &p, slug, &month) != 0)
        return;
    const char *comment = comment_body(req);
    if (!comment)
        return;
    /* The comment is the municipality's own: the region may not write it (not on behalf). */
    if (!nv_host->can_write(req, slug, NV_AREA, 0))
        return;
    lgvo_caller who;
    nv_caller(req, &who);
    snprintf(id, sizeof id, "%d", p.id);
    const char *params[] = {id, month.start_text, comment, who.subject ? who.subject : "unknown"};
    lgvo_result *r = nv_host->sql(
        req,
        "INSERT INTO nara_vard.discharge_comments AS c (principal_id, month_start, comment, updated_by)"
        " SELECT principal_id, month_start, $3, $4 FROM nara_vard.discharge_delays"
        " WHERE principal_id = $1::smallint AND month_start = $2::date"
        " ON CONFLICT (principal_id, month_start) DO UPDATE SET comment = EXCLUDED.comment,"
        "  updated_at = now(), updated_by = EXCLUDED.updated_by"
        " RETURNING c.comment, to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        4, params);
    if (!r)
        return;
    if (nv_host->result_rows(r) == 0) {
        nv_host->result_free(r);
        nv_host->reply_error(req, 404, NULL,
                             "the region has not reported discharge delays for this municipality and month",
                             NULL);
        return;
    }
    json_t *out = json_pack("{s:s, s:s, s:o, s:o}", "municipality", slug, "month", month.text,
                            "comment", nv_cell_string(r, 0, 0), "updated_at", nv_cell_string(r, 0, 1));
    nv_host->result_free(r);
    nv_reply(req, 200, out);
}

static void delete_comment(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_principal p;
    char slug[48], id[16];
    nv_period month;
    if (comment_target(req, &p, slug, &month) != 0)
        return;
    if (!nv_host->can_write(req, slug, NV_AREA, 0))
        return;
    snprintf(id, sizeof id, "%d", p.id);
    const char *params[] = {id, month.start_text};
    lgvo_result *r = nv_host->sql(req,
                                  "DELETE FROM nara_vard.discharge_comments"
                                  " WHERE principal_id = $1::smallint AND month_start = $2::date",
                                  2, params);
    if (!r)
        return;
    int gone = nv_host->result_affected(r);
    nv_host->result_free(r);
    if (!gone) {
        nv_host->reply_error(req, 404, NULL, "there is no comment for this municipality and month", NULL);
        return;
    }
    nv_reply(req, 200, json_pack("{s:s, s:s, s:n}", "municipality", slug, "month", month.text, "comment"));
}

static void get_delays(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    nv_period f, t;
    int has_from = 0, has_to = 0, id = 0;
    char pid[16];
    nv_query_init(&q, req);
    nv_query_principal(&q, "municipality", "municipality", &id);
    nv_query_period(&q, "from", NV_MONTH, &f, &has_from);
    nv_query_period(&q, "to", NV_MONTH, &t, &has_to);
    if (nv_query_failed(&q))
        return;
    snprintf(pid, sizeof pid, "%d", id);
    const char *params[] = {pid, has_from ? f.start_text : NULL, has_to ? t.start_text : NULL};
    nv_reply_query_json(
        req,
        "SELECT json_build_object('agreement', (SELECT json_build_object('id', a.id, 'title', a.title,"
        "  'title_en', a.title_en, 'follow_up', a.follow_up_text, 'follow_up_en', a.follow_up_en)"
        "  FROM nara_vard.agreements a WHERE a.id = 'ok-utskrivning-sluten-vard'),"
        " 'items', coalesce((SELECT json_agg(json_build_object('municipality', p.slug, 'month', d.month,"
        "  'patients_ready', d.patients_ready, 'days_beyond', d.days_beyond, 'mean_days', d.mean_days,"
        "  'reported_mean_days', d.reported_mean, 'comment', c.comment,"
        "  'comment_updated_at', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        "  'updated_at', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
        "  ORDER BY d.month_start, p.sort_order)"
        "  FROM nara_vard.discharge_delays d JOIN core.principals p ON p.id = d.principal_id"
        "  LEFT JOIN nara_vard.discharge_comments c USING (principal_id, month_start)"
        "  WHERE ($1::smallint = 0 OR d.principal_id = $1::smallint)"
        "  AND ($2::date IS NULL OR d.month_start >= $2::date) AND ($3::date IS NULL OR d.month_start <= $3::date)),"
        " '[]'::json))::text",
        3, params);
}

int nv_discharge_init(const lgvo_host *h)
{
    if (h->route("POST", "/discharge-delays", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_delays, NULL,
                 "postNaraVardDischargeDelays") != 0 ||
        h->route("GET", "/discharge-delays", LGVO_ACCESS_AUTHENTICATED, NULL, get_delays, NULL,
                 "listNaraVardDischargeDelays") != 0 ||
        h->route("PUT", "/discharge-delays/:municipality/:month/comment", LGVO_ACCESS_WRITE_AREA,
                 NV_AREA, put_comment, NULL, "putNaraVardDischargeComment") != 0 ||
        h->route("DELETE", "/discharge-delays/:municipality/:month/comment", LGVO_ACCESS_WRITE_AREA,
                 NV_AREA, delete_comment, NULL, "deleteNaraVardDischargeComment") != 0)
        return -1;
    return 0;
}
