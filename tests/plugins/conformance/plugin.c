/* Conformance test plugin (tests/integration/plugins-conformance.test.mjs and
 * plugins-concurrency.test.mjs). It calls every function of the lgvo_host table of ABI 1.0 and
 * answers with what it saw, so that the tests judge the host from outside:
 *
 *   routes     one per access level (public, authenticated, write:conformance, org_admin,
 *              county_admin), each handed its own ctx
 *   request    param, query, header, body, caller, request_id
 *   replies    reply_json, reply_error (with and without a code, with details)
 *   database   sql, result_rows, result_affected, result_value, result_free, inside the
 *              request's transaction (insert, then fail: nothing kept)
 *   authz      can_write (allowed, refused, unknown principal), principal lookups
 *   values     define_measure in init; the validate hook records row_error; push_values
 *              and push_reply for values derived from the plugin's own rows
 *   other      log (every level), population, registration outside init (refused)
 *
 * It serves an area of its own, "conformance", which its migration adds: a plugin must serve
 * an existing area, and each area is served by one plugin only. */
#include "lgvo/plugin.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AREA "conformance"
#define STATE_MAGIC 0xC0FFEEu

static const lgvo_host *host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

/* Set up in init; afterwards only the atomic counter changes. */
struct state {
    unsigned magic;
    atomic_long computed; /* GET /compute/:n calls */
};
static struct state the_state;

/* json_pack returns NULL for a string that is not valid UTF-8; never hand NULL to reply_json. */
static void reply(lgvo_request *req, int status, json_t *body)
{
    if (!body) {
        host->reply_error(req, 500, NULL, "conformance: could not build the answer", NULL);
        return;
    }
    host->reply_json(req, status, body);
}

static json_t *caller_json(lgvo_request *req)
{
    lgvo_caller c = {.struct_size = sizeof c};
    host->caller(req, &c);
    char mask[24];
    snprintf(mask, sizeof mask, "%llu", (unsigned long long)c.area_mask);
    return json_pack("{s:b, s:s?, s:s?, s:i, s:b, s:I, s:s}", "authenticated", c.authenticated,
                     "subject", c.subject, "principal", c.principal, "principal_id",
                     c.principal_id, "principal_is_region", c.principal_is_region, "roles",
                     (json_int_t)c.roles, "area_mask", mask);
}

/* GET "" : what the plugin is, with the host's ABI version. */
static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char abi[16], host_abi[16];
    snprintf(abi, sizeof abi, "%u.%u", (unsigned)lgvo_plugin.abi_major, (unsigned)lgvo_plugin.abi_minor);
    snprintf(host_abi, sizeof host_abi, "%u.%u", (unsigned)host->abi_major, (unsigned)host->abi_minor);
    reply(req, 200,
          json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "slug", lgvo_plugin.slug, "name",
                    lgvo_plugin.name, "version", lgvo_plugin.version, "area", lgvo_plugin.area,
                    "description", lgvo_plugin.description, "abi_version", abi,
                    "host_abi_version", host_abi, "host_struct_size",
                    (json_int_t)host->struct_size));
}

/* One route per access level; ctx names the route. */
static void who(lgvo_request *req, void *ctx)
{
    reply(req, 200,
          json_pack("{s:s, s:o, s:s}", "route", (const char *)ctx, "caller", caller_json(req),
                    "request_id", host->request_id(req)));
}

/* GET /echo/:first/:second : path and query parameters, headers. */
static void echo_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    reply(req, 200,
          json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "first",
                    host->param(req, "first"), "second", host->param(req, "second"),
                    "missing_param", host->param(req, "third"), "q", host->query(req, "q"),
                    "missing_query", host->query(req, "nope"), "header",
                    host->header(req, "X-Conformance"), "header_lower",
                    host->header(req, "x-conformance"), "missing_header",
                    host->header(req, "X-Not-Sent"), "request_id", host->request_id(req)));
}

/* POST /echo : the JSON body as the host parsed it (borrowed: take a reference to keep it). */
static void echo_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *body = host->body(req);
    if (!body)
        return; /* the host replied 400 or 415 */
    reply(req, 200, json_pack("{s:O}", "body", body));
}

