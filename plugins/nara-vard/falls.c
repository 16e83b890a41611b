/* Falls: fall injuries per municipality and quarter, by age band (65-79, 80+) and sex.
 *
 *   POST /falls   {"reports":[{municipality, quarter,
 *                   injuries: {"65-79": {"K": n, "M": n}, "80+": {"K": n, "M": n}}}]}
 *                 write:nara-vard; the municipality itself or county_admin
 *   GET  /falls   ?municipality=&from=&to=   counts, populations and rates per 1,000
 *
 * Derived and pushed as shared values, for T (K + M), K and M:
 *   nara-vard.fall-injuries                  the count, both age bands (seeded measure)
 *   nara-vard.fall-injury-rate-65-79         per 1,000 inhabitants aged 65-79
 *   nara-vard.fall-injury-rate-80-plus       per 1,000 inhabitants aged 80+
 *   nara-vard.fall-injury-rate-65-plus       per 1,000 inhabitants aged 65+ (both bands)
 * The populations come from the core (host->population, the quarter's year). A rate whose
 * population is missing is not derived; the answer lists it under "warnings". Counts of 1-4
 * are shown only to the municipality itself and county_admin (the measures are restricted). */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_MEASURE "nara-vard.fall-injuries"
#define MAX_INJURIES 1000000

static const char *const BANDS[] = {"65-79", "80+"};
static const char *const BAND_MEASURES[] = {"nara-vard.fall-injury-rate-65-79",
                                            "nara-vard.fall-injury-rate-80-plus"};
#define ALL_BANDS_MEASURE "nara-vard.fall-injury-rate-65-plus"
static const char *const SEXES[] = {"K", "M", "T"}; /* T is derived: K + M */
#define NBANDS 2
#define NSEXES 3

static const char *const ROW_FIELDS[] = {"municipality", "quarter", "injuries", NULL};
static const char *const BAND_FIELDS[] = {"65-79", "80+", NULL};
static const char *const SEX_FIELDS[] = {"K", "M", NULL};

/* ---------------------------------------------------------------- checking */

/* injuries: {"65-79": {"K","M"}, "80+": {"K","M"}} into counts[band][sex] (T summed). */
static int check_injuries(nv_batch *b, size_t i, json_t *row, json_int_t counts[NBANDS][NSEXES])
{
    json_t *inj = json_object_get(row, "injuries");
    if (!inj || json_is_null(inj)) {
        nv_error(b, i, "/injuries", "missing",
                 "injuries is required: {\"65-79\": {\"K\": n, \"M\": n}, \"80+\": {\"K\": n, \"M\": n}}");
        return -1;
    }
    if (nv_check_object(b, i, inj, "/injuries", BAND_FIELDS) != 0)
        return -1;
    int ok = 1;
    for (int band = 0; band < NBANDS; band++) {
        char base[32];
        snprintf(base, sizeof base, "/injuries/%s", BANDS[band]);
        json_t *cell = json_object_get(inj, BANDS[band]);
        if (!cell || json_is_null(cell)) {
            nv_error(b, i, base, "missing", "the age band %s is required (with K and M)", BANDS[band]);
            ok = 0;
            continue;
        }
        if (nv_check_object(b, i, cell, base, SEX_FIELDS) != 0) {
            ok = 0;
            continue;
        }
        for (int sex = 0; sex < 2; sex++)
            ok &= nv_get_int(b, i, cell, base, SEXES[sex], 1, 0, MAX_INJURIES, &counts[band][sex]) == 1;
        counts[band][2] = counts[band][0] + counts[band][1];
    }
    return ok ? 0 : -1;
}

static void check_row(nv_batch *b, size_t i, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    if (nv_check_object(b, i, row, "", ROW_FIELDS) < 0)
        return;
    int id = 0;
    char slug[48];
    nv_period quarter;
    json_int_t counts[NBANDS][NSEXES] = {{0}};
    int who = nv_get_principal(b, i, row, "", "municipality", "municipality", &id, slug);
    int when = nv_get_period(b, i, row, "", "quarter", NV_QUARTER, &quarter);
    if (who == 1 && when == 1)
        snprintf(key, 64, "%d|%s", id, quarter.start_text);
    if (check_injuries(b, i, row, counts) != 0 || who != 1 || when != 1 || b->bad[i])
        return;
    json_t *cells = json_array();
    for (int band = 0; band < NBANDS; band++)
        for (int sex = 0; sex < NSEXES; sex++)
            json_array_append_new(cells, json_pack("{s:s, s:s, s:I}", "age_band", BANDS[band], "sex",
                                                   SEXES[sex], "injuries", counts[band][sex]));
    json_t *clean = json_pack("{s:s, s:i, s:s, s:s, s:i, s:o}", "principal", slug, "principal_id", id,
                              "quarter", quarter.text, "quarter_start", quarter.start_text, "year",
                              quarter.year, "cells", cells);
    if (clean)
        json_array_set_new(b->clean, i, clean);
}

