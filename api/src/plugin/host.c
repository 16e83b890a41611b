/* The lgvo_host table; see host.h and lgvo/plugin.h. Plugins see struct req as the opaque
 * lgvo_request and PGresult as lgvo_result. */
#include "plugin/host.h"

#include "app.h"
#include "auth/access.h"
#include "auth/authz.h"
#include "core/audit.h"
#include "core/measures.h"
#include "core/population.h"
#include "core/refdata.h"
#include "core/values_push.h"
#include "db/pool.h"
#include "http/req.h"
#include "log.h"
#include "plugin/loader.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>
#include <ulfius.h>

/* A registered plugin route: the plugin's handler and context behind the core's route_fn. */
struct binding {
    lgvo_handler handler;
    void *ctx;
    struct binding *next;
};

static struct app *host_app;
static struct plugin *initialising;
static char problem[512];
static struct binding *bindings;

static void trampoline(struct req *r, void *ctx)
{
    struct binding *b = ctx;
    b->handler((lgvo_request *)r, b->ctx);
}

static void note_problem(const char *msg)
{
    if (!problem[0])
        snprintf(problem, sizeof problem, "%s", msg);
    log_msg(LOG_ERROR, "plugin %s: %s", initialising ? initialising->desc->slug : "?", msg);
}

static int h_route(const char *method, const char *subpath, lgvo_access access, const char *area,
                   lgvo_handler handler, void *ctx, const char *operation_id)
{
    char msg[512];
    if (!initialising) {
        note_problem("host->route may be called only during init");
        return -1;
    }
    if (!subpath || (subpath[0] && subpath[0] != '/') || !handler) {
        snprintf(msg, sizeof msg, "route %s \"%s\": the subpath must be \"\" or start with '/', and a handler is required",
                 method ? method : "?", subpath ? subpath : "(null)");
        note_problem(msg);
        return -1;
    }
    if (access < LGVO_ACCESS_PUBLIC || access > LGVO_ACCESS_COUNTY_ADMIN) {
        snprintf(msg, sizeof msg,
                 "route %s /api/v1/%s%s has no required right: every route must declare one "
                 "(public, authenticated, write:<area>, org_admin, county_admin)",
                 method ? method : "?", initialising->desc->slug, subpath);
        note_problem(msg);
        return -1;
    }
    struct binding *b = xcalloc(1, sizeof *b);
    b->handler = handler;
    b->ctx = ctx;
    b->next = bindings;
    bindings = b;
    char *pattern = xasprintf("/api/v1/%s%s", initialising->desc->slug, subpath);
    struct route spec = {.method = method, .pattern = pattern, .fn = trampoline, .ctx = b,
                         .access = (enum access)access, .area = area,
                         .owner = initialising->desc->slug, .operation_id = operation_id};
    int rc = router_add(&host_app->router, &spec, msg, sizeof msg);
    free(pattern);
    if (rc != 0)
        note_problem(msg);
    return rc;
}

static int h_define_measure(const lgvo_measure_def *def)
{
    char msg[512];
    if (!initialising) {
        note_problem("host->define_measure may be called only during init");
        return -1;
    }
    if (measures_define(host_app->measures, initialising->desc->area, def, msg, sizeof msg) != 0) {
        note_problem(msg);
        return -1;
    }
    return 0;
}

static struct req *R(lgvo_request *req)
{
    return (struct req *)req;
}

static const char *h_param(lgvo_request *req, const char *name)
{
    return req_param(R(req), name);
}

static const char *h_query(lgvo_request *req, const char *name)
{
    return req_query(R(req), name);
}

static const char *h_header(lgvo_request *req, const char *name)
{
    return req_header(R(req), name);
}

static json_t *h_body(lgvo_request *req)
{
    return req_body_json(R(req));
}

