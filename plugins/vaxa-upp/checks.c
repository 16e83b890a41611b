/* Health examinations and dental-health assessments of children and young people aged 0-20
 * placed outside their own homes ("Överenskommelse … om samverkan kring trygghet och säker vård
 * för barn och unga 0-20 år, som vårdas utanför det egna hemmet"; the routine "Hälsoundersökning
 * och bedömning av tandhälsa för barn och unga placerade utanför egna hemmet").
 *
 *   POST /placed-children/checks   {"checks": [rows]}, per placing municipality and year
 *   GET  /placed-children/checks?year=
 *
 * The shares are derived into the shared measures vaxa-upp.placed-health-exam-share and
 * vaxa-upp.placed-dental-assessment-share (numerator: examined / assessed; denominator: placed),
 * pushed through host->push_values. A year with no placed children has no share. */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check {
    struct vu_head head;
    int year;
    long long placed, examined, dental;
    const char *comment;
};

static void not_above_placed(struct vu_row *r, const char *member, long long n, long long placed,
                             const char *what)
{
    if (n > placed)
        vu_row_error(r, member, NULL, "exceeds_placed",
                     "%lld children %s, but only %lld placed: they are counted among the placed", n, what, placed);
}

static void check_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "year", "placed", "health_examined",
                                          "dental_assessed", "comment", NULL};
    (void)ctx;
    struct check *c = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", "municipality", &c->head.who);
    vu_year(r, "year", &c->year);
    int placed_ok = vu_count(r, "placed", VU_MAX_COUNT, &c->placed) == 0;
    if (vu_count(r, "health_examined", VU_MAX_COUNT, &c->examined) == 0 && placed_ok)
        not_above_placed(r, "health_examined", c->examined, c->placed, "had a health examination");
    if (vu_count(r, "dental_assessed", VU_MAX_COUNT, &c->dental) == 0 && placed_ok)
        not_above_placed(r, "dental_assessed", c->dental, c->placed, "had a dental-health assessment");
    vu_text(r, "comment", 2000, 0, &c->comment);
}

static int same_year(const void *a, const void *b)
{
    const struct check *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year;
}

static void check_derive(const void *row, size_t index, json_t *values)
{
    const struct check *c = row;
    if (c->placed == 0)
        return; /* no denominator: no share */
    char year[24];
    vu_itoa(year, c->year);
    json_array_append_new(values, vu_value_ratio(VU_M_HEALTH_SHARE, c->head.who.slug, year, c->examined,
                                                 c->placed, index));
    json_array_append_new(values, vu_value_ratio(VU_M_DENTAL_SHARE, c->head.who.slug, year, c->dental,
                                                 c->placed, index));
}

static int check_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct check *c = row;
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, c->head.who.id), vu_param_int(&p, c->year),
                            vu_param_int(&p, c->placed), vu_param_int(&p, c->examined),
                            vu_param_int(&p, c->dental), c->comment, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.placed_children_checks (principal_id, year, placed, health_examined,"
        " dental_assessed, comment, updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::int, $4::int, $5::int, $6, $7, $8)"
        " ON CONFLICT (principal_id, year) DO UPDATE SET placed = EXCLUDED.placed,"
        " health_examined = EXCLUDED.health_examined, dental_assessed = EXCLUDED.dental_assessed,"
        " comment = EXCLUDED.comment, updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id,"
        " updated_at = now()",
        8, params);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset check_dataset = {
    .collection = "checks",
    .row_size = sizeof(struct check),
    .parse = check_parse,
    .same_key = same_year,
    .derive = check_derive,
    .store = check_store,
};

void vu_checks_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &check_dataset, NULL);
}

/* ---- reading ---- */

enum { C_PLACED, C_EXAMINED, C_DENTAL, NCOLS };

static const struct vu_col cols[NCOLS] = {{"placed", 0, 0}, {"health_examined", 0, 0}, {"dental_assessed", 0, 0}};

struct vu_checks_view {
    const struct vu_principals *ps; /* borrowed */
    int year;
    struct vu_grid *g;
    struct vu_table t;
    json_t **meta; /* per principal (owned; NULL when absent) */
};

