/* Shared helpers of the work-plan handlers; see common.h. */
#include "core/workplan/common.h"

#include "app.h"
#include "core/audit.h"
#include "db/pool.h"
#include "http/req.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <stdarg.h>

#include <stdio.h>
#include <string.h>

int workplan_is_id(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (s[n] < '0' || s[n] > '9')
            return 0;
    return n >= 1 && n <= 15 && s[0] != '0';
}

const char *workplan_query_lang(struct query_params *q)
{
    static const char *const langs[] = {"sv", "en", NULL};
    return query_enum(q, "lang", langs, "sv");
}

static int period_slug_ok(const char *s)
{
    if (strlen(s) != 9 || s[4] != '-')
        return 0;
    for (int i = 0; i < 9; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

const char *workplan_query_period(struct query_params *q)
{
    const char *v = query_text(q, "period", 16);
    if (v && !period_slug_ok(v)) {
        query_problem(q, "period", "must be a work-plan period like 2024-2025");
        return NULL;
    }
    return v;
}

int workplan_period_resolve(struct req *r, const char *slug, struct workplan_period *out)
{
    const char *params[] = {slug};
    PGresult *res = req_sql_ok(
        r,
        "SELECT id, slug, starts_on, ends_on FROM core.workplan_periods"
        " WHERE $1::text IS NULL OR slug = $1"
        " ORDER BY (starts_on <= current_date) DESC,"
        "  CASE WHEN starts_on <= current_date THEN starts_on END DESC, starts_on LIMIT 1",
        1, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        if (slug)
            reply_error(r, 404, NULL, "no work-plan period '%s'", slug);
        else
            reply_error(r, 404, NULL, "there is no work-plan period yet");
        PQclear(res);
        return -1;
    }
    out->id = atoi(PQgetvalue(res, 0, 0));
    snprintf(out->slug, sizeof out->slug, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->starts_on, sizeof out->starts_on, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->ends_on, sizeof out->ends_on, "%s", PQgetvalue(res, 0, 3));
    PQclear(res);
    return 0;
}

void workplan_reply_row(struct req *r, PGresult *res, int status, const char *not_found)
{
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
        reply_error(r, 404, NULL, "%s", not_found);
    } else {
        json_error_t jerr;
        json_t *doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
        if (doc)
            reply_json(r, status, doc);
        else
            reply_error(r, 500, NULL, "the database returned malformed JSON: %s", jerr.text);
    }
    PQclear(res);
}

int workplan_audit(struct req *r, const char *action, const char *principal, const char *target,
                   json_t *details)
{
    struct audit_event e = {.action = action, .principal = principal, .target = target,
                            .details = details};
    return audit_write(r, &e);
}

int workplan_body_null(struct body *b, const char *name)
{
    return body_has(b, name) && json_is_null(json_object_get(b->obj, name));
}

long workplan_body_int(struct body *b, const char *name, int required, long min, long max,
                       long def, int *present)
{
    int has = body_has(b, name);
    json_t *v = json_object_get(b->obj, name);
    if (present)
        *present = 0;
    if (!has) {
        if (required)
            body_problem(b, name, "is required");
        return def;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        body_problem(b, name, "must be an integer from %ld to %ld", min, max);
        return def;
    }
    if (present)
        *present = 1;
    return (long)json_integer_value(v);
}

int workplan_body_date(struct body *b, const char *name, int required, struct date *out)
{
    int has = body_has(b, name);
    json_t *v = json_object_get(b->obj, name);
    if (!has) {
        if (required)
            body_problem(b, name, "is required");
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) != 10 ||
        date_parse(json_string_value(v), out) != 0) {
        body_problem(b, name, "must be a date like 2025-06-30");
        return -1;
    }
    return 1;
}

static int ref_text(json_t *v, char *out, size_t outlen)
{
    if (json_is_integer(v) && json_integer_value(v) >= 1 &&
        json_integer_value(v) <= 999999999999999LL) {
        snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
        return 0;
    }
    if (json_is_string(v) && json_string_length(v) >= 1 && json_string_length(v) < 64 &&
        strlen(json_string_value(v)) == json_string_length(v)) {
        const char *s = json_string_value(v);
        for (const char *p = s; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
                return -1;
        snprintf(out, outlen, "%s", s);
        return 0;
    }
    return -1;
}

int workplan_body_ref(struct body *b, const char *name, char *out, size_t outlen)
{
    if (!body_has(b, name))
        return 0;
    if (ref_text(json_object_get(b->obj, name), out, outlen) != 0) {
        body_problem(b, name, "must be an id (a positive integer) or a key like att-aldras.a2");
        return -1;
    }
    return 1;
}

json_t *workplan_body_refs(struct body *b, const char *name, size_t max)
{
    if (!body_has(b, name))
        return NULL;
    json_t *v = json_object_get(b->obj, name);
    if (!json_is_array(v) || json_array_size(v) > max) {
        body_problem(b, name, "must be an array of at most %zu ids or keys", max);
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char text[64];
        if (ref_text(item, text, sizeof text) != 0) {
            body_problem(b, name, "item %zu must be an id (a positive integer) or a key like att-aldras.a2", i);
            json_decref(out);
            out = NULL;
            break;
        }
        json_array_append_new(out, json_string(text));
    }
    return out;
}

int workplan_body_object(struct body *b, const char *name, int required, struct body *child)
{
    memset(child, 0, sizeof *child);
    child->r = b->r;
    if (!body_has(b, name)) {
        if (required)
            body_problem(b, name, "is required");
        return 0;
    }
    json_t *v = json_object_get(b->obj, name);
    if (!json_is_object(v)) {
        body_problem(b, name, "must be an object");
        return -1;
    }
    child->obj = v;
    return 1;
}

void workplan_body_problem_at(struct body *b, const char *pointer, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_scrub(msg);
    if (!b->errors)
        b->errors = json_array();
    json_array_append_new(b->errors, json_pack("{s:s, s:s}", "path", pointer, "message", msg));
}

void workplan_body_close(struct body *b, const char *pointer, struct body *child)
{
    const char *key;
    json_t *v;
    if (child->obj) {
        json_object_foreach(child->obj, key, v) {
            int known = 0;
            for (int k = 0; k < child->nknown && !known; k++)
                known = strcmp(key, child->known[k]) == 0;
            if (!known)
                body_problem(child, key, "is not a known field");
        }
    }
    size_t i;
    json_t *problem;
    json_array_foreach(child->errors, i, problem) {
        const char *path = json_string_value(json_object_get(problem, "path"));
        char *full = xasprintf("%s%s", pointer, path ? path : "");
        workplan_body_problem_at(b, full, "%s", json_string_value(json_object_get(problem, "message")));
        free(full);
    }
    json_decref(child->errors);
    child->errors = NULL;
}
