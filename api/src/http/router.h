/* The route table. Every route declares who may call it; a route without a declared access
 * rule, a malformed pattern or a pattern that clashes with an existing route is refused when
 * it is added, so such mistakes stop start-up instead of reaching production. */
#ifndef LGVO_HTTP_ROUTER_H
#define LGVO_HTTP_ROUTER_H

#include <stddef.h>

enum access {
    ACCESS_UNSET = 0,     /* refused by router_add */
    ACCESS_PUBLIC,        /* no token */
    ACCESS_AUTHENTICATED, /* any valid token */
    ACCESS_WRITE_AREA,    /* reporter (or admin) with a grant for route.area */
    ACCESS_ORG_ADMIN,     /* org_admin of a principal, or county_admin */
    ACCESS_COUNTY_ADMIN   /* county_admin only */
};

const char *access_name(enum access a);

struct req;
typedef void (*route_fn)(struct req *r, void *ctx);

#define ROUTE_MAX_SEGMENTS 12
#define ROUTE_MAX_PARAMS 6

struct route {
    const char *method;  /* GET, POST, PUT, PATCH, DELETE */
    const char *pattern; /* "/api/v1/principals/:slug" */
    route_fn fn;
    void *ctx;           /* passed to fn; borrowed, must outlive the router */
    enum access access;
    const char *area;    /* for ACCESS_WRITE_AREA; NULL otherwise */
    const char *owner;   /* "core" or a plugin slug, named in clash messages */
    const char *operation_id; /* for logs and the OpenAPI check; may be NULL */
    /* filled by router_add */
    int nseg;
    char *seg[ROUTE_MAX_SEGMENTS];
};

struct router {
    struct route *routes;
    size_t count, cap;
};

struct path_params {
    int count;
    const char *name[ROUTE_MAX_PARAMS]; /* borrowed from the route */
    char *value[ROUTE_MAX_PARAMS];      /* percent-decoded copies; freed by path_params_free */
};

void router_init(struct router *rt);
void router_free(struct router *rt);
/* Copies spec (strings included). Returns 0, or -1 with err. */
int router_add(struct router *rt, const struct route *spec, char *err, size_t errlen);
/* router_add for each of n routes, stopping at the first refusal. */
int router_add_all(struct router *rt, const struct route *routes, size_t n, char *err, size_t errlen);

enum match_result { MATCH_FOUND, MATCH_NOT_FOUND, MATCH_WRONG_METHOD };
/* Finds the route for method and path (HEAD matches GET). On MATCH_WRONG_METHOD, allow lists
 * the methods the path accepts ("GET, POST"). On MATCH_FOUND, params hold the path values. */
enum match_result router_match(const struct router *rt, const char *method, const char *path,
                               const struct route **out, struct path_params *params,
                               char *allow, size_t allowlen);
void path_params_free(struct path_params *p);

#endif
