/* Small helpers of the digitalisering plugin: error lists, JSON input, the caller, principals
 * and replies from SQL. See digi.h. */
#include "digi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int allowed_name(const char *key, const char *const *allowed);

/* ---- errors ---- */

void dg_error(json_t *errors, const char *path, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "path", path, "code", code,
                                            "message", message));
}

void dg_row_error(json_t *errors, const char *collection, size_t index, const char *field,
                  const char *code, const char *fmt, ...)
{
    char path[256], message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(path, sizeof path, "/%s/%zu/%s", collection, index, field);
    else
        snprintf(path, sizeof path, "/%s/%zu", collection, index);
    json_array_append_new(errors, json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index,
                                            "path", path, "code", code, "message", message));
}

int dg_refuse(lgvo_request *req, json_t *errors)
{
    if (!json_array_size(errors))
        return 0;
    char msg[128];
    snprintf(msg, sizeof msg, "%zu problem(s) in the request (see details); nothing was changed",
             json_array_size(errors));
    dg_host->reply_error(req, 422, "validation_failed", msg, json_incref(errors));
    return 1;
}

void dg_reply_problem(lgvo_request *req, int status, const char *code, const char *path,
                      const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    json_t *details = NULL;
    if (path) {
        details = json_array();
        dg_error(details, path, code, "%s", message);
    }
    dg_host->reply_error(req, status, code, message, details); /* details stolen */
}

void dg_query_unknown(lgvo_request *req, json_t **problems, const char *const *allowed)
{
    json_t *names = dg_host->query_names(req); /* new reference */
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name) {
        const char *n = json_string_value(name);
        if (allowed_name(n, allowed))
            continue;
        char seg[128];
        dg_pointer_segment(n, seg);
        if (!*problems)
            *problems = json_array();
        char path[160];
        snprintf(path, sizeof path, "query.%s", seg);
        json_array_append_new(*problems, json_pack("{s:s, s:s}", "path", path, "message", "unknown query parameter"));
    }
    json_decref(names);
}

int dg_query_none(lgvo_request *req)
{
    static const char *const none[] = {NULL};
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, none);
    return dg_query_failed(req, problems);
}

void dg_query_problem(json_t **problems, const char *name, const char *message)
{
    if (!*problems)
        *problems = json_array();
    char path[96];
    snprintf(path, sizeof path, "query.%s", name);
    json_array_append_new(*problems, json_pack("{s:s, s:s}", "path", path, "message", message));
}

int dg_query_failed(lgvo_request *req, json_t *problems)
{
    if (!problems)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "the query string has %zu problem(s); see details",
             json_array_size(problems));
    dg_host->reply_error(req, 400, "invalid_query", msg, problems); /* problems stolen */
    return 1;
}

/* ---- JSON input ---- */

json_t *dg_body_object(lgvo_request *req)
{
    json_t *body = dg_host->body(req); /* borrowed; NULL after the host replied */
    if (body && !json_is_object(body)) {
        dg_host->reply_error(req, 400, "invalid_json", "the body must be a JSON object", NULL);
        return NULL;
    }
    return body;
}

static int allowed_name(const char *key, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(key, allowed[i]) == 0)
            return 1;
    return 0;
}

int dg_unknown_members(json_t *errors, const char *base, json_t *obj, const char *const *allowed)
{
    int unknown = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (allowed_name(key, allowed))
            continue;
        char seg[128], path[400];
        dg_pointer_segment(key, seg);
        snprintf(path, sizeof path, "%s/%s", base, seg);
        dg_error(errors, path, "unknown_field", "unknown field \"%s\"", seg);
        unknown++;
    }
    return unknown;
}

const char *dg_text(json_t *errors, json_t *v, const char *path, size_t max, int required,
                    int nullable)
{
    if (!v || (json_is_null(v) && nullable)) {
        if (required && !v)
            dg_error(errors, path, "missing", "is required");
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s) {
        dg_error(errors, path, "wrong_type", "must be a string%s", nullable ? " or null" : "");
        return NULL;
    }
    if (dg_blank(s) || dg_chars(s) > max) {
        dg_error(errors, path, dg_blank(s) ? "empty" : "too_long",
                 "must be 1 to %zu characters, not blank", max);
        return NULL;
    }
    if (dg_has_personal_number(s)) {
        dg_error(errors, path, "personal_identity_number",
                 "must not contain a personal identity number (personnummer or samordningsnummer)");
        return NULL;
    }
    return s;
}

const char *dg_enum(json_t *errors, json_t *v, const char *path, const char *const *values,
                    int required)
{
    if (!v) {
        if (required)
            dg_error(errors, path, "missing", "is required");
        return NULL;
    }
    const char *s = json_string_value(v);
    for (size_t i = 0; s && values[i]; i++)
        if (strcmp(s, values[i]) == 0)
            return values[i];
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; values[i] && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", values[i]);
    dg_error(errors, path, "invalid_value", "must be one of: %s", list);
    return NULL;
}

long dg_path_id(const char *text)
{
    if (!text || !*text || strlen(text) > 9)
        return 0;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return text[0] == '0' ? 0 : strtol(text, NULL, 10);
}

