/* Coordinated individual plans (SIP, samordnad individuell plan) and reports of concern about
 * children (orosanmälningar).
 *
 *   POST /sip               {"sip": [rows]}, per municipality and tertial: plans initiated,
 *                           by initiator and by age band (both add up to the plans initiated)
 *   GET  /sip?year=
 *   POST /concern-reports   {"concern_reports": [rows]}, per municipality and quarter
 *   GET  /concern-reports?year=
 *
 * A SIP can be initiated by social services, health care (or by the person or their relatives)
 * and, increasingly, by school. The total is derived into the seeded measure
 * vaxa-upp.sip-initiated (per tertial), the reports of concern into vaxa-upp.concern-reports
 * (per quarter). */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INITIATORS 4
#define AGE_BANDS 2
static const char *const initiators[INITIATORS] = {"social_services", "health_care", "school",
                                                   "person_or_relatives"};
static const char *const age_bands[AGE_BANDS] = {"0-17", "18+"};

struct sip {
    struct vu_head head;
    int year, tertial;
    long long initiated, by_initiator[INITIATORS], by_band[AGE_BANDS];
    const char *comment;
};

static void sip_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "period", "initiated", "by_initiator",
                                          "by_age_band", "comment", NULL};
    (void)ctx;
    struct sip *x = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", "municipality", &x->head.who);
    vu_period(r, "period", 'T', &x->year, &x->tertial);
    int total_ok = vu_count(r, "initiated", VU_MAX_COUNT, &x->initiated) == 0;
    long long sum = 0;
    if (vu_breakdown(r, "by_initiator", initiators, INITIATORS, VU_MAX_COUNT, x->by_initiator, &sum, NULL, NULL) == 0 &&
        total_ok)
        vu_check_sum(r, "by_initiator", sum, x->initiated, "plans by initiator", "plans initiated");
    if (vu_breakdown(r, "by_age_band", age_bands, AGE_BANDS, VU_MAX_COUNT, x->by_band, &sum, NULL, NULL) == 0 &&
        total_ok)
        vu_check_sum(r, "by_age_band", sum, x->initiated, "plans by age band", "plans initiated");
    vu_text(r, "comment", 2000, 0, &x->comment);
}

static int same_tertial(const void *a, const void *b)
{
    const struct sip *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year && x->tertial == y->tertial;
}

static void sip_derive(const void *row, size_t index, json_t *values)
{
    const struct sip *x = row;
    char period[8];
    vu_period_format(period, 'T', x->year, x->tertial);
    json_array_append_new(values, vu_value_count(VU_M_SIP, x->head.who.slug, period, x->initiated, index));
}

static int sip_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct sip *x = row;
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, x->head.who.id), vu_param_int(&p, x->year),
                            vu_param_int(&p, x->tertial), vu_param_int(&p, x->initiated),
                            vu_param_int(&p, x->by_initiator[0]), vu_param_int(&p, x->by_initiator[1]),
                            vu_param_int(&p, x->by_initiator[2]), vu_param_int(&p, x->by_initiator[3]),
                            vu_param_int(&p, x->by_band[0]), vu_param_int(&p, x->by_band[1]),
                            x->comment, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.sip (principal_id, year, tertial, initiated, by_social_services, by_health_care,"
        " by_school, by_person_or_relatives, age_0_17, age_18_plus, comment, updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::smallint, $4::int, $5::int, $6::int, $7::int, $8::int, $9::int,"
        " $10::int, $11, $12, $13)"
        " ON CONFLICT (principal_id, year, tertial) DO UPDATE SET initiated = EXCLUDED.initiated,"
        " by_social_services = EXCLUDED.by_social_services, by_health_care = EXCLUDED.by_health_care,"
        " by_school = EXCLUDED.by_school, by_person_or_relatives = EXCLUDED.by_person_or_relatives,"
        " age_0_17 = EXCLUDED.age_0_17, age_18_plus = EXCLUDED.age_18_plus, comment = EXCLUDED.comment,"
        " updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id, updated_at = now()",
        13, params);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset sip_dataset = {
    .collection = "sip",
    .row_size = sizeof(struct sip),
    .parse = sip_parse,
    .same_key = same_tertial,
    .derive = sip_derive,
    .store = sip_store,
};