/* ---------------------------------------------------------------- populations */

/* Population lookups of one request, each asked of the host once. */
struct pop_cache {
    struct pop_entry {
        int principal_id, year, band, sex;
        int found; /* 1 found, 0 missing */
        long population;
    } *items;
    size_t count, cap;
};

/* Returns 1 with *out, 0 when missing, -1 after the host replied. */
static int population(nv_batch *b, struct pop_cache *cache, json_t *c, int band, int sex, long *out)
{
    int pid = (int)json_integer_value(json_object_get(c, "principal_id"));
    int year = (int)json_integer_value(json_object_get(c, "year"));
    for (size_t k = 0; k < cache->count; k++) {
        struct pop_entry *e = &cache->items[k];
        if (e->principal_id == pid && e->year == year && e->band == band && e->sex == sex) {
            *out = e->population;
            return e->found;
        }
    }
    long pop = 0;
    int found = nv_host->population(b->req, json_string_value(json_object_get(c, "principal")), year,
                                    SEXES[sex], BANDS[band], &pop);
    if (found < 0)
        return -1;
    if (cache->count == cache->cap) {
        size_t cap = cache->cap ? cache->cap * 2 : 64;
        struct pop_entry *items = realloc(cache->items, cap * sizeof *items);
        if (!items) {
            nv_host->reply_error(b->req, 500, NULL, "out of memory", NULL);
            return -1;
        }
        cache->items = items;
        cache->cap = cap;
    }
    cache->items[cache->count++] = (struct pop_entry){pid, year, band, sex, found, pop};
    *out = pop;
    return found;
}

static void warn_missing(json_t *warnings, size_t i, json_t *c, int band, int sex)
{
    char path[64], msg[300];
    snprintf(path, sizeof path, "/reports/%zu/injuries/%s/%s", i, BANDS[band], SEXES[sex]);
    snprintf(msg, sizeof msg,
             "no population for %s %d, sex %s, age band %s in the core's population data: its rate "
             "is not derived (PUT /api/v1/population, then report the quarter again)",
             json_string_value(json_object_get(c, "principal")),
             (int)json_integer_value(json_object_get(c, "year")), SEXES[sex], BANDS[band]);
    json_array_append_new(warnings, json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)i, "path",
                                              path, "code", "population_missing", "message", msg));
}

/* Looks up the populations of row c into pop[band][sex] (-1 when missing; warnings). Returns
 * 0, or -1 after the host replied. */
static int row_populations(nv_batch *b, struct pop_cache *cache, size_t i, json_t *c,
                           long pop[NBANDS][NSEXES], json_t *warnings)
{
    json_t *cells = json_object_get(c, "cells");
    for (int band = 0; band < NBANDS; band++) {
        for (int sex = 0; sex < NSEXES; sex++) {
            long p = 0;
            int found = population(b, cache, c, band, sex, &p);
            if (found < 0)
                return -1;
            pop[band][sex] = found ? p : -1;
            if (!found)
                warn_missing(warnings, i, c, band, sex);
            json_object_set_new(json_array_get(cells, (size_t)(band * NSEXES + sex)), "population",
                                found ? json_integer(p) : json_null());
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- derived values */

static json_int_t injuries(json_t *c, int band, int sex)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(c, "cells"), (size_t)(band * NSEXES + sex)), "injuries"));
}

