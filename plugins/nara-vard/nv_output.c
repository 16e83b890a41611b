/* Reading: query parameters, result cells as JSON, replies. */
#include "nv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nv_caller(lgvo_request *req, lgvo_caller *out)
{
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    nv_host->caller(req, out);
}

void nv_reply(lgvo_request *req, int status, json_t *body)
{
    if (!body) {
        nv_host->reply_error(req, 500, NULL, "nara-vard: could not build the answer", NULL);
        return;
    }
    nv_host->reply_json(req, status, body); /* stolen */
}

int nv_no_jit(lgvo_request *req)
{
    lgvo_result *r = nv_host->sql(req, "SET LOCAL jit = off", 0, NULL);
    if (!r)
        return -1; /* the host replied */
    nv_host->result_free(r);
    return 0;
}

/* ---------------------------------------------------------------- query parameters */

void nv_query_init(nv_query *q, lgvo_request *req)
{
    q->req = req;
    q->errors = NULL;
}

static void problem(nv_query *q, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(nv_query *q, const char *name, const char *fmt, ...)
{
    char path[64], msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "query.%s", name);
    if (!q->errors)
        q->errors = json_array();
    json_array_append_new(q->errors, json_pack("{s:s, s:s}", "path", path, "message", msg));
}

void nv_query_period(nv_query *q, const char *name, nv_period_type type, nv_period *out,
                     int *present)
{
    const char *v = nv_host->query(q->req, name);
    *present = v != NULL;
    if (v && nv_period_parse(type, v, out) != 0) {
        problem(q, name, "must be a period like %s", nv_period_example(type));
        *present = 0;
    }
}

void nv_query_principal(nv_query *q, const char *name, const char *kind, int *id)
{
    const char *v = nv_host->query(q->req, name);
    *id = 0;
    if (!v)
        return;
    lgvo_principal p = {.struct_size = sizeof p};
    if (nv_host->principal(v, &p) != 0 || (kind && strcmp(p.kind, kind) != 0)) {
        problem(q, name, "must be the slug or code of a %s", kind ? kind : "principal");
        return;
    }
    *id = p.id;
}

int nv_query_year(nv_query *q, const char *name, int required)
{
    const char *v = nv_host->query(q->req, name);
    if (!v) {
        if (required)
            problem(q, name, "is required (a year such as %s)", "2025");
        return 0;
    }
    nv_period p;
    if (nv_period_parse(NV_YEAR, v, &p) != 0 || p.year < NV_FIRST_YEAR) {
        problem(q, name, "must be a year from %s, such as 2025", "2000");
        return 0;
    }
    return p.year;
}

int nv_query_failed(nv_query *q)
{
    if (!q->errors)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "the query string has %zu problem(s); see details",
             json_array_size(q->errors));
    json_t *errors = q->errors; /* stolen by reply_error */
    q->errors = NULL;
    nv_host->reply_error(q->req, 400, "invalid_query", msg, errors);
    return 1;
}

/* ---------------------------------------------------------------- result cells */

json_t *nv_cell_number(const lgvo_result *r, int row, int col)
{
    const char *s = nv_host->result_value(r, row, col);
    if (!s)
        return json_null();
    return strpbrk(s, ".eE") ? json_real(strtod(s, NULL)) : json_integer(strtoll(s, NULL, 10));
}

json_t *nv_cell_string(const lgvo_result *r, int row, int col)
{
    const char *s = nv_host->result_value(r, row, col);
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

json_t *nv_cell_bool(const lgvo_result *r, int row, int col)
{
    const char *s = nv_host->result_value(r, row, col);
    return s ? json_boolean(s[0] == 't') : json_null();
}

void nv_reply_query_json(lgvo_request *req, const char *sql, int nparams, const char *const *params)
{
    if (nv_no_jit(req) != 0)
        return;
    lgvo_result *r = nv_host->sql(req, sql, nparams, params);
    if (!r)
        return; /* the host replied */
    const char *text = nv_host->result_value(r, 0, 0);
    json_t *body = text ? json_loads(text, 0, NULL) : NULL;
    nv_host->result_free(r);
    nv_reply(req, 200, body);
}

/* ---------------------------------------------------------------- code lists from the database */

int nv_codes_load(lgvo_request *req, const char *sql, nv_codes *out)
{
    int rc = -1;
    memset(out, 0, sizeof *out);
    lgvo_result *r = nv_host->sql(req, sql, 0, NULL); /* caller frees: result_free below */
    if (!r)
        goto out; /* the host replied */
    int n = nv_host->result_rows(r);
    out->values = json_array();
    out->list = calloc((size_t)n + 1, sizeof *out->list);
    if (!out->values || !out->list) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (int k = 0; k < n; k++)
        json_array_append_new(out->values, nv_cell_string(r, k, 0));
    for (int k = 0; k < n; k++)
        out->list[k] = json_string_value(json_array_get(out->values, (size_t)k));
    rc = 0;
out:
    if (r)
        nv_host->result_free(r);
    if (rc != 0)
        nv_codes_free(out);
    return rc;
}

void nv_codes_free(nv_codes *c)
{
    json_decref(c->values);
    free(c->list);
    memset(c, 0, sizeof *c);
}