void vu_sip_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &sip_dataset, NULL);
}

struct concern {
    struct vu_head head;
    int year, quarter;
    long long reports;
    const char *comment;
};

static void concern_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "period", "reports", "comment", NULL};
    (void)ctx;
    struct concern *x = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", "municipality", &x->head.who);
    vu_period(r, "period", 'Q', &x->year, &x->quarter);
    vu_count(r, "reports", VU_MAX_COUNT, &x->reports);
    vu_text(r, "comment", 2000, 0, &x->comment);
}

static int same_quarter(const void *a, const void *b)
{
    const struct concern *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year && x->quarter == y->quarter;
}

static void concern_derive(const void *row, size_t index, json_t *values)
{
    const struct concern *x = row;
    char period[8];
    vu_period_format(period, 'Q', x->year, x->quarter);
    json_array_append_new(values, vu_value_count(VU_M_CONCERN, x->head.who.slug, period, x->reports, index));
}

static int concern_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct concern *x = row;
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, x->head.who.id), vu_param_int(&p, x->year),
                            vu_param_int(&p, x->quarter), vu_param_int(&p, x->reports), x->comment,
                            w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.concern_reports (principal_id, year, quarter, reports, comment, updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::smallint, $4::int, $5, $6, $7)"
        " ON CONFLICT (principal_id, year, quarter) DO UPDATE SET reports = EXCLUDED.reports,"
        " comment = EXCLUDED.comment, updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id,"
        " updated_at = now()",
        7, params);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset concern_dataset = {
    .collection = "concern_reports",
    .row_size = sizeof(struct concern),
    .parse = concern_parse,
    .same_key = same_quarter,
    .derive = concern_derive,
    .store = concern_store,
};

void vu_concern_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &concern_dataset, NULL);
}

/* ---- reading: a table of periods (tertials or quarters) and the year ---- */

struct period_view {
    const struct vu_principals *ps; /* borrowed */
    char type;                      /* 'T' or 'Q' */
    int year;
    struct vu_grid *g;
    struct vu_table t;
    json_t **meta; /* per principal × period (owned; NULL when absent) */
};

static struct period_view *period_view_new(const struct vu_principals *ps, const struct vu_viewer *viewer,
                                           char type, int year, const struct vu_col *cols, size_t ncol,
                                           const struct vu_group *groups, size_t ngroups)
{
    struct period_view *v = vu_alloc(1, sizeof *v);
    int *owners = vu_alloc(ps->count + 1, sizeof *owners);
    for (size_t p = 0; p < ps->count; p++)
        owners[p] = ps->items[p].id;
    v->ps = ps;
    v->type = type;
    v->year = year;
    v->g = vu_grid_new(viewer);
    size_t nperiod = (size_t)vu_period_parts(type);
    v->meta = vu_alloc(ps->count * nperiod + 1, sizeof *v->meta);
    vu_table_init(&v->t, v->g, owners, ps->count, nperiod, 1, cols, ncol, groups, ngroups);
    free(owners);
    return v;
}

static void period_view_free(struct period_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->ps->count * v->t.nperiod; i++)
        json_decref(v->meta[i]);
    free(v->meta);
    vu_grid_free(v->g);
    free(v);
}

