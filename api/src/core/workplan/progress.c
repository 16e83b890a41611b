/* GET /api/v1/areas/{slug}/progress — how an area's work plan is going: per sub-goal (and for
 * the activities and measure items linked to none), which activities are active (have open
 * PDSA cycles) and where their deadline windows stand, which milestones are reached (milestone
 * measures linked to the sub-goal's measure items, read from core.values within the work-plan
 * period), and which PDSA cycles are open; per principal and for the county.
 * ?period= (default the current), ?principal= (one principal's view), ?as_of=DATE (default
 * today: deadlines and milestones reached by then), ?lang=sv|en. */
#include "app.h"
#include "core/period.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/sql.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

/* $1 period id, $2 area id, $3 language, $4 principal id or NULL, $5 as-of date. */
#define CYCLE_FILTER "($4::smallint IS NULL OR $4::smallint = ANY (c.parts))"

#define ACTIVITY_PROGRESS                                                                         \
    "json_build_object('id', a.id, 'key', a.key, 'title', " WP_LANG("$3", "a.title", "a.title_en") "," \
    " 'deadline', CASE WHEN a.deadline_text IS NULL AND a.window_from IS NULL THEN NULL"           \
    "  ELSE json_build_object('text', a.deadline_text, 'from', a.window_from, 'to', a.window_to," \
    "  'state', CASE WHEN a.window_from IS NULL THEN NULL WHEN $5::date < a.window_from THEN 'upcoming'" \
    "   WHEN $5::date <= a.window_to THEN 'current' ELSE 'passed' END) END,"                      \
    " 'active', EXISTS (SELECT 1 FROM cycles c WHERE c.activity_id = a.id AND c.phase <> 'act'"    \
    "  AND " CYCLE_FILTER "),"                                                                    \
    " 'active_principals', (SELECT coalesce(json_agg(pr.slug ORDER BY pr.sort_order), '[]')"      \
    "  FROM core.principals pr WHERE ($4::smallint IS NULL OR pr.id = $4::smallint)"               \
    "  AND EXISTS (SELECT 1 FROM cycles c WHERE c.activity_id = a.id AND c.phase <> 'act'"         \
    "  AND pr.id = ANY (c.parts))),"                                                              \
    " 'open_cycles', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'title', c.title,"  \
    "  'phase', c.phase, 'next_phase', CASE c.phase WHEN 'plan' THEN 'do' WHEN 'do' THEN 'study'"  \
    "  ELSE 'act' END, 'principals', (SELECT json_agg(pr.slug ORDER BY pr.sort_order)"            \
    "  FROM core.principals pr WHERE pr.id = ANY (c.parts)), 'updated_at', c.updated_at)"         \
    "  ORDER BY c.id), '[]') FROM cycles c WHERE c.activity_id = a.id AND c.phase <> 'act'"        \
    "  AND " CYCLE_FILTER "),"                                                                    \
    " 'closed_cycles', (SELECT count(*) FROM cycles c WHERE c.activity_id = a.id AND c.phase = 'act'" \
    "  AND " CYCLE_FILTER "))"

#define EXPECTED(ms)                                                                              \
    "(SELECT count(*) FROM core.principals pr WHERE pr.kind = ANY (" ms ".reported_by)"            \
    " AND ($4::smallint IS NULL OR pr.id = $4::smallint))"
#define REACHED(ms) "(SELECT count(*) FROM reached v WHERE v.measure_id = " ms ".id AND v.achieved)"

#define MILESTONE_PROGRESS                                                                        \
    "json_build_object('measure', ms.slug, 'title', " WP_LANG("$3", "ms.title", "ms.title_en") "," \
    " 'item', json_build_object('id', ms.item_id, 'key', ms.item_key), 'reported_by', ms.reported_by," \
    " 'principals', (SELECT coalesce(json_agg(json_build_object('principal', pr.slug,"          \
    "  'achieved', v.achieved, 'achieved_on', v.achieved_on, 'period', v.period,"                 \
    "  'evidence', v.comment, 'by', v.updated_by, 'updated_at', v.updated_at) ORDER BY pr.sort_order), '[]')" \
    "  FROM reached v JOIN core.principals pr ON pr.id = v.principal_id WHERE v.measure_id = ms.id)," \
    " 'county', json_build_object('principals_reached', " REACHED("ms") ","                      \
    "  'principals_expected', " EXPECTED("ms") ","                                                \
    "  'reached', " EXPECTED("ms") " > 0 AND " REACHED("ms") " >= " EXPECTED("ms") "))"