long dg_json_id(json_t *v)
{
    if (!json_is_integer(v))
        return 0;
    json_int_t n = json_integer_value(v);
    return n >= 1 && n <= 999999999 ? (long)n : 0;
}

char *dg_dump(json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

/* ---- the caller ---- */

void dg_caller(lgvo_request *req, struct dg_who *out)
{
    lgvo_caller c = {.struct_size = sizeof c};
    dg_host->caller(req, &c);
    out->county = (c.roles & LGVO_ROLE_COUNTY_ADMIN) != 0;
    out->reporter = (c.roles & LGVO_ROLE_REPORTER) != 0;
    out->org_admin = (c.roles & LGVO_ROLE_ORG_ADMIN) != 0;
    out->principal_id = c.principal_id;
    out->area_mask = c.area_mask;
    snprintf(out->principal, sizeof out->principal, "%s", c.principal ? c.principal : "");
    snprintf(out->subject, sizeof out->subject, "%s", c.subject ? c.subject : "unknown");
}

/* ---- principals ---- */

int dg_principal(const char *slug_or_code, struct dg_principal *out)
{
    lgvo_principal p = {.struct_size = sizeof p};
    if (!slug_or_code || dg_host->principal(slug_or_code, &p) != 0)
        return -1;
    /* The host lends p's strings until its next lookup on this thread: copy them. */
    out->id = p.id;
    snprintf(out->slug, sizeof out->slug, "%s", p.slug);
    snprintf(out->name, sizeof out->name, "%s", p.name);
    out->is_region = strcmp(p.kind, "region") == 0;
    return 0;
}

static int has_id(json_t *ids, json_int_t id)
{
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
        if (json_integer_value(x) == id)
            return 1;
    return 0;
}

json_t *dg_principal_list(json_t *errors, json_t *v, const char *path, int required)
{
    if (!v) {
        if (required)
            dg_error(errors, path, "missing", "is required (principal slugs or codes)");
        return NULL;
    }
    if (!json_is_array(v) || json_array_size(v) > 14) {
        dg_error(errors, path, "wrong_type", "must be an array of at most 14 principals (slugs or codes)");
        return NULL;
    }
    json_t *ids = json_array();
    size_t i, before = json_array_size(errors);
    json_t *item;
    json_array_foreach(v, i, item) {
        char sub[160];
        snprintf(sub, sizeof sub, "%s/%zu", path, i);
        struct dg_principal p;
        if (dg_principal(json_string_value(item), &p) != 0)
            dg_error(errors, sub, "unknown_principal", "must be a principal (slug or official code)");
        else if (has_id(ids, p.id))
            dg_error(errors, sub, "duplicate", "names %s twice", p.slug);
        else
            json_array_append_new(ids, json_integer(p.id));
    }
    if (json_array_size(errors) != before) {
        json_decref(ids);
        return NULL;
    }
    return ids;
}

/* ---- answers and the audit trail ---- */

void dg_location(lgvo_request *req, const char *collection, const char *id)
{
    char value[160];
    snprintf(value, sizeof value, "/api/v1/" DG_AREA "%s/%s", collection, id);
    dg_host->set_header(req, "Location", value);
}

int dg_audit(lgvo_request *req, const char *action, const char *principal, const char *target,
             json_t *details)
{
    char name[96];
    snprintf(name, sizeof name, DG_AREA ".%s", action);
    return dg_host->audit(req, name, principal, target, details); /* details stolen */
}

/* ---- the database ---- */

int dg_exec(lgvo_request *req, const char *sql, int n, const char *const *params)
{
    lgvo_result *res = dg_host->sql(req, sql, n, params);
    if (!res)
        return -1;
    dg_host->result_free(res);
    return 0;
}

int dg_scalar(lgvo_request *req, const char *sql, int n, const char *const *params, char *out,
              size_t outlen)
{
    lgvo_result *res = dg_host->sql(req, sql, n, params);
    if (!res)
        return -1;
    int found = dg_host->result_rows(res) > 0;
    const char *cell = found ? dg_host->result_value(res, 0, 0) : NULL;
    snprintf(out, outlen, "%s", cell ? cell : "");
    dg_host->result_free(res);
    return found;
}

json_t *dg_sql_json(lgvo_request *req, const char *sql, int nparams, const char *const *params,
                    int *replied)
{
    *replied = 0;
    lgvo_result *res = dg_host->sql(req, sql, nparams, params);
    if (!res) {
        *replied = 1;
        return NULL;
    }
    const char *text = dg_host->result_rows(res) > 0 ? dg_host->result_value(res, 0, 0) : NULL;
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    int unreadable = text && !doc;
    dg_host->result_free(res); /* text is gone from here on */
    if (unreadable) {
        dg_host->reply_error(req, 500, NULL, "internal error: unreadable JSON", NULL);
        *replied = 1;
    }
    return doc;
}

void dg_reply_sql_json(lgvo_request *req, int status, const char *sql, int nparams,
                       const char *const *params, const char *not_found)
{
    int replied = 0;
    json_t *doc = dg_sql_json(req, sql, nparams, params, &replied);
    if (replied)
        return;
    if (!doc) {
        dg_host->reply_error(req, 404, "not_found", not_found, NULL);
        return;
    }
    dg_host->reply_json(req, status, doc); /* stolen */
}
