/* Beds: short-term places (korttidsplatser) and local-care places (närvårdsplatser) per
 * municipality and ISO week.
 *
 *   POST /beds           {"reports":[{municipality, week, short_term:{…}, local_care:{…}}]}
 *                        write:nara-vard; the municipality itself or county_admin
 *   GET  /beds           ?municipality=&from=&to=  the reports with their occupancy
 *   GET  /beds/county    ?from=&to=                county totals per week and kind
 *
 * Each kind has available (whole places), occupied (average occupied places, may have
 * decimals), waiting (people waiting for a place), overcrowded (true when occupied exceeds
 * available; then comment is required) and comment. Derived and pushed as shared values:
 * nara-vard.short-term-places / local-care-places (available) and
 * nara-vard.short-term-occupancy / local-care-occupancy (occupied / available). */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLACES 100000

struct place_type {
    const char *member;            /* JSON member and place_type in the table */
    const char *places_measure;    /* seeded count measure */
    const char *occupancy_measure; /* defined by this plugin (plugin.c) */
};

static const struct place_type TYPES[] = {
    {"short_term", "nara-vard.short-term-places", "nara-vard.short-term-occupancy"},
    {"local_care", "nara-vard.local-care-places", "nara-vard.local-care-occupancy"},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static const char *const ROW_FIELDS[] = {"municipality", "week", "short_term", "local_care", NULL};
static const char *const TYPE_FIELDS[] = {"available", "occupied", "waiting", "overcrowded",
                                          "comment", NULL};

/* ---------------------------------------------------------------- checking */

/* Occupied above available is allowed only when flagged and explained. Returns 0 or -1. */
static int check_overcrowding(nv_batch *b, size_t i, const char *base, double occupied,
                              json_int_t available, int overcrowded, const char *comment,
                              const char *occ_text)
{
    char path[64];
    if (occupied <= (double)available)
        return 0;
    if (!overcrowded) {
        snprintf(path, sizeof path, "%s/occupied", base);
        nv_error(b, i, path, "occupied_exceeds_available",
                 "occupied (%s) exceeds available (%" JSON_INTEGER_FORMAT
                 "): set overcrowded to true and say why in comment",
                 occ_text, available);
        return -1;
    }
    if (!comment) {
        snprintf(path, sizeof path, "%s/comment", base);
        nv_error(b, i, path, "missing", "an overcrowded week (occupied above available) needs a comment saying why");
        return -1;
    }
    return 0;
}

/* One kind of place in row i. Returns its clean object (caller owns) or NULL after errors. */
static json_t *check_type(nv_batch *b, size_t i, json_t *row, const struct place_type *t)
{
    char base[32];
    snprintf(base, sizeof base, "/%s", t->member);
    json_t *obj = json_object_get(row, t->member);
    if (!obj || json_is_null(obj)) {
        nv_error(b, i, base, "missing", "%s is required (report 0 places when there are none)", t->member);
        return NULL;
    }
    if (nv_check_object(b, i, obj, base, TYPE_FIELDS) != 0)
        return NULL;
    json_int_t available = 0, waiting = 0;
    double occupied = 0;
    char occ[32];
    int overcrowded = 0, ok = 1;
    const char *comment = NULL;
    ok &= nv_get_int(b, i, obj, base, "available", 1, 0, MAX_PLACES, &available) == 1;
    ok &= nv_get_number(b, i, obj, base, "occupied", 1, 0, MAX_PLACES, -1, &occupied, occ) == 1;
    ok &= nv_get_int(b, i, obj, base, "waiting", 1, 0, MAX_PLACES, &waiting) == 1;
    ok &= nv_get_bool(b, i, obj, base, "overcrowded", 0, &overcrowded) >= 0;
    ok &= nv_get_string(b, i, obj, base, "comment", 0, NV_COMMENT_MAX, &comment) >= 0;
    if (!ok || check_overcrowding(b, i, base, occupied, available, overcrowded, comment, occ) != 0)
        return NULL;
    return json_pack("{s:s, s:I, s:s, s:I, s:b, s:s?}", "place_type", t->member, "available",
                     available, "occupied", occ, "waiting", waiting, "overcrowded", overcrowded,
                     "comment", comment);
}

/* Row i: sets key (municipality|week) when both are valid, and b->clean[i] when all is. */
static void check_row(nv_batch *b, size_t i, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    json_t *types[NTYPES] = {NULL};
    if (nv_check_object(b, i, row, "", ROW_FIELDS) < 0)
        return;
    int id = 0, ok = 1;
    char slug[48];
    nv_period week;
    int who = nv_get_principal(b, i, row, "", "municipality", "municipality", &id, slug);
    int when = nv_get_period(b, i, row, "", "week", NV_WEEK, &week);
    if (who == 1 && when == 1)
        snprintf(key, 64, "%d|%s", id, week.start_text);
    for (size_t t = 0; t < NTYPES; t++)
        ok &= (types[t] = check_type(b, i, row, &TYPES[t])) != NULL;
    if (ok && who == 1 && when == 1 && !b->bad[i]) {
        json_t *clean = json_pack("{s:s, s:i, s:s, s:s, s:[OO]}", "principal", slug, "principal_id",
                                  id, "week", week.text, "week_start", week.start_text, "types",
                                  types[0], types[1]);
        if (clean)
            json_array_set_new(b->clean, i, clean);
    }
    for (size_t t = 0; t < NTYPES; t++)
        json_decref(types[t]);
}

/* ---------------------------------------------------------------- derived values and storing */

/* A number kept as exact text, as JSON (new reference; the caller owns it). */
static json_t *number_json(const char *text)
{
    if (strpbrk(text, ".eE"))
        return json_real(strtod(text, NULL));
    return json_integer(strtoll(text, NULL, 10));
}

static void derive(nv_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        json_t *c = json_array_get(b->clean, i);
        if (b->bad[i] || !json_is_object(c))
            continue;
        const char *slug = json_string_value(json_object_get(c, "principal"));
        const char *week = json_string_value(json_object_get(c, "week"));
        for (size_t t = 0; t < NTYPES; t++) {
            json_t *ty = json_array_get(json_object_get(c, "types"), t);
            json_int_t available = json_integer_value(json_object_get(ty, "available"));
            const char *occupied = json_string_value(json_object_get(ty, "occupied"));
            const char *comment = json_string_value(json_object_get(ty, "comment"));
            nv_value(b, i, TYPES[t].places_measure, slug, week, "T", json_integer(available), NULL,
                     comment);
            if (available > 0) /* no occupancy without places */
                nv_value(b, i, TYPES[t].occupancy_measure, slug, week, "T", number_json(occupied),
                         json_integer(available), comment);
        }
    }
}

