/* The region's monthly hospital statistics for people aged 80+, by municipality of residence
 * and sex:
 *
 *   POST /api/v1/att-aldras/hospital-reports   {"reports":[{month, municipality, sex,
 *        discharges, readmissions_48h, readmissions_30d, ed_visits, ed_admitted}]}
 *   GET  /api/v1/att-aldras/hospital-reports?municipality=&from=&to=&sex=
 *
 * A push is checked row by row (errors {"index","path","code","message"} under /reports/i),
 * then the shared shares are derived and written through host->push_values in the same
 * transaction as the plugin's own rows (att_aldras.hospital_reports), so ?mode=, ?dry_run and
 * Idempotency-Key behave as in POST /api/v1/values. A share needs a denominator above zero:
 * a month without discharges (visits) stores its counts but derives no readmission
 * (emergency-visit) share. */
#include "aldras.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION "reports"

enum { DISCHARGES, READM_48H, READM_30D, ED_VISITS, ED_ADMITTED, NCOUNTS };

static const char *const count_names[NCOUNTS] = {"discharges", "readmissions_48h", "readmissions_30d",
                                                 "ed_visits", "ed_admitted"};
static const char *const row_fields[] = {"month", "municipality", "sex", "discharges",
                                         "readmissions_48h", "readmissions_30d", "ed_visits",
                                         "ed_admitted", NULL};

/* One source row as read from the request. */
struct hrow {
    size_t index;
    int ok;                 /* passed every check of the plugin */
    struct aa_principal muni;
    struct aa_date month;
    char month_text[8];     /* "YYYY-MM" */
    char sex[2];            /* "T", "K" or "M" */
    long long n[NCOUNTS];
};

/* ---- checks of one row ---- */

static int check_month(json_t *errors, struct hrow *r, json_t *obj, struct aa_date today)
{
    json_t *v = json_object_get(obj, "month");
    const char *s = json_string_value(v);
    if (!v || json_is_null(v)) {
        aa_row_error(errors, COLLECTION, r->index, "month", "missing", "month is required (e.g. 2025-03)");
        return -1;
    }
    if (!s || aa_parse_month(s, &r->month) != 0) {
        aa_row_error(errors, COLLECTION, r->index, "month", "invalid_month",
                     "must be a month written YYYY-MM, e.g. 2025-03");
        return -1;
    }
    if (r->month.year < AA_FIRST_YEAR) {
        aa_row_error(errors, COLLECTION, r->index, "month", "period_too_early", "months start in %d",
                     AA_FIRST_YEAR);
        return -1;
    }
    if (aa_date_cmp(r->month, today) > 0) {
        aa_row_error(errors, COLLECTION, r->index, "month", "future_period",
                     "%s has not started yet; no future months", s);
        return -1;
    }
    snprintf(r->month_text, sizeof r->month_text, "%s", s);
    return 0;
}

static int check_sex(json_t *errors, struct hrow *r, json_t *obj)
{
    json_t *v = json_object_get(obj, "sex");
    const char *s = json_string_value(v);
    if (!v || json_is_null(v))
        s = "T";
    if (!s || (strcmp(s, "T") && strcmp(s, "K") && strcmp(s, "M"))) {
        aa_row_error(errors, COLLECTION, r->index, "sex", "invalid_sex", "must be T (total), K (women) or M (men)");
        return -1;
    }
    snprintf(r->sex, sizeof r->sex, "%s", s);
    return 0;
}

