/* One work-plan item with its links and its history: GET /api/v1/subgoals/{id},
 * /api/v1/activities/{id} and /api/v1/measure-items/{id}. {id} is the item's id, or its key
 * (att-aldras.a2) in ?period= (default the current period). Retired items stay readable. */
#include "app.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/sql.h"
#include "http/req.h"

#include <stdio.h>

/* $1 id or key, $2 period id for a key (else NULL), $3 language. */
#define ITEM_WHERE(x) " WHERE (" x ".id::text = $1 OR (" x ".key = $1 AND " x ".period_id = $2::int))"
#define ITEM_PLACE(x)                                                                             \
    " 'area', (SELECT slug FROM core.areas WHERE id = " x ".area_id),"                           \
    " 'period', (SELECT slug FROM core.workplan_periods WHERE id = " x ".period_id),"             \
    " 'titles', " WP_TITLES(x) ", " WP_STAMPS(x)

static const char subgoal_sql[] =
    "SELECT json_build_object(" WP_SUBGOAL_FIELDS("s", "$3") "," ITEM_PLACE("s") ","
    " 'activities', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'key', a.key,"
    "  'title', " WP_LANG("$3", "a.title", "a.title_en") ", 'retired', a.retired_at IS NOT NULL)"
    "  ORDER BY a.position, a.id), '[]') FROM core.workplan_activities a WHERE a.subgoal_id = s.id),"
    " 'measures', (SELECT coalesce(json_agg(json_build_object('id', m.id, 'key', m.key,"
    "  'title', " WP_LANG("$3", "m.title", "m.title_en") ", 'retired', m.retired_at IS NOT NULL)"
    "  ORDER BY m.position, m.id), '[]') FROM core.workplan_item_subgoals l"
    "  JOIN core.workplan_measure_items m ON m.id = l.measure_item_id"
    "  WHERE l.subgoal_id = s.id AND l.retired_at IS NULL),"
    " 'history', " WP_HISTORY("subgoal", "s") ")::text"
    " FROM core.workplan_subgoals s" ITEM_WHERE("s");

static const char activity_sql[] =
    "SELECT json_build_object(" WP_ACTIVITY_FIELDS("a", "$3") "," ITEM_PLACE("a") ","
    " 'notes', to_json(a.notes),"
    " 'sub_goal', (SELECT json_build_object('id', s.id, 'key', s.key,"
    "  'title', " WP_LANG("$3", "s.title", "s.title_en") ") FROM core.workplan_subgoals s"
    "  WHERE s.id = a.subgoal_id),"
    " 'measures', (SELECT coalesce(json_agg(json_build_object(" WP_ITEM_FIELDS("m", "$3") ")"
    "  ORDER BY m.position, m.id), '[]') FROM core.workplan_item_activities la"
    "  JOIN core.workplan_measure_items m ON m.id = la.measure_item_id"
    "  WHERE la.activity_id = a.id AND la.retired_at IS NULL),"
    " 'pdsa', " WP_PDSA_SUMMARY("a") ","
    " 'history', " WP_HISTORY("activity", "a") ")::text"
    " FROM core.workplan_activities a" ITEM_WHERE("a");

static const char measure_item_sql[] =
    "SELECT json_build_object(" WP_ITEM_FIELDS("m", "$3") "," ITEM_PLACE("m") ","
    " 'notes', to_json(m.notes), 'proposed_definition', m.proposed_definition,"
    " 'history', " WP_HISTORY("measure_item", "m") ")::text"
    " FROM core.workplan_measure_items m" ITEM_WHERE("m");

static const struct {
    const char *sql;
    const char *what;
} kinds[] = {
    [WORKPLAN_SUBGOAL] = {subgoal_sql, "sub-goal"},
    [WORKPLAN_ACTIVITY] = {activity_sql, "activity"},
    [WORKPLAN_MEASURE_ITEM] = {measure_item_sql, "measure item"},
};

void workplan_reply_item(struct req *r, enum workplan_item kind, const char *ref,
                         const char *period_id, const char *lang, int status)
{
    const char *params[] = {ref, period_id, lang};
    char not_found[160];
    snprintf(not_found, sizeof not_found, "no %s '%s'", kinds[kind].what, ref);
    PGresult *res = req_sql_ok(r, kinds[kind].sql, 3, params);
    if (res)
        workplan_reply_row(r, res, status, not_found);
}

static void get_item(struct req *r, enum workplan_item kind)
{
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    const char *period_slug = workplan_query_period(&q);
    if (query_params_failed(&q))
        return;
    const char *ref = req_param(r, "id");
    char pid[16] = "";
    if (!workplan_is_id(ref)) {
        struct workplan_period period;
        if (workplan_period_resolve(r, period_slug, &period) != 0)
            return;
        snprintf(pid, sizeof pid, "%d", period.id);
    }
    workplan_reply_item(r, kind, ref, pid[0] ? pid : NULL, lang, 200);
}

void workplan_get_subgoal(struct req *r, void *ctx)
{
    (void)ctx;
    get_item(r, WORKPLAN_SUBGOAL);
}

void workplan_get_activity(struct req *r, void *ctx)
{
    (void)ctx;
    get_item(r, WORKPLAN_ACTIVITY);
}

void workplan_get_measure_item(struct req *r, void *ctx)
{
    (void)ctx;
    get_item(r, WORKPLAN_MEASURE_ITEM);
}
