/* Period locks (as the county does at its follow-up dates): county_admin locks a measure ×
 * period, or every period (of one measure or all) ending on or before a date. Pushes into a
 * locked period get 409 saying by whom. Locking and unlocking are audited.
 *   GET /api/v1/locks, POST /api/v1/locks, DELETE /api/v1/locks/{id} */
#include "app.h"
#include "core/audit.h"
#include "core/measures.h"
#include "core/period.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/body.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

#define LOCK_JSON                                                                                 \
    "json_build_object('id', l.id, 'measure', m.slug, 'period', l.period, 'up_to', l.up_to,"      \
    " 'locked_by', l.locked_by, 'locked_at', l.locked_at, 'reason', l.reason)::text"

static void list_locks(struct req *r, void *ctx)
{
    (void)ctx;
    PGresult *res = req_sql_ok(r,
                            "SELECT " LOCK_JSON " FROM core.period_locks l"
                            " LEFT JOIN core.measures m ON m.id = l.measure_id ORDER BY l.id",
                            0, NULL);
    if (!res)
        return;
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(items, json_loads(PQgetvalue(res, i, 0), 0, NULL));
    PQclear(res);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void create_lock(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *measure = body_string(&b, "measure", 0, 1, 96);
    const char *period = body_string(&b, "period", 0, 4, 16);
    const char *up_to = body_string(&b, "up_to", 0, 10, 10);
    const char *reason = body_string(&b, "reason", 0, 0, 500);
    struct measure m;
    int have_measure = measure && measures_get(r->app->measures, measure, &m) == 0;
    if (measure && !have_measure)
        body_problem(&b, "measure", "no measure '%s'", measure);
    if (!period == !up_to)
        body_problem(&b, period ? "up_to" : "period", "give either period (with measure) or up_to");
    struct period p;
    if (period) {
        if (!measure)
            body_problem(&b, "measure", "a lock of one period needs the measure");
        if (period_parse(period, &p) != 0)
            body_problem(&b, "period", "'%s' is not a period", period);
        else if (have_measure && p.type != m.period_type)
            body_problem(&b, "period", "%s is reported per %s (like %s)", m.slug,
                         period_type_name(m.period_type), period_type_example(m.period_type));
    }
    struct date d;
    if (up_to && date_parse(up_to, &d) != 0)
        body_problem(&b, "up_to", "must be a date like 2025-06-30");
    if (body_failed(&b) || req_begin(r) != 0)
        return;
    char mid[16], canonical[16] = "";
    snprintf(mid, sizeof mid, "%d", have_measure ? m.id : 0);
    if (period)
        period_format(&p, canonical, sizeof canonical);
    const char *params[] = {have_measure ? mid : NULL, period ? canonical : NULL, up_to,
                            r->who.subject, reason};
    PGresult *res = req_sql(r,
                            "WITH l AS (INSERT INTO core.period_locks (measure_id, period, up_to, locked_by, reason)"
                            " VALUES ($1::int, $2, $3::date, $4, $5) RETURNING *)"
                            " SELECT l.id, " LOCK_JSON " FROM l LEFT JOIN core.measures m ON m.id = l.measure_id",
                            5, params);
    if (!res)
        return;
    if (!db_ok(res)) {
        if (db_classify(r->db, res) == DB_CONFLICT)
            reply_error(r, 409, NULL, "this lock exists already");
        else
            reply_db_error(r, res);
        PQclear(res);
        return;
    }
    char target[48];
    snprintf(target, sizeof target, "lock:%s", PQgetvalue(res, 0, 0));
    json_t *lock = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    PQclear(res);
    struct audit_event e = {.action = "lock.create", .target = target, .details = json_incref(lock)};
    if (audit_write(r, &e) != 0) {
        json_decref(lock);
        return;
    }
    reply_json(r, 201, lock);
}

static void delete_lock(struct req *r, void *ctx)
{
    (void)ctx;
    if (req_begin(r) != 0)
        return;
    const char *params[] = {req_param(r, "id")};
    PGresult *res = req_sql(r,
                            "WITH l AS (DELETE FROM core.period_locks WHERE id::text = $1 RETURNING *)"
                            " SELECT " LOCK_JSON " FROM l LEFT JOIN core.measures m ON m.id = l.measure_id",
                            1, params);
    if (!res)
        return;
    if (!db_ok(res) || PQntuples(res) == 0) {
        if (db_ok(res))
            reply_error(r, 404, NULL, "no lock '%s'", params[0]);
        else
            reply_db_error(r, res);
        PQclear(res);
        return;
    }
    char target[48];
    snprintf(target, sizeof target, "lock:%s", params[0]);
    struct audit_event e = {.action = "lock.delete", .target = target,
                            .details = json_loads(PQgetvalue(res, 0, 0), 0, NULL)};
    PQclear(res);
    if (audit_write(r, &e) != 0)
        return;
    reply_empty(r, 204);
}

int lock_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/locks", .fn = list_locks,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listLocks"},
        {.method = "POST", .pattern = "/api/v1/locks", .fn = create_lock,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createLock"},
        {.method = "DELETE", .pattern = "/api/v1/locks/:id", .fn = delete_lock,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "deleteLock"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