static void h_caller(lgvo_request *req, lgvo_caller *out)
{
    const struct identity *who = &R(req)->who;
    lgvo_caller c = {
        .struct_size = sizeof c,
        .authenticated = who->kind != IDENTITY_ANONYMOUS,
        .subject = who->kind ? who->subject : NULL,
        .principal = who->kind ? who->principal : NULL,
        .principal_id = who->principal_id,
        .principal_is_region = who->principal_is_region,
        .roles = who->roles,
        .area_mask = who->area_mask,
    };
    /* Copy only what the plugin's struct can hold. */
    size_t n = out->struct_size && out->struct_size < sizeof c ? out->struct_size : sizeof c;
    memcpy(out, &c, n);
}

static const char *h_request_id(lgvo_request *req)
{
    return R(req)->id;
}

static void h_reply_json(lgvo_request *req, int status, json_t *body)
{
    reply_json(R(req), status, body);
}

static void h_reply_error(lgvo_request *req, int status, const char *code, const char *message,
                          json_t *details)
{
    reply_error_details(R(req), status, code, details, "%s", message ? message : "error");
}

static lgvo_result *h_sql(lgvo_request *req, const char *sql, int nparams,
                          const char *const *params)
{
    struct req *r = R(req);
    if (req_begin(r) != 0)
        return NULL;
    return (lgvo_result *)req_sql_ok(r, sql, nparams, params);
}

static int h_result_rows(const lgvo_result *res)
{
    return PQntuples((const PGresult *)res);
}

static int h_result_affected(const lgvo_result *res)
{
    return atoi(PQcmdTuples((PGresult *)res));
}

static const char *h_result_value(const lgvo_result *res, int row, int col)
{
    const PGresult *r = (const PGresult *)res;
    if (row < 0 || row >= PQntuples(r) || col < 0 || col >= PQnfields(r) ||
        PQgetisnull(r, row, col))
        return NULL;
    return PQgetvalue(r, row, col);
}

static void h_result_free(lgvo_result *res)
{
    PQclear((PGresult *)res);
}

static int h_can_write(lgvo_request *req, const char *principal, const char *area, int on_behalf)
{
    struct req *r = R(req);
    struct principal p;
    struct area a;
    if (!principal || refdata_principal(r->app->refdata, principal, &p) != 0) {
        reply_error(r, 404, NULL, "no principal '%s'", principal ? principal : "");
        return 0;
    }
    if (!area || refdata_area(r->app->refdata, area, &a) != 0) {
        reply_error(r, 500, NULL, "internal error: unknown area '%s'", area ? area : "");
        return 0;
    }
    struct write_target t = {.principal_id = p.id, .area_id = a.id, .on_behalf = on_behalf};
    enum write_decision d = authz_write(&r->who, &t);
    if (d != WRITE_ALLOWED) {
        access_deny(r, authz_message(d));
        return 0;
    }
    return req_allow_write(r, p.id) == 0;
}

static int h_principal(const char *slug_or_code, lgvo_principal *out)
{
    static _Thread_local struct principal p;
    if (!slug_or_code || refdata_principal(host_app->refdata, slug_or_code, &p) != 0)
        return -1;
    lgvo_principal v = {.struct_size = sizeof v, .id = p.id, .slug = p.slug, .name = p.name,
                        .kind = p.kind, .code = p.code};
    size_t n = out->struct_size && out->struct_size < sizeof v ? out->struct_size : sizeof v;
    memcpy(out, &v, n);
    return 0;
}

static void h_row_error(lgvo_row_errors *errors, size_t index, const char *field, const char *code,
                        const char *message)
{
    push_row_error((struct push_errors *)errors, index, field, code, message);
}

static void h_log(lgvo_log_level level, const char *message)
{
    if (level > LGVO_LOG_ERROR)
        level = LGVO_LOG_ERROR;
    log_msg((enum log_level)level, "plugin: %s", message ? message : "");
}

static int h_population(lgvo_request *req, const char *principal, int year, const char *sex,
                        const char *age_band, long *out)
{
    struct req *r = R(req);
    struct principal p;
    if (!principal || refdata_principal(r->app->refdata, principal, &p) != 0) {
        reply_error(r, 404, NULL, "no principal '%s'", principal ? principal : "");
        return -1;
    }
    if (req_begin(r) != 0)
        return -1;
    return population_lookup(r, p.id, year, sex, age_band, out);
}