/* readmissions 48 h <= readmissions 30 d <= discharges; admitted <= visits. */
static int check_order(json_t *errors, const struct hrow *r)
{
    int bad = 0;
    if (r->n[READM_48H] > r->n[READM_30D]) {
        aa_row_error(errors, COLLECTION, r->index, "readmissions_48h", "exceeds_readmissions_30d",
                     "readmissions within 48 h (%lld) cannot exceed readmissions within 30 days (%lld)",
                     r->n[READM_48H], r->n[READM_30D]);
        bad = 1;
    }
    if (r->n[READM_30D] > r->n[DISCHARGES]) {
        aa_row_error(errors, COLLECTION, r->index, "readmissions_30d", "exceeds_discharges",
                     "readmissions within 30 days (%lld) cannot exceed discharges (%lld)",
                     r->n[READM_30D], r->n[DISCHARGES]);
        bad = 1;
    }
    if (r->n[ED_ADMITTED] > r->n[ED_VISITS]) {
        aa_row_error(errors, COLLECTION, r->index, "ed_admitted", "exceeds_ed_visits",
                     "emergency visits that led to admission (%lld) cannot exceed emergency visits (%lld)",
                     r->n[ED_ADMITTED], r->n[ED_VISITS]);
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* Checks row i on its own. Sets r->ok when it passed. */
static void check_row(json_t *errors, size_t i, json_t *obj, struct aa_date today, struct hrow *r)
{
    r->index = i;
    if (!json_is_object(obj)) {
        aa_row_error(errors, COLLECTION, i, NULL, "wrong_type", "each report must be a JSON object");
        return;
    }
    int bad = aa_unknown_fields(errors, COLLECTION, i, obj, row_fields) > 0;
    bad |= check_month(errors, r, obj, today) != 0;
    bad |= aa_municipality_field(errors, COLLECTION, i, obj, &r->muni) != 0;
    bad |= check_sex(errors, r, obj) != 0;
    int counts_ok = 1;
    for (int f = 0; f < NCOUNTS; f++)
        counts_ok &= aa_count_field(errors, COLLECTION, i, obj, count_names[f], AA_MAX_COUNT, &r->n[f]) == 0;
    if (counts_ok)
        bad |= check_order(errors, r) != 0;
    r->ok = !bad && counts_ok;
}

/* ---- checks across rows: duplicates and K + M = T ---- */

static int key_cmp(const void *a, const void *b)
{
    const struct hrow *x = *(const struct hrow *const *)a, *y = *(const struct hrow *const *)b;
    if (x->muni.id != y->muni.id)
        return x->muni.id < y->muni.id ? -1 : 1;
    int c = aa_date_cmp(x->month, y->month);
    if (c)
        return c;
    c = strcmp(x->sex, y->sex);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

static int same_group(const struct hrow *a, const struct hrow *b)
{
    return a->muni.id == b->muni.id && aa_date_cmp(a->month, b->month) == 0;
}

/* K + M = T for every count, when a group has all three. Rejects all three rows otherwise. */
static void check_sum(json_t *errors, struct hrow *t, struct hrow *k, struct hrow *m)
{
    int bad = 0;
    for (int f = 0; f < NCOUNTS; f++) {
        long long sum = k->n[f] + m->n[f];
        if (sum == t->n[f])
            continue;
        struct hrow *rows[] = {t, k, m};
        for (int j = 0; j < 3; j++)
            aa_row_error(errors, COLLECTION, rows[j]->index, count_names[f], "sex_sum_mismatch",
                         "%s of %s %s: K (row %zu) %lld + M (row %zu) %lld = %lld, but T (row %zu) is %lld",
                         count_names[f], t->muni.slug, t->month_text, k->index, k->n[f], m->index,
                         m->n[f], sum, t->index, t->n[f]);
        bad = 1;
    }
    if (bad)
        t->ok = k->ok = m->ok = 0;
}

/* One municipality and month: rows group[0..n), sorted by sex (K, M, T) then position. */
static void check_group(json_t *errors, struct hrow **group, size_t n)
{
    struct hrow *by_sex[3] = {NULL, NULL, NULL}; /* K, M, T: the first of each */
    for (size_t j = 0; j < n; j++) {
        struct hrow *r = group[j];
        int s = r->sex[0] == 'K' ? 0 : r->sex[0] == 'M' ? 1 : 2;
        if (by_sex[s]) {
            aa_row_error(errors, COLLECTION, r->index, NULL, "duplicate_row",
                         "repeats municipality, month and sex of row %zu", by_sex[s]->index);
            r->ok = 0;
            continue;
        }
        by_sex[s] = r;
    }
    if (by_sex[0] && by_sex[1] && by_sex[2] && by_sex[0]->ok && by_sex[1]->ok && by_sex[2]->ok)
        check_sum(errors, by_sex[2], by_sex[0], by_sex[1]);
}

/* Rows whose key could be read are grouped by municipality and month. Returns 0 or -1 (no
 * memory). */
static int check_across(json_t *errors, struct hrow *rows, size_t n)
{
    struct hrow **order = calloc(n + 1, sizeof *order); /* freed below */
    if (!order)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].ok)
            order[k++] = &rows[i];
    qsort(order, k, sizeof *order, key_cmp);
    for (size_t start = 0; start < k;) {
        size_t end = start + 1;
        while (end < k && same_group(order[start], order[end]))
            end++;
        check_group(errors, order + start, end - start);
        start = end;
    }
    free(order);
    return 0;
}

/* ---- derived values ---- */

static void add_share(json_t *values, const struct hrow *r, const char *measure, long long num,
                      long long den)
{
    if (den <= 0)
        return; /* no share of nothing: documented, see the file comment */
    json_array_append_new(values, json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "measure", measure,
                                            "principal", r->muni.slug, "period", r->month_text,
                                            "sex", r->sex, "numerator", (json_int_t)num,
                                            "denominator", (json_int_t)den, "source",
                                            (json_int_t)r->index));
}

