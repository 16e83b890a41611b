/* The joint HVB Fyrbylund for young people aged 13-17 ("Överenskommelse om samverkansavtal
 * gemensamt HVB, barn och unga 13-17 år"): the home follows occupancy up every year (placements,
 * age, reason for placement, length of stay, collaborating parties) and reports every six
 * months to the strategic steering group on how it works and any need for change.
 *
 *   GET  /hvb/reasons              the controlled list of placement reasons
 *   PUT  /hvb/reasons/:code        county_admin: add or change a reason
 *   POST /hvb/occupancy            {"occupancy": [rows]}, per placing municipality and half-year
 *   GET  /hvb/occupancy?year=      every principal's half-years and the county's, suppressed
 *   POST /hvb/reports              {"reports": [rows]}, the half-yearly account
 *   GET  /hvb/reports?year=        the accounts with the annual occupancy summary */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGES 5
#define FIRST_AGE 13
#define MAX_REASONS 64

static const char *const age_keys[AGES] = {"13", "14", "15", "16", "17"};

/* ---- the controlled list ---- */

struct reason {
    char code[49];
    char label[801];    /* 200 characters of up to 4 bytes */
    char label_en[801];
    int active;
    int sort_order;
};

struct reasons {
    struct reason items[MAX_REASONS];
    size_t count;
};

/* Loads the list (at most MAX_REASONS, in sort order). Returns 0, or -1 after the host replied. */
static int reasons_load(lgvo_request *req, struct reasons *out)
{
    out->count = 0;
    lgvo_result *r = vu_host->sql(req,
                                  "SELECT code, label, label_en, active, sort_order"
                                  " FROM vaxa_upp.placement_reasons ORDER BY sort_order, code LIMIT 64",
                                  0, NULL);
    if (!r)
        return -1;
    for (int i = 0; i < vu_host->result_rows(r) && out->count < MAX_REASONS; i++) {
        struct reason *x = &out->items[out->count++];
        snprintf(x->code, sizeof x->code, "%s", vu_host->result_value(r, i, 0));
        snprintf(x->label, sizeof x->label, "%s", vu_host->result_value(r, i, 1));
        snprintf(x->label_en, sizeof x->label_en, "%s", vu_host->result_value(r, i, 2));
        x->active = vu_host->result_value(r, i, 3)[0] == 't';
        x->sort_order = atoi(vu_host->result_value(r, i, 4));
    }
    vu_host->result_free(r);
    return 0;
}

static json_t *reason_json(const struct reason *x)
{
    return json_pack("{s:s, s:s, s:s, s:b, s:i}", "code", x->code, "label", x->label, "label_en",
                     x->label_en, "active", x->active, "sort_order", x->sort_order);
}

void vu_hvb_reasons_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct reasons *rs = vu_alloc(1, sizeof *rs); /* ~100 kB: not on the handler's stack */
    if (reasons_load(req, rs) != 0)
        goto out;
    json_t *items = json_array();
    for (size_t i = 0; i < rs->count; i++)
        json_array_append_new(items, reason_json(&rs->items[i]));
    vu_reply(req, 200, json_pack("{s:o}", "items", items));
out:
    free(rs);
}

static int valid_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 48 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && s[i + 1] != '-')))
            return 0;
    }
    return 1;
}

/* The body of PUT /hvb/reasons/:code, checked. details gets the problems (path, code, message). */
struct reason_input {
    const char *label, *label_en;
    int active;
    long long sort_order;
};

static void detail(json_t *details, const char *path, const char *code, const char *message)
{
    json_array_append_new(details, json_pack("{s:s, s:s, s:s}", "path", path, "code", code, "message", message));
}

