/* GET /api/v1/att-aldras/overview?period=2025-03&sex=T — every municipality against the county
 * in one call: per municipality the readmission shares (48 h, 30 days) and the share of
 * emergency visits not admitted for the month, the same month a year earlier and the change,
 * the county value (the municipalities' numerators and denominators summed, as the core's
 * series computes it) and whether the municipality does better or worse than the county given
 * the measure's direction. Read from the shared values (core.values), so values pushed through
 * POST /api/v1/values count too. Without ?period the latest month with any of these values. */
#include "aldras.h"

#include <stdio.h>
#include <string.h>

static const char *const overview_sql =
    "WITH m(key, slug, ord) AS (VALUES ('readmissions_48h', '" AA_M_READM_48H "', 1),"
    "  ('readmissions_30d', '" AA_M_READM_30D "', 2), ('ed_visits_not_admitted', '" AA_M_ED_NOT_ADMITTED "', 3)),"
    " ms AS (SELECT m.key, m.ord, c.id, c.slug, c.title, c.title_en, c.unit, c.direction,"
    "  CASE c.unit WHEN 'percent' THEN 100 WHEN 'per_1000' THEN 1000 ELSE 1 END::numeric AS scale"
    "  FROM m JOIN core.measures c ON c.slug = m.slug),"
    " p AS (SELECT coalesce($1::text, (SELECT max(v.period) FROM core.values v JOIN ms ON ms.id = v.measure_id"
    "  WHERE v.sex = $2), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM')) AS cur),"
    " pp AS (SELECT cur, to_char(to_date(cur, 'YYYY-MM') - interval '1 year', 'YYYY-MM') AS prev FROM p),"
    " v AS (SELECT v.measure_id, v.principal_id, v.period, v.value, v.numerator, v.denominator"
    "  FROM core.values v JOIN core.principals pr ON pr.id = v.principal_id AND pr.kind = 'municipality', pp"
    "  WHERE v.measure_id IN (SELECT id FROM ms) AND v.sex = $2 AND v.period IN (pp.cur, pp.prev)),"
    " county AS (SELECT ms.key, ms.ord,"
    "  trim_scale(round(sum(v.numerator) FILTER (WHERE v.period = pp.cur) * ms.scale"
    "   / nullif(sum(v.denominator) FILTER (WHERE v.period = pp.cur), 0), 6)) AS value,"
    "  sum(v.numerator) FILTER (WHERE v.period = pp.cur) AS num,"
    "  sum(v.denominator) FILTER (WHERE v.period = pp.cur) AS den,"
    "  count(v.value) FILTER (WHERE v.period = pp.cur) AS reporting,"
    "  trim_scale(round(sum(v.numerator) FILTER (WHERE v.period = pp.prev) * ms.scale"
    "   / nullif(sum(v.denominator) FILTER (WHERE v.period = pp.prev), 0), 6)) AS prev"
    "  FROM ms CROSS JOIN pp LEFT JOIN v ON v.measure_id = ms.id GROUP BY ms.key, ms.ord, ms.scale),"
    " cells AS (SELECT pr.id, pr.slug, pr.name, pr.code, pr.sort_order, ms.key, ms.ord,"
    "  cur.value, cur.numerator, cur.denominator, prv.value AS prev, c.value AS county,"
    "  CASE WHEN cur.value IS NULL OR c.value IS NULL OR ms.direction = 'none' THEN NULL"
    "   WHEN cur.value = c.value THEN 'same'"
    "   WHEN (cur.value < c.value) = (ms.direction = 'lower_is_better') THEN 'better' ELSE 'worse' END AS vs"
    "  FROM core.principals pr CROSS JOIN ms CROSS JOIN pp"
    "  LEFT JOIN v cur ON cur.measure_id = ms.id AND cur.principal_id = pr.id AND cur.period = pp.cur"
    "  LEFT JOIN v prv ON prv.measure_id = ms.id AND prv.principal_id = pr.id AND prv.period = pp.prev"
    "  LEFT JOIN county c ON c.key = ms.key"
    "  WHERE pr.kind = 'municipality'),"
    " munis AS (SELECT sort_order, json_build_object('principal', slug, 'name', name, 'code', code,"
    "  'shares', json_object_agg(key, json_build_object('value', value, 'numerator', numerator,"
    "   'denominator', denominator, 'previous_value', prev, 'change', trim_scale(value - prev),"
    "   'county_value', county, 'difference', trim_scale(value - county), 'vs_county', vs) ORDER BY ord)) AS obj"
    "  FROM cells GROUP BY id, slug, name, code, sort_order) "
    "SELECT json_build_object('period', pp.cur, 'compared_with', pp.prev, 'sex', $2::text,"
    " 'measures', (SELECT json_agg(json_build_object('key', key, 'measure', slug, 'title', title,"
    "  'title_en', title_en, 'unit', unit, 'direction', direction) ORDER BY ord) FROM ms),"
    " 'county', (SELECT json_object_agg(key, json_build_object('value', value, 'numerator', num,"
    "  'denominator', den, 'municipalities_reporting', reporting, 'previous_value', prev,"
    "  'change', trim_scale(value - prev)) ORDER BY ord) FROM county),"
    " 'municipalities', (SELECT json_agg(obj ORDER BY sort_order) FROM munis))::text FROM pp";

/* Reads ?period= and ?sex=. Returns 0, or -1 after replying 400. */
static int read_query(lgvo_request *req, const char **period, const char **sex)
{
    json_t *problems = NULL;
    struct aa_date month;
    *period = aa_host->query(req, "period");
    *sex = aa_host->query(req, "sex");
    if (*period && aa_parse_month(*period, &month) != 0)
        aa_query_problem(&problems, "period", "must be a month like 2025-03");
    else if (*period && month.year < AA_FIRST_YEAR)
        aa_query_problem(&problems, "period", "months start in 2000");
    else if (*period && aa_date_cmp(month, aa_today()) > 0)
        aa_query_problem(&problems, "period", "must not be in the future");
    if (*sex && strcmp(*sex, "T") && strcmp(*sex, "K") && strcmp(*sex, "M"))
        aa_query_problem(&problems, "sex", "must be T, K or M");
    if (!*sex)
        *sex = "T";
    return aa_query_failed(req, problems) ? -1 : 0;
}

void aa_overview(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *period = NULL, *sex = NULL;
    if (read_query(req, &period, &sex) != 0)
        return;
    const char *params[] = {period, sex};
    aa_reply_sql_json(req, overview_sql, 2, params, "no overview");
}