/* One record per kept row and kind (caller owns; nv_batch_store steals it). */
static json_t *records(const nv_batch *b)
{
    json_t *out = json_array();
    for (size_t i = 0; i < b->count; i++) {
        if (!nv_kept(b, i))
            continue;
        json_t *c = json_array_get(b->clean, i);
        size_t t;
        json_t *ty;
        json_array_foreach(json_object_get(c, "types"), t, ty) {
            json_t *rec = json_deep_copy(ty);
            json_object_set(rec, "principal_id", json_object_get(c, "principal_id"));
            json_object_set(rec, "week", json_object_get(c, "week"));
            json_object_set(rec, "week_start", json_object_get(c, "week_start"));
            json_array_append_new(out, rec);
        }
    }
    return out;
}

static const char STORE_SQL[] =
    "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
    "  week text, week_start date, place_type text, available integer, occupied numeric,"
    "  waiting integer, overcrowded boolean, comment text)),"
    " up AS (INSERT INTO nara_vard.beds AS b (principal_id, week, week_start, place_type,"
    "  available, occupied, waiting, overcrowded, comment, updated_by)"
    "  SELECT principal_id, week, week_start, place_type, available, occupied, waiting,"
    "   overcrowded, comment, $2 FROM input ORDER BY principal_id, week_start, place_type"
    "  ON CONFLICT (principal_id, week_start, place_type) DO UPDATE SET"
    "   available = EXCLUDED.available, occupied = EXCLUDED.occupied, waiting = EXCLUDED.waiting,"
    "   overcrowded = EXCLUDED.overcrowded, comment = EXCLUDED.comment, updated_at = now(),"
    "   updated_by = EXCLUDED.updated_by"
    "  WHERE (b.available, b.occupied, b.waiting, b.overcrowded, b.comment) IS DISTINCT FROM"
    "   (EXCLUDED.available, EXCLUDED.occupied, EXCLUDED.waiting, EXCLUDED.overcrowded, EXCLUDED.comment)"
    "  RETURNING b.principal_id, b.week_start, (xmax = 0) AS inserted),"
    " k AS (SELECT bool_or(inserted) AS inserted FROM up GROUP BY principal_id, week_start) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(DISTINCT (principal_id, week_start)) FROM input) - count(*) FROM k";

/* ?mode=replace: the weeks of the slice that the push does not mention (per municipality). */
static const char REPLACE_SQL[] =
    "WITH gone AS (DELETE FROM nara_vard.beds b"
    " WHERE b.principal_id IN (SELECT value::smallint FROM jsonb_array_elements_text($1::jsonb))"
    " AND b.week_start >= $3::date AND b.week_start + 6 <= $4::date"
    " AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS k(principal_id smallint, start date)"
    "  WHERE k.principal_id = b.principal_id AND k.start = b.week_start)"
    " RETURNING b.principal_id, b.week_start) "
    "SELECT count(DISTINCT (principal_id, week_start)) FROM gone";

