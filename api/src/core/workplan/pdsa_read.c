/* Reading PDSA cycles (any authenticated caller):
 *   GET /api/v1/pdsa/{id}                    one cycle, with the chain of cycles it belongs to
 *   GET /api/v1/activities/{id}/pdsa         an activity's cycles; ?principal=, ?status=open|closed
 * ?lang=sv|en chooses the activity's text. */
#include "app.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/pdsa.h"
#include "http/req.h"

#include <stdio.h>

/* The chain: from the first cycle to the last, following predecessors both ways. */
static const char cycle_sql[] =
    "WITH RECURSIVE up AS (SELECT id, predecessor_id, 0 AS depth FROM core.pdsa_cycles WHERE id = $1::bigint"
    "  UNION ALL SELECT c.id, c.predecessor_id, up.depth - 1 FROM core.pdsa_cycles c"
    "  JOIN up ON c.id = up.predecessor_id),"
    " down AS (SELECT id, 0 AS depth FROM core.pdsa_cycles WHERE id = $1::bigint"
    "  UNION ALL SELECT c.id, down.depth + 1 FROM core.pdsa_cycles c JOIN down ON c.predecessor_id = down.id)"
    " SELECT " WP_PDSA_JSON_WITH("c", "$2", ", 'chain', (SELECT json_agg("
    "  json_build_object('id', x.id, 'title', x.title, 'phase', x.phase, 'decision', x.act_decision,"
    "  'principals', (SELECT json_agg(pr.slug ORDER BY pr.sort_order) FROM core.pdsa_participants pp"
    "   JOIN core.principals pr ON pr.id = pp.principal_id WHERE pp.cycle_id = x.id))"
    "  ORDER BY k.depth) FROM (SELECT id, depth FROM up UNION SELECT id, depth FROM down) k"
    "  JOIN core.pdsa_cycles x ON x.id = k.id)") "::text"
    " FROM core.pdsa_cycles c WHERE c.id = $1::bigint";

void pdsa_reply(struct req *r, const char *id, const char *lang, int status)
{
    const char *params[] = {id, lang};
    char not_found[64];
    snprintf(not_found, sizeof not_found, "no PDSA cycle '%s'", id);
    PGresult *res = req_sql_ok(r, cycle_sql, 2, params);
    if (res)
        workplan_reply_row(r, res, status, not_found);
}

void workplan_get_pdsa(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    if (query_params_failed(&q))
        return;
    const char *id = req_param(r, "id");
    if (!workplan_is_id(id)) {
        reply_error(r, 404, NULL, "no PDSA cycle '%s'", id);
        return;
    }
    pdsa_reply(r, id, lang, 200);
}

void workplan_list_pdsa(struct req *r, void *ctx)
{
    (void)ctx;
    static const char *const statuses[] = {"open", "closed", "all", NULL};
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    const char *period_slug = workplan_query_period(&q);
    const char *principal = query_text(&q, "principal", 48);
    const char *status = query_enum(&q, "status", statuses, "all");
    struct principal p;
    if (principal && refdata_principal(r->app->refdata, principal, &p) != 0)
        query_problem(&q, "principal", "is not a principal slug or code");
    if (query_params_failed(&q))
        return;
    const char *ref = req_param(r, "id");
    char pid[16] = "", principal_id[16] = "";
    if (!workplan_is_id(ref)) {
        struct workplan_period period;
        if (workplan_period_resolve(r, period_slug, &period) != 0)
            return;
        snprintf(pid, sizeof pid, "%d", period.id);
    }
    if (principal)
        snprintf(principal_id, sizeof principal_id, "%d", p.id);
    const char *params[] = {ref, pid[0] ? pid : NULL, lang, principal ? principal_id : NULL, status};
    PGresult *res = req_sql_ok(
        r,
        "SELECT json_build_object('activity', json_build_object('id', a.id, 'key', a.key,"
        "  'title', " WP_LANG("$3", "a.title", "a.title_en") ","
        "  'area', (SELECT slug FROM core.areas WHERE id = a.area_id),"
        "  'period', (SELECT slug FROM core.workplan_periods WHERE id = a.period_id)),"
        " 'principal', (SELECT slug FROM core.principals WHERE id = $4::smallint), 'status', $5::text,"
        " 'items', (SELECT coalesce(json_agg(" WP_PDSA_JSON("c", "$3") " ORDER BY c.id), '[]')"
        "  FROM core.pdsa_cycles c WHERE c.activity_id = a.id"
        "  AND ($4::smallint IS NULL OR EXISTS (SELECT 1 FROM core.pdsa_participants pp"
        "   WHERE pp.cycle_id = c.id AND pp.principal_id = $4::smallint))"
        "  AND ($5 = 'all' OR ($5 = 'closed') = (c.phase = 'act'))))::text"
        " FROM core.workplan_activities a"
        " WHERE a.id::text = $1 OR (a.key = $1 AND a.period_id = $2::int)",
        5, params);
    if (!res)
        return;
    char not_found[96];
    snprintf(not_found, sizeof not_found, "no activity '%s'", ref);
    workplan_reply_row(r, res, 200, not_found);
}
