/* Staffing (kompetensförsörjning): per principal, year and occupation, in full-time
 * equivalents (FTE, at most two decimals): employed, vacant, and the estimated recruitment need
 * over the next five years.
 *
 *   POST /staffing          {"reports":[{principal, year, occupation, fte_employed, vacancies,
 *                           recruitment_need_5y}]}  write:nara-vard; each principal its own
 *   GET  /staffing          ?principal=&year=
 *   GET  /staffing/county   ?year=  (required) the county summary per occupation
 *
 * Occupations: nurse, specialist-nurse, district-nurse, physiotherapist, social-worker,
 * assistant-nurse, physician (table occupations; an FTE counts in one occupation only). */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FTE 1000000

static const char *const ROW_FIELDS[] = {"principal", "year", "occupation", "fte_employed",
                                         "vacancies", "recruitment_need_5y", NULL};
static const char *const AMOUNTS[] = {"fte_employed", "vacancies", "recruitment_need_5y"};
#define NAMOUNTS 3

static void check_row(nv_batch *b, size_t i, const nv_codes *occupations, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    if (nv_check_object(b, i, row, "", ROW_FIELDS) < 0)
        return;
    int id = 0, year = 0, ok = 1;
    char slug[48], text[NAMOUNTS][32];
    const char *occupation = NULL;
    int who = nv_get_principal(b, i, row, "", "principal", NULL, &id, slug);
    int when = nv_get_year(b, i, row, "", "year", &year);
    int what = nv_get_enum(b, i, row, "", "occupation", 1, occupations->list, &occupation);
    for (int k = 0; k < NAMOUNTS; k++) {
        double v = 0;
        ok &= nv_get_number(b, i, row, "", AMOUNTS[k], 1, 0, MAX_FTE, 2, &v, text[k]) == 1;
    }
    if (who == 1 && when == 1 && what == 1)
        snprintf(key, 64, "%d|%d|%s", id, year, occupation);
    if (!ok || who != 1 || when != 1 || what != 1 || b->bad[i])
        return;
    json_t *clean = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:s}", "principal", slug, "principal_id",
                              id, "year", year, "occupation", occupation, "fte_employed", text[0],
                              "vacancies", text[1], "recruitment_need_5y", text[2]);
    if (clean)
        json_array_set_new(b->clean, i, clean);
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
    "  year integer, occupation text, fte_employed numeric, vacancies numeric,"
    "  recruitment_need_5y numeric)),"
    " up AS (INSERT INTO nara_vard.staffing AS s (principal_id, year, occupation, fte_employed,"
    "  vacancies, recruitment_need_5y, updated_by)"
    "  SELECT principal_id, year, occupation, fte_employed, vacancies, recruitment_need_5y, $2"
    "  FROM input ORDER BY year, principal_id, occupation"
    "  ON CONFLICT (year, principal_id, occupation) DO UPDATE SET"
    "   fte_employed = EXCLUDED.fte_employed, vacancies = EXCLUDED.vacancies,"
    "   recruitment_need_5y = EXCLUDED.recruitment_need_5y, updated_at = now(),"
    "   updated_by = EXCLUDED.updated_by"
    "  WHERE (s.fte_employed, s.vacancies, s.recruitment_need_5y) IS DISTINCT FROM"
    "   (EXCLUDED.fte_employed, EXCLUDED.vacancies, EXCLUDED.recruitment_need_5y)"
    "  RETURNING (xmax = 0) AS inserted) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(*) FROM input) - count(*) FROM up";

static void post_staffing(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_batch b;
    nv_codes occupations = {0};
    char (*keys)[64] = NULL;
    json_t *stored = NULL;
    if (nv_batch_open(&b, req, "reports", 0) != 0)
        return;
    if (nv_codes_load(req, "SELECT slug FROM nara_vard.occupations ORDER BY ord", &occupations) != 0)
        goto out;
    keys = calloc(b.count + 1, sizeof *keys);
    if (!keys) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b.count; i++)
        check_row(&b, i, &occupations, keys[i]);
    nv_check_duplicates(&b, keys, "principal, year, occupation");
    if (nv_batch_approve(&b, 0) != 0 || nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 0, STORE_SQL, records(&b), &stored) != 0)
        goto out;
    nv_batch_reply(&b, json_pack("{s:o}", "stored", stored));
