/* Youth health (ungdomshälsa), the annual follow-up of "Ramavtal ungdomshälsa": visits per
 * municipality by age band and sex, and staffing in full-time equivalents.
 *
 *   POST /youth-health   {"youth_health": [rows]}, per municipality and year
 *   GET  /youth-health?year=
 *
 * The framework agreement in force from 1 July 2020 brought a new age limit: the youth health
 * service is for 13-21-year-olds, and visits by young adults aged 22-25 are analysed separately
 * ("Insatser för unga vuxna 22-25 år behöver kvalitetssäkras genom en verksamhetsanalys").
 * They are never added to the 13-21 total. Derived measures (totals only; see README for why
 * the split by sex stays in the plugin): vaxa-upp.youth-health-visits-13-17, -18-21, -22-25
 * and vaxa-upp.youth-health-fte. */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANDS 3
static const char *const bands[BANDS] = {"13-17", "18-21", "22-25"};
static const char *const band_measures[BANDS] = {VU_M_YOUTH_13_17, VU_M_YOUTH_18_21, VU_M_YOUTH_22_25};
static const char *const sexes[2] = {"K", "M"};

struct youth {
    struct vu_head head;
    int year;
    long long visits[BANDS][2];
    double fte;
    const char *comment;
};

static void band_visits(struct vu_row *r, struct youth *y, json_t *visits, size_t b)
{
    json_t *band = json_object_get(visits, bands[b]);
    if (!band || json_is_null(band)) {
        vu_row_error(r, "visits", bands[b], "missing", "is required: {\"K\": visits by women, \"M\": visits by men}");
        return;
    }
    if (!json_is_object(band)) {
        vu_row_error(r, "visits", bands[b], "wrong_type", "must be {\"K\": n, \"M\": n}");
        return;
    }
    char member[32];
    snprintf(member, sizeof member, "visits/%s", bands[b]);
    const char *key;
    json_t *v;
    json_object_foreach(band, key, v) {
        if (strcmp(key, "K") != 0 && strcmp(key, "M") != 0)
            vu_row_error(r, member, key, "unknown_sex", "visits are given by sex: K (women) and M (men)");
    }
    for (size_t s = 0; s < 2; s++)
        vu_count_in(r, member, sexes[s], json_object_get(band, sexes[s]), VU_MAX_COUNT, &y->visits[b][s]);
}

static void visits_parse(struct vu_row *r, struct youth *y)
{
    json_t *visits = json_object_get(r->obj, "visits");
    if (!visits || json_is_null(visits)) {
        vu_row_error(r, "visits", NULL, "missing", "is required: {\"13-17\": {\"K\": n, \"M\": n}, \"18-21\": {…}, \"22-25\": {…}}");
        return;
    }
    if (!json_is_object(visits)) {
        vu_row_error(r, "visits", NULL, "wrong_type", "must be an object by age band");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(visits, key, v) {
        int known = 0;
        for (size_t b = 0; b < BANDS && !known; b++)
            known = strcmp(key, bands[b]) == 0;
        if (!known)
            vu_row_error(r, "visits", key, "unknown_age_band", "the age bands are 13-17, 18-21 and 22-25");
    }
    for (size_t b = 0; b < BANDS; b++)
        band_visits(r, y, visits, b);
}

/* Full-time equivalents: 0-1000 with at most two decimals. */
static void fte_parse(struct vu_row *r, struct youth *y)
{
    json_t *v = json_object_get(r->obj, "staffing_fte");
    if (!v || json_is_null(v)) {
        vu_row_error(r, "staffing_fte", NULL, "missing", "is required: full-time equivalents, e.g. 4.5");
        return;
    }
    if (!json_is_number(v)) {
        vu_row_error(r, "staffing_fte", NULL, "wrong_type", "must be a number of full-time equivalents");
        return;
    }
    double d = json_number_value(v);
    if (d < 0 || d > 1000) {
        vu_row_error(r, "staffing_fte", NULL, "out_of_range", "must be from 0 to 1000");
        return;
    }
    long long hundredths = (long long)(d * 100 + 0.5);
    double back = (double)hundredths / 100.0, diff = back > d ? back - d : d - back;
    if (diff > 1e-9) {
        vu_row_error(r, "staffing_fte", NULL, "too_precise", "must have at most two decimals");
        return;
    }
    y->fte = back;
}

static void youth_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "year", "visits", "staffing_fte", "comment", NULL};
    (void)ctx;
    struct youth *y = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", "municipality", &y->head.who);
    vu_year(r, "year", &y->year);
    visits_parse(r, y);
    fte_parse(r, y);
    vu_text(r, "comment", 2000, 0, &y->comment);
}

static int same_year(const void *a, const void *b)
{
    const struct youth *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year;
}