/* The shared values of the rows that passed. New reference. */
static json_t *derive(const struct hrow *rows, size_t n)
{
    json_t *values = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct hrow *r = &rows[i];
        if (!r->ok)
            continue;
        add_share(values, r, AA_M_READM_48H, r->n[READM_48H], r->n[DISCHARGES]);
        add_share(values, r, AA_M_READM_30D, r->n[READM_30D], r->n[DISCHARGES]);
        add_share(values, r, AA_M_ED_NOT_ADMITTED, r->n[ED_VISITS] - r->n[ED_ADMITTED], r->n[ED_VISITS]);
    }
    return values;
}

/* ---- storing the plugin's rows ---- */

static int kept(const struct hrow *r, const lgvo_push_result *out)
{
    return r->ok && !(out->rejected && out->rejected[r->index]);
}

/* Approves the municipalities of the rows to keep for row-level security (the same decision
 * push_values made for their values; rows without a share have none). Fills ids, a JSON
 * array of their ids. Returns 0, or -1 after the host replied. */
static int approve(lgvo_request *req, const struct hrow *rows, size_t n, const lgvo_push_result *out,
                   json_t *ids)
{
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct hrow *r = &rows[i];
        if (!kept(r, out) || r->muni.id < 0 || r->muni.id > 255 || seen[r->muni.id])
            continue;
        seen[r->muni.id] = 1;
        if (!aa_host->can_write(req, r->muni.slug, AA_AREA, 1))
            return -1;
        json_array_append_new(ids, json_integer(r->muni.id));
    }
    return 0;
}

/* The rows to keep as one JSON text for jsonb_to_recordset. Caller frees (free). */
static char *rows_json(const struct hrow *rows, size_t n, const lgvo_push_result *out)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct hrow *r = &rows[i];
        if (!kept(r, out))
            continue;
        char month[11];
        aa_format_date(r->month, month);
        json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "principal_id",
                                              r->muni.id, "month", month, "sex", r->sex, "discharges",
                                              (json_int_t)r->n[DISCHARGES], "readmissions_48h",
                                              (json_int_t)r->n[READM_48H], "readmissions_30d",
                                              (json_int_t)r->n[READM_30D], "ed_visits",
                                              (json_int_t)r->n[ED_VISITS], "ed_admitted",
                                              (json_int_t)r->n[ED_ADMITTED]));
    }
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    return text;
}

