/* GET /api/v1/areas/{slug}/diagram — an area's whole driver diagram as one nested document:
 * goal → sub-goals → activities → measure items, each activity with its PDSA cycles per
 * principal; activities and measure items linked to no sub-goal or activity are listed at area
 * level ("unlinked"). ?period= (default the current), ?lang=sv|en, ?include_retired=true. */
#include "app.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/sql.h"
#include "http/req.h"

#include <stdio.h>

#define ITEM_OBJECT "json_build_object(" WP_ITEM_FIELDS("m", "$3") ")"

/* A visible measure item is unlinked when no visible sub-goal or activity links to it. */
#define ITEM_UNLINKED                                                                            \
    "NOT EXISTS (SELECT 1 FROM core.workplan_item_activities la"                                  \
    "  JOIN core.workplan_activities a ON a.id = la.activity_id"                                   \
    "  WHERE la.measure_item_id = m.id AND la.retired_at IS NULL AND " WP_VISIBLE("a", "$4") ")"  \
    " AND NOT EXISTS (SELECT 1 FROM core.workplan_item_subgoals ls"                               \
    "  JOIN core.workplan_subgoals s ON s.id = ls.subgoal_id"                                      \
    "  WHERE ls.measure_item_id = m.id AND ls.retired_at IS NULL AND " WP_VISIBLE("s", "$4") ")"

#define ACTIVITY_OBJECT                                                                           \
    "json_build_object(" WP_ACTIVITY_FIELDS("a", "$3") ","                                       \
    " 'measures', (SELECT coalesce(json_agg(" ITEM_OBJECT " ORDER BY m.position, m.id), '[]')"    \
    "  FROM core.workplan_item_activities la JOIN core.workplan_measure_items m ON m.id = la.measure_item_id" \
    "  WHERE la.activity_id = a.id AND la.retired_at IS NULL AND " WP_VISIBLE("m", "$4") "),"     \
    " 'pdsa', " WP_PDSA_SUMMARY("a") ")"

#define SUBGOAL_OBJECT                                                                            \
    "json_build_object(" WP_SUBGOAL_FIELDS("s", "$3") ","                                        \
    " 'activities', (SELECT coalesce(json_agg(" ACTIVITY_OBJECT " ORDER BY a.position, a.id), '[]')" \
    "  FROM core.workplan_activities a WHERE a.subgoal_id = s.id AND " WP_VISIBLE("a", "$4") "),"  \
    " 'measures', (SELECT coalesce(json_agg(" ITEM_OBJECT " ORDER BY m.position, m.id), '[]')"    \
    "  FROM core.workplan_item_subgoals ls JOIN core.workplan_measure_items m ON m.id = ls.measure_item_id" \
    "  WHERE ls.subgoal_id = s.id AND ls.retired_at IS NULL AND " WP_VISIBLE("m", "$4") "))"

static const char diagram_sql[] =
    "SELECT json_build_object("
    " 'area', json_build_object('slug', ar.slug, 'name', " WP_LANG("$3", "ar.name", "ar.name_en") "),"
    " 'period', json_build_object('slug', p.slug, 'title', " WP_LANG("$3", "p.title", "p.title_en") ","
    "  'starts_on', p.starts_on, 'ends_on', p.ends_on),"
    " 'lang', $3::text, 'title', " WP_LANG("$3", "dg.title", "dg.title_en") ", 'appendix', dg.appendix,"
    " 'headings', dg.headings, 'header_points', to_json(dg.header_points),"
    " 'measures_label', dg.measures_label, 'link_notes', to_json(dg.link_notes),"
    " 'goal', json_build_object('key', g.key, 'title', " WP_LANG("$3", "g.title", "g.title_en") ","
    "  'paragraphs', to_json(CASE WHEN $3 = 'en' THEN g.paragraphs_en"
    "   ELSE coalesce(dg.goal_paragraphs, g.paragraphs) END),"
    "  'wording_note', dg.goal_variant_note, 'target_year', g.target_year,"
    "  'adopted_by', " WP_LANG("$3", "g.adopted_by", "g.adopted_by_en") ","
    "  'sub_goals', (SELECT coalesce(json_agg(" SUBGOAL_OBJECT " ORDER BY s.position, s.id), '[]')"
    "   FROM core.workplan_subgoals s"
    "   WHERE s.period_id = dg.period_id AND s.area_id = dg.area_id AND " WP_VISIBLE("s", "$4") ")),"
    " 'unlinked', json_build_object("
    "  'activities', (SELECT coalesce(json_agg(" ACTIVITY_OBJECT " ORDER BY a.position, a.id), '[]')"
    "   FROM core.workplan_activities a"
    "   WHERE a.period_id = dg.period_id AND a.area_id = dg.area_id AND " WP_VISIBLE("a", "$4")
    "   AND NOT EXISTS (SELECT 1 FROM core.workplan_subgoals s"
    "    WHERE s.id = a.subgoal_id AND " WP_VISIBLE("s", "$4") ")),"
    "  'measures', (SELECT coalesce(json_agg(" ITEM_OBJECT " ORDER BY m.position, m.id), '[]')"
    "   FROM core.workplan_measure_items m"
    "   WHERE m.period_id = dg.period_id AND m.area_id = dg.area_id AND " WP_VISIBLE("m", "$4")
    "   AND " ITEM_UNLINKED "))"
    ")::text"
    " FROM core.workplan_diagrams dg JOIN core.workplan_goals g ON g.id = dg.goal_id"
    " JOIN core.workplan_periods p ON p.id = dg.period_id JOIN core.areas ar ON ar.id = dg.area_id"
    " WHERE dg.period_id = $1 AND dg.area_id = $2";

void workplan_get_diagram(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    const char *period_slug = workplan_query_period(&q);
    int retired = query_bool(&q, "include_retired", 0);
    if (query_params_failed(&q))
        return;
    struct area area;
    if (refdata_area(r->app->refdata, req_param(r, "slug"), &area) != 0) {
        reply_error(r, 404, NULL, "no area '%s'", req_param(r, "slug"));
        return;
    }
    struct workplan_period period;
    if (workplan_period_resolve(r, period_slug, &period) != 0)
        return;
    char pid[16], aid[16], not_found[160];
    snprintf(pid, sizeof pid, "%d", period.id);
    snprintf(aid, sizeof aid, "%d", area.id);
    snprintf(not_found, sizeof not_found, "the work plan %s has no driver diagram for %s",
             period.slug, area.slug);
    const char *params[] = {pid, aid, lang, retired ? "true" : "false"};
    PGresult *res = req_sql_ok(r, diagram_sql, 4, params);
    if (res)
        workplan_reply_row(r, res, 200, not_found);
}