static void youth_derive(const void *row, size_t index, json_t *values)
{
    const struct youth *y = row;
    char year[24];
    vu_itoa(year, y->year);
    for (size_t b = 0; b < BANDS; b++)
        json_array_append_new(values, vu_value_count(band_measures[b], y->head.who.slug, year,
                                                     y->visits[b][0] + y->visits[b][1], index));
    json_array_append_new(values, vu_value_real(VU_M_YOUTH_FTE, y->head.who.slug, year, y->fte, index));
}

static int youth_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct youth *y = row;
    struct vu_params p = {0};
    char fte[32];
    snprintf(fte, sizeof fte, "%.2f", y->fte);
    const char *params[] = {vu_param_int(&p, y->head.who.id), vu_param_int(&p, y->year),
                            vu_param_int(&p, y->visits[0][0]), vu_param_int(&p, y->visits[0][1]),
                            vu_param_int(&p, y->visits[1][0]), vu_param_int(&p, y->visits[1][1]),
                            vu_param_int(&p, y->visits[2][0]), vu_param_int(&p, y->visits[2][1]),
                            fte, y->comment, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.youth_health (principal_id, year, visits_13_17_k, visits_13_17_m,"
        " visits_18_21_k, visits_18_21_m, visits_22_25_k, visits_22_25_m, staffing_fte, comment,"
        " updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::int, $4::int, $5::int, $6::int, $7::int, $8::int, $9::numeric,"
        " $10, $11, $12)"
        " ON CONFLICT (principal_id, year) DO UPDATE SET visits_13_17_k = EXCLUDED.visits_13_17_k,"
        " visits_13_17_m = EXCLUDED.visits_13_17_m, visits_18_21_k = EXCLUDED.visits_18_21_k,"
        " visits_18_21_m = EXCLUDED.visits_18_21_m, visits_22_25_k = EXCLUDED.visits_22_25_k,"
        " visits_22_25_m = EXCLUDED.visits_22_25_m, staffing_fte = EXCLUDED.staffing_fte,"
        " comment = EXCLUDED.comment, updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id,"
        " updated_at = now()",
        12, params);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset youth_dataset = {
    .collection = "youth_health",
    .row_size = sizeof(struct youth),
    .parse = youth_parse,
    .same_key = same_year,
    .derive = youth_derive,
    .store = youth_store,
};

void vu_youth_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &youth_dataset, NULL);
}

/* ---- reading ---- */

/* Columns band-major: (13-17, 18-21, 22-25, 13-21) × (K, M, T). */
#define VBANDS 4
#define COL(b, s) ((b) * 3 + (s))
#define NCOLS (VBANDS * 3)
static const char *const view_bands[VBANDS] = {"13-17", "18-21", "22-25", "13-21"};

static const struct vu_col cols[NCOLS] = {
    {"13-17 K", 0, 0}, {"13-17 M", 0, 0}, {"13-17 T", 0, 1},
    {"18-21 K", 0, 0}, {"18-21 M", 0, 0}, {"18-21 T", 0, 1},
    {"22-25 K", 0, 0}, {"22-25 M", 0, 0}, {"22-25 T", 0, 1},
    {"13-21 K", 0, 0}, {"13-21 M", 0, 0}, {"13-21 T", 0, 0},
};
/* T = K + M in every band; 13-21 = 13-17 + 18-21 for K, M and T. */
static const struct vu_group groups[] = {
    {COL(0, 2), COL(0, 0), 2, 1}, {COL(1, 2), COL(1, 0), 2, 1}, {COL(2, 2), COL(2, 0), 2, 1},
    {COL(3, 2), COL(3, 0), 2, 1}, {COL(3, 0), COL(0, 0), 2, 3}, {COL(3, 1), COL(0, 1), 2, 3},
    {COL(3, 2), COL(0, 2), 2, 3},
};

struct vu_youth_view {
    const struct vu_principals *ps; /* borrowed */
    struct vu_grid *g;
    struct vu_table t;
    json_t **meta; /* per principal: staffing_fte, comment, updated_at, updated_by (owned) */
};

static void put_row(struct vu_youth_view *v, size_t p, const long long k[BANDS], const long long m[BANDS])
{
    for (size_t b = 0; b < BANDS; b++) {
        vu_table_put(&v->t, p, 0, COL(b, 0), k[b]);
        vu_table_put(&v->t, p, 0, COL(b, 1), m[b]);
        vu_table_put(&v->t, p, 0, COL(b, 2), k[b] + m[b]);
    }
    vu_table_put(&v->t, p, 0, COL(3, 0), k[0] + k[1]);
    vu_table_put(&v->t, p, 0, COL(3, 1), m[0] + m[1]);
    vu_table_put(&v->t, p, 0, COL(3, 2), k[0] + k[1] + m[0] + m[1]);
}