/* The older-plugin case: a caller struct that ends before `roles`. The host must fill only
 * the fields the struct's size covers. */
static void caller_small(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_caller c;
    memset(&c, 0xAB, sizeof c);
    const uint32_t small = (uint32_t)offsetof(lgvo_caller, roles);
    c.struct_size = small;
    host->caller(req, &c);
    lgvo_principal p;
    memset(&p, 0xAB, sizeof p);
    p.struct_size = (uint32_t)offsetof(lgvo_principal, name);
    int found = host->principal("motala", &p);
    reply(req, 200,
          json_pack("{s:i, s:s?, s:b, s:I, s:I, s:i, s:s, s:b, s:I}", "principal_id",
                    c.principal_id, "principal", c.principal, "roles_untouched",
                    c.roles == 0xABABABABu && c.area_mask == 0xABABABABABABABABull,
                    "struct_size_set", (json_int_t)small, "struct_size_after",
                    (json_int_t)c.struct_size, "lookup", found, "lookup_slug",
                    found == 0 ? p.slug : "", "lookup_name_untouched",
                    (uintptr_t)p.name == (uintptr_t)0xABABABABABABABABull, "lookup_struct_size_after",
                    (json_int_t)p.struct_size));
}

/* GET /principal/:key : host->principal by slug or code. */
static void principal_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_principal p = {.struct_size = sizeof p};
    if (host->principal(host->param(req, "key"), &p) != 0) {
        host->reply_error(req, 404, "no_principal", "conformance: no such principal", NULL);
        return;
    }
    reply(req, 200,
          json_pack("{s:i, s:s, s:s, s:s, s:s}", "id", p.id, "slug", p.slug, "name", p.name,
                    "kind", p.kind, "code", p.code));
}

/* POST /items (write:conformance) {principal, label, on_behalf?, then?}: approves the write
 * with can_write, inserts, and then, as `then` asks, keeps it or fails afterwards so that
 * the request's transaction must roll the insert back. */
static void items_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *b = host->body(req);
    if (!b)
        return;
    const char *principal = json_string_value(json_object_get(b, "principal"));
    const char *label = json_string_value(json_object_get(b, "label"));
    const char *then = json_string_value(json_object_get(b, "then"));
    int on_behalf = json_is_true(json_object_get(b, "on_behalf"));
    if (!principal || !label) {
        host->reply_error(req, 422, NULL, "principal and label are required",
                          json_pack("[{s:s, s:s}]", "path", principal ? "/label" : "/principal",
                                    "message", "is required"));
        return;
    }
    if (!host->can_write(req, principal, AREA, on_behalf))
        return; /* the host replied 403 (or 404 for an unknown principal) */
    lgvo_principal p = {.struct_size = sizeof p};
    if (host->principal(principal, &p) != 0) {
        host->reply_error(req, 500, NULL, "can_write approved an unknown principal", NULL);
        return;
    }
    char pid[16];
    snprintf(pid, sizeof pid, "%d", p.id);
    const char *params[] = {pid, label};
    lgvo_result *r = host->sql(req,
                               "INSERT INTO conformance.items (principal_id, label)"
                               " VALUES ($1::smallint, $2) RETURNING id",
                               2, params);
    if (!r)
        return; /* the host replied (e.g. 403 from row-level security) */
    int rows = host->result_rows(r), affected = host->result_affected(r);
    long id = atol(host->result_value(r, 0, 0));
    host->result_free(r);

    if (then && strcmp(then, "reply-error") == 0) {
        host->reply_error(req, 409, "conformance_abort", "conformance: failed after the insert",
                          json_pack("[{s:s, s:s}]", "path", "/then", "message", "asked to fail"));
        return;
    }
    if (then && strcmp(then, "sql-error") == 0) {
        lgvo_result *bad = host->sql(req, "SELECT 1 / 0", 0, NULL);
        if (bad) {
            host->result_free(bad);
            host->reply_error(req, 500, NULL, "conformance: division by zero succeeded", NULL);
        }
        return; /* the host replied */
    }
    if (then && strcmp(then, "duplicate") == 0) {
        lgvo_result *again = host->sql(req,
                                       "INSERT INTO conformance.items (principal_id, label)"
                                       " VALUES ($1::smallint, $2)",
                                       2, params);
        if (again) {
            host->result_free(again);
            host->reply_error(req, 500, NULL, "conformance: the duplicate was accepted", NULL);
        }
        return;
    }
    if (then && strcmp(then, "error-without-code") == 0) {
        host->reply_error(req, 422, NULL, "conformance: failed after the insert", NULL);
        return;
    }
    reply(req, 201,
          json_pack("{s:I, s:s, s:s, s:s, s:i, s:i}", "id", (json_int_t)id, "principal", p.slug,
                    "kind", p.kind, "label", label, "rows", rows, "affected", affected));
}

