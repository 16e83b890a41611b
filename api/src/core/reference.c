/* Reference data endpoints: the 14 principals and the areas of responsibility. Public (no
 * token). Served from the in-memory copy (core/refdata.h) with an ETag, so a front end that
 * polls gets 304 without a body. */
#include "app.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "http/req.h"

#include <string.h>

/* Replies with rendered JSON, or 304 when the client already has this version. */
static void reply_cached(struct req *r, enum refdata_kind kind, const char *key,
                         const char *what)
{
    size_t len = 0;
    char etag[24];
    char *json = refdata_json(r->app->refdata, kind, key, &len, etag);
    if (!json) {
        reply_error(r, 404, NULL, "no %s '%s'", what, key ? key : "");
        return;
    }
    req_set_header(r, "ETag", etag);
    const char *inm = req_header(r, "If-None-Match");
    if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
        free(json);
        reply_empty(r, 304);
        return;
    }
    reply_raw(r, 200, "application/json; charset=utf-8", json, len);
}

static void list_principals(struct req *r, void *ctx)
{
    (void)ctx;
    reply_cached(r, REFDATA_PRINCIPALS, NULL, "principal");
}

static void get_principal(struct req *r, void *ctx)
{
    (void)ctx;
    reply_cached(r, REFDATA_PRINCIPALS, req_param(r, "slug"), "principal");
}

static void list_areas(struct req *r, void *ctx)
{
    (void)ctx;
    reply_cached(r, REFDATA_AREAS, NULL, "area");
}

static void get_area(struct req *r, void *ctx)
{
    (void)ctx;
    reply_cached(r, REFDATA_AREAS, req_param(r, "slug"), "area");
}

int reference_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/principals", .fn = list_principals,
         .access = ACCESS_PUBLIC, .operation_id = "listPrincipals"},
        {.method = "GET", .pattern = "/api/v1/principals/:slug", .fn = get_principal,
         .access = ACCESS_PUBLIC, .operation_id = "getPrincipal"},
        {.method = "GET", .pattern = "/api/v1/areas", .fn = list_areas,
         .access = ACCESS_PUBLIC, .operation_id = "listAreas"},
        {.method = "GET", .pattern = "/api/v1/areas/:slug", .fn = get_area,
         .access = ACCESS_PUBLIC, .operation_id = "getArea"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
