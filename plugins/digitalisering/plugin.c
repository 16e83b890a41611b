/* Area plugin "Digitalisering" (digitalisering): digitalisation across the other areas. The
 * age-based areas raise needs and obstacles into one gross list, LGVO prioritises it jointly
 * in rounds (one ballot per principal, Borda count), tests joint solutions in PDSA chains of
 * the work plan, maps what is already under way (the baseline) and follows the vital few
 * measures in a value compass. See README.md beside this file.
 *
 *   GET   /api/v1/digitalisering                         what the plugin is
 *   GET   /api/v1/digitalisering/needs[/:id]             the gross list
 *   POST  /api/v1/digitalisering/needs                   propose (a reporter, county_admin)
 *   PATCH /api/v1/digitalisering/needs/:id               curate (county_admin)
 *   POST  /api/v1/digitalisering/needs/:id/merge         merge duplicates (county_admin)
 *   GET   /api/v1/digitalisering/rounds[/:id]            prioritisation rounds
 *   POST  /api/v1/digitalisering/rounds                  open a round (county_admin)
 *   PATCH /api/v1/digitalisering/rounds/:id              change or close it (county_admin)
 *   PUT   /api/v1/digitalisering/rounds/:id/ballots/:principal   a principal's ballot
 *   GET   /api/v1/digitalisering/rounds/:id/ballots/:principal
 *   GET   /api/v1/digitalisering/rounds/:id/result       the joint order, after closing
 *   GET   /api/v1/digitalisering/tests[/:id]             tests of joint solutions
 *   POST  /api/v1/digitalisering/tests                   start a test (county_admin)
 *   PATCH /api/v1/digitalisering/tests/:id               end it (county_admin)
 *   GET   /api/v1/digitalisering/initiatives             the baseline mapping
 *   POST  /api/v1/digitalisering/initiatives             map initiatives (write:digitalisering)
 *   DELETE /api/v1/digitalisering/initiatives/:id        remove one (write:digitalisering)
 *   GET   /api/v1/digitalisering/value-compass           the vital few, in one call
 *   PUT   /api/v1/digitalisering/value-compass           choose them (county_admin)
 */
#include "digi.h"
#include "plugin_common.h"

#include <stddef.h>
#include <string.h>

const lgvo_host *dg_host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    if (!dg_query_none(req))
        plugin_reply_about(dg_host, req, &lgvo_plugin);
}

/* The host calls used beyond the first ones of ABI 1.0: query_names (strict query strings),
 * set_header (Location), may_write (which grant approves a proposal) and audit. */
static int host_complete(const lgvo_host *h)
{
    return h->struct_size >= offsetof(lgvo_host, audit) + sizeof h->audit && h->query_names &&
           h->set_header && h->may_write && h->audit;
}

/* 1 when d is a whole number (any double beyond 2^53 is one). */
static int whole(double d)
{
    if (d > 9e15 || d < -9e15)
        return 1;
    return (double)(long long)d == d;
}

/* The validate hook: the counts of the area (ongoing initiatives, tests run) count things, so
 * their values are whole numbers, whoever pushes them. */
static int validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    (void)state;
    for (size_t i = 0; i < count; i++) {
        const lgvo_value_row *r = &rows[i];
        if (!r->measure || !r->has_value || whole(r->value))
            continue;
        if (strcmp(r->measure, DG_M_INITIATIVES) == 0 || strcmp(r->measure, DG_M_TESTS_RUN) == 0)
            dg_host->row_error(errors, r->index, "value", "not_a_count",
                               "this measure counts initiatives or tests: the value must be a whole number");
    }
    return 0;
}

struct route {
    const char *method, *subpath;
    lgvo_access access;
    lgvo_handler handler;
    const char *operation_id;
};

/* Routes open to any caller check further in the handler: proposing a need (a reporter
 * granted the area or an area the need concerns) and ballots (the principal's org_admin or a
 * reporter granted digitalisering). */