static int upsert(lgvo_request *req, const char *rows, long total, struct aa_counts *c)
{
    lgvo_caller who = {.struct_size = sizeof who};
    aa_host->caller(req, &who);
    const char *params[] = {rows, who.subject ? who.subject : "unknown", aa_host->request_id(req)};
    lgvo_result *res = aa_host->sql(
        req,
        "WITH up AS (INSERT INTO att_aldras.hospital_reports AS h (principal_id, month, sex,"
        "  discharges, readmissions_48h, readmissions_30d, ed_visits, ed_admitted, updated_by, request_id)"
        " SELECT x.principal_id, x.month, x.sex, x.discharges, x.readmissions_48h, x.readmissions_30d,"
        "  x.ed_visits, x.ed_admitted, $2, $3"
        " FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint, month date, sex char(1),"
        "  discharges integer, readmissions_48h integer, readmissions_30d integer, ed_visits integer,"
        "  ed_admitted integer) ORDER BY 1, 2, 3"
        " ON CONFLICT (principal_id, month, sex) DO UPDATE SET discharges = EXCLUDED.discharges,"
        "  readmissions_48h = EXCLUDED.readmissions_48h, readmissions_30d = EXCLUDED.readmissions_30d,"
        "  ed_visits = EXCLUDED.ed_visits, ed_admitted = EXCLUDED.ed_admitted, updated_at = now(),"
        "  updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id"
        " WHERE (h.discharges, h.readmissions_48h, h.readmissions_30d, h.ed_visits, h.ed_admitted)"
        "  IS DISTINCT FROM (EXCLUDED.discharges, EXCLUDED.readmissions_48h, EXCLUDED.readmissions_30d,"
        "  EXCLUDED.ed_visits, EXCLUDED.ed_admitted)"
        " RETURNING (xmax = 0) AS inserted)"
        " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
        3, params);
    if (!res)
        return -1; /* the host replied */
    c->created = atol(aa_host->result_value(res, 0, 0));
    c->updated = atol(aa_host->result_value(res, 0, 1));
    c->unchanged = total - c->created - c->updated;
    aa_host->result_free(res);
    return 0;
}

/* ?mode=replace&from=&to= (already checked by push_values): the months within the slice of
 * the municipalities in the push that the push does not mention are deleted. */
static int replace_slice(lgvo_request *req, const char *rows, json_t *ids, struct aa_counts *c)
{
    const char *mode = aa_host->query(req, "mode");
    struct aa_date from_start, from_end, to_start, to_end;
    if (!mode || strcmp(mode, "replace") != 0)
        return 0;
    if (aa_period_bounds(aa_host->query(req, "from"), &from_start, &from_end) != 0 ||
        aa_period_bounds(aa_host->query(req, "to"), &to_start, &to_end) != 0)
        return 0; /* cannot happen: push_values refused such a push */
    char from[11], to[11];
    aa_format_date(from_start, from);
    aa_format_date(to_end, to);
    char *id_text = json_dumps(ids, JSON_COMPACT); /* freed below */
    const char *params[] = {rows, id_text, from, to};
    lgvo_result *res = aa_host->sql(
        req,
        "WITH gone AS (DELETE FROM att_aldras.hospital_reports h"
        " WHERE h.principal_id IN (SELECT jsonb_array_elements_text($2::jsonb)::smallint)"
        " AND h.month >= $3::date AND (h.month + interval '1 month')::date - 1 <= $4::date"
        " AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
        "  month date, sex char(1)) WHERE x.principal_id = h.principal_id AND x.month = h.month"
        "  AND x.sex = h.sex) RETURNING 1) SELECT count(*) FROM gone",
        4, params);
    free(id_text);
    if (!res)
        return -1;
    c->deleted = atol(aa_host->result_value(res, 0, 0));
    aa_host->result_free(res);
    return 0;
}

/* Stores the rows push_values did not reject. Returns 0, or -1 after the host replied. */
static int store(lgvo_request *req, const struct hrow *rows, size_t n, const lgvo_push_result *out,
                 struct aa_counts *c)
{
    long total = 0;
    for (size_t i = 0; i < n; i++)
        total += kept(&rows[i], out);
    json_t *ids = json_array();
    char *text = NULL;
    int rc = -1;
    if (approve(req, rows, n, out, ids) != 0)
        goto out;
    text = rows_json(rows, n, out);
    if (total && upsert(req, text, total, c) != 0)
        goto out;
    rc = replace_slice(req, text, ids, c);
out:
    free(text);
    json_decref(ids);
    return rc;
}

static json_t *counts_json(const struct aa_counts *c)
{
    return json_pack("{s:{s:I, s:I, s:I, s:I}}", "reports", "created", (json_int_t)c->created,
                     "updated", (json_int_t)c->updated, "unchanged", (json_int_t)c->unchanged,
                     "deleted", (json_int_t)c->deleted);
}

/* ---- the routes ---- */

/* Reads and checks every row. Returns the rows (caller frees), or NULL after replying. */
static struct hrow *read_rows(lgvo_request *req, json_t *list, json_t *errors)
{
    size_t n = json_array_size(list);
    struct hrow *rows = calloc(n + 1, sizeof *rows); /* the caller's on success */
    if (!rows)
        goto fail;
    struct aa_date today = aa_today();
    for (size_t i = 0; i < n; i++)
        check_row(errors, i, json_array_get(list, i), today, &rows[i]);
    if (check_across(errors, rows, n) != 0)
        goto fail;
    return rows;
fail:
    free(rows);
    aa_host->reply_error(req, 500, NULL, "internal error: out of memory", NULL);
    return NULL;
}

