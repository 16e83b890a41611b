/*
 * lgvo/plugin.h — the only header an LGVO area plugin includes from the LGVO API.
 *
 * A plugin is a shared object (*.so) in LGVO_PLUGIN_DIR that exports exactly one symbol,
 *
 *     LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = { LGVO_PLUGIN_HEADER, ... };
 *
 * The host reads and checks that descriptor (magic, ABI version, size, slug) before it runs
 * any plugin code, applies the plugin's migrations, then calls init() with the host API table.
 * In init the plugin registers its routes (always mounted under /api/v1/<slug>/) and measures.
 *
 * Stability. The ABI has a major and a minor version. Structures only grow at the end and
 * carry their size; a plugin built against ABI 1.x runs on any host 1.y with y >= x. A plugin
 * may use a host function added in minor m only when host->abi_minor >= m.
 *
 * Ownership, said at each declaration as in Jansson: "borrowed" (valid for the stated time,
 * do not free), "stolen" (the callee takes it; do not use or free it afterwards), "caller
 * frees" (with the named function).
 *
 * Concurrency. Handlers run concurrently on the server's threads. Between requests a plugin
 * may keep only what it set up in init (immutable afterwards) or protects itself (its own
 * mutex/atomics). It must never keep an lgvo_request, an lgvo_result or any pointer borrowed
 * from them beyond the handler call. All database work goes through host->sql inside the
 * request's transaction; a plugin never opens its own connections.
 *
 * Security. The host authenticates the caller and checks the route's declared right before a
 * handler runs; a route registered without a right makes start-up fail. Writes of a
 * principal's data must be approved by host->can_write (the same decision the core uses);
 * row-level security on per-principal tables (see core.protect_principal_rows() in the
 * migrations) refuses rows of principals that were not approved, even if a handler forgets.
 */
#ifndef LGVO_PLUGIN_H
#define LGVO_PLUGIN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LGVO_PLUGIN_MAGIC UINT64_C(0x4C47564F504C5547) /* "LGVOPLUG" */
#define LGVO_PLUGIN_ABI_MAJOR 1
#define LGVO_PLUGIN_ABI_MINOR 0
#define LGVO_PLUGIN_SYMBOL "lgvo_plugin"
#define LGVO_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Opaque handles owned by the host. */
typedef struct lgvo_request lgvo_request;   /* one HTTP request; borrowed for the handler call */
typedef struct lgvo_result lgvo_result;     /* one SQL result; caller frees (host->result_free) */
typedef struct lgvo_row_errors lgvo_row_errors; /* the push's error list; borrowed */
typedef struct lgvo_host lgvo_host;
typedef struct lgvo_push lgvo_push;         /* a push in progress; freed by host->push_reply */

/* Who may call a route. Values match the host's own rules. */
typedef enum lgvo_access {
    LGVO_ACCESS_PUBLIC = 1,        /* no token needed */
    LGVO_ACCESS_AUTHENTICATED = 2, /* any valid token */
    LGVO_ACCESS_WRITE_AREA = 3,    /* reporter with a grant for the route's area, or county_admin */
    LGVO_ACCESS_ORG_ADMIN = 4,     /* org_admin (of some principal) or county_admin */
    LGVO_ACCESS_COUNTY_ADMIN = 5   /* county_admin only */
} lgvo_access;

/* Role bits in lgvo_caller.roles. */
#define LGVO_ROLE_READER 1u
#define LGVO_ROLE_REPORTER 2u
#define LGVO_ROLE_ORG_ADMIN 4u
#define LGVO_ROLE_COUNTY_ADMIN 8u

typedef enum lgvo_log_level { LGVO_LOG_DEBUG = 0, LGVO_LOG_INFO, LGVO_LOG_WARN, LGVO_LOG_ERROR } lgvo_log_level;

/* The caller of a request. Strings are borrowed for the handler call. Set struct_size =
 * sizeof(lgvo_caller) before host->caller: the host fills at most that many bytes, so a plugin
 * built for an older 1.x keeps working when the struct grows. */
typedef struct lgvo_caller {
    uint32_t struct_size;
    int authenticated;        /* 0 on a public route called without a token */
    const char *subject;      /* "user:<uuid>" | "client:<client_id>" | NULL */
    const char *principal;    /* principal slug | NULL */
    int principal_id;
    int principal_is_region;
    unsigned roles;           /* LGVO_ROLE_* bits */
    uint64_t area_mask;       /* bit (area id - 1) per granted area */
} lgvo_caller;

