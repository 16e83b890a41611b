/* Route table and matching; see router.h. Patterns are split into segments once; a request
 * path is matched segment by segment, and where two routes match (a literal and a parameter
 * at the same place) the one with the earlier literal wins. */
#include "http/router.h"

#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const access_names[] = {"unset", "public", "authenticated", "write:<area>",
                                           "org_admin", "county_admin"};

const char *access_name(enum access a)
{
    return (unsigned)a < sizeof access_names / sizeof access_names[0] ? access_names[a] : "?";
}

void router_init(struct router *rt)
{
    memset(rt, 0, sizeof *rt);
}

static void route_free(struct route *r)
{
    free((char *)r->method);
    free((char *)r->pattern);
    free((char *)r->area);
    free((char *)r->owner);
    free((char *)r->operation_id);
    for (int i = 0; i < r->nseg; i++)
        free(r->seg[i]);
}

void router_free(struct router *rt)
{
    for (size_t i = 0; i < rt->count; i++)
        route_free(&rt->routes[i]);
    free(rt->routes);
    router_init(rt);
}

static int valid_segment(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t start = s[0] == ':' ? 1 : 0;
    if (start == n)
        return 0;
    for (size_t i = start; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return 0;
    }
    return 1;
}

static int split_pattern(struct route *r, char *err, size_t errlen)
{
    const char *p = r->pattern;
    if (p[0] != '/') {
        snprintf(err, errlen, "route %s %s: a pattern must start with '/'", r->method, p);
        return -1;
    }
    r->nseg = 0;
    p++;
    int params = 0;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!valid_segment(p, n) || r->nseg == ROUTE_MAX_SEGMENTS ||
            (p[0] == ':' && ++params > ROUTE_MAX_PARAMS)) {
            snprintf(err, errlen, "route %s %s: malformed pattern", r->method, r->pattern);
            return -1;
        }
        r->seg[r->nseg++] = xstrndup(p, n);
        p += n;
        if (*p == '/')
            p++;
    }
    return 0;
}

static int same_shape(const struct route *a, const struct route *b)
{
    if (a->nseg != b->nseg)
        return 0;
    for (int i = 0; i < a->nseg; i++) {
        int pa = a->seg[i][0] == ':', pb = b->seg[i][0] == ':';
        if (pa != pb || (!pa && strcmp(a->seg[i], b->seg[i]) != 0))
            return 0;
    }
    return 1;
}

int router_add(struct router *rt, const struct route *spec, char *err, size_t errlen)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    int known = 0;
    for (size_t i = 0; i < 5; i++)
        known |= spec->method && strcmp(spec->method, methods[i]) == 0;
    if (!known || !spec->pattern || !spec->fn) {
        snprintf(err, errlen, "route %s %s: method, pattern and handler are required",
                 spec->method ? spec->method : "?", spec->pattern ? spec->pattern : "?");
        return -1;
    }
    if (spec->access <= ACCESS_UNSET || spec->access > ACCESS_COUNTY_ADMIN) {
        snprintf(err, errlen,
                 "route %s %s (%s) has no required right: every route must declare one "
                 "(public, authenticated, write:<area>, org_admin, county_admin)",
                 spec->method, spec->pattern, spec->owner ? spec->owner : "core");
        return -1;
    }
    if (spec->access == ACCESS_WRITE_AREA && (!spec->area || !*spec->area)) {
        snprintf(err, errlen, "route %s %s: write access needs an area", spec->method,
                 spec->pattern);
        return -1;
    }
    struct route r = *spec;
    /* nseg and seg are router_add's to fill: a spec copied from an added route must not
     * make a refused route free segments it does not own. */
    r.nseg = 0;
    memset(r.seg, 0, sizeof r.seg);
    r.method = xstrdup(spec->method);
    r.pattern = xstrdup(spec->pattern);
    r.area = xstrdup(spec->area);
    r.owner = xstrdup(spec->owner ? spec->owner : "core");
    r.operation_id = xstrdup(spec->operation_id);
    if (split_pattern(&r, err, errlen) != 0) {
        route_free(&r);
        return -1;
    }
    for (size_t i = 0; i < rt->count; i++) {
        const struct route *o = &rt->routes[i];
        if (strcmp(o->method, r.method) == 0 && same_shape(o, &r)) {
            snprintf(err, errlen, "route %s %s (%s) clashes with %s %s (%s)", r.method,
                     r.pattern, r.owner, o->method, o->pattern, o->owner);
            route_free(&r);
            return -1;
        }
    }
    if (rt->count == rt->cap) {
        rt->cap = rt->cap ? rt->cap * 2 : 32;
        rt->routes = xrealloc(rt->routes, rt->cap * sizeof *rt->routes);
    }
    rt->routes[rt->count++] = r;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n); returns NULL for a malformed escape or an encoded NUL. */