static void reason_text(json_t *body, const char *member, json_t *details, const char **out)
{
    json_t *v = json_object_get(body, member);
    char path[32];
    snprintf(path, sizeof path, "/%s", member);
    size_t chars = 0;
    for (const char *p = json_string_value(v); p && *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (!json_is_string(v) || chars == 0 || chars > 200 || strlen(json_string_value(v)) != json_string_length(v))
        detail(details, path, v ? "invalid" : "missing", "is required: 1 to 200 characters");
    else
        *out = json_string_value(v);
}

static void reason_read(json_t *body, struct reason_input *in, json_t *details)
{
    static const char *const allowed[] = {"label", "label_en", "active", "sort_order", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char path[80] = "/";
            vu_pointer_token(path, sizeof path, key);
            detail(details, path, "unknown_field", "unknown member; allowed: label, label_en, active, sort_order");
        }
    }
    reason_text(body, "label", details, &in->label);
    reason_text(body, "label_en", details, &in->label_en);
    json_t *active = json_object_get(body, "active");
    in->active = active ? json_is_true(active) : 1;
    if (active && !json_is_boolean(active))
        detail(details, "/active", "wrong_type", "must be true or false");
    json_t *order = json_object_get(body, "sort_order");
    in->sort_order = order ? json_integer_value(order) : 100;
    if (order && (!json_is_integer(order) || in->sort_order < 0 || in->sort_order > 10000))
        detail(details, "/sort_order", "out_of_range", "must be a whole number from 0 to 10000");
}

/* Checks the path's code and the body. Returns 0, or -1 after replying 422. */
static int reason_check(lgvo_request *req, const char *code, json_t *body, struct reason_input *in)
{
    json_t *details = json_array();
    if (!valid_code(code))
        detail(details, "/code", "invalid_code", "the code in the path must be 1 to 48 characters of a-z, 0-9 and single hyphens");
    if (!json_is_object(body))
        detail(details, "", "wrong_type", "the body must be an object");
    else
        reason_read(body, in, details);
    if (json_array_size(details)) {
        vu_host->reply_error(req, 422, "validation_failed", "the reason is invalid; see details", details);
        return -1;
    }
    json_decref(details);
    return 0;
}

/* Adds or changes the reason (at most MAX_REASONS codes). Returns 201 (added), 200 (changed),
 * or -1 after replying. */
static int reason_save(lgvo_request *req, const char *code, const struct reason_input *in)
{
    struct vu_viewer viewer;
    vu_viewer_get(req, &viewer);
    struct vu_params p = {0};
    const char *params[] = {code, in->label, in->label_en, in->active ? "true" : "false",
                            vu_param_int(&p, in->sort_order), viewer.subject ? viewer.subject : "unknown",
                            vu_param_int(&p, MAX_REASONS)};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.placement_reasons AS x (code, label, label_en, active, sort_order, updated_by)"
        " SELECT $1, $2, $3, $4::boolean, $5::int, $6"
        " WHERE (SELECT count(*) FROM vaxa_upp.placement_reasons) < $7::int"
        " OR EXISTS (SELECT 1 FROM vaxa_upp.placement_reasons WHERE code = $1)"
        " ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, label_en = EXCLUDED.label_en,"
        " active = EXCLUDED.active, sort_order = EXCLUDED.sort_order,"
        " updated_by = EXCLUDED.updated_by, updated_at = now()"
        " RETURNING (xmax = 0)",
        7, params);
    if (!r)
        return -1;
    int status = vu_host->result_rows(r) == 0 ? 0 : vu_host->result_value(r, 0, 0)[0] == 't' ? 201 : 200;
    vu_host->result_free(r);
    if (!status) {
        vu_host->reply_error(req, 422, "too_many_reasons",
                             "the list holds at most 64 reasons; make one inactive and reuse it, or change it", NULL);
        return -1;
    }
    return status;
}

void vu_hvb_reason_put(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *code = vu_host->param(req, "code");
    json_t *body = vu_host->body(req); /* borrowed */
    struct reason_input in = {0};
    if (!body || reason_check(req, code, body, &in) != 0)
        return;
    int status = reason_save(req, code, &in);
    if (status < 0)
        return;
    struct reason x = {.active = in.active, .sort_order = (int)in.sort_order};
    snprintf(x.code, sizeof x.code, "%s", code);
    snprintf(x.label, sizeof x.label, "%s", in.label);
    snprintf(x.label_en, sizeof x.label_en, "%s", in.label_en);
    vu_reply(req, status, reason_json(&x));
}

/* ---- occupancy: writing ---- */