/* Loads rows (principal_id, part, counts[ncol]…, meta json) of a query on $1 = year. */
static int period_view_load(lgvo_request *req, struct period_view *v, const char *sql)
{
    char y[24];
    const char *params[] = {vu_itoa(y, v->year)};
    lgvo_result *r = vu_host->sql(req, sql, 1, params);
    if (!r)
        return -1;
    for (int i = 0; i < vu_host->result_rows(r); i++) {
        size_t p = vu_principals_index(v->ps, atoi(vu_host->result_value(r, i, 0)));
        int part = atoi(vu_host->result_value(r, i, 1));
        if (p == VU_NONE || part < 1 || (size_t)part > v->t.nperiod)
            continue;
        for (size_t c = 0; c < v->t.ncol; c++)
            vu_table_put(&v->t, p, (size_t)part - 1, c, atoll(vu_host->result_value(r, i, 2 + (int)c)));
        size_t m = p * v->t.nperiod + (size_t)part - 1;
        json_decref(v->meta[m]);
        v->meta[m] = json_loads(vu_host->result_value(r, i, 2 + (int)v->t.ncol), 0, NULL);
    }
    vu_host->result_free(r);
    vu_table_finish(&v->t);
    vu_grid_suppress(v->g);
    return 0;
}

static json_int_t reporting(const struct period_view *v, size_t s)
{
    json_int_t n = 0;
    for (size_t p = 0; p < v->ps->count; p++)
        n += vu_table_present(&v->t, p, s);
    return n;
}

/* The label of slot s: "2025T1" or "2025". */
static json_t *slot_label(const struct period_view *v, size_t s)
{
    char period[8];
    if (s == v->t.nperiod)
        return json_sprintf("%d", v->year);
    return json_string(vu_period_format(period, v->type, v->year, (int)s + 1));
}

/* ---- SIP ---- */

enum { S_TOTAL, S_INIT, S_BAND = S_INIT + INITIATORS, S_NCOLS = S_BAND + AGE_BANDS };
static const struct vu_col sip_cols[S_NCOLS] = {
    {"initiated", 0, 1}, {"social_services", 0, 0}, {"health_care", 0, 0}, {"school", 0, 0},
    {"person_or_relatives", 0, 0}, {"0-17", 0, 0}, {"18+", 0, 0},
};
static const struct vu_group sip_groups[] = {{S_TOTAL, S_INIT, INITIATORS, 1}, {S_TOTAL, S_BAND, AGE_BANDS, 1}};

struct vu_sip_view {
    struct period_view *pv;
};

struct vu_sip_view *vu_sip_view_load(lgvo_request *req, const struct vu_principals *ps,
                                     const struct vu_viewer *viewer, int year)
{
    struct vu_sip_view *v = vu_alloc(1, sizeof *v);
    v->pv = period_view_new(ps, viewer, 'T', year, sip_cols, S_NCOLS, sip_groups, 2);
    if (period_view_load(req, v->pv,
                         "SELECT principal_id, tertial, initiated, by_social_services, by_health_care, by_school,"
                         " by_person_or_relatives, age_0_17, age_18_plus, json_build_object('comment', comment,"
                         " 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                         " 'updated_by', updated_by)::text FROM vaxa_upp.sip WHERE year = $1::int") != 0) {
        vu_sip_view_free(v);
        v = NULL; /* the host replied */
    }
    return v;
}

void vu_sip_view_free(struct vu_sip_view *v)
{
    if (!v)
        return;
    period_view_free(v->pv);
    free(v);
}

static json_t *sip_record(const struct period_view *v, size_t p, size_t s)
{
    const struct vu_table *t = &v->t;
    json_t *init = json_object(), *band = json_object();
    for (size_t i = 0; i < INITIATORS; i++)
        json_object_set_new(init, initiators[i], vu_cell_json(v->g, vu_tcell(t, p, s, S_INIT + i)));
    for (size_t i = 0; i < AGE_BANDS; i++)
        json_object_set_new(band, age_bands[i], vu_cell_json(v->g, vu_tcell(t, p, s, S_BAND + i)));
    json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "period", slot_label(v, s), "initiated",
                          vu_cell_json(v->g, vu_tcell(t, p, s, S_TOTAL)), "by_initiator", init, "by_age_band", band);
    if (p == v->ps->count)
        json_object_set_new(o, "principals", json_integer(reporting(v, s)));
    else if (s < t->nperiod)
        json_object_update(o, v->meta[p * t->nperiod + s]);
    return o;
}

