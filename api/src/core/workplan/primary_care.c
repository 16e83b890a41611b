/* GET /api/v1/primary-care-plan — the joint plan for primary care ("Primärvården ska vara
 * navet", Bilaga 6): its introduction, the simple principles, the four prioritised areas and
 * the activities (tied to an area only where their wording names it). ?period=, ?lang=sv|en. */
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/sql.h"
#include "http/req.h"

#include <stdio.h>

#define L(sv, en) WP_LANG("$2", sv, en)

static const char plan_sql[] =
    "SELECT json_build_object('period', p.slug, 'lang', $2::text,"
    " 'title', " L("pc.title", "pc.title_en") ", 'motto', " L("pc.motto", "pc.motto_en") ","
    " 'parties', " L("pc.parties", "pc.parties_en") ","
    " 'introduction', to_json(" L("pc.introduction", "pc.introduction_en") "),"
    " 'expected_results', to_json(" L("pc.expected_results", "pc.expected_results_en") "),"
    " 'dependencies', to_json(" L("pc.dependencies", "pc.dependencies_en") "),"
    " 'related', to_json(pc.related_keys),"
    " 'simple_principles', json_build_object('title', " L("pc.principles_title", "pc.principles_title_en") ","
    "  'intro', " L("pc.principles_intro", "pc.principles_intro_en") ","
    "  'lead_in', " L("pc.principles_lead_in", "pc.principles_lead_in_en") ","
    "  'items', (SELECT coalesce(json_agg(json_build_object('position', x.position,"
    "   'title', " L("x.title", "x.title_en") ") ORDER BY x.position), '[]')"
    "   FROM core.primary_care_principles x WHERE x.period_id = pc.period_id),"
    "  'carried_by_lgvo', " L("pc.principles_carrier", "pc.principles_carrier_en") "),"
    " 'prioritised_areas', (SELECT coalesce(json_agg(json_build_object('slug', ar.slug,"
    "  'position', ar.position, 'title', " L("ar.title", "ar.title_en") ","
    "  'need', " L("ar.need", "ar.need_en") ", 'description', " L("ar.description", "ar.description_en") ","
    "  'activities', (SELECT coalesce(json_agg(x.key ORDER BY x.position), '[]')"
    "   FROM core.primary_care_activities x WHERE x.period_id = ar.period_id AND x.area_slug = ar.slug))"
    "  ORDER BY ar.position), '[]') FROM core.primary_care_areas ar WHERE ar.period_id = pc.period_id),"
    " 'activities', json_build_object('heading', " L("pc.activities_heading", "pc.activities_heading_en") ","
    "  'link_note', pc.activities_link_note,"
    "  'items', (SELECT coalesce(json_agg(json_build_object('key', x.key, 'position', x.position,"
    "   'title', " L("x.title", "x.title_en") ", 'prioritised_area', x.area_slug,"
    "   'link', json_build_object('basis', x.link_basis, 'note', x.link_note)) ORDER BY x.position), '[]')"
    "   FROM core.primary_care_activities x WHERE x.period_id = pc.period_id)))::text"
    " FROM core.primary_care_plans pc JOIN core.workplan_periods p ON p.id = pc.period_id"
    " WHERE pc.period_id = $1::int";

void workplan_get_primary_care_plan(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    const char *period_slug = workplan_query_period(&q);
    if (query_params_failed(&q))
        return;
    struct workplan_period period;
    if (workplan_period_resolve(r, period_slug, &period) != 0)
        return;
    char pid[16], not_found[96];
    snprintf(pid, sizeof pid, "%d", period.id);
    snprintf(not_found, sizeof not_found, "the work plan %s has no primary-care plan", period.slug);
    const char *params[] = {pid, lang};
    PGresult *res = req_sql_ok(r, plan_sql, 2, params);
    if (res)
        workplan_reply_row(r, res, 200, not_found);
}