static void derive_row(nv_batch *b, size_t i, json_t *c, long pop[NBANDS][NSEXES])
{
    const char *slug = json_string_value(json_object_get(c, "principal"));
    const char *period = json_string_value(json_object_get(c, "quarter"));
    for (int sex = 0; sex < NSEXES; sex++) {
        json_int_t total = injuries(c, 0, sex) + injuries(c, 1, sex);
        nv_value(b, i, COUNT_MEASURE, slug, period, SEXES[sex], json_integer(total), NULL, NULL);
        for (int band = 0; band < NBANDS; band++)
            if (pop[band][sex] > 0)
                nv_value(b, i, BAND_MEASURES[band], slug, period, SEXES[sex],
                         json_integer(injuries(c, band, sex)), json_integer(pop[band][sex]), NULL);
        if (pop[0][sex] >= 0 && pop[1][sex] >= 0 && pop[0][sex] + pop[1][sex] > 0)
            nv_value(b, i, ALL_BANDS_MEASURE, slug, period, SEXES[sex], json_integer(total),
                     json_integer(pop[0][sex] + pop[1][sex]), NULL);
    }
}

/* Populations and derived values of every clean row. Returns 0, or -1 after replying. */
static int derive(nv_batch *b, json_t *warnings)
{
    struct pop_cache cache = {0};
    int rc = 0;
    for (size_t i = 0; i < b->count && rc == 0; i++) {
        json_t *c = json_array_get(b->clean, i);
        long pop[NBANDS][NSEXES];
        if (b->bad[i] || !json_is_object(c))
            continue;
        rc = row_populations(b, &cache, i, c, pop, warnings);
        if (rc == 0)
            derive_row(b, i, c, pop);
    }
    free(cache.items);
    return rc;
}

/* ---------------------------------------------------------------- storing */

/* The records to store: six per kept row, one per band and sex (caller owns; nv_batch_store
 * steals it). */
static json_t *records(const nv_batch *b)
{
    json_t *out = json_array();
    for (size_t i = 0; i < b->count; i++) {
        if (!nv_kept(b, i))
            continue;
        json_t *c = json_array_get(b->clean, i);
        size_t k;
        json_t *cell;
        json_array_foreach(json_object_get(c, "cells"), k, cell) {
            json_t *rec = json_deep_copy(cell);
            json_object_set(rec, "principal_id", json_object_get(c, "principal_id"));
            json_object_set(rec, "quarter", json_object_get(c, "quarter"));
            json_object_set(rec, "quarter_start", json_object_get(c, "quarter_start"));
            json_array_append_new(out, rec);
        }
    }
    return out;
}

static const char STORE_SQL[] =
    "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
    "  quarter text, quarter_start date, age_band text, sex char(1), injuries integer,"
    "  population integer)),"
    " up AS (INSERT INTO nara_vard.fall_injuries AS f (principal_id, quarter, quarter_start,"
    "  age_band, sex, injuries, population, updated_by)"
    "  SELECT principal_id, quarter, quarter_start, age_band, sex, injuries, population, $2"
    "  FROM input ORDER BY principal_id, quarter_start, age_band, sex"
    "  ON CONFLICT (principal_id, quarter_start, age_band, sex) DO UPDATE SET"
    "   injuries = EXCLUDED.injuries, population = EXCLUDED.population, updated_at = now(),"
    "   updated_by = EXCLUDED.updated_by"
    "  WHERE (f.injuries, f.population) IS DISTINCT FROM (EXCLUDED.injuries, EXCLUDED.population)"
    "  RETURNING f.principal_id, f.quarter_start, (xmax = 0) AS inserted),"
    " k AS (SELECT bool_or(inserted) AS inserted FROM up GROUP BY principal_id, quarter_start) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(DISTINCT (principal_id, quarter_start)) FROM input) - count(*) FROM k";

/* ?mode=replace: the quarters of the slice that the push does not mention (per municipality). */
static const char REPLACE_SQL[] =
    "WITH gone AS (DELETE FROM nara_vard.fall_injuries f"
    " WHERE f.principal_id IN (SELECT value::smallint FROM jsonb_array_elements_text($1::jsonb))"
    " AND f.quarter_start >= $3::date AND (f.quarter_start + interval '3 months')::date - 1 <= $4::date"
    " AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS k(principal_id smallint, start date)"
    "  WHERE k.principal_id = f.principal_id AND k.start = f.quarter_start)"
    " RETURNING f.principal_id, f.quarter_start) "
    "SELECT count(DISTINCT (principal_id, quarter_start)) FROM gone";

/* ---------------------------------------------------------------- handlers */