static const struct route routes[] = {
    {"GET", "", LGVO_ACCESS_AUTHENTICATED, about, "getDigitaliseringPlugin"},
    {"GET", "/needs", LGVO_ACCESS_AUTHENTICATED, dg_needs_list, "listDigitaliseringNeeds"},
    {"POST", "/needs", LGVO_ACCESS_AUTHENTICATED, dg_need_create, "createDigitaliseringNeed"},
    {"GET", "/needs/:id", LGVO_ACCESS_AUTHENTICATED, dg_need_get, "getDigitaliseringNeed"},
    {"PATCH", "/needs/:id", LGVO_ACCESS_COUNTY_ADMIN, dg_need_patch, "patchDigitaliseringNeed"},
    {"POST", "/needs/:id/merge", LGVO_ACCESS_COUNTY_ADMIN, dg_need_merge, "mergeDigitaliseringNeeds"},
    {"GET", "/rounds", LGVO_ACCESS_AUTHENTICATED, dg_rounds_list, "listDigitaliseringRounds"},
    {"POST", "/rounds", LGVO_ACCESS_COUNTY_ADMIN, dg_round_create, "createDigitaliseringRound"},
    {"GET", "/rounds/:id", LGVO_ACCESS_AUTHENTICATED, dg_round_get, "getDigitaliseringRound"},
    {"PATCH", "/rounds/:id", LGVO_ACCESS_COUNTY_ADMIN, dg_round_patch, "patchDigitaliseringRound"},
    {"PUT", "/rounds/:id/ballots/:principal", LGVO_ACCESS_AUTHENTICATED, dg_ballot_put, "putDigitaliseringBallot"},
    {"GET", "/rounds/:id/ballots/:principal", LGVO_ACCESS_AUTHENTICATED, dg_ballot_get, "getDigitaliseringBallot"},
    {"GET", "/rounds/:id/result", LGVO_ACCESS_AUTHENTICATED, dg_round_result, "getDigitaliseringRoundResult"},
    {"GET", "/tests", LGVO_ACCESS_AUTHENTICATED, dg_tests_list, "listDigitaliseringTests"},
    {"POST", "/tests", LGVO_ACCESS_COUNTY_ADMIN, dg_test_create, "createDigitaliseringTest"},
    {"GET", "/tests/:id", LGVO_ACCESS_AUTHENTICATED, dg_test_get, "getDigitaliseringTest"},
    {"PATCH", "/tests/:id", LGVO_ACCESS_COUNTY_ADMIN, dg_test_patch, "patchDigitaliseringTest"},
    {"GET", "/initiatives", LGVO_ACCESS_AUTHENTICATED, dg_initiatives_list, "listDigitaliseringInitiatives"},
    {"POST", "/initiatives", LGVO_ACCESS_WRITE_AREA, dg_initiatives_push, "pushDigitaliseringInitiatives"},
    {"DELETE", "/initiatives/:id", LGVO_ACCESS_WRITE_AREA, dg_initiative_delete, "deleteDigitaliseringInitiative"},
    {"GET", "/value-compass", LGVO_ACCESS_AUTHENTICATED, dg_compass_get, "getDigitaliseringValueCompass"},
    {"PUT", "/value-compass", LGVO_ACCESS_COUNTY_ADMIN, dg_compass_put, "putDigitaliseringValueCompass"},
};

static int init(const lgvo_host *h, void **state)
{
    dg_host = h;
    *state = NULL; /* nothing kept between requests */
    if (!host_complete(h)) {
        h->log(LGVO_LOG_ERROR, "digitalisering: the host lacks query_names, set_header, may_write or audit; upgrade the service");
        return 1;
    }
    if (dg_define_measures(h) != 0)
        return 1; /* the host logged why */
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *r = &routes[i];
        const char *area = r->access == LGVO_ACCESS_WRITE_AREA ? DG_AREA : NULL;
        if (h->route(r->method, r->subpath, r->access, area, r->handler, NULL, r->operation_id) != 0)
            return 1;
    }
    return 0;
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Digitalisering",
    .slug = "digitalisering",
    .version = "1.0.0",
    .description = "Digitalisation: the joint list of needs and obstacles, prioritisation rounds, tests of joint solutions, the baseline mapping and the value compass.",
    .area = DG_AREA,
    .migrations_dir = "digitalisering/migrations",
    .openapi_path = "digitalisering/openapi.json",
    .init = init,
    .validate = validate,
};