/* GET /items : every stored item, and how result_value answers NULL and out-of-range cells. */
static void items_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_result *r = host->sql(req,
                               "SELECT i.id, p.slug, i.label, NULL::text FROM conformance.items i"
                               " JOIN core.principals p ON p.id = i.principal_id ORDER BY i.id",
                               0, NULL);
    if (!r)
        return;
    int n = host->result_rows(r);
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "id",
                                               (json_int_t)atol(host->result_value(r, i, 0)),
                                               "principal", host->result_value(r, i, 1), "label",
                                               host->result_value(r, i, 2)));
    int null_cell = n == 0 || host->result_value(r, 0, 3) == NULL;
    int out_of_range = host->result_value(r, n, 0) == NULL && host->result_value(r, -1, 0) == NULL &&
                       host->result_value(r, 0, 4) == NULL && host->result_value(r, 0, -1) == NULL;
    int affected = host->result_affected(r);
    host->result_free(r);
    reply(req, 200,
          json_pack("{s:o, s:i, s:i, s:b, s:b}", "items", items, "rows", n, "affected", affected,
                    "null_cell_is_null", null_cell, "out_of_range_is_null", out_of_range));
}

/* POST /derived (write:conformance) {"rows":[{principal, year, score}]}: the plugin's own
 * input rows, from which it derives conformance.score values, pushed with host->push_values
 * (the core's checks, write decision, modes, dry run, Idempotency-Key); then it stores an item
 * for each source row that was not rejected and answers with host->push_reply. */
static void derived(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *b = host->body(req);
    if (!b)
        return;
    json_t *rows = json_object_get(b, "rows");
    if (!json_is_array(rows)) {
        host->reply_error(req, 422, NULL, "rows must be an array", NULL);
        return;
    }
    json_t *values = json_array(), *errors = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        json_t *score = json_object_get(row, "score");
        if (!json_is_number(score)) {
            char path[64];
            snprintf(path, sizeof path, "/rows/%zu/score", i);
            json_array_append_new(errors, json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)i,
                                                    "path", path, "code", "wrong_type",
                                                    "message", "must be a number"));
            continue;
        }
        char period[24];
        snprintf(period, sizeof period, "%lld",
                 (long long)json_integer_value(json_object_get(row, "year")));
        json_t *principal = json_object_get(row, "principal");
        json_array_append_new(values, json_pack("{s:s, s:O, s:s, s:O, s:I}", "measure",
                                                AREA ".score", "principal",
                                                principal ? principal : json_null(), "period",
                                                period, "value", score, "source", (json_int_t)i));
    }
    lgvo_push_result out = {.struct_size = sizeof out};
    int rc = host->push_values(req, values, "rows", json_array_size(rows), errors /* stolen */,
                               &out);
    json_decref(values); /* borrowed by push_values */
    if (rc != 0)
        return; /* out.replied: refused, replayed or failed */
    int stored = 0;
    json_array_foreach(rows, i, row) {
        const char *principal = json_string_value(json_object_get(row, "principal"));
        if (out.rejected[i] || !principal)
            continue;
        char label[96];
        snprintf(label, sizeof label, "derived:%s:%lld", principal,
                 (long long)json_integer_value(json_object_get(row, "year")));
        const char *params[] = {principal, label};
        /* row-level security: the push's write decision approved these principals */
        lgvo_result *r = host->sql(req,
                                   "INSERT INTO conformance.items (principal_id, label)"
                                   " SELECT id, $2 FROM core.principals WHERE slug = $1 OR code = $1"
                                   " ON CONFLICT DO NOTHING",
                                   2, params);
        if (!r) {
            host->push_reply(req, out.push, NULL); /* answered already: only frees */
            return;
        }
        stored += host->result_affected(r);
        host->result_free(r);
    }
    host->push_reply(req, out.push,
                     json_pack("{s:i, s:b, s:I, s:I}", "stored", stored, "result_dry_run",
                               out.dry_run, "result_created", (json_int_t)out.created,
                               "result_rejected", (json_int_t)out.rejected_count));
}