/* {"tertials": [...], "year": {...}} of principal p (or the county), NULL without data. */
static json_t *periods_json(const struct period_view *v, size_t p,
                            json_t *(*record)(const struct period_view *, size_t, size_t), const char *plural)
{
    if (!vu_table_present(&v->t, p, v->t.nperiod))
        return NULL;
    json_t *list = json_array();
    for (size_t s = 0; s < v->t.nperiod; s++)
        if (vu_table_present(&v->t, p, s))
            json_array_append_new(list, record(v, p, s));
    return json_pack("{s:o, s:o}", plural, list, "year", record(v, p, v->t.nperiod));
}

json_t *vu_sip_json(const struct vu_sip_view *v, size_t p)
{
    return periods_json(v->pv, p, sip_record, "tertials");
}

static void periods_get(lgvo_request *req, int year, const struct vu_principals *ps, const struct period_view *v,
                        json_t *(*record)(const struct period_view *, size_t, size_t))
{
    json_t *items = json_array(), *county = json_array();
    for (size_t p = 0; p < ps->count; p++)
        for (size_t s = 0; s < v->t.nperiod; s++)
            if (vu_table_present(&v->t, p, s)) {
                json_t *o = record(v, p, s);
                json_object_set_new(o, "principal", json_string(ps->items[p].slug));
                json_array_append_new(items, o);
            }
    for (size_t s = 0; s < v->t.nslot; s++)
        if (vu_table_present(&v->t, ps->count, s))
            json_array_append_new(county, record(v, ps->count, s));
    vu_reply(req, 200, json_pack("{s:i, s:o, s:o}", "year", year, "items", items, "county", county));
}

void vu_sip_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    struct vu_sip_view *v = vu_sip_view_load(req, &ps, &viewer, year);
    if (v)
        periods_get(req, year, &ps, v->pv, sip_record);
    vu_sip_view_free(v);
    vu_principals_free(&ps);
}

/* ---- reports of concern ---- */

static const struct vu_col concern_cols[1] = {{"reports", 0, 1}};

struct vu_concern_view {
    struct period_view *pv;
};

struct vu_concern_view *vu_concern_view_load(lgvo_request *req, const struct vu_principals *ps,
                                             const struct vu_viewer *viewer, int year)
{
    struct vu_concern_view *v = vu_alloc(1, sizeof *v);
    v->pv = period_view_new(ps, viewer, 'Q', year, concern_cols, 1, NULL, 0);
    if (period_view_load(req, v->pv,
                         "SELECT principal_id, quarter, reports, json_build_object('comment', comment,"
                         " 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                         " 'updated_by', updated_by)::text FROM vaxa_upp.concern_reports WHERE year = $1::int") != 0) {
        vu_concern_view_free(v);
        v = NULL; /* the host replied */
    }
    return v;
}

void vu_concern_view_free(struct vu_concern_view *v)
{
    if (!v)
        return;
    period_view_free(v->pv);
    free(v);
}

static json_t *concern_record(const struct period_view *v, size_t p, size_t s)
{
    json_t *o = json_pack("{s:o, s:o}", "period", slot_label(v, s), "reports",
                          vu_cell_json(v->g, vu_tcell(&v->t, p, s, 0)));
    if (p == v->ps->count)
        json_object_set_new(o, "principals", json_integer(reporting(v, s)));
    else if (s < v->t.nperiod)
        json_object_update(o, v->meta[p * v->t.nperiod + s]);
    return o;
}

json_t *vu_concern_json(const struct vu_concern_view *v, size_t p)
{
    return periods_json(v->pv, p, concern_record, "quarters");
}

void vu_concern_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    struct vu_concern_view *v = vu_concern_view_load(req, &ps, &viewer, year);
    if (v)
        periods_get(req, year, &ps, v->pv, concern_record);
    vu_concern_view_free(v);
    vu_principals_free(&ps);
}