/* The core publishes each share as a row (numerator, placed) and its county total. */
static void core_rows(struct vu_checks_view *v, size_t numerator)
{
    size_t first = vu_core_rows(v->g);
    for (size_t p = 0; p < v->ps->count; p++)
        if (vu_table_present(&v->t, p, 0))
            vu_core_row(v->g, vu_tcell(&v->t, p, 0, numerator), vu_tcell(&v->t, p, 0, C_PLACED));
    size_t county = v->ps->count;
    vu_core_county(v->g, vu_tcell(&v->t, county, 0, numerator), vu_tcell(&v->t, county, 0, C_PLACED), first,
                   vu_core_rows(v->g) - first);
}

static int load(lgvo_request *req, struct vu_checks_view *v)
{
    char y[24];
    const char *params[] = {vu_itoa(y, v->year)};
    lgvo_result *r = vu_host->sql(
        req,
        "SELECT principal_id, placed, health_examined, dental_assessed, json_build_object('comment', comment,"
        " 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " 'updated_by', updated_by)::text FROM vaxa_upp.placed_children_checks WHERE year = $1::int",
        1, params);
    if (!r)
        return -1;
    for (int i = 0; i < vu_host->result_rows(r); i++) {
        size_t p = vu_principals_index(v->ps, atoi(vu_host->result_value(r, i, 0)));
        if (p == VU_NONE)
            continue;
        for (size_t c = 0; c < NCOLS; c++)
            vu_table_put(&v->t, p, 0, c, atoll(vu_host->result_value(r, i, 1 + (int)c)));
        json_decref(v->meta[p]);
        v->meta[p] = json_loads(vu_host->result_value(r, i, 4), 0, NULL);
    }
    vu_host->result_free(r);
    return 0;
}

struct vu_checks_view *vu_checks_view_load(lgvo_request *req, const struct vu_principals *ps,
                                           const struct vu_viewer *viewer, int year)
{
    struct vu_checks_view *v = vu_alloc(1, sizeof *v);
    int *owners = vu_alloc(ps->count + 1, sizeof *owners);
    for (size_t p = 0; p < ps->count; p++)
        owners[p] = ps->items[p].id;
    v->ps = ps;
    v->year = year;
    v->g = vu_grid_new(viewer);
    v->meta = vu_alloc(ps->count + 1, sizeof *v->meta);
    vu_table_init(&v->t, v->g, owners, ps->count, 1, 0, cols, NCOLS, NULL, 0);
    if (load(req, v) != 0) {
        vu_checks_view_free(v);
        v = NULL; /* the host replied */
        goto out;
    }
    vu_table_finish(&v->t);
    core_rows(v, C_EXAMINED);
    core_rows(v, C_DENTAL);
    vu_grid_suppress(v->g);
out:
    free(owners);
    return v;
}

void vu_checks_view_free(struct vu_checks_view *v)
{
    if (!v)
        return;
    for (size_t p = 0; p < v->ps->count; p++)
        json_decref(v->meta[p]);
    free(v->meta);
    vu_grid_free(v->g);
    free(v);
}

json_t *vu_checks_json(const struct vu_checks_view *v, size_t p)
{
    if (!vu_table_present(&v->t, p, 0))
        return NULL;
    size_t placed = vu_tcell(&v->t, p, 0, C_PLACED), examined = vu_tcell(&v->t, p, 0, C_EXAMINED),
           dental = vu_tcell(&v->t, p, 0, C_DENTAL);
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "placed", vu_cell_json(v->g, placed), "health_examined",
                          vu_cell_json(v->g, examined), "dental_assessed", vu_cell_json(v->g, dental),
                          "health_exam_share", vu_share_json(v->g, examined, placed),
                          "dental_assessment_share", vu_share_json(v->g, dental, placed));
    if (p < v->ps->count)
        json_object_update(o, v->meta[p]);
    else {
        json_int_t n = 0;
        for (size_t q = 0; q < v->ps->count; q++)
            n += vu_table_present(&v->t, q, 0);
        json_object_set_new(o, "principals", json_integer(n));
    }
    return o;
}

void vu_checks_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    struct vu_checks_view *v = vu_checks_view_load(req, &ps, &viewer, year);
    if (v) {
        json_t *items = json_array();
        for (size_t p = 0; p < ps.count; p++) {
            json_t *o = vu_checks_json(v, p);
            if (o) {
                json_object_set_new(o, "principal", json_string(ps.items[p].slug));
                json_array_append_new(items, o);
            }
        }
        json_t *county = vu_checks_json(v, ps.count);
        vu_reply(req, 200, json_pack("{s:i, s:o, s:o}", "year", year, "items", items, "county",
                                     county ? county : json_null()));
    }
    vu_checks_view_free(v);
    vu_principals_free(&ps);
}