struct occupancy {
    struct vu_head head;
    int year, half;
    long long started, ended, ongoing, care_days;
    long long age[AGES];
    long long reason[MAX_REASONS]; /* by the active reasons' order in the ctx list */
    json_t *parties;               /* borrowed from the body; NULL when absent */
    const char *comment;
};

/* The active reasons, as keys for the breakdown. */
struct reason_keys {
    const struct reasons *all;
    const char *keys[MAX_REASONS];
    size_t count;
};

static void unknown_age(void *ctx, struct vu_row *r, const char *member, const char *key)
{
    (void)ctx;
    int digits = key[0] != '\0';
    for (const char *p = key; *p && digits; p++)
        digits = *p >= '0' && *p <= '9';
    if (digits)
        vu_row_error(r, member, key, "age_out_of_range", "the joint HVB is for young people aged 13-17: ages are 13, 14, 15, 16 and 17");
    else
        vu_row_error(r, member, key, "invalid_age", "must be an age in whole years: 13, 14, 15, 16 or 17");
}

static void unknown_reason(void *ctx, struct vu_row *r, const char *member, const char *key)
{
    const struct reason_keys *rk = ctx;
    for (size_t i = 0; i < rk->all->count; i++)
        if (strcmp(rk->all->items[i].code, key) == 0) {
            vu_row_error(r, member, key, "inactive_reason", "the placement reason is no longer in use (see GET /api/v1/vaxa-upp/hvb/reasons)");
            return;
        }
    vu_row_error(r, member, key, "unknown_reason", "is not a placement reason of the controlled list (see GET /api/v1/vaxa-upp/hvb/reasons)");
}

/* started, ended, ongoing, care days; the relations between them. Returns 1 when started is
 * valid. */
static int occupancy_counts(struct vu_row *r, struct occupancy *o, int period_ok)
{
    int started_ok = vu_count(r, "started", VU_MAX_COUNT, &o->started) == 0;
    int ok = started_ok;
    ok &= vu_count(r, "ended", VU_MAX_COUNT, &o->ended) == 0;
    ok &= vu_count(r, "ongoing", VU_MAX_COUNT, &o->ongoing) == 0;
    int days_ok = vu_count(r, "care_days", VU_MAX_COUNT * 10, &o->care_days) == 0;
    if (ok && o->started > o->ended + o->ongoing)
        vu_row_error(r, "started", NULL, "started_exceeds_outcomes",
                     "%lld placements started, but only %lld ended or were ongoing at the end of the half-year; "
                     "every placement started in it either ended in it or was still ongoing",
                     o->started, o->ended + o->ongoing);
    if (ok && days_ok && period_ok) {
        long long days = vu_days_in_half(o->year, o->half);
        long long cap = days * (o->ongoing + o->ended);
        if (o->care_days > cap)
            vu_row_error(r, "care_days", NULL, "care_days_exceed_capacity",
                         "%lld care days are more than %lld days in the half-year × %lld placements (ongoing + ended) = %lld",
                         o->care_days, days, o->ongoing + o->ended, cap);
    }
    return started_ok;
}

static void occupancy_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "period", "started", "ended", "ongoing",
                                          "care_days", "by_age", "by_reason",
                                          "collaborating_parties", "comment", NULL};
    struct occupancy *o = row;
    const struct reason_keys *rk = ctx;
    vu_only_members(r, members);
    vu_principal(r, "principal", "municipality", &o->head.who);
    int period_ok = vu_period(r, "period", 'H', &o->year, &o->half) == 0;
    int started_ok = occupancy_counts(r, o, period_ok);
    long long sum = 0;
    if (vu_breakdown(r, "by_age", age_keys, AGES, VU_MAX_COUNT, o->age, &sum, unknown_age, NULL) == 0 && started_ok)
        vu_check_sum(r, "by_age", sum, o->started, "counts by age", "placements started");
    if (vu_breakdown(r, "by_reason", rk->keys, rk->count, VU_MAX_COUNT, o->reason, &sum, unknown_reason, ctx) == 0 && started_ok)
        vu_check_sum(r, "by_reason", sum, o->started, "counts by placement reason", "placements started");
    vu_string_list(r, "collaborating_parties", 30, 200, NULL, &o->parties);
    vu_text(r, "comment", 2000, 0, &o->comment);
}