static int h_push_values(lgvo_request *req, json_t *values, const char *collection,
                         size_t source_rows, json_t *errors, lgvo_push_result *out)
{
    return values_push_derived(R(req), values, collection, source_rows, errors, out);
}

static void h_push_reply(lgvo_request *req, lgvo_push *push, json_t *extra)
{
    values_push_derived_reply(R(req), push, extra);
}

static json_t *h_query_names(lgvo_request *req)
{
    json_t *names = json_array();
    const char **keys = u_map_enum_keys(R(req)->http->map_url);
    for (int i = 0; keys && keys[i]; i++) {
        json_t *name = json_string(keys[i]); /* NULL for a name that is not UTF-8 */
        json_array_append_new(names, name ? name : json_string("\xef\xbf\xbd"));
    }
    return names;
}

static void h_set_header(lgvo_request *req, const char *name, const char *value)
{
    if (name && value)
        req_set_header(R(req), name, value);
}

static int h_may_write(lgvo_request *req, const char *principal, const char *area, int on_behalf)
{
    struct req *r = R(req);
    struct principal p;
    struct area a;
    if (!principal || refdata_principal(r->app->refdata, principal, &p) != 0) {
        reply_error(r, 404, NULL, "no principal '%s'", principal ? principal : "");
        return -1;
    }
    if (!area || refdata_area(r->app->refdata, area, &a) != 0) {
        reply_error(r, 500, NULL, "internal error: unknown area '%s'", area ? area : "");
        return -1;
    }
    struct write_target t = {.principal_id = p.id, .area_id = a.id, .on_behalf = on_behalf};
    if (authz_write(&r->who, &t) != WRITE_ALLOWED)
        return 0;
    return req_allow_write(r, p.id) == 0 ? 1 : -1;
}

static int h_audit(lgvo_request *req, const char *action, const char *principal,
                   const char *target, json_t *details)
{
    struct req *r = R(req);
    if (!action) {
        json_decref(details);
        reply_error(r, 500, NULL, "internal error: an audit event needs an action");
        return -1;
    }
    if (req_begin(r) != 0) {
        json_decref(details);
        return -1;
    }
    struct audit_event e = {.action = action, .principal = principal, .target = target,
                            .details = details};
    return audit_write(r, &e);
}

static const lgvo_host table = {
    .struct_size = sizeof(lgvo_host),
    .abi_major = LGVO_PLUGIN_ABI_MAJOR,
    .abi_minor = LGVO_PLUGIN_ABI_MINOR,
    .route = h_route,
    .define_measure = h_define_measure,
    .param = h_param,
    .query = h_query,
    .header = h_header,
    .body = h_body,
    .caller = h_caller,
    .request_id = h_request_id,
    .reply_json = h_reply_json,
    .reply_error = h_reply_error,
    .sql = h_sql,
    .result_rows = h_result_rows,
    .result_affected = h_result_affected,
    .result_value = h_result_value,
    .result_free = h_result_free,
    .can_write = h_can_write,
    .principal = h_principal,
    .row_error = h_row_error,
    .log = h_log,
    .population = h_population,
    .push_values = h_push_values,
    .push_reply = h_push_reply,
    .query_names = h_query_names,
    .set_header = h_set_header,
    .may_write = h_may_write,
    .audit = h_audit,
};

const lgvo_host *host_table(void)
{
    return &table;
}

void host_begin_init(struct app *app, struct plugin *p)
{
    host_app = app;
    initialising = p;
    problem[0] = '\0';
}

const char *host_end_init(void)
{
    initialising = NULL;
    return problem[0] ? problem : NULL;
}

void host_free(void)
{
    while (bindings) {
        struct binding *next = bindings->next;
        free(bindings);
        bindings = next;
    }
}