out:
    free(keys);
    nv_codes_free(&occupations);
    nv_batch_free(&b);
}

static void get_staffing(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    int id = 0;
    char pid[16], y[16];
    nv_query_init(&q, req);
    nv_query_principal(&q, "principal", NULL, &id);
    int year = nv_query_year(&q, "year", 0);
    if (nv_query_failed(&q))
        return;
    snprintf(pid, sizeof pid, "%d", id);
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {pid, y};
    nv_reply_query_json(
        req,
        "SELECT json_build_object('items', coalesce((SELECT json_agg(json_build_object("
        " 'principal', p.slug, 'year', s.year, 'occupation', s.occupation,"
        " 'fte_employed', s.fte_employed, 'vacancies', s.vacancies,"
        " 'recruitment_need_5y', s.recruitment_need_5y,"
        " 'updated_at', to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"
        " ORDER BY s.year, p.sort_order, o.ord)"
        " FROM nara_vard.staffing s JOIN core.principals p ON p.id = s.principal_id"
        " JOIN nara_vard.occupations o ON o.slug = s.occupation"
        " WHERE ($1::smallint = 0 OR s.principal_id = $1::smallint) AND ($2::int = 0 OR s.year = $2::int)),"
        " '[]'::json))::text",
        2, params);
}

/* Per occupation: sums over all principals, the region and the municipalities apart, and the
 * vacancy rate vacancies / (employed + vacancies) in percent. */
static void get_county(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    char y[16];
    nv_query_init(&q, req);
    int year = nv_query_year(&q, "year", 1);
    if (nv_query_failed(&q))
        return;
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {y};
    nv_reply_query_json(
        req,
        "WITH s AS (SELECT s.*, p.kind FROM nara_vard.staffing s JOIN core.principals p ON p.id = s.principal_id"
        "  WHERE s.year = $1::int),"
        " parts AS (SELECT o.slug, o.ord, o.title, o.title_en, k.part,"
        "  count(s.principal_id) AS principals, coalesce(sum(s.fte_employed), 0) AS fte,"
        "  coalesce(sum(s.vacancies), 0) AS vac, coalesce(sum(s.recruitment_need_5y), 0) AS need"
        "  FROM nara_vard.occupations o CROSS JOIN (VALUES ('county'), ('region'), ('municipality')) k(part)"
        "  LEFT JOIN s ON s.occupation = o.slug AND (k.part = 'county' OR s.kind = k.part)"
        "  GROUP BY o.slug, o.ord, o.title, o.title_en, k.part),"
        " shaped AS (SELECT slug, ord, title, title_en, part, json_build_object('principals', principals,"
        "  'fte_employed', fte, 'vacancies', vac, 'recruitment_need_5y', need, 'vacancy_rate',"
        "  CASE WHEN fte + vac > 0 THEN trim_scale(round(vac * 100 / (fte + vac), 6)) END) AS j FROM parts) "
        "SELECT json_build_object('year', $1::int, 'items', json_agg(json_build_object('occupation', c.slug,"
        " 'title', c.title, 'title_en', c.title_en, 'county', c.j, 'region', r.j, 'municipalities', m.j)"
        " ORDER BY c.ord))::text"
        " FROM shaped c JOIN shaped r ON r.slug = c.slug AND r.part = 'region'"
        " JOIN shaped m ON m.slug = c.slug AND m.part = 'municipality' WHERE c.part = 'county'",
        1, params);
}

int nv_staffing_init(const lgvo_host *h)
{
    if (h->route("POST", "/staffing", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_staffing, NULL,
                 "postNaraVardStaffing") != 0 ||
        h->route("GET", "/staffing", LGVO_ACCESS_AUTHENTICATED, NULL, get_staffing, NULL,
                 "listNaraVardStaffing") != 0 ||
        h->route("GET", "/staffing/county", LGVO_ACCESS_AUTHENTICATED, NULL, get_county, NULL,
                 "getNaraVardStaffingCounty") != 0)
        return -1;
    return 0;
}