static int same_half(const void *a, const void *b)
{
    const struct occupancy *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year && x->half == y->half;
}

/* {code: count} of the non-zero reasons (caller frees). */
static char *reasons_text(const struct occupancy *o, const struct reason_keys *rk)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < rk->count; i++)
        if (o->reason[i] > 0)
            json_object_set_new(obj, rk->keys[i], json_integer(o->reason[i]));
    char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    return text;
}

static int occupancy_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    const struct occupancy *o = row;
    struct vu_params p = {0};
    char *reasons = reasons_text(o, ctx);
    char *parties = o->parties ? json_dumps(o->parties, JSON_COMPACT) : NULL; /* caller frees */
    const char *params[] = {
        vu_param_int(&p, o->head.who.id), vu_param_int(&p, o->year), vu_param_int(&p, o->half),
        vu_param_int(&p, o->started), vu_param_int(&p, o->ended), vu_param_int(&p, o->ongoing),
        vu_param_int(&p, o->care_days), vu_param_int(&p, o->age[0]), vu_param_int(&p, o->age[1]),
        vu_param_int(&p, o->age[2]), vu_param_int(&p, o->age[3]), vu_param_int(&p, o->age[4]),
        reasons, parties, o->comment, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.hvb_occupancy (principal_id, year, half, started, ended, ongoing, care_days,"
        " age_13, age_14, age_15, age_16, age_17, by_reason, collaborating_parties, comment, updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::smallint, $4::int, $5::int, $6::int, $7::int, $8::int, $9::int,"
        " $10::int, $11::int, $12::int, $13::jsonb, ARRAY(SELECT jsonb_array_elements_text(coalesce($14::jsonb, '[]'))),"
        " $15, $16, $17)"
        " ON CONFLICT (principal_id, year, half) DO UPDATE SET started = EXCLUDED.started, ended = EXCLUDED.ended,"
        " ongoing = EXCLUDED.ongoing, care_days = EXCLUDED.care_days, age_13 = EXCLUDED.age_13,"
        " age_14 = EXCLUDED.age_14, age_15 = EXCLUDED.age_15, age_16 = EXCLUDED.age_16, age_17 = EXCLUDED.age_17,"
        " by_reason = EXCLUDED.by_reason, collaborating_parties = EXCLUDED.collaborating_parties,"
        " comment = EXCLUDED.comment, updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id,"
        " updated_at = now()",
        17, params);
    free(reasons);
    free(parties);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset occupancy_dataset = {
    .collection = "occupancy",
    .row_size = sizeof(struct occupancy),
    .parse = occupancy_parse,
    .same_key = same_half,
    .store = occupancy_store,
};

void vu_hvb_occupancy_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct reasons *rs = vu_alloc(1, sizeof *rs); /* ~100 kB: not on the handler's stack */
    if (reasons_load(req, rs) != 0)
        goto out;
    struct reason_keys rk = {.all = rs};
    for (size_t i = 0; i < rs->count; i++)
        if (rs->items[i].active)
            rk.keys[rk.count++] = rs->items[i].code;
    vu_ingest(req, &occupancy_dataset, &rk);
out:
    free(rs);
}

/* ---- occupancy: reading, with suppression ---- */

enum { C_STARTED, C_ENDED, C_ONGOING, C_CARE_DAYS, C_AGE, C_REASON = C_AGE + AGES };

/* One stored half-year row. */
struct occ_stored {
    int principal_id, half;
    long long v[C_REASON];
    json_t *reasons;  /* {code: count} (owned) */
    json_t *meta;     /* collaborating_parties, comment, updated_at, updated_by (owned) */
};

struct vu_hvb_view {
    const struct vu_principals *ps; /* borrowed */
    int year;
    struct reasons all;
    const struct reason *cols[MAX_REASONS]; /* the reason columns: active or used this year */
    size_t ncols;
    struct vu_col *colspec;
    struct vu_group groups[2];
    struct vu_grid *g;
    struct vu_table t;
    json_t **meta;  /* per principal × half, NULL when absent (owned) */
};