/* GET /tx : two statements run in one transaction, which carries the request's id. */
static void tx(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_result *a = host->sql(req,
                               "SELECT txid_current()::text, current_setting('lgvo.request_id', true),"
                               " current_setting('lgvo.actor_principal', true),"
                               " current_setting('transaction_isolation')",
                               0, NULL);
    if (!a)
        return;
    lgvo_result *b = host->sql(req, "SELECT txid_current()::text", 0, NULL);
    if (!b) {
        host->result_free(a);
        return;
    }
    reply(req, 200,
          json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}", "first", host->result_value(a, 0, 0),
                    "second", host->result_value(b, 0, 0), "request_id_in_db",
                    host->result_value(a, 0, 1), "actor_principal", host->result_value(a, 0, 2),
                    "isolation", host->result_value(a, 0, 3), "request_id",
                    host->request_id(req)));
    host->result_free(a);
    host->result_free(b);
}

/* GET /population/:principal?year=&sex=&age_band= */
static void population(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *year = host->query(req, "year");
    long n = -1;
    int rc = host->population(req, host->param(req, "principal"), year ? atoi(year) : 0,
                              host->query(req, "sex"), host->query(req, "age_band"), &n);
    if (rc < 0)
        return; /* the host replied */
    reply(req, 200,
          rc ? json_pack("{s:b, s:I}", "found", 1, "population", (json_int_t)n)
             : json_pack("{s:b, s:n}", "found", 0, "population"));
}

/* POST /log {level, message} */
static void log_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *b = host->body(req);
    if (!b)
        return;
    const char *message = json_string_value(json_object_get(b, "message"));
    json_int_t level = json_integer_value(json_object_get(b, "level"));
    host->log((lgvo_log_level)level, message);
    reply(req, 200, json_pack("{s:b}", "logged", 1));
}

/* GET /late-registration : route and define_measure are for init only. */
static void late_registration(lgvo_request *req, void *ctx)
{
    lgvo_measure_def def = {.struct_size = sizeof def, .slug = AREA ".late", .title = "Sen",
                            .title_en = "Late", .kind = "indicator", .unit = "count",
                            .period_type = "year", .direction = "none", .reported_by = "both"};
    int route = host->route("GET", "/late", LGVO_ACCESS_PUBLIC, NULL, late_registration, ctx,
                            "conformanceLate");
    int measure = host->define_measure(&def);
    reply(req, 200, json_pack("{s:i, s:i}", "route", route, "define_measure", measure));
}

/* GET /no-reply : a handler that forgets to answer. */
static void no_reply(lgvo_request *req, void *ctx)
{
    (void)req;
    (void)ctx;
}

/* GET /reply-null : reply_json with a NULL body, as after a json_pack that failed (e.g. on a
 * query value that is not UTF-8). The host should answer 500, not crash. */
static void reply_null(lgvo_request *req, void *ctx)
{
    (void)ctx;
    host->reply_json(req, 200, NULL);
}

/* GET /compute/:n : n², computed by the database after a short sleep so that concurrent
 * requests overlap; counts its calls in the plugin's state (an atomic). */
static void compute(lgvo_request *req, void *ctx)
{
    struct state *st = ctx;
    atomic_fetch_add(&st->computed, 1);
    const char *n = host->param(req, "n");
    const char *params[] = {n};
    lgvo_result *r = host->sql(req,
                               "SELECT ($1::bigint * $1::bigint)::text, pg_backend_pid()::text"
                               " FROM pg_sleep(0.02)",
                               1, params);
    if (!r)
        return;
    reply(req, 200,
          json_pack("{s:s, s:s, s:s, s:s}", "n", n, "square", host->result_value(r, 0, 0),
                    "backend", host->result_value(r, 0, 1), "request_id", host->request_id(req)));
    host->result_free(r);
}

