/* psykisk-halsa: a complete, minimal area plugin for a fifth area, "Psykisk hälsa" (mental
 * health). It is the example of docs/plugins.md and is built and loaded by the tests
 * (tests/integration/plugins-example.test.mjs).
 *
 *   GET  /api/v1/psykisk-halsa                        what the plugin is (authenticated)
 *   GET  /api/v1/psykisk-halsa/plans?year=2025        every principal's action plan status
 *   PUT  /api/v1/psykisk-halsa/plans/:principal/:year {"status":"none|draft|adopted"}
 *                                                     (write:psykisk-halsa)
 *
 * It defines two measures, reported through the core's POST /api/v1/values, and checks their
 * values in the validate hook. Its table lives in its own schema, psykisk_halsa
 * (migrations/), and its routes are described in openapi.json. */
#include <lgvo/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREA "psykisk-halsa"

/* The host table, kept from init: it stays valid until shutdown. Nothing else is global. */
static const lgvo_host *host;

/* Defined at the end; the handlers read their own descriptor. */
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

/* GET /api/v1/psykisk-halsa */
static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "slug", lgvo_plugin.slug, "name",
                             lgvo_plugin.name, "version", lgvo_plugin.version, "area",
                             lgvo_plugin.area, "description", lgvo_plugin.description);
    host->reply_json(req, 200, body); /* the host takes the reference */
}

/* GET /api/v1/psykisk-halsa/plans?year=2025 */
static void list_plans(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *year = host->query(req, "year"); /* borrowed; NULL when absent */
    /* Check what the caller typed before it reaches SQL: a query parameter that is not a year
     * is the caller's mistake (400), not data the database refuses. */
    if (year && (strlen(year) != 4 || strspn(year, "0123456789") != 4)) {
        host->reply_error(req, 400, "invalid_query", "year must be a year such as 2025", NULL);
        return;
    }
    const char *params[] = {year};
    /* Parameters, never string building: year is the caller's text. */
    lgvo_result *r = host->sql(req,
                               "SELECT p.slug, x.year, x.status, x.updated_at"
                               " FROM psykisk_halsa.plans x JOIN core.principals p ON p.id = x.principal_id"
                               " WHERE $1::integer IS NULL OR x.year = $1::integer"
                               " ORDER BY p.sort_order, x.year",
                               1, params);
    if (!r)
        return; /* the host has replied (e.g. 503 when the database is away) */
    json_t *items = json_array();
    for (int i = 0; i < host->result_rows(r); i++)
        json_array_append_new(items, json_pack("{s:s, s:i, s:s, s:s}",
                                               "principal", host->result_value(r, i, 0),
                                               "year", atoi(host->result_value(r, i, 1)),
                                               "status", host->result_value(r, i, 2),
                                               "updated_at", host->result_value(r, i, 3)));
    host->result_free(r); /* the values above were copied by json_pack */
    host->reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* PUT /api/v1/psykisk-halsa/plans/:principal/:year {"status": "adopted"} */
static void put_plan(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *principal = host->param(req, "principal"); /* slug or code, e.g. 0583 */
    const char *year = host->param(req, "year");
    json_t *body = host->body(req); /* borrowed; NULL after the host replied 400/415 */
    if (!body)
        return;
    const char *status = json_string_value(json_object_get(body, "status"));
    if (!status || (strcmp(status, "none") && strcmp(status, "draft") && strcmp(status, "adopted"))) {
        host->reply_error(req, 422, "validation_failed", "status must be none, draft or adopted",
                          json_pack("[{s:s, s:s}]", "path", "/status", "message",
                                    "must be none, draft or adopted"));
        return;
    }
    /* The route's right (write:psykisk-halsa) says the caller may write in this area; whose
     * data is another question. can_write answers it as the core does, and allows this
     * principal's rows for row-level security in this request's transaction. */
    if (!host->can_write(req, principal, AREA, 0))
        return; /* the host replied 403 (or 404 for an unknown principal) */
    lgvo_principal p = {.struct_size = sizeof p};
    if (host->principal(principal, &p) != 0) { /* cannot happen after can_write said yes */
        host->reply_error(req, 404, NULL, "no such principal", NULL);
        return;
    }
    lgvo_caller who = {.struct_size = sizeof who};
    host->caller(req, &who);
    char id[16];
    snprintf(id, sizeof id, "%d", p.id);
    const char *params[] = {id, year, status, who.subject};
    lgvo_result *r = host->sql(req,
                               "INSERT INTO psykisk_halsa.plans (principal_id, year, status, updated_by)"
                               " VALUES ($1::smallint, $2::integer, $3, $4)"
                               " ON CONFLICT (principal_id, year) DO UPDATE"
                               " SET status = EXCLUDED.status, updated_by = EXCLUDED.updated_by,"
                               " updated_at = now()"
                               " RETURNING year, status, updated_at",
                               4, params);
    if (!r)
        return; /* e.g. 422 for a year the table's CHECK refuses; nothing is kept */
    json_t *plan = json_pack("{s:s, s:i, s:s, s:s}", "principal", p.slug, "year",
                             atoi(host->result_value(r, 0, 0)), "status",
                             host->result_value(r, 0, 1), "updated_at",
                             host->result_value(r, 0, 2));
    host->result_free(r);
    host->reply_json(req, 200, plan); /* below 400: the host commits */
}

/* The validate hook: called during POST /api/v1/values with this area's rows that passed the
 * core's checks (measure, principal, period, type, min/max, the write decision). */
static int validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    (void)state;
    for (size_t i = 0; i < count; i++) {
        const lgvo_value_row *row = &rows[i];
        if (strcmp(row->measure, AREA ".bup-wait-days") == 0 && row->has_value &&
            row->value > 365)
            host->row_error(errors, row->index, "value", "implausible",
                            "a median wait of more than a year is implausible; check the figure");
    }
    return 0;
}