void aa_hospital_push(lgvo_request *req, void *ctx)
{
    (void)ctx;
    /* Hospital statistics by municipality of residence are the region's to report (on behalf
     * of every municipality): the shared write decision answers 403 for anyone else. */
    if (!aa_host->can_write(req, AA_REGION, AA_AREA, 1))
        return;
    json_t *list = aa_body_rows(req, COLLECTION); /* borrowed from the body */
    if (!list)
        return;
    size_t n = json_array_size(list);
    json_t *errors = json_array(), *values = NULL;
    lgvo_push_result result = {.struct_size = sizeof result};
    struct aa_counts counts = {0, 0, 0, 0};
    struct hrow *rows = read_rows(req, list, errors); /* freed at out */
    if (!rows)
        goto out;
    values = derive(rows, n);
    int rc = aa_host->push_values(req, values, COLLECTION, n, errors, &result);
    errors = NULL; /* stolen by push_values */
    if (rc != 0)
        goto out; /* the host answered (refused, replayed, failed) */
    if (store(req, rows, n, &result, &counts) != 0) {
        aa_host->push_reply(req, result.push, NULL); /* already answered: only frees */
        goto out;
    }
    aa_host->push_reply(req, result.push, counts_json(&counts));
out:
    json_decref(errors);
    json_decref(values);
    free(rows);
}

/* Reads ?municipality=&from=&to=&sex=. Returns 0, or -1 after replying 400. */
static int list_query(lgvo_request *req, char id[16], char from[11], char to[11], const char **sex)
{
    json_t *problems = NULL;
    const char *muni = aa_host->query(req, "municipality"), *f = aa_host->query(req, "from"),
               *t = aa_host->query(req, "to");
    struct aa_principal p;
    struct aa_date d;
    id[0] = from[0] = to[0] = '\0';
    *sex = aa_host->query(req, "sex");
    if (muni && (aa_principal(muni, &p) != 0 || !p.is_municipality))
        aa_query_problem(&problems, "municipality", "must be one of the 13 municipalities (slug or kommunkod)");
    else if (muni)
        snprintf(id, 16, "%d", p.id);
    if (f && aa_parse_month(f, &d) != 0)
        aa_query_problem(&problems, "from", "must be a month like 2025-01");
    else if (f)
        aa_format_date(d, from);
    if (t && aa_parse_month(t, &d) != 0)
        aa_query_problem(&problems, "to", "must be a month like 2025-12");
    else if (t)
        aa_format_date(d, to);
    if (*sex && strcmp(*sex, "T") && strcmp(*sex, "K") && strcmp(*sex, "M"))
        aa_query_problem(&problems, "sex", "must be T, K or M");
    return aa_query_failed(req, problems) ? -1 : 0;
}

void aa_hospital_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char id[16], from[11], to[11];
    const char *sex = NULL;
    if (list_query(req, id, from, to, &sex) != 0)
        return;
    const char *params[] = {id[0] ? id : NULL, from[0] ? from : NULL, to[0] ? to : NULL, sex};
    aa_reply_sql_json(
        req,
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
        " 'month', to_char(h.month, 'YYYY-MM'), 'municipality', p.slug, 'sex', h.sex,"
        " 'discharges', h.discharges, 'readmissions_48h', h.readmissions_48h,"
        " 'readmissions_30d', h.readmissions_30d, 'ed_visits', h.ed_visits,"
        " 'ed_admitted', h.ed_admitted, 'updated_at', h.updated_at)"
        " ORDER BY h.month, p.sort_order, h.sex), '[]'))::text"
        " FROM att_aldras.hospital_reports h JOIN core.principals p ON p.id = h.principal_id"
        " WHERE ($1::smallint IS NULL OR h.principal_id = $1::smallint)"
        " AND ($2::date IS NULL OR h.month >= $2::date) AND ($3::date IS NULL OR h.month <= $3::date)"
        " AND ($4::text IS NULL OR h.sex = $4::text)",
        4, params, "no reports");
}
