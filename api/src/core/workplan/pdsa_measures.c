/* PDSA cycles by the measure their plan names; see pdsa_measures.h. */
#include "core/workplan/pdsa_measures.h"

#include "core/workplan/common.h"
#include "http/req.h"

#include <stdio.h>

json_t *workplan_pdsa_for_measure(struct req *r, const char *slug, int principal_id,
                                  int has_range, struct date from, struct date to)
{
    char pid[16], f[11], t[11];
    snprintf(pid, sizeof pid, "%d", principal_id);
    date_format(from, f);
    date_format(to, t);
    const char *params[] = {slug, principal_id ? pid : NULL, has_range ? f : NULL, has_range ? t : NULL};
    PGresult *res = req_sql_ok(
        r,
        "WITH c AS (SELECT c.*, coalesce(c.plan_starts_on, c.do_started_on, c.created_at::date) AS starts_on,"
        "  CASE WHEN c.phase IN ('plan', 'do') AND c.do_ended_on IS NULL THEN NULL"
        "   ELSE coalesce(c.do_ended_on, c.plan_ends_on, c.act_at::date, c.study_at::date) END AS ends_on"
        "  FROM core.pdsa_cycles c WHERE $1 = ANY (c.plan_measures))"
        " SELECT coalesce(json_agg(json_build_object('id', c.id, 'title', c.title, 'phase', c.phase,"
        "  'status', CASE WHEN c.phase = 'act' THEN 'closed' ELSE 'open' END, 'decision', c.act_decision,"
        "  'activity', a.key, 'principals', (SELECT json_agg(pr.slug ORDER BY pr.sort_order)"
        "   FROM core.pdsa_participants pp JOIN core.principals pr ON pr.id = pp.principal_id"
        "   WHERE pp.cycle_id = c.id), 'starts_on', c.starts_on, 'do_started_on', c.do_started_on, 'ends_on', c.ends_on)"
        "  ORDER BY c.starts_on, c.id), '[]')::text"
        " FROM c JOIN core.workplan_activities a ON a.id = c.activity_id"
        " WHERE ($2::smallint IS NULL OR EXISTS (SELECT 1 FROM core.pdsa_participants pp"
        "  WHERE pp.cycle_id = c.id AND pp.principal_id = $2::smallint))"
        " AND ($3::date IS NULL OR ((c.ends_on IS NULL OR c.ends_on >= $3::date) AND c.starts_on <= $4::date))",
        4, params);
    if (!res)
        return NULL;
    json_t *out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    return out ? out : json_array();
}
