/* http/router.c: adding routes (access rules, malformed patterns, clashes) and matching
 * request paths (parameters, percent-decoding, HEAD, 405 Allow lists, precedence). */
#include "check.h"
#include "http/router.h"

static void handler(struct req *r, void *ctx)
{
    (void)r;
    (void)ctx;
}

/* A public route whose operation_id names it, so tests can tell which route matched. */
#define ROUTE(m, p, id)                                                                        \
    ((struct route){.method = (m), .pattern = (p), .fn = handler, .access = ACCESS_PUBLIC,    \
                    .operation_id = (id)})

static char err[512];

static int add(struct router *rt, struct route spec)
{
    err[0] = '\0';
    return router_add(rt, &spec, err, sizeof err);
}

/* The operation_id of the route method+path finds, or NULL; params are not kept. */
static const char *found(const struct router *rt, const char *method, const char *path)
{
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64];
    if (router_match(rt, method, path, &r, &pp, allow, sizeof allow) != MATCH_FOUND)
        return NULL;
    path_params_free(&pp);
    return r->operation_id;
}

/* The single parameter value method+path yields, or NULL when the path does not match. */
static char value[64];
static const char *param(const struct router *rt, const char *path)
{
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64];
    if (router_match(rt, "GET", path, &r, &pp, allow, sizeof allow) != MATCH_FOUND)
        return NULL;
    snprintf(value, sizeof value, "%s", pp.count == 1 ? pp.value[0] : "(count != 1)");
    path_params_free(&pp);
    return value;
}

TEST(literal_route_matches_its_path_only)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    CHECK_STR(found(&rt, "GET", "/api/v1/areas"), "areas");
    CHECK(found(&rt, "GET", "/api/v1/area") == NULL);
    CHECK(found(&rt, "GET", "/api/v1") == NULL);
    CHECK(found(&rt, "GET", "/api/v1/areas/x") == NULL);
    router_free(&rt);
}

TEST(parameter_routes_capture_named_values)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/principals/:slug/grants/:area", "grant")) == 0);
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64];
    CHECK(router_match(&rt, "GET", "/api/v1/principals/kommun-a/grants/water", &r, &pp, allow,
                       sizeof allow) == MATCH_FOUND);
    CHECK(pp.count == 2);
    if (pp.count == 2) {
        CHECK_STR(pp.name[0], "slug");
        CHECK_STR(pp.value[0], "kommun-a");
        CHECK_STR(pp.name[1], "area");
        CHECK_STR(pp.value[1], "water");
    }
    path_params_free(&pp);
    router_free(&rt);
}

TEST(parameters_are_percent_decoded)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/places/:name", "place")) == 0);
    CHECK_STR(param(&rt, "/places/%C3%85re"), "\xC3\x85re"); /* "Åre" */
    CHECK_STR(param(&rt, "/places/%c3%a5"), "\xC3\xA5");     /* lower-case hex, "å" */
    CHECK_STR(param(&rt, "/places/a%20b%2Fc"), "a b/c");
    router_free(&rt);
}

TEST(trailing_slash_is_ignored)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    CHECK_STR(found(&rt, "GET", "/api/v1/areas/"), "areas");
    router_free(&rt);
}

TEST(head_matches_get)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    CHECK_STR(found(&rt, "HEAD", "/api/v1/areas"), "areas");
    router_free(&rt);
}

TEST(wrong_method_lists_the_allowed_methods)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "list")) == 0);
    CHECK(add(&rt, ROUTE("POST", "/api/v1/areas", "create")) == 0);
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64] = "";
    CHECK(router_match(&rt, "DELETE", "/api/v1/areas", &r, &pp, allow, sizeof allow) ==
          MATCH_WRONG_METHOD);
    CHECK_STR(allow, "GET, HEAD, POST");
    CHECK(pp.count == 0);
    router_free(&rt);
}

