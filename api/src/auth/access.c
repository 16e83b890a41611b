/* The access gate; see access.h. */
#include "auth/access.h"

#include "app.h"
#include "auth/authz.h"
#include "auth/token.h"
#include "core/refdata.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

static void unauthorized(struct req *r, const char *why)
{
    char header[256];
    if (why)
        snprintf(header, sizeof header,
                 "Bearer realm=\"lgvo-api\", error=\"invalid_token\", error_description=\"%s\"",
                 why);
    else
        snprintf(header, sizeof header, "Bearer realm=\"lgvo-api\"");
    req_set_header(r, "WWW-Authenticate", header);
    reply_error(r, 401, why ? "invalid_token" : "unauthorized", "%s",
                why ? why : "this resource needs a bearer access token (Authorization: Bearer …)");
}

void access_deny(struct req *r, const char *message)
{
    req_set_header(r, "WWW-Authenticate",
                   "Bearer realm=\"lgvo-api\", error=\"insufficient_scope\"");
    reply_error(r, 403, "forbidden", "%s", message);
}

/* Returns 1 with *token set when an Authorization: Bearer header is present, 0 when absent,
 * -1 when present but malformed, -2 for another scheme (e.g. Basic, which the token endpoint
 * reads itself). */
static int bearer_token(struct req *r, const char **token)
{
    const char *h = req_header(r, "Authorization");
    if (!h)
        return 0;
    if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\0'))
        return -2;
    if (h[6] == '\0')
        return -1;
    h += 7;
    while (*h == ' ')
        h++;
    if (!*h || strchr(h, ' '))
        return -1;
    *token = h;
    return 1;
}

static int route_allows(struct req *r)
{
    const struct route *route = r->route;
    const struct identity *who = &r->who;
    switch (route->access) {
    case ACCESS_PUBLIC:
    case ACCESS_AUTHENTICATED:
        return 1;
    case ACCESS_COUNTY_ADMIN:
        return authz_is_county_admin(who);
    case ACCESS_ORG_ADMIN:
        return authz_is_county_admin(who) || (who->roles & ROLE_ORG_ADMIN);
    case ACCESS_WRITE_AREA: {
        if (authz_is_county_admin(who))
            return 1;
        struct area a;
        return (who->roles & ROLE_REPORTER) &&
               refdata_area(r->app->refdata, route->area, &a) == 0 && authz_has_area(who, a.id);
    }
    case ACCESS_UNSET:
        break;
    }
    return 0;
}

int access_check(struct req *r)
{
    const char *token = NULL;
    int has = bearer_token(r, &token);
    if (has == -2 && r->route->access == ACCESS_PUBLIC)
        has = 0; /* not ours to judge: public routes ignore other schemes */
    if (has < 0) {
        unauthorized(r, "the Authorization header must be \"Bearer <token>\"");
        return -1;
    }
    if (!has) {
        if (r->route->access == ACCESS_PUBLIC)
            return 0;
        unauthorized(r, NULL);
        return -1;
    }
    const char *why = NULL;
    if (token_verify(r->app->tokens, token, &r->who, &why) != 0) {
        memset(&r->who, 0, sizeof r->who);
        unauthorized(r, why);
        return -1;
    }
    if (!route_allows(r)) {
        char msg[160];
        snprintf(msg, sizeof msg, "this operation needs the right %s%s%s",
                 access_name(r->route->access), r->route->area ? " for " : "",
                 r->route->area ? r->route->area : "");
        access_deny(r, msg);
        return -1;
    }
    return 0;
}
