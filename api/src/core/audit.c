/* The audit trail: writing rows and GET /api/v1/audit. */
#include "core/audit.h"

#include "app.h"
#include "auth/authz.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

static void client_ip(struct req *r, char out[64])
{
    out[0] = '\0';
    const struct sockaddr *sa = r->http->client_address;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 64);
}

int audit_write(struct req *r, const struct audit_event *e)
{
    char ip[64];
    client_ip(r, ip);
    json_t *d = e->details ? e->details : json_object(); /* stolen or ours: freed below */
    char *details = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    const char *params[] = {
        e->actor ? e->actor : (r->who.kind ? r->who.subject : "anonymous"),
        e->actor_principal ? e->actor_principal : (r->who.kind ? r->who.principal : NULL),
        e->principal,
        e->action,
        e->target,
        r->id,
        ip[0] ? ip : NULL,
        details,
    };
    PGresult *res = req_sql(r,
                            "INSERT INTO core.audit (actor, actor_principal, principal, action, "
                            "target, request_id, client_ip, details) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8::jsonb)",
                            8, params);
    free(details);
    if (!res)
        return -1;
    int ok = db_ok(res);
    if (!ok)
        reply_db_error(r, res);
    PQclear(res);
    return ok ? 0 : -1;
}

/* GET /api/v1/audit?from=&to=&actor=&action=&principal=&limit=&cursor= — newest first,
 * keyset-paginated by id. county_admin sees everything; org_admin its own principal. */
static void list_audit(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *from = query_timestamp(&q, "from");
    const char *to = query_timestamp(&q, "to");
    const char *actor = query_text(&q, "actor", 200);
    const char *action = query_text(&q, "action", 100);
    const char *principal = query_text(&q, "principal", 48);
    long limit = query_int(&q, "limit", 1, 1000, 100);
    long cursor = query_int(&q, "cursor", 1, 9223372036854775807L, 0);
    if (query_params_failed(&q))
        return;
    if (!authz_is_county_admin(&r->who)) {
        if (principal && strcmp(principal, r->who.principal) != 0) {
            reply_error(r, 403, NULL, "an org_admin sees only the audit of its own principal");
            return;
        }
        principal = r->who.principal;
    }
    char slimit[24], scursor[24];
    snprintf(slimit, sizeof slimit, "%ld", limit + 1);
    snprintf(scursor, sizeof scursor, "%ld", cursor);
    const char *params[] = {from, to, actor, action, principal, cursor ? scursor : NULL, slimit};
    json_t *items = req_sql_json(
        r,
        "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.id DESC), '[]')::text, count(*) "
        "FROM (SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at,"
        " actor, actor_principal, principal, action, target, request_id,"
        " host(client_ip) AS client_ip, details FROM core.audit"
        " WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz)"
        " AND ($2::timestamptz IS NULL OR at < $2::timestamptz)"
        " AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4)"
        " AND ($5::text IS NULL OR principal = $5 OR actor_principal = $5)"
        " AND ($6::bigint IS NULL OR id < $6::bigint)"
        " ORDER BY id DESC LIMIT $7::int) t",
        7, params);
    if (!items)
        return;
    json_t *next = json_null();
    if ((long)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        json_t *last = json_array_get(items, (size_t)limit - 1);
        next = json_sprintf("%" JSON_INTEGER_FORMAT,
                            json_integer_value(json_object_get(last, "id")));
    }
    reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

int audit_routes(struct app *app, char *err, size_t errlen)
{
    struct route route = {.method = "GET", .pattern = "/api/v1/audit", .fn = list_audit,
                          .access = ACCESS_ORG_ADMIN, .operation_id = "listAudit"};
    return router_add(&app->router, &route, err, errlen);
}