/* A principal, for lookups. Strings are borrowed until the next lookup on this thread. Set
 * struct_size = sizeof(lgvo_principal) before host->principal (as for lgvo_caller). */
typedef struct lgvo_principal {
    uint32_t struct_size;
    int id;
    const char *slug;
    const char *name;
    const char *kind; /* "region" | "municipality" */
    const char *code; /* "05" or a kommunkod such as "0583" */
} lgvo_principal;

/* One row of a value push (POST /api/v1/values), given to the validate hook. Strings are
 * borrowed for the hook call; absent fields are NULL / has_* = 0.
 * The hook receives an array, indexed with the plugin's own sizeof(lgvo_value_row): a host
 * whose lgvo_value_row has grown must lay the rows out in the size of the plugin's ABI minor
 * (descriptor abi_minor), filling the fields that version has; struct_size says that size. */
typedef struct lgvo_value_row {
    uint32_t struct_size;
    size_t index;            /* position in the push, from 0 */
    const char *measure;     /* measure slug */
    const char *principal;   /* principal slug */
    const char *period;      /* "2025", "2025H1", "2025T1", "2025Q1", "2025-03", "2025-W09" */
    const char *sex;         /* "T" | "K" | "M" */
    int has_value;
    double value;
    int has_numerator;
    double numerator;
    int has_denominator;
    double denominator;
    int achieved;            /* milestones: 1 / 0; -1 when absent */
    const char *achieved_on; /* milestones: ISO date */
    const char *text;        /* text measures */
    const char *comment;
} lgvo_value_row;

/* A measure an area plugin defines (host->define_measure). Strings are borrowed for the call.
 * See the values documentation for each field's meaning. */
typedef struct lgvo_measure_def {
    uint32_t struct_size;
    const char *slug;        /* "<area>.<name>", e.g. "att-aldras.readmissions-30d" */
    const char *title;       /* Swedish, verbatim from the work plan */
    const char *title_en;
    const char *kind;        /* "indicator" | "milestone" | "text" */
    const char *unit;        /* "count" | "percent" | "per_1000" | "sek" | "days" | "ratio" | "fte" | ... */
    const char *period_type; /* "year" | "half" | "tertial" | "quarter" | "month" | "week" */
    const char *direction;   /* "lower_is_better" | "higher_is_better" | "none" */
    int ratio;               /* numerator and denominator required; the value is derived */
    int has_min;
    double min;
    int has_max;
    double max;
    int sex_split;           /* K/M rows allowed besides T */
    const char *age_band;    /* e.g. "80+", or NULL */
    const char *reported_by; /* "region" | "municipality" | "both" */
    int on_behalf;           /* the region reports it for every municipality */
    int restricted;          /* small counts (1-4) hidden from other principals */
    const char *subgoal;     /* work-plan id, e.g. "att-aldras.sg1", or NULL */
    const char *activity;    /* work-plan id, e.g. "att-aldras.a1", or NULL */
    const char *description; /* English; how it is computed; may be NULL */
} lgvo_measure_def;

/* The outcome of host->push_values. */
typedef struct lgvo_push_result {
    uint32_t struct_size;    /* set by the caller: sizeof(lgvo_push_result) */
    int replied;             /* 1: the host has answered (refused, replayed, failed); just return */
    int dry_run;             /* ?dry_run=true: everything is rolled back at the end */
    long created, updated, unchanged, deleted; /* derived value rows */
    size_t rejected_count;   /* source rows rejected (by the plugin or through their values) */
    const unsigned char *rejected; /* per source row, 1 when rejected; borrowed until push_reply */
    lgvo_push *push;         /* hand to push_reply */
} lgvo_push_result;

typedef void (*lgvo_handler)(lgvo_request *req, void *ctx);