/* GET /measures/series is served by the :slug route, so a 405 there must allow GET too. */
TEST(allow_list_includes_methods_served_by_a_parameter_route)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/measures/:slug", "get")) == 0);
    CHECK(add(&rt, ROUTE("POST", "/measures/series", "series")) == 0);
    CHECK_STR(found(&rt, "GET", "/measures/series"), "get");
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64] = "";
    CHECK(router_match(&rt, "DELETE", "/measures/series", &r, &pp, allow, sizeof allow) ==
          MATCH_WRONG_METHOD);
    CHECK_STR(allow, "GET, HEAD, POST");
    router_free(&rt);
}

TEST(unknown_path_is_not_found)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    const struct route *r = NULL;
    struct path_params pp;
    char allow[64];
    CHECK(router_match(&rt, "GET", "/api/v1/nothing", &r, &pp, allow, sizeof allow) ==
          MATCH_NOT_FOUND);
    CHECK(router_match(&rt, "POST", "/api/v1/nothing", &r, &pp, allow, sizeof allow) ==
          MATCH_NOT_FOUND);
    router_free(&rt);
}

TEST(literal_beats_parameter_at_the_same_position)
{
    struct router rt;
    router_init(&rt);
    /* The parameter route is added first, so the order of adding does not decide. */
    CHECK(add(&rt, ROUTE("GET", "/api/v1/measures/:slug", "measure")) == 0);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/measures/series", "series")) == 0);
    CHECK_STR(found(&rt, "GET", "/api/v1/measures/series"), "series");
    CHECK_STR(found(&rt, "GET", "/api/v1/measures/nitrogen"), "measure");
    router_free(&rt);
}

TEST(the_earlier_literal_wins_between_partial_matches)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/a/:x/c", "late")) == 0);
    CHECK(add(&rt, ROUTE("GET", "/a/b/:y", "early")) == 0);
    CHECK_STR(found(&rt, "GET", "/a/b/c"), "early");
    CHECK_STR(found(&rt, "GET", "/a/z/c"), "late");
    router_free(&rt);
}

TEST(clash_of_the_same_shape_is_refused_naming_both)
{
    struct router rt;
    router_init(&rt);
    struct route first = ROUTE("GET", "/api/v1/areas/:slug", "a");
    struct route second = ROUTE("GET", "/api/v1/areas/:id", "b");
    second.owner = "water";
    CHECK(add(&rt, first) == 0);
    CHECK(add(&rt, second) == -1);
    CHECK(strstr(err, "/api/v1/areas/:slug") && strstr(err, "/api/v1/areas/:id"));
    CHECK(strstr(err, "core") && strstr(err, "water"));
    /* Another method or another literal is no clash. */
    CHECK(add(&rt, ROUTE("PUT", "/api/v1/areas/:id", "c")) == 0);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas/list", "d")) == 0);
    router_free(&rt);
}

TEST(route_without_access_rule_is_refused)
{
    struct router rt;
    router_init(&rt);
    struct route spec = ROUTE("GET", "/api/v1/secret", "s");
    spec.access = ACCESS_UNSET;
    CHECK(add(&rt, spec) == -1);
    CHECK(strstr(err, "required right") != NULL);
    CHECK(found(&rt, "GET", "/api/v1/secret") == NULL);
    router_free(&rt);
}

TEST(write_area_route_needs_an_area)
{
    struct router rt;
    router_init(&rt);
    struct route spec = ROUTE("POST", "/api/v1/water", "w");
    spec.access = ACCESS_WRITE_AREA;
    CHECK(add(&rt, spec) == -1);
    spec.area = "";
    CHECK(add(&rt, spec) == -1);
    spec.area = "water";
    CHECK(add(&rt, spec) == 0);
    router_free(&rt);
}