static int load_rows(lgvo_request *req, int year, struct occ_stored **out, size_t *n)
{
    char y[24];
    const char *params[] = {vu_itoa(y, year)};
    lgvo_result *r = vu_host->sql(
        req,
        "SELECT principal_id, half, started, ended, ongoing, care_days, age_13, age_14, age_15, age_16,"
        " age_17, by_reason::text, json_build_object('collaborating_parties', to_json(collaborating_parties),"
        " 'comment', comment, 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " 'updated_by', updated_by)::text"
        " FROM vaxa_upp.hvb_occupancy WHERE year = $1::int ORDER BY principal_id, half",
        1, params);
    if (!r)
        return -1;
    *n = (size_t)vu_host->result_rows(r);
    *out = vu_alloc(*n + 1, sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        struct occ_stored *s = &(*out)[i];
        s->principal_id = atoi(vu_host->result_value(r, (int)i, 0));
        s->half = atoi(vu_host->result_value(r, (int)i, 1));
        for (int c = 0; c < C_REASON; c++)
            s->v[c] = atoll(vu_host->result_value(r, (int)i, 2 + c));
        s->reasons = json_loads(vu_host->result_value(r, (int)i, 11), 0, NULL);
        s->meta = json_loads(vu_host->result_value(r, (int)i, 12), 0, NULL);
    }
    vu_host->result_free(r);
    return 0;
}

static void rows_free(struct occ_stored *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(rows[i].reasons);
        json_decref(rows[i].meta);
    }
    free(rows);
}

/* Reason columns: every active reason, and inactive ones used this year. */
static void choose_columns(struct vu_hvb_view *v, const struct occ_stored *rows, size_t n)
{
    for (size_t k = 0; k < v->all.count; k++) {
        const struct reason *x = &v->all.items[k];
        int used = x->active;
        for (size_t i = 0; i < n && !used; i++)
            used = json_object_get(rows[i].reasons, x->code) != NULL;
        if (used)
            v->cols[v->ncols++] = x;
    }
}

static void build_table(struct vu_hvb_view *v, const struct vu_viewer *viewer, const struct occ_stored *rows,
                        size_t n)
{
    size_t ncol = C_REASON + v->ncols;
    v->colspec = vu_alloc(ncol, sizeof *v->colspec);
    v->colspec[C_ONGOING].snapshot = 1;
    v->groups[0] = (struct vu_group){C_STARTED, C_AGE, AGES, 1};
    v->groups[1] = (struct vu_group){C_STARTED, C_REASON, v->ncols, 1};
    int *owners = vu_alloc(v->ps->count + 1, sizeof *owners);
    for (size_t p = 0; p < v->ps->count; p++)
        owners[p] = v->ps->items[p].id;
    v->g = vu_grid_new(viewer);
    vu_table_init(&v->t, v->g, owners, v->ps->count, 2, 1, v->colspec, ncol, v->groups, 2);
    free(owners);
    v->meta = vu_alloc(v->ps->count * 2 + 1, sizeof *v->meta);
    for (size_t i = 0; i < n; i++) {
        size_t p = vu_principals_index(v->ps, rows[i].principal_id);
        if (p == VU_NONE || rows[i].half < 1 || rows[i].half > 2)
            continue;
        size_t s = (size_t)rows[i].half - 1;
        for (size_t c = 0; c < C_REASON; c++)
            vu_table_put(&v->t, p, s, c, rows[i].v[c]);
        for (size_t k = 0; k < v->ncols; k++)
            vu_table_put(&v->t, p, s, C_REASON + k, json_integer_value(json_object_get(rows[i].reasons, v->cols[k]->code)));
        v->meta[p * 2 + s] = json_incref(rows[i].meta);
    }
    vu_table_finish(&v->t);
    vu_grid_suppress(v->g);
}

struct vu_hvb_view *vu_hvb_view_load(lgvo_request *req, const struct vu_principals *ps,
                                     const struct vu_viewer *viewer, int year)
{
    struct vu_hvb_view *v = vu_alloc(1, sizeof *v);
    struct occ_stored *rows = NULL;
    size_t n = 0;
    v->ps = ps;
    v->year = year;
    if (reasons_load(req, &v->all) != 0 || load_rows(req, year, &rows, &n) != 0) {
        vu_hvb_view_free(v);
        v = NULL;
        goto out;
    }
    choose_columns(v, rows, n);
    build_table(v, viewer, rows, n);
out:
    rows_free(rows, n);
    return v;
}

