/* State grants under the national agreement on mental health and suicide prevention ("De
 * gemensamma statsbidragen har hanterats enligt den nationella ÖK. Kommuner och regionen har
 * arbetat med förbättringsarbete utifrån samsjuklighet, suicidprevention och stärkt
 * brukarmedverkan.").
 *
 *   POST /grants   {"grants": [rows]}, per principal (region or municipality) and year
 *   GET  /grants?year=
 *
 * Amounts are whole kronor. What was available is granted + carried over (from the year
 * before); used must not exceed it, and carried over must not exceed what the year before left
 * unused (granted + carried over - used), when that year is known. Derived measures:
 * vaxa-upp.state-grant-granted, vaxa-upp.state-grant-used (SEK) and
 * vaxa-upp.state-grant-use-share (used / available, percent). Amounts are not counts of people:
 * they are never suppressed. */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const focus_areas[] = {"co-morbidity", "suicide-prevention", "user-involvement", NULL};

struct grant {
    struct vu_head head;
    int year;
    long long granted, used, carried;
    json_t *focus; /* borrowed from the body; NULL when absent */
    const char *account;
};

static int sek(struct vu_row *r, const char *member, long long *out)
{
    json_t *v = json_object_get(r->obj, member);
    if (json_is_real(v)) {
        vu_row_error(r, member, NULL, "not_whole_sek", "amounts are whole kronor: write 125000, not 125000.50 or 125000.0");
        return -1;
    }
    return vu_count(r, member, VU_MAX_SEK, out);
}

static void grant_parse(struct vu_row *r, void *row, void *ctx)
{
    static const char *const members[] = {"principal", "year", "granted", "used", "carried_over",
                                          "focus_areas", "account", NULL};
    (void)ctx;
    struct grant *g = row;
    vu_only_members(r, members);
    vu_principal(r, "principal", NULL, &g->head.who);
    vu_year(r, "year", &g->year);
    int ok = sek(r, "granted", &g->granted) == 0;
    ok &= sek(r, "used", &g->used) == 0;
    ok &= sek(r, "carried_over", &g->carried) == 0;
    if (ok && g->used > g->granted + g->carried)
        vu_row_error(r, "used", NULL, "exceeds_available",
                     "%lld kronor used, but only %lld were available (granted %lld + carried over %lld)", g->used,
                     g->granted + g->carried, g->granted, g->carried);
    if (!json_object_get(r->obj, "focus_areas"))
        vu_row_error(r, "focus_areas", NULL, "missing",
                     "is required: the focus areas worked on, of co-morbidity, suicide-prevention and user-involvement");
    else if (vu_string_list(r, "focus_areas", 3, 32, focus_areas, &g->focus) == 0 && ok && g->used > 0 &&
             json_array_size(g->focus) == 0)
        vu_row_error(r, "focus_areas", NULL, "focus_areas_required",
                     "grant money was used: name the focus areas it went to");
    vu_text(r, "account", 2000, 1, &g->account);
}

static int same_year(const void *a, const void *b)
{
    const struct grant *x = a, *y = b;
    return x->head.who.id == y->head.who.id && x->year == y->year;
}

/* What the year before left unused: from the same push when it has that year, else stored.
 * Returns 1 with *left, 0 when the year before is unknown, -1 after the host replied. */
static int previous_remainder(lgvo_request *req, const struct grant *g, const struct grant *rows, size_t n,
                              long long *left)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].head.ok && rows[i].head.who.id == g->head.who.id && rows[i].year == g->year - 1) {
            *left = rows[i].granted + rows[i].carried - rows[i].used;
            return 1;
        }
    struct vu_params p = {0};
    const char *params[] = {vu_param_int(&p, g->head.who.id), vu_param_int(&p, g->year - 1)};
    lgvo_result *r = vu_host->sql(req,
                                  "SELECT granted + carried_over - used FROM vaxa_upp.state_grants"
                                  " WHERE principal_id = $1::smallint AND year = $2::int",
                                  2, params);
    if (!r)
        return -1;
    int found = vu_host->result_rows(r) == 1;
    if (found)
        *left = atoll(vu_host->result_value(r, 0, 0));
    vu_host->result_free(r);
    return found;
}

static int grant_relate(lgvo_request *req, struct vu_row *r, void *row, const void *rows, size_t n, void *ctx)
{
    (void)ctx;
    struct grant *g = row;
    long long left = 0;
    int known = previous_remainder(req, g, rows, n, &left);
    if (known < 0)
        return -1;
    if (known && g->carried > left)
        vu_row_error(r, "carried_over", NULL, "exceeds_previous_remainder",
                     "%lld kronor carried over, but %d left only %lld unused (granted + carried over - used)",
                     g->carried, g->year - 1, left);
    return 0;
}

static void grant_derive(const void *row, size_t index, json_t *values)
{
    const struct grant *g = row;
    char year[24];
    vu_itoa(year, g->year);
    json_array_append_new(values, vu_value_count(VU_M_GRANT_GRANTED, g->head.who.slug, year, g->granted, index));
    json_array_append_new(values, vu_value_count(VU_M_GRANT_USED, g->head.who.slug, year, g->used, index));
    if (g->granted + g->carried > 0)
        json_array_append_new(values, vu_value_ratio(VU_M_GRANT_USE_SHARE, g->head.who.slug, year, g->used,
                                                     g->granted + g->carried, index));
}

