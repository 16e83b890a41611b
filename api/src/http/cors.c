/* CORS; see cors.h. */
#include "http/cors.h"

#include "app.h"
#include "http/req.h"

#include <string.h>

int cors_allowed(struct req *r)
{
    const char *origin = req_header(r, "Origin");
    const char *list = r->app->cfg.cors_origins;
    if (!origin || !list)
        return 0;
    size_t n = strlen(origin);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && len && strncmp(p, origin, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

void cors_headers(struct req *r, int preflight, const char *methods)
{
    req_set_header(r, "Vary", "Origin");
    if (!cors_allowed(r))
        return;
    req_set_header(r, "Access-Control-Allow-Origin", req_header(r, "Origin"));
    req_set_header(r, "Access-Control-Expose-Headers",
                   "X-Request-Id, X-Next-Cursor, ETag, Location, Retry-After, Idempotent-Replayed, WWW-Authenticate");
    if (preflight) {
        req_set_header(r, "Access-Control-Allow-Methods", methods);
        req_set_header(r, "Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Idempotency-Key, X-Request-Id, If-None-Match, Accept");
        req_set_header(r, "Access-Control-Max-Age", "600");
    }
}