static void post_falls(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_batch b;
    char (*keys)[64] = NULL;
    json_t *stored = NULL, *warnings = NULL;
    if (nv_batch_open(&b, req, "reports", 1) != 0)
        return;
    warnings = json_array(); /* ours; the answer takes a reference */
    keys = calloc(b.count + 1, sizeof *keys);
    if (!keys) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b.count; i++)
        check_row(&b, i, keys[i]);
    nv_check_duplicates(&b, keys, "municipality, quarter");
    if (nv_batch_approve(&b, 0) != 0 || derive(&b, warnings) != 0)
        goto out;
    if (nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 0, STORE_SQL, records(&b), &stored) != 0 ||
        nv_batch_replace(&b, "quarter_start", REPLACE_SQL, stored) != 0) {
        json_decref(stored);
        goto out;
    }
    nv_batch_reply(&b, json_pack("{s:o, s:O}", "stored", stored, "warnings", warnings));
out:
    json_decref(warnings);
    free(keys);
    nv_batch_free(&b);
}

static void get_falls(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    nv_period f, t;
    int has_from = 0, has_to = 0, id = 0;
    char pid[16], me[16];
    nv_query_init(&q, req);
    nv_query_principal(&q, "municipality", "municipality", &id);
    nv_query_period(&q, "from", NV_QUARTER, &f, &has_from);
    nv_query_period(&q, "to", NV_QUARTER, &t, &has_to);
    if (nv_query_failed(&q))
        return;
    lgvo_caller who;
    nv_caller(req, &who);
    snprintf(pid, sizeof pid, "%d", id);
    snprintf(me, sizeof me, "%d", who.principal_id);
    const char *params[] = {pid, has_from ? f.start_text : NULL, has_to ? t.start_text : NULL, me,
                            (who.roles & LGVO_ROLE_COUNTY_ADMIN) ? "true" : "false"};
    /* Cells: the stored bands, and 65+ summed over them. hide: a count of 1-4 that the caller
     * may not see (another principal's, and not county_admin), as the core's suppression. */
    nv_reply_query_json(
        req,
        "WITH f AS (SELECT * FROM nara_vard.fall_injuries"
        "  WHERE ($1::smallint = 0 OR principal_id = $1::smallint)"
        "  AND ($2::date IS NULL OR quarter_start >= $2::date) AND ($3::date IS NULL OR quarter_start <= $3::date)),"
        " cells AS (SELECT principal_id, quarter, quarter_start, age_band, sex, injuries, population, rate_per_1000"
        "  FROM f UNION ALL"
        "  SELECT principal_id, quarter, quarter_start, '65+', sex, sum(injuries),"
        "   CASE WHEN count(population) = 2 THEN sum(population) END,"
        "   CASE WHEN count(population) = 2 AND sum(population) > 0"
        "    THEN trim_scale(round(sum(injuries) * 1000::numeric / sum(population), 6)) END"
        "  FROM f GROUP BY principal_id, quarter, quarter_start, sex),"
        " shown AS (SELECT c.*, (NOT $5::boolean AND c.principal_id <> $4::int"
        "   AND c.injuries BETWEEN 1 AND 4) AS hide FROM cells c),"
        " bands AS (SELECT principal_id, quarter, quarter_start, age_band, json_object_agg(sex,"
        "   json_build_object('injuries', CASE WHEN hide THEN NULL ELSE injuries END,"
        "   'population', population, 'rate_per_1000', CASE WHEN hide THEN NULL ELSE rate_per_1000 END,"
        "   'suppressed', hide) ORDER BY sex) AS sexes"
        "  FROM shown GROUP BY principal_id, quarter, quarter_start, age_band),"
        " reports AS (SELECT principal_id, quarter, quarter_start,"
        "   json_object_agg(age_band, sexes ORDER BY age_band) AS cells FROM bands"
        "  GROUP BY principal_id, quarter, quarter_start) "
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object('municipality', p.slug,"
        " 'quarter', r.quarter, 'injuries', r.cells,"
        " 'updated_at', (SELECT to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        "   FROM f WHERE f.principal_id = r.principal_id AND f.quarter_start = r.quarter_start))"
        " ORDER BY r.quarter_start, p.sort_order), '[]'::json))::text "
        "FROM reports r JOIN core.principals p ON p.id = r.principal_id",
        5, params);
}

int nv_falls_init(const lgvo_host *h)
{
    if (h->route("POST", "/falls", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_falls, NULL, "postNaraVardFalls") != 0 ||
        h->route("GET", "/falls", LGVO_ACCESS_AUTHENTICATED, NULL, get_falls, NULL, "listNaraVardFalls") != 0)
        return -1;
    return 0;
}