TEST(malformed_patterns_are_refused)
{
    const char *bad[] = {"",     "api/v1", "/api//v1", "/:",    "/a b",  "/a/:b:c",
                         "/a?x", "/a/*",   "/%41",     "/1/2/3/4/5/6/7/8/9/10/11/12/13",
                         "/:a/:b/:c/:d/:e/:f/:g"};
    struct router rt;
    router_init(&rt);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (add(&rt, ROUTE("GET", bad[i], "x")) != -1)
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]), check_failures++;
    }
    CHECK(rt.count == 0);
    CHECK(add(&rt, ROUTE("GET", "/1/2/3/4/5/6/7/8/9/10/11/12", "max")) == 0);
    CHECK(add(&rt, ROUTE("GET", "/:a/:b/:c/:d/:e/:f", "params")) == 0);
    router_free(&rt);
}

TEST(unknown_methods_and_missing_handlers_are_refused)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("HEAD", "/a", "x")) == -1);
    CHECK(add(&rt, ROUTE("get", "/a", "x")) == -1);
    struct route spec = ROUTE("GET", "/a", "x");
    spec.fn = NULL;
    CHECK(add(&rt, spec) == -1);
    CHECK(rt.count == 0);
    router_free(&rt);
}

/* The fields router_add fills must not be trusted from the spec: a refused copy of an added
 * route must not free that route's segments (ASan reports a double free otherwise). */
TEST(refused_spec_does_not_free_segments_it_does_not_own)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    struct route copy = rt.routes[0];
    copy.pattern = "no-leading-slash";
    CHECK(add(&rt, copy) == -1);
    CHECK_STR(found(&rt, "GET", "/api/v1/areas"), "areas");
    router_free(&rt);
}

TEST(router_add_copies_the_spec_strings)
{
    struct router rt;
    router_init(&rt);
    char pattern[] = "/api/v1/areas", method[] = "GET";
    CHECK(add(&rt, ROUTE(method, pattern, "areas")) == 0);
    strcpy(pattern, "/xxx/yy/zzzzz");
    strcpy(method, "PUT");
    CHECK_STR(found(&rt, "GET", "/api/v1/areas"), "areas");
    router_free(&rt);
}

TEST(empty_segments_are_not_found)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/api/v1/areas", "areas")) == 0);
    CHECK(add(&rt, ROUTE("GET", "/api/:x", "param")) == 0);
    CHECK(found(&rt, "GET", "//") == NULL);
    CHECK(found(&rt, "GET", "/api//v1/areas") == NULL);
    CHECK(found(&rt, "GET", "/api/v1//areas") == NULL);
    CHECK(found(&rt, "GET", "/api/v1/areas//") == NULL);
    CHECK(found(&rt, "GET", "/api//") == NULL);
    router_free(&rt);
}

TEST(bad_percent_escapes_are_not_found)
{
    struct router rt;
    router_init(&rt);
    CHECK(add(&rt, ROUTE("GET", "/places/:name", "place")) == 0);
    const char *bad[] = {"/places/%", "/places/a%4", "/places/%zz", "/places/%4g",
                         "/places/%00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (found(&rt, "GET", bad[i]) != NULL)
            fprintf(stderr, "  found \"%s\"\n", bad[i]), check_failures++;
    }
    router_free(&rt);
}

int main(void)
{
    RUN(literal_route_matches_its_path_only);
    RUN(parameter_routes_capture_named_values);
    RUN(parameters_are_percent_decoded);
    RUN(trailing_slash_is_ignored);
    RUN(head_matches_get);
    RUN(wrong_method_lists_the_allowed_methods);
    RUN(allow_list_includes_methods_served_by_a_parameter_route);
    RUN(unknown_path_is_not_found);
    RUN(literal_beats_parameter_at_the_same_position);
    RUN(the_earlier_literal_wins_between_partial_matches);
    RUN(clash_of_the_same_shape_is_refused_naming_both);
    RUN(route_without_access_rule_is_refused);
    RUN(write_area_route_needs_an_area);
    RUN(malformed_patterns_are_refused);
    RUN(unknown_methods_and_missing_handlers_are_refused);
    RUN(refused_spec_does_not_free_segments_it_does_not_own);
    RUN(router_add_copies_the_spec_strings);
    RUN(empty_segments_are_not_found);
    RUN(bad_percent_escapes_are_not_found);
    return check_failures != 0;
}