#define GROUP_ACTIVITIES(cond)                                                                    \
    "(SELECT coalesce(json_agg(" ACTIVITY_PROGRESS " ORDER BY a.position, a.id), '[]')"           \
    " FROM acts a WHERE " cond ")"
#define GROUP_MILESTONES(cond)                                                                    \
    "(SELECT coalesce(json_agg(" MILESTONE_PROGRESS " ORDER BY ms.item_position, ms.item_id, ms.link_position), '[]')" \
    " FROM milestones ms WHERE " cond ")"

static const char progress_sql[] =
    "WITH per AS (SELECT * FROM core.workplan_periods WHERE id = $1::int),"
    " subgoals AS (SELECT * FROM core.workplan_subgoals"
    "  WHERE period_id = $1::int AND area_id = $2::smallint AND retired_at IS NULL),"
    " acts AS (SELECT a.*, (SELECT s.id FROM subgoals s WHERE s.id = a.subgoal_id) AS group_id"
    "  FROM core.workplan_activities a"
    "  WHERE a.period_id = $1::int AND a.area_id = $2::smallint AND a.retired_at IS NULL),"
    " items AS (SELECT * FROM core.workplan_measure_items"
    "  WHERE period_id = $1::int AND area_id = $2::smallint AND retired_at IS NULL),"
    /* The sub-goals a measure item sits under (directly or through an activity); none = area level. */
    " linked AS (SELECT l.measure_item_id AS item_id, l.subgoal_id AS group_id"
    "   FROM core.workplan_item_subgoals l JOIN subgoals s ON s.id = l.subgoal_id WHERE l.retired_at IS NULL"
    "  UNION SELECT l.measure_item_id, a.group_id FROM core.workplan_item_activities l"
    "   JOIN acts a ON a.id = l.activity_id WHERE l.retired_at IS NULL AND a.group_id IS NOT NULL),"
    " item_groups AS (SELECT m.id AS item_id, g.group_id FROM items m"
    "   JOIN linked g ON g.item_id = m.id"
    "  UNION SELECT m.id, NULL FROM items m WHERE NOT EXISTS (SELECT 1 FROM linked g WHERE g.item_id = m.id)),"
    " milestones AS (SELECT ig.group_id, m.id AS item_id, m.key AS item_key, m.position AS item_position,"
    "   l.position AS link_position, d.id, d.slug, d.title, d.title_en, d.reported_by"
    "  FROM item_groups ig JOIN items m ON m.id = ig.item_id"
    "  JOIN core.workplan_item_measures l ON l.measure_item_id = m.id AND l.retired_at IS NULL"
    "  JOIN core.measures d ON d.slug = l.measure_slug AND d.kind = 'milestone'),"
    /* Each principal's latest milestone value in the plan period, an achieved one first. */
    " reached AS (SELECT DISTINCT ON (v.measure_id, v.principal_id) v.* FROM core.values v, per"
    "  WHERE v.measure_id IN (SELECT id FROM milestones) AND v.period_start >= per.starts_on"
    "  AND v.period_end <= per.ends_on AND coalesce(v.achieved_on, v.period_start) <= $5::date"
    "  AND ($4::smallint IS NULL OR v.principal_id = $4::smallint)"
    "  ORDER BY v.measure_id, v.principal_id, v.achieved DESC NULLS LAST, v.period_start DESC),"
    " cycles AS (SELECT c.id, c.activity_id, c.title, c.phase, c.updated_at,"
    "  (SELECT array_agg(pp.principal_id) FROM core.pdsa_participants pp WHERE pp.cycle_id = c.id) AS parts"
    "  FROM core.pdsa_cycles c JOIN acts a ON a.id = c.activity_id)"
    " SELECT json_build_object("
    "  'area', (SELECT json_build_object('slug', slug, 'name', " WP_LANG("$3", "name", "name_en") ")"
    "   FROM core.areas WHERE id = $2::smallint),"
    "  'period', (SELECT json_build_object('slug', slug, 'starts_on', starts_on, 'ends_on', ends_on) FROM per),"
    "  'as_of', $5::date, 'principal', (SELECT slug FROM core.principals WHERE id = $4::smallint),"
    "  'lang', $3::text,"
    "  'sub_goals', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'key', s.key,"
    "    'title', " WP_LANG("$3", "s.title", "s.title_en") ","
    "    'activities', " GROUP_ACTIVITIES("a.group_id = s.id") ","
    "    'milestones', " GROUP_MILESTONES("ms.group_id = s.id") ") ORDER BY s.position, s.id), '[]')"
    "   FROM subgoals s),"
    "  'unlinked', json_build_object('activities', " GROUP_ACTIVITIES("a.group_id IS NULL") ","
    "   'milestones', " GROUP_MILESTONES("ms.group_id IS NULL") "),"
    "  'summary', json_build_object("
    "   'county', json_build_object("
    "    'activities', (SELECT count(*) FROM acts),"
    "    'active_activities', (SELECT count(*) FROM acts a WHERE EXISTS (SELECT 1 FROM cycles c"
    "     WHERE c.activity_id = a.id AND c.phase <> 'act' AND " CYCLE_FILTER ")),"
    "    'open_cycles', (SELECT count(*) FROM cycles c WHERE c.phase <> 'act' AND " CYCLE_FILTER "),"
    "    'closed_cycles', (SELECT count(*) FROM cycles c WHERE c.phase = 'act' AND " CYCLE_FILTER "),"
    "    'milestones', (SELECT count(DISTINCT id) FROM milestones),"
    "    'milestones_reached', (SELECT count(*) FROM (SELECT DISTINCT ON (ms.id) ms.* FROM milestones ms) ms"
    "     WHERE " EXPECTED("ms") " > 0 AND " REACHED("ms") " >= " EXPECTED("ms") ")),"
    "   'by_principal', (SELECT json_agg(json_build_object('principal', pr.slug,"
    "    'active_activities', (SELECT count(*) FROM acts a WHERE EXISTS (SELECT 1 FROM cycles c"
    "     WHERE c.activity_id = a.id AND c.phase <> 'act' AND pr.id = ANY (c.parts))),"
    "    'open_cycles', (SELECT count(*) FROM cycles c WHERE c.phase <> 'act' AND pr.id = ANY (c.parts)),"
    "    'closed_cycles', (SELECT count(*) FROM cycles c WHERE c.phase = 'act' AND pr.id = ANY (c.parts)),"
    "    'milestones_reached', (SELECT count(*) FROM reached v WHERE v.principal_id = pr.id AND v.achieved))"
    "    ORDER BY pr.sort_order)"
    "    FROM core.principals pr WHERE $4::smallint IS NULL OR pr.id = $4::smallint))"
    " )::text";

void workplan_get_progress(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    const char *period_slug = workplan_query_period(&q);
    const char *principal = query_text(&q, "principal", 48);
    const char *as_of = query_text(&q, "as_of", 10);
    struct principal p;
    struct date d;
    if (principal && refdata_principal(r->app->refdata, principal, &p) != 0)
        query_problem(&q, "principal", "is not a principal slug or code");
    if (as_of && (strlen(as_of) != 10 || date_parse(as_of, &d) != 0))
        query_problem(&q, "as_of", "must be a date like 2025-06-30");
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
    char pid[16], aid[16], principal_id[16], today[11];
    snprintf(pid, sizeof pid, "%d", period.id);
    snprintf(aid, sizeof aid, "%d", area.id);
    if (principal)
        snprintf(principal_id, sizeof principal_id, "%d", p.id);
    date_format(date_today(), today);
    const char *params[] = {pid, aid, lang, principal ? principal_id : NULL, as_of ? as_of : today};
    PGresult *res = req_sql_ok(r, progress_sql, 5, params);
    if (res)
        workplan_reply_row(r, res, 200, "no progress");
}