/* The host API table, passed to init; borrowed for the plugin's lifetime. */
struct lgvo_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* --- registration: only during init --- */

    /* Mounts handler at /api/v1/<slug><subpath> ("" or "/…"; ":name" segments are
     * parameters) for method (GET, POST, PUT, PATCH, DELETE). access is required; area is
     * required with LGVO_ACCESS_WRITE_AREA (else NULL). ctx is borrowed until shutdown and
     * handed to every call. operation_id names the operation in the OpenAPI fragment.
     * Returns 0, or -1 (the reason is logged; start-up then fails). */
    int (*route)(const char *method, const char *subpath, lgvo_access access, const char *area,
                 lgvo_handler handler, void *ctx, const char *operation_id);
    /* Creates or updates a measure of this plugin's area (slug must start with "<area>.").
     * Returns 0, or -1 (logged; start-up then fails). */
    int (*define_measure)(const lgvo_measure_def *def);

    /* --- reading the request (borrowed for the handler call) --- */

    /* Path parameters are percent-decoded and valid UTF-8 (the host refuses other paths).
     * Query and header values are the bytes the client sent and need not be UTF-8: Jansson's
     * json_pack fails (returns NULL) on such a string. */
    const char *(*param)(lgvo_request *req, const char *name);  /* path parameter or NULL */
    const char *(*query)(lgvo_request *req, const char *name);  /* query parameter or NULL */
    const char *(*header)(lgvo_request *req, const char *name); /* case-insensitive or NULL */
    /* The JSON body (duplicate keys rejected). On a missing or malformed body replies 400 or
     * 415 and returns NULL. Borrowed. */
    json_t *(*body)(lgvo_request *req);
    void (*caller)(lgvo_request *req, lgvo_caller *out);
    const char *(*request_id)(lgvo_request *req);

    /* --- answering: exactly one reply per request ---
     * A handler that returns without a reply gets a 500. When a host call has replied (it
     * says so below: NULL, 0 or -1 "after replying"), return without replying again. */

    /* A NULL body (e.g. a json_pack that failed) is answered with a 500: check what json_pack
     * returned before replying when another answer is meant. */
    void (*reply_json)(lgvo_request *req, int status, json_t *body /* stolen */);
    /* The standard error shape {"error":{status,code,message,details},"request_id"}.
     * code may be NULL (derived from status); details is an array or NULL (stolen). */
    void (*reply_error)(lgvo_request *req, int status, const char *code, const char *message,
                        json_t *details);

    /* --- the database: inside the request's transaction --- */

    /* Runs parameterised SQL (text parameters, $1…; never build SQL from input). The first
     * call begins the request's transaction with the caller's principal set for row-level
     * security; it commits when the reply status is below 400, else rolls back. On a
     * database error replies (503/409/403/422/500) and returns NULL; otherwise the caller
     * frees the result with result_free. */
    lgvo_result *(*sql)(lgvo_request *req, const char *sql, int nparams, const char *const *params);
    int (*result_rows)(const lgvo_result *res);
    int (*result_affected)(const lgvo_result *res);
    /* The text of a cell, borrowed until result_free; NULL for SQL NULL. */
    const char *(*result_value)(const lgvo_result *res, int row, int col);
    void (*result_free)(lgvo_result *res);

    /* --- authorisation and reference data --- */

    /* The shared write decision: may the caller write principal's (slug or code) data in
     * area? on_behalf: data the region reports for every municipality. Returns 1 and allows
     * the principal's rows for row-level security in this transaction; 0 after replying 403
     * (or 404 for an unknown principal). */
    int (*can_write)(lgvo_request *req, const char *principal, const char *area, int on_behalf);
    /* Looks a principal up by slug or code. Returns 0, or -1 when unknown. */
    int (*principal)(const char *slug_or_code, lgvo_principal *out);

    /* --- value validation --- */

    /* From the validate hook: records an error for row index (field: the member, e.g.
     * "value"; code: a short machine word; message: a sentence for people). */
    void (*row_error)(lgvo_row_errors *errors, size_t index, const char *field, const char *code,
                      const char *message);

    /* --- logging (one JSON line, the message prefixed "plugin: " but not with the plugin's
     * slug: name the plugin in the message; never pass secrets or personal data) --- */
    void (*log)(lgvo_log_level level, const char *message);

    /* --- reference data in the database --- */

    /* The population of a principal (slug or code) for year, sex ("T", "K", "M") and age band
     * ("0-17", "18-64", "65-79", "80+", "all"), from the core's population data, within the
     * request's transaction. Returns 1 with *out, 0 when the figure is missing, -1 after
     * replying (database error or unknown principal). */
    int (*population)(lgvo_request *req, const char *principal, int year, const char *sex,
                      const char *age_band, long *out);

    /* --- derived values: a plugin endpoint that stores its own rows and derives shared
     * measure values from them pushes those through the core's push, with the same checks,
     * write decision, history, modes (?mode=), ?dry_run and Idempotency-Key. --- */

    /* values: array of value objects as in POST /api/v1/values, each with an extra integer
     * "source": the index of the plugin's input row it comes from (borrowed). A value object
     * with "delete": true and only the key (measure, principal, period, sex) removes a value
     * that no longer holds (e.g. a share whose denominator became 0). collection: the
     * name of the plugin's input array, for error paths ("/<collection>/<index>").
     * source_rows: how many input rows. errors: the plugin's own row errors,
     * [{"index","path","code","message"}] by input row (stolen; may be NULL). Validates and
     * writes in the request's transaction. Returns 0 with *out filled: then store your rows
     * for the sources not rejected and call push_reply. Returns -1 with out->replied = 1
     * when the host has answered (refused push, replayed Idempotency-Key, database error). */
    int (*push_values)(lgvo_request *req, json_t *values, const char *collection,
                       size_t source_rows, json_t *errors, lgvo_push_result *out);
    /* Answers with the import summary (plus the members of extra, stolen, may be NULL), rolls
     * back a dry run, stores the answer for an Idempotency-Key, and frees push. If the
     * request was already answered (e.g. a later SQL error), only frees. */
    void (*push_reply)(lgvo_request *req, lgvo_push *push, json_t *extra);

    /* --- more of the request and the answer --- */

    /* Names of the request's query parameters, so a handler can refuse unknown ones. New
     * reference: the caller decrefs. */
    json_t *(*query_names)(lgvo_request *req);
    /* Sets a response header (e.g. Location after 201). name and value are copied. */
    void (*set_header)(lgvo_request *req, const char *name, const char *value);
    /* Like can_write, but answers nothing: returns 1 (the principal's rows are allowed for
     * row-level security in this transaction), 0 when the caller may not write them, or -1
     * after replying (unknown principal or area, database error). For partial pushes that
     * reject forbidden rows one by one. */
    int (*may_write)(lgvo_request *req, const char *principal, const char *area, int on_behalf);
    /* Writes an audit event in the request's transaction (action e.g. "network.update";
     * principal: slug the event concerns, or NULL; target: e.g. "network:3"; details: object,
     * stolen, may be NULL; never secrets or personal data). Returns 0, or -1 after replying. */
    int (*audit)(lgvo_request *req, const char *action, const char *principal, const char *target,
                 json_t *details);

    void *reserved[16]; /* room to grow within ABI 1.x */
};

