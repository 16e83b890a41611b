/* Costs per patient (KPP, kostnad per patient): the region's patient-level costs per year,
 * diagnosis group (ICD-10 chapter) and age band.
 *
 *   POST /kpp   {"years":[{year, groups:[{icd10_chapter, age_band, patients, total_cost_sek}]}]}
 *               write:nara-vard; the region or county_admin. A year is replaced as a whole
 *               (groups it had and the push leaves out are deleted): its shares need all of it.
 *   GET  /kpp   ?year=   years with their groups, cost per patient, the priority cost share
 *               and its shift from the year before
 *
 * Derived: cost per patient (total_cost_sek / patients, öre precision) per group, and the area
 * measure nara-vard.kpp-priority-cost-share ("Förflyttning i KPP … till de med störst
 * vårdbehov"): the share of the year's cost spent on the age bands the plan prioritises
 * (table kpp_priority_age_bands), pushed as a shared value of the region (numerator: cost of
 * the prioritised bands; denominator: total cost). The shift is this year's share minus last
 * year's, in percentage points. */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHARE_MEASURE "nara-vard.kpp-priority-cost-share"
#define REGION "region-ostergotland"
#define MAX_GROUPS 200
#define MAX_PATIENTS 100000000
#define MAX_COST INT64_C(10000000000000) /* 10^13 SEK per group */

static const char *const YEAR_FIELDS[] = {"year", "groups", NULL};
static const char *const GROUP_FIELDS[] = {"icd10_chapter", "age_band", "patients", "total_cost_sek", NULL};
static const char *const CHAPTERS[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII",
                                       "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
                                       "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", NULL};
static const char *const AGE_BANDS[] = {"0-17", "18-64", "65-79", "80+", NULL};

/* The prioritised age bands, read once per request. */
struct priority {
    char bands[8][8];
    int count;
};

/* ---------------------------------------------------------------- checking */

/* One group of year entry i. Returns its clean object (caller owns) or NULL after errors. */
static json_t *check_group(nv_batch *b, size_t i, size_t g, json_t *group, char key[16])
{
    char base[48];
    snprintf(base, sizeof base, "/groups/%zu", g);
    key[0] = '\0';
    if (nv_check_object(b, i, group, base, GROUP_FIELDS) != 0)
        return NULL;
    const char *chapter = NULL, *band = NULL;
    json_int_t patients = 0, cost = 0;
    int ok = nv_get_enum(b, i, group, base, "icd10_chapter", 1, CHAPTERS, &chapter) == 1;
    ok &= nv_get_enum(b, i, group, base, "age_band", 1, AGE_BANDS, &band) == 1;
    if (chapter && band)
        snprintf(key, 16, "%s|%s", chapter, band);
    ok &= nv_get_int(b, i, group, base, "patients", 1, 0, MAX_PATIENTS, &patients) == 1;
    ok &= nv_get_int(b, i, group, base, "total_cost_sek", 1, 0, MAX_COST, &cost) == 1;
    if (ok && patients == 0 && cost > 0) {
        char path[64];
        snprintf(path, sizeof path, "%s/total_cost_sek", base);
        nv_error(b, i, path, "cost_without_patients",
                 "total_cost_sek is %" JSON_INTEGER_FORMAT " but patients is 0", cost);
        ok = 0;
    }
    if (!ok)
        return NULL;
    return json_pack("{s:s, s:s, s:I, s:I}", "chapter", chapter, "age_band", band, "patients",
                     patients, "total_cost", cost);
}

/* A group's (chapter, age band) may appear once in a year. */
static void check_group_duplicates(nv_batch *b, size_t i, char (*keys)[16], size_t n)
{
    for (size_t g = 1; g < n; g++) {
        for (size_t h = 0; h < g && keys[g][0]; h++) {
            if (strcmp(keys[g], keys[h]) != 0)
                continue;
            char path[48];
            snprintf(path, sizeof path, "/groups/%zu", g);
            nv_error(b, i, path, "duplicate_group",
                     "repeats the diagnosis group and age band (%s) of group %zu", keys[g], h);
            break;
        }
    }
}