void vu_hvb_view_free(struct vu_hvb_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; v->meta && i < v->ps->count * 2; i++)
        json_decref(v->meta[i]);
    free(v->meta);
    vu_grid_free(v->g);
    free(v->colspec);
    free(v);
}

/* The counts of record (p, s): started … by_reason. */
static json_t *record_json(const struct vu_hvb_view *v, size_t p, size_t s)
{
    const struct vu_table *t = &v->t;
    json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "started", vu_cell_json(v->g, vu_tcell(t, p, s, C_STARTED)),
                          "ended", vu_cell_json(v->g, vu_tcell(t, p, s, C_ENDED)),
                          s == t->nperiod ? "ongoing_at_year_end" : "ongoing",
                          vu_cell_json(v->g, vu_tcell(t, p, s, C_ONGOING)), "care_days",
                          vu_cell_json(v->g, vu_tcell(t, p, s, C_CARE_DAYS)));
    json_t *ages = json_object(), *reasons = json_object();
    for (size_t a = 0; a < AGES; a++)
        json_object_set_new(ages, age_keys[a], vu_cell_json(v->g, vu_tcell(t, p, s, C_AGE + a)));
    for (size_t k = 0; k < v->ncols; k++)
        json_object_set_new(reasons, v->cols[k]->code, vu_cell_json(v->g, vu_tcell(t, p, s, C_REASON + k)));
    json_object_set_new(o, "by_age", ages);
    json_object_set_new(o, "by_reason", reasons);
    return o;
}

static json_t *halves_json(const struct vu_hvb_view *v, size_t p)
{
    json_t *halves = json_array();
    for (size_t s = 0; s < 2; s++) {
        char period[8];
        if (vu_table_present(&v->t, p, s))
            json_array_append_new(halves, json_string(vu_period_format(period, 'H', v->year, (int)s + 1)));
    }
    return halves;
}

static json_int_t reporting(const struct vu_hvb_view *v, size_t s)
{
    json_int_t n = 0;
    for (size_t p = 0; p < v->ps->count; p++)
        n += vu_table_present(&v->t, p, s);
    return n;
}

json_t *vu_hvb_annual_json(const struct vu_hvb_view *v, size_t p)
{
    if (!vu_table_present(&v->t, p, v->t.nperiod))
        return NULL;
    json_t *o = record_json(v, p, v->t.nperiod);
    json_object_set_new(o, "halves", halves_json(v, p));
    if (p == v->ps->count)
        json_object_set_new(o, "principals", json_integer(reporting(v, v->t.nperiod)));
    return o;
}

static json_t *reasons_json(const struct vu_hvb_view *v)
{
    json_t *list = json_array();
    for (size_t k = 0; k < v->ncols; k++)
        json_array_append_new(list, reason_json(v->cols[k]));
    return list;
}

/* Every collaborating party named this year, once, in the order first named. */
static json_t *parties_union(const struct vu_hvb_view *v)
{
    json_t *all = json_array();
    for (size_t i = 0; i < v->ps->count * 2; i++) {
        json_t *list = json_object_get(v->meta[i], "collaborating_parties");
        size_t k;
        json_t *party;
        json_array_foreach(list, k, party) {
            int seen = 0;
            for (size_t j = 0; j < json_array_size(all) && !seen; j++)
                seen = json_equal(json_array_get(all, j), party);
            if (!seen)
                json_array_append(all, party);
        }
    }
    return all;
}

json_t *vu_hvb_summary_json(const struct vu_hvb_view *v)
{
    json_t *county = vu_hvb_annual_json(v, v->ps->count);
    json_t *by = json_array();
    for (size_t p = 0; p < v->ps->count; p++) {
        json_t *a = vu_hvb_annual_json(v, p);
        if (a) {
            json_object_set_new(a, "principal", json_string(v->ps->items[p].slug));
            json_array_append_new(by, a);
        }
    }
    return json_pack("{s:i, s:o, s:o, s:o, s:o}", "year", v->year, "county", county ? county : json_null(),
                     "by_principal", by, "reasons", reasons_json(v), "collaborating_parties",
                     parties_union(v));
}