/* The descriptor a plugin exports as `lgvo_plugin`. */
typedef struct lgvo_plugin_descriptor {
    uint64_t magic;          /* LGVO_PLUGIN_MAGIC */
    uint16_t abi_major;      /* LGVO_PLUGIN_ABI_MAJOR the plugin was built with */
    uint16_t abi_minor;      /* LGVO_PLUGIN_ABI_MINOR the plugin was built with */
    uint32_t struct_size;    /* sizeof(lgvo_plugin_descriptor) as the plugin saw it */

    const char *name;        /* human-readable, e.g. "Att åldras" */
    const char *slug;        /* [a-z][a-z0-9-]{1,31}; routes under /api/v1/<slug>/, schema <slug with _>;
                              * not core, public, information-schema, pg-*, nor a name the core
                              * uses under /api/v1/ (values, measures, areas, plugins, …) */
    const char *version;     /* the plugin's own version, e.g. "1.0.0" */
    const char *description; /* one or two sentences, English */
    const char *area;        /* slug of the area of responsibility it serves */
    const char *migrations_dir; /* relative to the .so's directory, e.g. "att-aldras/migrations"; may be NULL */
    const char *openapi_path;   /* relative to the .so's directory, e.g. "att-aldras/openapi.json"; may be NULL */

    /* Called once after the plugin's migrations; *state is handed to every later callback.
     * Returns 0, or non-zero to refuse start-up (log why with host->log first). */
    int (*init)(const lgvo_host *host, void **state);
    /* Called once at shutdown, after the last request. May be NULL. */
    void (*shutdown)(void *state);
    /* Validates pushed values of this plugin's measures: called within the push's
     * transaction with every row of the push that belongs to the plugin's area. Record
     * problems with host->row_error. Returns 0, or non-zero on an internal failure. May be
     * NULL. */
    int (*validate)(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors);

    void *reserved[8]; /* must be NULL (the loader refuses other values); room to grow within ABI 1.x */
} lgvo_plugin_descriptor;

/* Fills the first fields of a descriptor. */
#define LGVO_PLUGIN_HEADER \
    .magic = LGVO_PLUGIN_MAGIC, .abi_major = LGVO_PLUGIN_ABI_MAJOR, \
    .abi_minor = LGVO_PLUGIN_ABI_MINOR, .struct_size = sizeof(lgvo_plugin_descriptor)

#ifdef __cplusplus
}
#endif

#endif