static void stats(lgvo_request *req, void *ctx)
{
    struct state *st = ctx;
    reply(req, 200, json_pack("{s:I}", "computed", (json_int_t)atomic_load(&st->computed)));
}

/* The validate hook. Rows are this area's only. A comment "echo" makes it report what it
 * received as the message of an error (code "echo"); a value above 100 is refused; a comment
 * "hook-fails" makes the hook fail, "null-code" records an error without code or message. */
static int validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    struct state *st = state;
    if (!st || st->magic != STATE_MAGIC)
        return 1;
    for (size_t i = 0; i < count; i++) {
        const lgvo_value_row *r = &rows[i];
        if (r->comment && strcmp(r->comment, "echo") == 0) {
            char seen[512];
            snprintf(seen, sizeof seen,
                     "measure=%s principal=%s period=%s sex=%s value=%s numerator=%s "
                     "denominator=%s achieved=%d achieved_on=%s text=%s struct_size=%s",
                     r->measure ? r->measure : "-", r->principal ? r->principal : "-",
                     r->period ? r->period : "-", r->sex ? r->sex : "-",
                     r->has_value ? (r->value == 7.5 ? "7.5" : "other") : "-",
                     r->has_numerator ? "yes" : "-", r->has_denominator ? "yes" : "-",
                     r->achieved, r->achieved_on ? r->achieved_on : "-", r->text ? r->text : "-",
                     r->struct_size == sizeof(lgvo_value_row) ? "ok" : "wrong");
            host->row_error(errors, r->index, "comment", "echo", seen);
        }
        if (r->comment && strcmp(r->comment, "hook-fails") == 0)
            return 1; /* an internal failure of the hook */
        if (r->comment && strcmp(r->comment, "null-code") == 0)
            host->row_error(errors, r->index, NULL, NULL, NULL);
        if (r->has_value && r->value > 100)
            host->row_error(errors, r->index, "value", "conformance_limit",
                            "must be at most 100 in the conformance area");
    }
    return 0;
}

/* POST /notes/:principal?…: the later host calls. query_names lists the query; may_write asks
 * the write decision without answering (0: this handler answers 403 itself); audit records the
 * note in the request's transaction; set_header gives the 201 its Location. */
static void notes_post(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *principal = host->param(req, "principal");
    int may = host->may_write(req, principal, AREA, 0);
    if (may < 0)
        return; /* the host answered (an unknown principal: 404) */
    if (may == 0) {
        host->reply_error(req, 403, "conformance_may_not", "conformance: may_write said no", NULL);
        return;
    }
    if (host->audit(req, "conformance.note", principal, "note:1", json_pack("{s:s}", "via", "conformance")) != 0)
        return;
    char where[160];
    snprintf(where, sizeof where, "/api/v1/conformance/notes/%s/1", principal);
    host->set_header(req, "Location", where);
    reply(req, 201, json_pack("{s:o, s:i}", "query_names", host->query_names(req), "may_write", may));
}