/* The groups of year entry i. Returns a JSON array of clean groups (caller owns) or NULL after
 * recording errors. */
static json_t *check_groups(nv_batch *b, size_t i, json_t *row)
{
    json_t *groups = json_object_get(row, "groups"); /* borrowed from the body */
    if (!groups || json_is_null(groups)) {
        nv_error(b, i, "/groups", "missing", "groups is required (every diagnosis group and age band of the year)");
        return NULL;
    }
    if (!json_is_array(groups) || json_array_size(groups) == 0 || json_array_size(groups) > MAX_GROUPS) {
        nv_error(b, i, "/groups", json_is_array(groups) ? "out_of_range" : "wrong_type",
                 "groups must be an array of 1 to %d groups", MAX_GROUPS);
        return NULL;
    }
    size_t n = json_array_size(groups);
    char (*keys)[16] = calloc(n, sizeof *keys); /* freed below */
    json_t *clean = json_array();               /* returned, or freed below */
    if (!keys || !clean) {
        nv_error(b, i, "/groups", "internal", "out of memory");
        goto out;
    }
    for (size_t g = 0; g < n; g++) {
        json_t *c = check_group(b, i, g, json_array_get(groups, g), keys[g]);
        if (c)
            json_array_append_new(clean, c);
    }
    check_group_duplicates(b, i, keys, n);
out:
    free(keys);
    if (!keys || json_array_size(clean) != n || b->bad[i]) {
        json_decref(clean);
        clean = NULL;
    }
    return clean;
}

static void check_row(nv_batch *b, size_t i, const lgvo_principal *region, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    if (nv_check_object(b, i, row, "", YEAR_FIELDS) < 0)
        return;
    /* The figures are the region's: the write decision is asked for it. */
    nv_batch_set_principal(b, i, region->id, region->slug);
    int year = 0;
    int got = nv_get_year(b, i, row, "", "year", &year);
    if (got == 1)
        snprintf(key, 64, "%d", year);
    json_t *groups = check_groups(b, i, row);
    if (got != 1 || !groups || b->bad[i]) {
        json_decref(groups);
        return;
    }
    json_t *clean = json_pack("{s:i, s:i, s:o}", "principal_id", region->id, "year", year, "groups", groups);
    if (clean)
        json_array_set_new(b->clean, i, clean);
}

/* ---------------------------------------------------------------- derived values */

static int load_priority(lgvo_request *req, struct priority *p)
{
    memset(p, 0, sizeof *p);
    lgvo_result *r = nv_host->sql(req, "SELECT age_band FROM nara_vard.kpp_priority_age_bands ORDER BY age_band", 0, NULL);
    if (!r)
        return -1;
    for (int k = 0; k < nv_host->result_rows(r) && p->count < 8; k++)
        snprintf(p->bands[p->count++], sizeof p->bands[0], "%s", nv_host->result_value(r, k, 0));
    nv_host->result_free(r);
    return 0;
}

static int prioritised(const struct priority *p, const char *band)
{
    for (int k = 0; k < p->count; k++)
        if (strcmp(p->bands[k], band) == 0)
            return 1;
    return 0;
}

static void derive(nv_batch *b, const struct priority *prio)
{
    for (size_t i = 0; i < b->count; i++) {
        json_t *c = json_array_get(b->clean, i);
        if (b->bad[i] || !json_is_object(c))
            continue;
        json_int_t total = 0, share = 0;
        size_t g;
        json_t *group;
        json_array_foreach(json_object_get(c, "groups"), g, group) {
            json_int_t cost = json_integer_value(json_object_get(group, "total_cost"));
            total += cost;
            if (prioritised(prio, json_string_value(json_object_get(group, "age_band"))))
                share += cost;
        }
        if (total == 0)
            continue; /* no share of nothing */
        char year[8];
        snprintf(year, sizeof year, "%d", (int)json_integer_value(json_object_get(c, "year")));
        nv_value(b, i, SHARE_MEASURE, REGION, year, "T", json_integer(share), json_integer(total), NULL);
    }
}