static json_t *occupancy_items(const struct vu_hvb_view *v)
{
    json_t *items = json_array();
    for (size_t p = 0; p < v->ps->count; p++)
        for (size_t s = 0; s < 2; s++) {
            if (!vu_table_present(&v->t, p, s))
                continue;
            char period[8];
            json_t *o = record_json(v, p, s);
            json_object_set_new(o, "principal", json_string(v->ps->items[p].slug));
            json_object_set_new(o, "period", json_string(vu_period_format(period, 'H', v->year, (int)s + 1)));
            json_object_update(o, v->meta[p * 2 + s]);
            json_array_append_new(items, o);
        }
    return items;
}

static json_t *county_items(const struct vu_hvb_view *v)
{
    json_t *items = json_array();
    for (size_t s = 0; s < v->t.nslot; s++) {
        if (!vu_table_present(&v->t, v->ps->count, s))
            continue;
        char period[8];
        json_t *o = record_json(v, v->ps->count, s);
        json_object_set_new(o, "period", s == v->t.nperiod ? json_sprintf("%d", v->year)
                                                            : json_string(vu_period_format(period, 'H', v->year, (int)s + 1)));
        json_object_set_new(o, "principals", json_integer(reporting(v, s)));
        json_array_append_new(items, o);
    }
    return items;
}

void vu_hvb_occupancy_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    struct vu_hvb_view *v = vu_hvb_view_load(req, &ps, &viewer, year);
    if (v)
        vu_reply(req, 200, json_pack("{s:i, s:o, s:o, s:o}", "year", year, "reasons", reasons_json(v), "items",
                                     occupancy_items(v), "county", county_items(v)));
    vu_hvb_view_free(v);
    vu_principals_free(&ps);
}

/* ---- the half-yearly account ---- */

struct report {
    struct vu_head head;
    int year, half;
    const char *operations, *change_needs, *meeting;
};

static void meeting_date(struct vu_row *r, struct report *x, int period_ok)
{
    if (vu_text(r, "steering_group_meeting", 10, 0, &x->meeting) != 0 || !x->meeting)
        return;
    int y, m, d, ty, tm, td;
    vu_today(&ty, &tm, &td);
    if (vu_date_parse(x->meeting, &y, &m, &d) != 0)
        vu_row_error(r, "steering_group_meeting", NULL, "invalid_date", "must be a date such as 2025-09-15");
    else if (vu_date_cmp(y, m, d, ty, tm, td) > 0)
        vu_row_error(r, "steering_group_meeting", NULL, "future_date", "must not be in the future");
    else if (period_ok && vu_date_cmp(y, m, d, x->year, x->half == 1 ? 1 : 7, 1) < 0)
        vu_row_error(r, "steering_group_meeting", NULL, "date_before_period",
                     "the account of a half-year cannot be given before the half-year begins");
}

static void report_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "period", "operations", "change_needs",
                                          "steering_group_meeting", NULL};
    (void)ctx;
    struct report *x = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", NULL, &x->head.who);
    int period_ok = vu_period(r, "period", 'H', &x->year, &x->half) == 0;
    vu_text(r, "operations", 8000, 1, &x->operations);
    vu_text(r, "change_needs", 4000, 0, &x->change_needs);
    meeting_date(r, x, period_ok);
}

static int same_report(const void *a, const void *b)
{
    const struct report *x = a, *y = b;
    return x->year == y->year && x->half == y->half;
}