static char *decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n) {
                free(out);
                return NULL;
            }
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

struct split_path {
    int n;
    const char *seg[ROUTE_MAX_SEGMENTS];
    size_t len[ROUTE_MAX_SEGMENTS];
};

/* Splits a request path; a trailing slash is ignored. Returns -1 for empty segments or too
 * many segments (no route can match those). */
static int split_path(const char *path, struct split_path *sp)
{
    sp->n = 0;
    if (path[0] != '/')
        return -1;
    const char *p = path + 1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || sp->n == ROUTE_MAX_SEGMENTS)
            return -1;
        sp->seg[sp->n] = p;
        sp->len[sp->n++] = n;
        p += n;
        if (*p == '/')
            p++;
    }
    return 0;
}

/* Returns a score > 0 when r matches (earlier literals score higher), 0 otherwise. */
static unsigned match_score(const struct route *r, const struct split_path *sp)
{
    if (r->nseg != sp->n)
        return 0;
    unsigned score = 1;
    for (int i = 0; i < sp->n; i++) {
        score <<= 1;
        if (r->seg[i][0] == ':')
            continue;
        if (strlen(r->seg[i]) != sp->len[i] || memcmp(r->seg[i], sp->seg[i], sp->len[i]) != 0)
            return 0;
        score |= 1;
    }
    return score;
}

enum match_result router_match(const struct router *rt, const char *method, const char *path,
                               const struct route **out, struct path_params *params,
                               char *allow, size_t allowlen)
{
    params->count = 0;
    struct split_path sp;
    if (split_path(path, &sp) != 0)
        return MATCH_NOT_FOUND;
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    const struct route *best = NULL;
    unsigned best_score = 0, any_score = 0;
    for (size_t i = 0; i < rt->count; i++) {
        const struct route *r = &rt->routes[i];
        unsigned s = match_score(r, &sp);
        if (!s)
            continue;
        if (s > any_score)
            any_score = s;
        if (strcmp(r->method, method) == 0 && s > best_score) {
            best = r;
            best_score = s;
        }
    }
    if (!best) {
        if (!any_score)
            return MATCH_NOT_FOUND;
        /* The methods of every route that matches this path: a method served here by a
         * parameter route (GET /x/:slug for /x/series) is allowed as much as a literal one. */
        size_t used = 0;
        allow[0] = '\0';
        for (size_t i = 0; i < rt->count; i++) {
            const struct route *r = &rt->routes[i];
            if (!match_score(r, &sp) || strstr(allow, r->method))
                continue;
            used += (size_t)snprintf(allow + used, used < allowlen ? allowlen - used : 0, "%s%s",
                                     used ? ", " : "", r->method);
            if (strcmp(r->method, "GET") == 0)
                used += (size_t)snprintf(allow + used, used < allowlen ? allowlen - used : 0,
                                         ", HEAD");
        }
        return MATCH_WRONG_METHOD;
    }
    for (int i = 0; i < sp.n; i++) {
        if (best->seg[i][0] != ':')
            continue;
        char *v = decode(sp.seg[i], sp.len[i]);
        if (!v) {
            path_params_free(params);
            return MATCH_NOT_FOUND;
        }
        params->name[params->count] = best->seg[i] + 1;
        params->value[params->count++] = v;
    }
    *out = best;
    return MATCH_FOUND;
}

void path_params_free(struct path_params *p)
{
    for (int i = 0; i < p->count; i++)
        free(p->value[i]);
    p->count = 0;
}

int router_add_all(struct router *rt, const struct route *routes, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (router_add(rt, &routes[i], err, errlen) != 0)
            return -1;
    return 0;
}