static int grant_store(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx)
{
    (void)ctx;
    const struct grant *g = row;
    struct vu_params p = {0};
    char *focus = json_dumps(g->focus, JSON_COMPACT);
    const char *params[] = {vu_param_int(&p, g->head.who.id), vu_param_int(&p, g->year),
                            vu_param_int(&p, g->granted), vu_param_int(&p, g->used),
                            vu_param_int(&p, g->carried), focus, g->account, w->subject, w->request_id};
    lgvo_result *r = vu_host->sql(
        req,
        "INSERT INTO vaxa_upp.state_grants (principal_id, year, granted, used, carried_over, focus_areas,"
        " account, updated_by, request_id)"
        " VALUES ($1::smallint, $2::int, $3::bigint, $4::bigint, $5::bigint,"
        " ARRAY(SELECT jsonb_array_elements_text($6::jsonb)), $7, $8, $9)"
        " ON CONFLICT (principal_id, year) DO UPDATE SET granted = EXCLUDED.granted, used = EXCLUDED.used,"
        " carried_over = EXCLUDED.carried_over, focus_areas = EXCLUDED.focus_areas, account = EXCLUDED.account,"
        " updated_by = EXCLUDED.updated_by, request_id = EXCLUDED.request_id, updated_at = now()",
        9, params);
    free(focus);
    if (!r)
        return -1;
    vu_host->result_free(r);
    return 0;
}

static const struct vu_dataset grant_dataset = {
    .collection = "grants",
    .row_size = sizeof(struct grant),
    .parse = grant_parse,
    .same_key = same_year,
    .relate = grant_relate,
    .derive = grant_derive,
    .store = grant_store,
};

void vu_grants_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    vu_ingest(req, &grant_dataset, NULL);
}

/* ---- reading ---- */

struct vu_grants_view {
    const struct vu_principals *ps; /* borrowed */
    json_t **items;                 /* per principal (owned; NULL when absent) */
    long long sum[3];               /* granted, used, carried over */
    json_int_t reporting;
};

/* Used as a share of what was available, percent with one decimal; null when nothing was. */
static json_t *use_share(long long used, long long available)
{
    if (available <= 0)
        return json_null();
    long long tenths = (used * 2000 + available) / (2 * available);
    return json_real((double)tenths / 10.0);
}

static json_t *amounts_json(long long granted, long long used, long long carried)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "granted", (json_int_t)granted, "used", (json_int_t)used,
                     "carried_over", (json_int_t)carried, "available", (json_int_t)(granted + carried),
                     "unused", (json_int_t)(granted + carried - used), "use_share",
                     use_share(used, granted + carried));
}

struct vu_grants_view *vu_grants_view_load(lgvo_request *req, const struct vu_principals *ps, int year)
{
    char y[24];
    const char *params[] = {vu_itoa(y, year)};
    lgvo_result *r = vu_host->sql(
        req,
        "SELECT principal_id, granted, used, carried_over, json_build_object('focus_areas', to_json(focus_areas),"
        " 'account', account, 'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " 'updated_by', updated_by)::text FROM vaxa_upp.state_grants WHERE year = $1::int",
        1, params);
    if (!r)
        return NULL;
    struct vu_grants_view *v = vu_alloc(1, sizeof *v);
    v->ps = ps;
    v->items = vu_alloc(ps->count + 1, sizeof *v->items);
    for (int i = 0; i < vu_host->result_rows(r); i++) {
        size_t p = vu_principals_index(ps, atoi(vu_host->result_value(r, i, 0)));
        if (p == VU_NONE || v->items[p])
            continue;
        long long a[3];
        for (int k = 0; k < 3; k++) {
            a[k] = atoll(vu_host->result_value(r, i, 1 + k));
            v->sum[k] += a[k];
        }
        v->items[p] = amounts_json(a[0], a[1], a[2]);
        json_t *meta = json_loads(vu_host->result_value(r, i, 4), 0, NULL);
        json_object_update(v->items[p], meta);
        json_decref(meta);
        v->reporting++;
    }
    vu_host->result_free(r);
    return v;
}

void vu_grants_view_free(struct vu_grants_view *v)
{
    if (!v)
        return;
    for (size_t p = 0; p < v->ps->count; p++)
        json_decref(v->items[p]);
    free(v->items);
    free(v);
}

json_t *vu_grants_json(const struct vu_grants_view *v, size_t p)
{
    if (p < v->ps->count)
        return v->items[p] ? json_deep_copy(v->items[p]) : NULL;
    if (!v->reporting)
        return NULL;
    json_t *o = amounts_json(v->sum[0], v->sum[1], v->sum[2]);
    json_object_set_new(o, "principals", json_integer(v->reporting));
    return o;
}

void vu_grants_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    struct vu_grants_view *v = vu_grants_view_load(req, &ps, year);
    if (v) {
        json_t *items = json_array();
        for (size_t p = 0; p < ps.count; p++) {
            json_t *o = vu_grants_json(v, p);
            if (o) {
                json_object_set_new(o, "principal", json_string(ps.items[p].slug));
                json_array_append_new(items, o);
            }
        }
        json_t *county = vu_grants_json(v, ps.count);
        vu_reply(req, 200, json_pack("{s:i, s:o, s:o}", "year", year, "items", items, "county",
                                     county ? county : json_null()));
    }
    vu_grants_view_free(v);
    vu_principals_free(&ps);
}