/* ---------------------------------------------------------------- storing */

/* The records to store: one per group of a kept year (caller owns; nv_batch_store steals it). */
static json_t *records(const nv_batch *b)
{
    json_t *out = json_array();
    for (size_t i = 0; i < b->count; i++) {
        if (!nv_kept(b, i))
            continue;
        json_t *c = json_array_get(b->clean, i);
        size_t g;
        json_t *group;
        json_array_foreach(json_object_get(c, "groups"), g, group) {
            json_t *rec = json_deep_copy(group);
            json_object_set(rec, "principal_id", json_object_get(c, "principal_id"));
            json_object_set(rec, "year", json_object_get(c, "year"));
            json_array_append_new(out, rec);
        }
    }
    return out;
}

static const char STORE_SQL[] =
    "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
    "  year integer, chapter text, age_band text, patients integer, total_cost bigint)),"
    " gone AS (DELETE FROM nara_vard.kpp_groups g"
    "  USING (SELECT DISTINCT principal_id, year FROM input) y"
    "  WHERE g.principal_id = y.principal_id AND g.year = y.year"
    "  AND NOT EXISTS (SELECT 1 FROM input i WHERE i.principal_id = g.principal_id AND i.year = g.year"
    "   AND i.chapter = g.chapter AND i.age_band = g.age_band) RETURNING 1),"
    " up AS (INSERT INTO nara_vard.kpp_groups AS k (principal_id, year, chapter, age_band,"
    "  patients, total_cost, updated_by)"
    "  SELECT principal_id, year, chapter, age_band, patients, total_cost, $2 FROM input"
    "  ORDER BY principal_id, year, chapter, age_band"
    "  ON CONFLICT (principal_id, year, chapter, age_band) DO UPDATE SET"
    "   patients = EXCLUDED.patients, total_cost = EXCLUDED.total_cost, updated_at = now(),"
    "   updated_by = EXCLUDED.updated_by"
    "  WHERE (k.patients, k.total_cost) IS DISTINCT FROM (EXCLUDED.patients, EXCLUDED.total_cost)"
    "  RETURNING (xmax = 0) AS inserted) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(*) FROM input) - count(*), (SELECT count(*) FROM gone) FROM up";

/* The shares of the stored years, after storing. Returns a JSON array (caller owns), or NULL
 * after the host replied. */
static json_t *year_shares(nv_batch *b)
{
    json_t *years = json_array(), *shares = NULL;
    char *text = NULL;
    lgvo_result *r = NULL;
    for (size_t i = 0; i < b->count; i++)
        if (nv_kept(b, i))
            json_array_append(years, json_object_get(json_array_get(b->clean, i), "year"));
    text = json_dumps(years, JSON_COMPACT);
    const char *params[] = {text ? text : "[]"};
    r = nv_host->sql(
        b->req,
        "SELECT coalesce(json_agg(json_build_object('year', s.year, 'total_cost_sek', s.total_cost,"
        " 'priority_cost_sek', s.priority_cost, 'priority_cost_share', s.priority_cost_share,"
        " 'previous_share', s.previous_share, 'shift_pp', s.shift_pp) ORDER BY s.year), '[]'::json)::text"
        " FROM nara_vard.kpp_shift s JOIN core.principals p ON p.id = s.principal_id"
        " WHERE p.slug = '" REGION "' AND s.year IN (SELECT value::int FROM json_array_elements_text($1::json))",
        1, params);
    if (!r)
        goto out; /* the host replied */
    const char *answer = nv_host->result_value(r, 0, 0); /* borrowed until result_free */
    shares = answer ? json_loads(answer, 0, NULL) : NULL;
    if (!shares)
        shares = json_array();
out:
    if (r)
        nv_host->result_free(r);
    free(text);
    json_decref(years);
    return shares;
}