static int load(lgvo_request *req, struct vu_youth_view *v, int year)
{
    char y[24];
    const char *params[] = {vu_itoa(y, year)};
    lgvo_result *r = vu_host->sql(
        req,
        "SELECT principal_id, visits_13_17_k, visits_18_21_k, visits_22_25_k, visits_13_17_m,"
        " visits_18_21_m, visits_22_25_m, json_build_object('staffing_fte', staffing_fte, 'comment', comment,"
        " 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " 'updated_by', updated_by)::text FROM vaxa_upp.youth_health WHERE year = $1::int",
        1, params);
    if (!r)
        return -1;
    for (int i = 0; i < vu_host->result_rows(r); i++) {
        size_t p = vu_principals_index(v->ps, atoi(vu_host->result_value(r, i, 0)));
        if (p == VU_NONE)
            continue;
        long long k[BANDS], m[BANDS];
        for (int b = 0; b < BANDS; b++) {
            k[b] = atoll(vu_host->result_value(r, i, 1 + b));
            m[b] = atoll(vu_host->result_value(r, i, 4 + b));
        }
        put_row(v, p, k, m);
        json_decref(v->meta[p]);
        v->meta[p] = json_loads(vu_host->result_value(r, i, 7), 0, NULL);
    }
    vu_host->result_free(r);
    return 0;
}

struct vu_youth_view *vu_youth_view_load(lgvo_request *req, const struct vu_principals *ps,
                                         const struct vu_viewer *viewer, int year)
{
    struct vu_youth_view *v = vu_alloc(1, sizeof *v);
    int *owners = vu_alloc(ps->count + 1, sizeof *owners);
    for (size_t p = 0; p < ps->count; p++)
        owners[p] = ps->items[p].id;
    v->ps = ps;
    v->g = vu_grid_new(viewer);
    v->meta = vu_alloc(ps->count + 1, sizeof *v->meta);
    vu_table_init(&v->t, v->g, owners, ps->count, 1, 0, cols, NCOLS, groups, sizeof groups / sizeof groups[0]);
    if (load(req, v, year) != 0) {
        vu_youth_view_free(v);
        v = NULL; /* the host replied */
        goto out;
    }
    vu_table_finish(&v->t);
    vu_grid_suppress(v->g);
out:
    free(owners);
    return v;
}

void vu_youth_view_free(struct vu_youth_view *v)
{
    if (!v)
        return;
    for (size_t p = 0; p < v->ps->count; p++)
        json_decref(v->meta[p]);
    free(v->meta);
    vu_grid_free(v->g);
    free(v);
}

static json_t *band_json(const struct vu_youth_view *v, size_t p, size_t b)
{
    return json_pack("{s:o, s:o, s:o}", "K", vu_cell_json(v->g, vu_tcell(&v->t, p, 0, COL(b, 0))), "M",
                     vu_cell_json(v->g, vu_tcell(&v->t, p, 0, COL(b, 1))), "T",
                     vu_cell_json(v->g, vu_tcell(&v->t, p, 0, COL(b, 2))));
}

json_t *vu_youth_json(const struct vu_youth_view *v, size_t p)
{
    if (!vu_table_present(&v->t, p, 0))
        return NULL;
    json_t *visits = json_object();
    for (size_t b = 0; b < VBANDS; b++)
        if (b != 2)
            json_object_set_new(visits, view_bands[b], band_json(v, p, b));
    json_t *o = json_pack("{s:o, s:o}", "visits", visits, "young_adult_visits_22_25", band_json(v, p, 2));
    if (p < v->ps->count) {
        json_object_update(o, v->meta[p]);
    } else {
        json_int_t n = 0;
        double fte = 0;
        for (size_t q = 0; q < v->ps->count; q++)
            if (vu_table_present(&v->t, q, 0)) {
                n++;
                fte += json_number_value(json_object_get(v->meta[q], "staffing_fte"));
            }
        json_object_set_new(o, "principals", json_integer(n));
        json_object_set_new(o, "staffing_fte", json_real((double)(long long)(fte * 100 + 0.5) / 100.0));
    }
    return o;
}

void vu_youth_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    struct vu_youth_view *v = vu_youth_view_load(req, &ps, &viewer, year);
    if (v) {
        json_t *items = json_array();
        for (size_t p = 0; p < ps.count; p++) {
            json_t *o = vu_youth_json(v, p);
            if (o) {
                json_object_set_new(o, "principal", json_string(ps.items[p].slug));
                json_array_append_new(items, o);
            }
        }
        json_t *county = vu_youth_json(v, ps.count);
        vu_reply(req, 200, json_pack("{s:i, s:o, s:o}", "year", year, "items", items, "county",
                                     county ? county : json_null()));
    }
    vu_youth_view_free(v);
    vu_principals_free(&ps);
}