static int init(const lgvo_host *h, void **state)
{
    host = h;
    *state = NULL; /* handed to validate and shutdown; this plugin keeps nothing */

    /* Measures are stored by the core (core.measures) and pushed through /api/v1/values.
     * Strings are Swedish (title) and English; unset numbers and flags are 0. */
    const lgvo_measure_def wait_days = {
        .struct_size = sizeof wait_days,
        .slug = AREA ".bup-wait-days",
        .title = "Median väntetid till första besök i barn- och ungdomspsykiatrin",
        .title_en = "Median wait for a first visit to child and adolescent psychiatry",
        .kind = "indicator",
        .unit = "days",
        .period_type = "month",
        .direction = "lower_is_better",
        .has_min = 1,
        .min = 0,
        .reported_by = "region",
        .on_behalf = 1, /* the region reports it for every municipality */
        .description = "Median number of days from referral to the first visit, by "
                       "municipality of residence.",
    };
    const lgvo_measure_def plan = {
        .struct_size = sizeof plan,
        .slug = AREA ".suicide-prevention-plan",
        .title = "Handlingsplan för suicidprevention antagen",
        .title_en = "Suicide-prevention action plan adopted",
        .kind = "milestone",
        .unit = "boolean",
        .period_type = "year",
        .direction = "higher_is_better",
        .reported_by = "both",
    };
    /* Every route declares its right; a route without one stops start-up. */
    if (h->define_measure(&wait_days) != 0 || h->define_measure(&plan) != 0 ||
        h->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getPsykiskHalsaPlugin") != 0 ||
        h->route("GET", "/plans", LGVO_ACCESS_AUTHENTICATED, NULL, list_plans, NULL, "listPsykiskHalsaPlans") != 0 ||
        h->route("PUT", "/plans/:principal/:year", LGVO_ACCESS_WRITE_AREA, AREA, put_plan, NULL,
                 "putPsykiskHalsaPlan") != 0)
        return 1; /* the host has logged why */
    return 0;
}

/* The one exported symbol. */
LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Psykisk hälsa",
    .slug = "psykisk-halsa",
    .version = "1.0.0",
    .description = "Mental health: the principals' suicide-prevention action plans and waiting "
                   "times in child and adolescent psychiatry.",
    .area = AREA,
    .migrations_dir = "psykisk-halsa/migrations",
    .openapi_path = "psykisk-halsa/openapi.json",
    .init = init,
    .validate = validate,
};