/* ---------------------------------------------------------------- handlers */

static void post_beds(lgvo_request *req, void *ctx)
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
    nv_check_duplicates(&b, keys, "municipality, week");
    if (nv_batch_approve(&b, 0) != 0)
        goto out;
    derive(&b);
    if (nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 0, STORE_SQL, records(&b), &stored) != 0 ||
        nv_batch_replace(&b, "week_start", REPLACE_SQL, stored) != 0) {
        json_decref(stored);
        goto out;
    }
    nv_batch_reply(&b, json_pack("{s:o}", "stored", stored));
out:
    free(keys);
    nv_batch_free(&b);
}

/* Week bounds and municipality of the reads. Returns 0, or -1 after replying 400. */
static int read_filters(lgvo_request *req, int with_principal, char *pid, char *from, char *to)
{
    nv_query q;
    nv_period f, t;
    int has_from = 0, has_to = 0, id = 0;
    nv_query_init(&q, req);
    if (with_principal)
        nv_query_principal(&q, "municipality", "municipality", &id);
    nv_query_period(&q, "from", NV_WEEK, &f, &has_from);
    nv_query_period(&q, "to", NV_WEEK, &t, &has_to);
    if (nv_query_failed(&q))
        return -1;
    snprintf(pid, 16, "%d", id);
    snprintf(from, 11, "%s", has_from ? f.start_text : "");
    snprintf(to, 11, "%s", has_to ? t.start_text : "");
    return 0;
}

static void get_beds(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char pid[16], from[11], to[11];
    if (read_filters(req, 1, pid, from, to) != 0)
        return;
    const char *params[] = {pid, from[0] ? from : NULL, to[0] ? to : NULL};
    nv_reply_query_json(
        req,
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
        "  'municipality', p.slug, 'week', g.week, 'short_term', g.types->'short_term',"
        "  'local_care', g.types->'local_care', 'updated_at', g.updated_at)"
        "  ORDER BY g.week_start, p.sort_order), '[]'::json))::text "
        "FROM (SELECT principal_id, week, week_start,"
        "  to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at,"
        "  json_object_agg(place_type, json_build_object('available', available, 'occupied', occupied,"
        "   'waiting', waiting, 'occupancy', occupancy, 'overcrowded', overcrowded, 'comment', comment)) AS types"
        "  FROM nara_vard.beds"
        "  WHERE ($1::smallint = 0 OR principal_id = $1::smallint)"
        "  AND ($2::date IS NULL OR week_start >= $2::date) AND ($3::date IS NULL OR week_start <= $3::date)"
        "  GROUP BY principal_id, week, week_start) g JOIN core.principals p ON p.id = g.principal_id",
        3, params);
}

static void get_county(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char pid[16], from[11], to[11];
    if (read_filters(req, 0, pid, from, to) != 0)
        return;
    const char *params[] = {from[0] ? from : NULL, to[0] ? to : NULL};
    nv_reply_query_json(
        req,
        "WITH t AS (SELECT week, week_start, place_type, count(*) AS municipalities,"
        "  sum(available) AS available, sum(occupied) AS occupied, sum(waiting) AS waiting,"
        "  count(*) FILTER (WHERE overcrowded) AS overcrowded"
        "  FROM nara_vard.beds"
        "  WHERE ($1::date IS NULL OR week_start >= $1::date) AND ($2::date IS NULL OR week_start <= $2::date)"
        "  GROUP BY week, week_start, place_type),"
        " w AS (SELECT week, week_start, json_object_agg(place_type, json_build_object("
        "  'municipalities', municipalities, 'available', available, 'occupied', occupied,"
        "  'waiting', waiting, 'overcrowded', overcrowded, 'occupancy',"
        "  CASE WHEN available > 0 THEN trim_scale(round(occupied / available, 6)) END)) AS types"
        "  FROM t GROUP BY week, week_start) "
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object('week', week,"
        " 'short_term', types->'short_term', 'local_care', types->'local_care') ORDER BY week_start),"
        " '[]'::json))::text FROM w",
        2, params);
}

int nv_beds_init(const lgvo_host *h)
{
    if (h->route("POST", "/beds", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_beds, NULL, "postNaraVardBeds") != 0 ||
        h->route("GET", "/beds", LGVO_ACCESS_AUTHENTICATED, NULL, get_beds, NULL, "listNaraVardBeds") != 0 ||
        h->route("GET", "/beds/county", LGVO_ACCESS_AUTHENTICATED, NULL, get_county, NULL,
                 "getNaraVardBedsCounty") != 0)
        return -1;
    return 0;
}
