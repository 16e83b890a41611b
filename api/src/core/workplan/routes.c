/* The work plan's routes and who may call them: driver diagrams (read by anyone signed in,
 * edited by county_admin), PDSA cycles (recorded by the principals themselves: the handlers
 * apply the shared write decision per principal), progress, the primary-care plan and the
 * agreements. See docs/workplan-api.md. */
#include "app.h"
#include "core/routes.h"
#include "core/workplan/handlers.h"
#include "http/params.h"

#include <string.h>

/* The writes take no query parameters. One sent anyway is a 400 rather than ignored: a PATCH
 * of an item key with ?period=2026-2027 would otherwise change the current period's item. */
struct write_handler {
    route_fn fn;
};

static void without_query(struct req *r, void *ctx)
{
    struct query_params q;
    query_params_init(&q, r);
    if (!query_params_failed(&q))
        ((const struct write_handler *)ctx)->fn(r, NULL);
}

int workplan_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        /* periods */
        {.method = "GET", .pattern = "/api/v1/workplan/periods", .fn = workplan_list_periods,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listWorkplanPeriods"},
        {.method = "POST", .pattern = "/api/v1/workplan/periods", .fn = workplan_create_period,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createWorkplanPeriod"},
        /* reading the diagrams */
        {.method = "GET", .pattern = "/api/v1/areas/:slug/diagram", .fn = workplan_get_diagram,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getAreaDiagram"},
        {.method = "GET", .pattern = "/api/v1/areas/:slug/progress", .fn = workplan_get_progress,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getAreaProgress"},
        {.method = "GET", .pattern = "/api/v1/subgoals/:id", .fn = workplan_get_subgoal,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getSubgoal"},
        {.method = "GET", .pattern = "/api/v1/activities/:id", .fn = workplan_get_activity,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getActivity"},
        {.method = "GET", .pattern = "/api/v1/measure-items/:id", .fn = workplan_get_measure_item,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getMeasureItem"},
        /* editing the diagrams */
        {.method = "POST", .pattern = "/api/v1/subgoals", .fn = workplan_create_subgoal,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createSubgoal"},
        {.method = "PATCH", .pattern = "/api/v1/subgoals/:id", .fn = workplan_update_subgoal,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "updateSubgoal"},
        {.method = "POST", .pattern = "/api/v1/activities", .fn = workplan_create_activity,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createActivity"},
        {.method = "PATCH", .pattern = "/api/v1/activities/:id", .fn = workplan_update_activity,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "updateActivity"},
        {.method = "POST", .pattern = "/api/v1/measure-items", .fn = workplan_create_measure_item,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createMeasureItem"},
        {.method = "PATCH", .pattern = "/api/v1/measure-items/:id", .fn = workplan_update_measure_item,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "updateMeasureItem"},
        /* PDSA cycles: the handlers decide per principal (auth/authz.h authz_write) */
        {.method = "GET", .pattern = "/api/v1/activities/:id/pdsa", .fn = workplan_list_pdsa,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listActivityPdsa"},
        {.method = "POST", .pattern = "/api/v1/activities/:id/pdsa", .fn = workplan_create_pdsa,
         .access = ACCESS_AUTHENTICATED, .operation_id = "createPdsaCycle"},
        {.method = "GET", .pattern = "/api/v1/pdsa/:id", .fn = workplan_get_pdsa,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getPdsaCycle"},
        {.method = "PATCH", .pattern = "/api/v1/pdsa/:id", .fn = workplan_advance_pdsa,
         .access = ACCESS_AUTHENTICATED, .operation_id = "advancePdsaCycle"},
        {.method = "POST", .pattern = "/api/v1/pdsa/:id/participants", .fn = workplan_join_pdsa,
         .access = ACCESS_AUTHENTICATED, .operation_id = "joinPdsaCycle"},
        /* the primary-care plan */
        {.method = "GET", .pattern = "/api/v1/primary-care-plan", .fn = workplan_get_primary_care_plan,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getPrimaryCarePlan"},
        /* agreements */
        {.method = "GET", .pattern = "/api/v1/agreements", .fn = workplan_list_agreements,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listAgreements"},
        {.method = "POST", .pattern = "/api/v1/agreements", .fn = workplan_create_agreement,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "createAgreement"},
        {.method = "GET", .pattern = "/api/v1/agreements/:id", .fn = workplan_get_agreement,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getAgreement"},
        {.method = "PATCH", .pattern = "/api/v1/agreements/:id", .fn = workplan_update_agreement,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "updateAgreement"},
        {.method = "POST", .pattern = "/api/v1/agreements/:id/follow-ups", .fn = workplan_report_follow_up,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "reportAgreementFollowUp"},
    };
    static struct write_handler writes[sizeof routes / sizeof routes[0]];
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(routes[i].method, "GET") != 0) {
            writes[i].fn = routes[i].fn;
            routes[i].fn = without_query;
            routes[i].ctx = &writes[i];
        }
        if (router_add(&app->router, &routes[i], err, errlen) != 0)
            return -1;
    }
    return 0;
}