/* One account per half-year: only the principal that gave it (or county_admin) replaces it. */
static int report_relate(lgvo_request *req, struct vu_row *r, void *row, const void *rows, size_t n,
                         void *ctx)
{
    (void)rows;
    (void)n;
    (void)ctx;
    struct report *x = row;
    struct vu_viewer viewer;
    vu_viewer_get(req, &viewer);
    if (viewer.sees_all)
        return 0;
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, x->year), vu_param_int(&p, x->half)};
    lgvo_result *res = vu_host->sql(req,
                                    "SELECT pr.id, pr.slug FROM vaxa_upp.hvb_reports h JOIN core.principals pr"
                                    " ON pr.id = h.principal_id WHERE h.year = $1::int AND h.half = $2::smallint",
                                    2, params);
    if (!res)
        return -1;
    if (vu_host->result_rows(res) == 1 && atoi(vu_host->result_value(res, 0, 0)) != x->head.who.id)
        vu_row_error(r, "principal", NULL, "report_given_by_other",
                     "the account of this half-year was given by %s; only %s or the county secretariat may replace it",
                     vu_host->result_value(res, 0, 1), vu_host->result_value(res, 0, 1));
    vu_host->result_free(res);
    return 0;
}

static int report_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct report *x = row;
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, x->year), vu_param_int(&p, x->half),
                            vu_param_int(&p, x->head.who.id), x->operations, x->change_needs,
                            x->meeting, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.hvb_reports (year, half, principal_id, operations, change_needs,"
        " steering_group_meeting, updated_by, request_id)"
        " VALUES ($1::int, $2::smallint, $3::smallint, $4, $5, $6::date, $7, $8)"
        " ON CONFLICT (year, half) DO UPDATE SET principal_id = EXCLUDED.principal_id,"
        " operations = EXCLUDED.operations, change_needs = EXCLUDED.change_needs,"
        " steering_group_meeting = EXCLUDED.steering_group_meeting, updated_by = EXCLUDED.updated_by,"
        " request_id = EXCLUDED.request_id, updated_at = now()",
        8, params);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

/* The annual occupancy summary of each year with a stored account (for the caller). */
static json_t *report_extra(lgvo_request *req, const void *rows, size_t n, const unsigned char *stored,
                            void *ctx)
{
    (void)ctx;
    const struct report *x = rows;
    json_t *summaries = json_array();
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_principals_load(req, &ps) != 0)
        return json_pack("{s:o}", "occupancy_summaries", summaries);
    vu_viewer_get(req, &viewer);
    for (size_t i = 0; i < n; i++) {
        int first = stored[i];
        for (size_t j = 0; j < i && first; j++)
            first = !(stored[j] && x[j].year == x[i].year);
        struct vu_hvb_view *v = first ? vu_hvb_view_load(req, &ps, &viewer, x[i].year) : NULL;
        if (v)
            json_array_append_new(summaries, vu_hvb_summary_json(v));
        vu_hvb_view_free(v);
    }
    vu_principals_free(&ps);
    return json_pack("{s:o}", "occupancy_summaries", summaries);
}

static const struct vu_dataset report_dataset = {
    .collection = "reports",
    .row_size = sizeof(struct report),
    .parse = report_parse,
    .same_key = same_report,
    .relate = report_relate,
    .store = report_store,
    .extra = report_extra,
};

void vu_hvb_reports_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &report_dataset, NULL);
}

void vu_hvb_reports_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    char y[24];
    const char *params[] = {vu_itoa(y, year)};
    lgvo_result *r = vu_host->sql(
        req,
        "SELECT coalesce(json_agg(json_build_object('period', h.year || 'H' || h.half, 'principal', p.slug,"
        " 'operations', h.operations, 'change_needs', h.change_needs,"
        " 'steering_group_meeting', h.steering_group_meeting,"
        " 'updated_at', to_char(h.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " 'updated_by', h.updated_by) ORDER BY h.half), '[]')::text"
        " FROM vaxa_upp.hvb_reports h JOIN core.principals p ON p.id = h.principal_id WHERE h.year = $1::int",
        1, params);
    struct vu_hvb_view *v = r ? vu_hvb_view_load(req, &ps, &viewer, year) : NULL;
    if (v)
        vu_reply(req, 200, json_pack("{s:i, s:o, s:o}", "year", year, "items",
                                     json_loads(vu_host->result_value(r, 0, 0), 0, NULL),
                                     "occupancy_summary", vu_hvb_summary_json(v)));
    if (r)
        vu_host->result_free(r);
    vu_hvb_view_free(v);
    vu_principals_free(&ps);
}