static int init(const lgvo_host *h, void **state)
{
    host = h;
    the_state.magic = STATE_MAGIC;
    atomic_init(&the_state.computed, 0);
    *state = &the_state;
    if (h->abi_major != LGVO_PLUGIN_ABI_MAJOR || h->struct_size < sizeof(lgvo_host)) {
        h->log(LGVO_LOG_ERROR, "conformance: unexpected host table");
        return 1;
    }
    static const struct {
        const char *method, *subpath;
        lgvo_access access;
        const char *area;
        lgvo_handler fn;
        void *ctx;
        const char *operation_id;
    } routes[] = {
        {"GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getConformancePlugin"},
        {"GET", "/public", LGVO_ACCESS_PUBLIC, NULL, who, (void *)"public", "conformancePublic"},
        {"GET", "/authenticated", LGVO_ACCESS_AUTHENTICATED, NULL, who, (void *)"authenticated", "conformanceAuthenticated"},
        {"GET", "/write", LGVO_ACCESS_WRITE_AREA, AREA, who, (void *)"write", "conformanceWrite"},
        {"GET", "/org-admin", LGVO_ACCESS_ORG_ADMIN, NULL, who, (void *)"org_admin", "conformanceOrgAdmin"},
        {"GET", "/county-admin", LGVO_ACCESS_COUNTY_ADMIN, NULL, who, (void *)"county_admin", "conformanceCountyAdmin"},
        {"GET", "/echo/:first/:second", LGVO_ACCESS_AUTHENTICATED, NULL, echo_get, NULL, "conformanceEchoGet"},
        {"POST", "/echo", LGVO_ACCESS_AUTHENTICATED, NULL, echo_post, NULL, "conformanceEchoPost"},
        {"GET", "/caller-small", LGVO_ACCESS_AUTHENTICATED, NULL, caller_small, NULL, "conformanceCallerSmall"},
        {"GET", "/principal/:key", LGVO_ACCESS_PUBLIC, NULL, principal_get, NULL, "conformancePrincipal"},
        {"POST", "/items", LGVO_ACCESS_WRITE_AREA, AREA, items_post, NULL, "conformanceItemsPost"},
        {"POST", "/derived", LGVO_ACCESS_WRITE_AREA, AREA, derived, NULL, "conformanceDerived"},
        {"GET", "/items", LGVO_ACCESS_AUTHENTICATED, NULL, items_get, NULL, "conformanceItemsGet"},
        {"GET", "/tx", LGVO_ACCESS_AUTHENTICATED, NULL, tx, NULL, "conformanceTx"},
        {"GET", "/population/:principal", LGVO_ACCESS_AUTHENTICATED, NULL, population, NULL, "conformancePopulation"},
        {"POST", "/log", LGVO_ACCESS_AUTHENTICATED, NULL, log_post, NULL, "conformanceLog"},
        {"GET", "/late-registration", LGVO_ACCESS_AUTHENTICATED, NULL, late_registration, NULL, "conformanceLateRegistration"},
        {"GET", "/no-reply", LGVO_ACCESS_AUTHENTICATED, NULL, no_reply, NULL, "conformanceNoReply"},
        {"GET", "/reply-null", LGVO_ACCESS_PUBLIC, NULL, reply_null, NULL, "conformanceReplyNull"},
        {"GET", "/compute/:n", LGVO_ACCESS_AUTHENTICATED, NULL, compute, &the_state, "conformanceCompute"},
        {"GET", "/stats", LGVO_ACCESS_AUTHENTICATED, NULL, stats, &the_state, "conformanceStats"},
        {"POST", "/notes/:principal", LGVO_ACCESS_WRITE_AREA, AREA, notes_post, NULL, "conformanceNotesPost"},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (h->route(routes[i].method, routes[i].subpath, routes[i].access, routes[i].area,
                     routes[i].fn, routes[i].ctx, routes[i].operation_id) != 0)
            return 1;

    lgvo_measure_def score = {
        .struct_size = sizeof score, .slug = AREA ".score", .title = "Konformitetspoäng",
        .title_en = "Conformance score", .kind = "indicator", .unit = "count",
        .period_type = "year", .direction = "higher_is_better", .has_min = 1, .min = 0,
        .sex_split = 1, .reported_by = "both",
        .description = "A score for the conformance tests; at most 100 (the validate hook)."};
    lgvo_measure_def milestone = {
        .struct_size = sizeof milestone, .slug = AREA ".milestone", .title = "Konformitetsmål",
        .title_en = "Conformance milestone", .kind = "milestone", .unit = "boolean",
        .period_type = "year", .direction = "higher_is_better", .reported_by = "both",
        .subgoal = AREA ".sg1", .activity = AREA ".a1"};
    if (h->define_measure(&score) != 0 || h->define_measure(&milestone) != 0)
        return 1;
    h->log(LGVO_LOG_INFO, "conformance: initialised");
    return 0;
}

static void stop(void *state)
{
    struct state *st = state;
    host->log(LGVO_LOG_INFO, st == &the_state && st->magic == STATE_MAGIC
                                 ? "conformance: shutdown with its state"
                                 : "conformance: shutdown with a wrong state");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Konformitet (test)",
    .slug = "conformance",
    .version = "1.2.3",
    .description = "Test plugin that calls every function of the host API.",
    .area = AREA,
    .migrations_dir = "conformance/migrations",
    .openapi_path = "conformance/openapi.json",
    .init = init,
    .shutdown = stop,
    .validate = validate,
};