/* ---------------------------------------------------------------- handlers */

static void post_kpp(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_batch b;
    char (*keys)[64] = NULL;
    json_t *stored = NULL, *shares = NULL;
    struct priority prio;
    lgvo_principal region = {.struct_size = sizeof region};
    if (nv_host->principal(REGION, &region) != 0) {
        nv_host->reply_error(req, 500, NULL, "nara-vard: the region is not a known principal", NULL);
        return;
    }
    char slug[48];
    snprintf(slug, sizeof slug, "%s", region.slug); /* borrowed until the next lookup: copy */
    region.slug = slug;
    if (nv_batch_open(&b, req, "years", 0) != 0)
        return;
    keys = calloc(b.count + 1, sizeof *keys);
    if (!keys) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b.count; i++)
        check_row(&b, i, &region, keys[i]);
    nv_check_duplicates(&b, keys, "year");
    if (nv_batch_approve(&b, 0) != 0 || load_priority(req, &prio) != 0)
        goto out;
    derive(&b, &prio);
    if (nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 0, STORE_SQL, records(&b), &stored) != 0)
        goto out;
    shares = year_shares(&b);
    if (!shares) {
        json_decref(stored);
        goto out;
    }
    nv_batch_reply(&b, json_pack("{s:o, s:o}", "stored", stored, "years", shares));
out:
    free(keys);
    nv_batch_free(&b);
}

static void get_kpp(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    nv_query_init(&q, req);
    int year = nv_query_year(&q, "year", 0);
    if (nv_query_failed(&q))
        return;
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {y};
    nv_reply_query_json(
        req,
        "SELECT json_build_object("
        " 'priority_age_bands', (SELECT json_agg(json_build_object('age_band', age_band, 'reason', reason,"
        "  'reason_en', reason_en) ORDER BY age_band) FROM nara_vard.kpp_priority_age_bands),"
        " 'years', coalesce((SELECT json_agg(json_build_object('year', s.year, 'patients', s.patients,"
        "  'total_cost_sek', s.total_cost, 'priority_cost_sek', s.priority_cost,"
        "  'priority_cost_share', s.priority_cost_share, 'previous_share', s.previous_share,"
        "  'shift_pp', s.shift_pp, 'groups', (SELECT json_agg(json_build_object("
        "   'icd10_chapter', g.chapter, 'codes', c.codes, 'chapter_title', c.title,"
        "   'chapter_title_en', c.title_en, 'age_band', g.age_band,"
        "   'prioritised', EXISTS (SELECT 1 FROM nara_vard.kpp_priority_age_bands b WHERE b.age_band = g.age_band),"
        "   'patients', g.patients, 'total_cost_sek', g.total_cost, 'cost_per_patient_sek', g.cost_per_patient)"
        "   ORDER BY c.ord, g.age_band)"
        "   FROM nara_vard.kpp_groups g JOIN nara_vard.icd10_chapters c ON c.chapter = g.chapter"
        "   WHERE g.principal_id = s.principal_id AND g.year = s.year))"
        "  ORDER BY s.year) FROM nara_vard.kpp_shift s"
        "  WHERE $1::int = 0 OR s.year = $1::int), '[]'::json))::text",
        1, params);
}

int nv_kpp_init(const lgvo_host *h)
{
    if (h->route("POST", "/kpp", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_kpp, NULL, "postNaraVardKpp") != 0 ||
        h->route("GET", "/kpp", LGVO_ACCESS_AUTHENTICATED, NULL, get_kpp, NULL, "getNaraVardKpp") != 0)
        return -1;
    return 0;
}
