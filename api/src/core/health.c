/* Liveness and readiness. Liveness says the process answers; readiness says it can serve:
 * not shutting down, the database reachable and its migrations current. */
#include "app.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

static void live(struct req *r, void *ctx)
{
    (void)ctx;
    reply_raw(r, 200, "application/json; charset=utf-8", strdup("{\"status\":\"ok\"}"), 15);
}

static void not_ready(struct req *r, const char *reason)
{
    req_set_header(r, "Retry-After", "1");
    reply_error(r, 503, "not_ready", "not ready: %s", reason);
}

static struct db_stmt migrations_stmt = {
    "SELECT count(*) FROM core.migrations", 0, 0};

static void ready(struct req *r, void *ctx)
{
    struct app *app = ctx;
    if (atomic_load(&app->draining)) {
        not_ready(r, "shutting down");
        return;
    }
    struct db_conn *c = NULL;
    enum pool_result pr = pool_acquire(app->pool, &c);
    if (pr != POOL_OK) {
        char why[300] = "all database connections are busy";
        if (pr == POOL_DOWN) {
            char msg[256];
            pool_last_error(app->pool, msg, sizeof msg);
            snprintf(why, sizeof why, "database unreachable: %s", msg);
        }
        not_ready(r, why);
        return;
    }
    r->db = c; /* the dispatcher returns it */
    PGresult *res = db_exec_stmt(c, &migrations_stmt, NULL);
    if (!db_ok(res)) {
        char msg[256], why[300];
        pool_last_error(app->pool, msg, sizeof msg);
        snprintf(why, sizeof why, "%s",
                 res ? "cannot read core.migrations" : "database unreachable");
        if (!res)
            snprintf(why, sizeof why, "database unreachable: %s", msg);
        PQclear(res);
        not_ready(r, why);
        return;
    }
    long applied = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (applied < app->expected_migrations) {
        not_ready(r, "migrations pending");
        return;
    }
    reply_raw(r, 200, "application/json; charset=utf-8", strdup("{\"status\":\"ready\"}"), 18);
}

int health_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/health/live", .fn = live, .access = ACCESS_PUBLIC,
         .operation_id = "getLive"},
        {.method = "GET", .pattern = "/health/ready", .fn = ready, .ctx = app,
         .access = ACCESS_PUBLIC, .operation_id = "getReady"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
