/* A batch of input rows: reading the body, checking fields with row-precise errors, the write
 * decision, the derived-value push through the host, storing and answering. */
#include "nv.h"

#include <math.h> /* isfinite: a macro, no libm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- opening and closing */

static int body_shape_ok(json_t *body, const char *collection)
{
    return json_is_object(body) && json_object_size(body) == 1 &&
           json_is_array(json_object_get(body, collection));
}

/* ?mode=replace deletes the derived values the push does not mention; where the plugin cannot
 * delete its own rows alike (replace_ok 0) it is refused rather than half done. */
static int mode_refused(lgvo_request *req, int replace_ok)
{
    const char *mode = nv_host->query(req, "mode");
    if (replace_ok || !mode || strcmp(mode, "replace") != 0)
        return 0;
    nv_host->reply_error(req, 400, "invalid_query",
                         "mode=replace is not supported by this endpoint; use atomic (the default) or partial",
                         json_pack("[{s:s, s:s}]", "path", "query.mode", "message",
                                   "must be atomic or partial"));
    return 1;
}

/* The body's shape and the query, before anything is allocated. Sets b->rows and b->count.
 * Returns 0, or -1 after replying. */
static int read_body(nv_batch *b, lgvo_request *req, const char *collection, int replace_ok)
{
    json_t *body = nv_host->body(req); /* borrowed; NULL after the host replied 400/415 */
    if (!body)
        return -1;
    if (!body_shape_ok(body, collection)) {
        char msg[160];
        snprintf(msg, sizeof msg, "the body must be {\"%s\":[…]} with nothing else", collection);
        nv_host->reply_error(req, 400, "invalid_json", msg, NULL);
        return -1;
    }
    if (mode_refused(req, replace_ok))
        return -1;
    b->rows = json_object_get(body, collection);
    b->count = json_array_size(b->rows);
    if (b->count > NV_MAX_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "the request has %zu rows; at most %d are accepted per request",
                 b->count, NV_MAX_ROWS);
        nv_host->reply_error(req, 413, "too_many_rows", msg, NULL);
        return -1;
    }
    return nv_no_jit(req);
}

int nv_batch_open(nv_batch *b, lgvo_request *req, const char *collection, int replace_ok)
{
    int rc = -1;
    memset(b, 0, sizeof *b);
    b->req = req;
    b->collection = collection;
    if (read_body(b, req, collection, replace_ok) != 0)
        goto out;
    b->errors = json_array();
    b->values = json_array();
    b->clean = json_array();
    b->bad = calloc(b->count + 1, 1);
    b->principal_id = calloc(b->count + 1, sizeof *b->principal_id);
    b->principal = calloc(b->count + 1, sizeof *b->principal);
    if (!b->errors || !b->values || !b->clean || !b->bad || !b->principal_id || !b->principal) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b->count; i++)
        json_array_append_new(b->clean, json_null());
    rc = 0;
out:
    if (rc != 0)
        nv_batch_free(b);
    return rc;
}

void nv_batch_free(nv_batch *b)
{
    if (b->pushed)
        nv_host->push_reply(b->req, b->push.push, NULL); /* only frees once answered */
    json_decref(b->errors);
    json_decref(b->values);
    json_decref(b->clean);
    free(b->bad);
    free(b->principal_id);
    free(b->principal);
    memset(b, 0, sizeof *b);
}

/* ---------------------------------------------------------------- errors */

/* Cuts a UTF-8 sequence that a truncation (snprintf "%.Ns", a full buffer) left incomplete at
 * the end of s, so that Jansson accepts the text. */
static void utf8_trim(char *s)
{
    size_t len = strlen(s), lead = len;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80 && len - lead < 3)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len - (lead - 1) < need)
        s[lead - 1] = '\0';
}

void nv_error(nv_batch *b, size_t index, const char *path, const char *code, const char *fmt, ...)
{
    char msg[400], full[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "/%s/%zu%s", b->collection, index, path ? path : "");
    utf8_trim(msg);
    utf8_trim(full);
    json_t *err = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index, "path", full,
                            "code", code, "message", msg);
    if (!err) /* text that is still not UTF-8: keep the error, without the text */
        err = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index, "path", "", "code",
                        code, "message", "this row has a problem whose description is not valid UTF-8");
    if (err)
        json_array_append_new(b->errors, err);
    if (index < b->count)
        b->bad[index] = 1;
}

/* The path of member name inside base, as a JSON pointer (~ and / escaped). */
static void member_path(char *out, size_t n, const char *base, const char *name)
{
    size_t len = (size_t)snprintf(out, n, "%s/", base);
    for (const char *p = name; *p && len + 3 < n; p++) {
        if (*p == '~' || *p == '/') {
            out[len++] = '~';
            out[len++] = *p == '~' ? '0' : '1';
        } else {
            out[len++] = *p;
        }
    }
    out[len < n ? len : n - 1] = '\0';
}

/* The member (borrowed from obj), or NULL when absent or null (then "missing" if required). */
static json_t *member(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                      int required, char *path, size_t pathlen)
{
    member_path(path, pathlen, base, name);
    json_t *v = json_object_get(obj, name);
    if (v && !json_is_null(v))
        return v;
    if (required)
        nv_error(b, i, path, "missing", "%s is required", name);
    return NULL;
}

/* ---------------------------------------------------------------- field readers */

int nv_get_int(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name, int required,
               json_int_t min, json_int_t max, json_int_t *out)
{
    char path[128];
    json_t *v = member(b, i, obj, base, name, required, path, sizeof path);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_integer(v)) {
        nv_error(b, i, path, "wrong_type", "%s must be a whole number", name);
        return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < min || n > max) {
        nv_error(b, i, path, "out_of_range", "%s must be between %" JSON_INTEGER_FORMAT
                 " and %" JSON_INTEGER_FORMAT ", got %" JSON_INTEGER_FORMAT, name, min, max, n);
        return -1;
    }
    *out = n;
    return 1;
}

/* The shortest text that reads back as d (as the core writes numbers). */
static void number_text(double d, char *out)
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* Whether d has at most `decimals` decimals (d is finite, 0..1e9; no libm: only Jansson). */
static int decimals_ok(double d, int decimals)
{
    if (decimals < 0)
        return 1;
    double scaled = d;
    for (int k = 0; k < decimals; k++)
        scaled *= 10;
    double nearest = (double)(long long)(scaled + 0.5);
    double diff = scaled > nearest ? scaled - nearest : nearest - scaled;
    return diff < 1e-6 * (scaled > 1 ? scaled : 1);
}

int nv_get_number(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  int required, double min, double max, int decimals, double *out, char *text)
{
    char path[128];
    json_t *v = member(b, i, obj, base, name, required, path, sizeof path);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        nv_error(b, i, path, "wrong_type", "%s must be a number", name);
        return -1;
    }
    double d = json_number_value(v);
    if (d < min || d > max) {
        char lo[32], hi[32], got[32];
        number_text(min, lo);
        number_text(max, hi);
        number_text(d, got);
        nv_error(b, i, path, "out_of_range", "%s must be between %s and %s, got %s", name, lo, hi, got);
        return -1;
    }
    if (!decimals_ok(d, decimals)) {
        nv_error(b, i, path, "too_many_decimals", "%s takes at most %d decimals", name, decimals);
        return -1;
    }
    if (json_is_integer(v))
        snprintf(text, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
        number_text(d, text);
    *out = d;
    return 1;
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int nv_get_string(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  int required, size_t max, const char **out)
{
    char path[128];
    json_t *v = member(b, i, obj, base, name, required, path, sizeof path);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_string(v)) {
        nv_error(b, i, path, "wrong_type", "%s must be a string", name);
        return -1;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) {
        nv_error(b, i, path, "nul_character", "%s must not contain NUL characters", name);
        return -1;
    }
    if (!*s) {
        nv_error(b, i, path, "empty", "%s must not be empty (leave it out instead)", name);
        return -1;
    }
    if (characters(s) > max) {
        nv_error(b, i, path, "too_long", "%s must be at most %zu characters", name, max);
        return -1;
    }
    *out = s;
    return 1;
}

int nv_get_bool(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                int required, int *out)
{
    char path[128];
    json_t *v = member(b, i, obj, base, name, required, path, sizeof path);
    if (!v)
        return required ? -1 : 0;
    if (!json_is_boolean(v)) {
        nv_error(b, i, path, "wrong_type", "%s must be true or false", name);
        return -1;
    }
    *out = json_is_true(v);
    return 1;
}

int nv_get_enum(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                int required, const char *const *allowed, const char **out)
{
    const char *s = NULL;
    int got = nv_get_string(b, i, obj, base, name, required, 64, &s);
    if (got != 1)
        return got;
    for (int k = 0; allowed[k]; k++) {
        if (strcmp(s, allowed[k]) == 0) {
            *out = allowed[k];
            return 1;
        }
    }
    char list[256] = "", path[128];
    for (int k = 0; allowed[k]; k++) {
        strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, allowed[k], sizeof list - strlen(list) - 1);
    }
    member_path(path, sizeof path, base, name);
    nv_error(b, i, path, "invalid_value", "%s must be one of: %s", name, list);
    return -1;
}

/* Period checks shared by nv_get_period and nv_get_year. */
static int period_in_range(nv_batch *b, size_t i, const char *path, const nv_period *p)
{
    if (p->year < NV_FIRST_YEAR) {
        nv_error(b, i, path, "period_too_early", "periods start in %d", NV_FIRST_YEAR);
        return -1;
    }
    if (nv_date_cmp(p->start, nv_today()) > 0) {
        nv_error(b, i, path, "future_period", "%s has not started yet; no future periods", p->text);
        return -1;
    }
    return 1;
}

int nv_get_period(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  nv_period_type type, nv_period *out)
{
    const char *s = NULL;
    char path[128];
    member_path(path, sizeof path, base, name);
    int got = nv_get_string(b, i, obj, base, name, 1, 16, &s);
    if (got != 1)
        return -1;
    if (nv_period_parse(type, s, out) != 0) {
        nv_error(b, i, path, "invalid_period", "'%s' is not a %s; use the form %s", s,
                 nv_period_name(type), nv_period_example(type));
        return -1;
    }
    return period_in_range(b, i, path, out);
}

int nv_get_year(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name, int *out)
{
    json_int_t y = 0;
    char path[128];
    member_path(path, sizeof path, base, name);
    if (nv_get_int(b, i, obj, base, name, 1, 1, 9999, &y) != 1)
        return -1;
    nv_period p;
    nv_period_make(NV_YEAR, (int)y, 0, &p);
    if (period_in_range(b, i, path, &p) != 1)
        return -1;
    *out = (int)y;
    return 1;
}

int nv_get_principal(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                     const char *kind, int *id, char *slug)
{
    const char *s = NULL;
    char path[128];
    member_path(path, sizeof path, base, name);
    if (nv_get_string(b, i, obj, base, name, 1, 48, &s) != 1)
        return -1;
    lgvo_principal p = {.struct_size = sizeof p};
    if (nv_host->principal(s, &p) != 0) {
        nv_error(b, i, path, "unknown_principal",
                 "no principal '%s' (use a slug such as motala or an official code such as 0583)", s);
        return -1;
    }
    /* p's strings are borrowed until the next lookup on this thread: copy now. */
    snprintf(slug, 48, "%s", p.slug);
    *id = p.id;
    if (kind && strcmp(p.kind, kind) != 0) {
        nv_error(b, i, path, "principal_kind_not_allowed", "%s is %s; %s takes %s", slug,
                 strcmp(p.kind, "region") == 0 ? "the region" : "a municipality", name,
                 strcmp(kind, "region") == 0 ? "the region" : "a municipality");
        return -1;
    }
    nv_batch_set_principal(b, i, p.id, slug);
    return 1;
}

void nv_batch_set_principal(nv_batch *b, size_t i, int id, const char *slug)
{
    if (i >= b->count)
        return;
    b->principal_id[i] = id;
    snprintf(b->principal[i], sizeof b->principal[i], "%s", slug);
}

int nv_check_object(nv_batch *b, size_t i, json_t *obj, const char *base,
                    const char *const *allowed)
{
    if (!json_is_object(obj)) {
        nv_error(b, i, base, "wrong_type", "%s must be a JSON object", *base ? base + 1 : "each row");
        return -1;
    }
    int unknown = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        int known = 0;
        for (int k = 0; allowed[k] && !known; k++)
            known = strcmp(key, allowed[k]) == 0;
        if (known)
            continue;
        char path[128], name[64];
        snprintf(name, sizeof name, "%.60s", key);
        utf8_trim(name); /* a long name may be cut inside a character */
        member_path(path, sizeof path, base, name);
        nv_error(b, i, path, "unknown_field", "unknown field \"%s\"", name);
        unknown++;
    }
    return unknown;
}

/* ---------------------------------------------------------------- duplicates */

struct keyed {
    const char *key;
    size_t index;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

void nv_check_duplicates(nv_batch *b, char (*key)[64], const char *what)
{
    struct keyed *list = calloc(b->count + 1, sizeof *list);
    size_t n = 0;
    if (!list)
        return;
    for (size_t i = 0; i < b->count; i++)
        if (key[i][0])
            list[n++] = (struct keyed){key[i], i};
    qsort(list, n, sizeof *list, keyed_cmp);
    size_t first = 0;
    for (size_t k = 1; k < n; k++) {
        if (strcmp(list[k].key, list[first].key) != 0) {
            first = k;
            continue;
        }
        nv_error(b, list[k].index, "", "duplicate_row", "repeats the key (%s) of row %zu", what,
                 list[first].index);
    }
    free(list);
}

/* ---------------------------------------------------------------- the write decision */

static int approve_rows(nv_batch *b, int on_behalf, int kept_only)
{
    unsigned char seen[1024] = {0};
    for (size_t i = 0; i < b->count; i++) {
        int id = b->principal_id[i];
        if (id <= 0 || id >= (int)sizeof seen || seen[id] || (kept_only && !nv_kept(b, i)))
            continue;
        seen[id] = 1;
        if (!nv_host->can_write(b->req, b->principal[i], NV_AREA, on_behalf))
            return -1; /* the host replied 403 */
    }
    return 0;
}

int nv_batch_approve(nv_batch *b, int on_behalf)
{
    return approve_rows(b, on_behalf, 0);
}

/* ---------------------------------------------------------------- derived values and the push */

void nv_value(nv_batch *b, size_t src, const char *measure, const char *principal,
              const char *period, const char *sex, json_t *num, json_t *den, const char *comment)
{
    json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s}", "source", (json_int_t)src, "measure", measure,
                          "principal", principal, "period", period, "sex", sex);
    if (!v) {
        json_decref(num);
        json_decref(den);
        return;
    }
    if (den) {
        json_object_set_new(v, "numerator", num);
        json_object_set_new(v, "denominator", den);
    } else {
        json_object_set_new(v, "value", num);
    }
    if (comment)
        json_object_set_new(v, "comment", json_string(comment));
    json_array_append_new(b->values, v);
}

int nv_batch_push(nv_batch *b)
{
    memset(&b->push, 0, sizeof b->push);
    b->push.struct_size = sizeof b->push;
    json_t *errors = b->errors; /* stolen by push_values */
    b->errors = NULL;
    if (nv_host->push_values(b->req, b->values, b->collection, b->count, errors, &b->push) != 0)
        return -1; /* the host has answered: refused, replayed or failed */
    b->pushed = 1;
    return 0;
}

int nv_kept(const nv_batch *b, size_t i)
{
    if (i >= b->count || b->bad[i])
        return 0;
    if (b->pushed && b->push.rejected && b->push.rejected[i])
        return 0;
    return 1;
}

int nv_batch_store(nv_batch *b, int on_behalf, const char *sql, json_t *records, json_t **stored)
{
    int rc = -1;
    char *text = NULL;
    lgvo_result *r = NULL;
    *stored = NULL;
    if (approve_rows(b, on_behalf, 1) != 0)
        goto out;
    lgvo_caller who;
    nv_caller(b->req, &who);
    text = json_dumps(records, JSON_COMPACT);
    if (!text) {
        nv_host->reply_error(b->req, 500, NULL, "nara-vard: could not encode the rows", NULL);
        goto out;
    }
    const char *params[] = {text, who.subject ? who.subject : "unknown"};
    r = nv_host->sql(b->req, sql, 2, params);
    if (!r)
        goto out; /* the host replied */
    *stored = json_pack("{s:o, s:o, s:o}", "created", nv_cell_number(r, 0, 0), "updated",
                        nv_cell_number(r, 0, 1), "unchanged", nv_cell_number(r, 0, 2));
    if (*stored && nv_host->result_value(r, 0, 3))
        json_object_set_new(*stored, "deleted", nv_cell_number(r, 0, 3));
    rc = *stored ? 0 : -1;
out:
    if (r)
        nv_host->result_free(r);
    free(text);
    json_decref(records);
    return rc;
}

int nv_replacing(const nv_batch *b, char from[11], char to[11])
{
    const char *mode = nv_host->query(b->req, "mode");
    nv_period f, t;
    if (!mode || strcmp(mode, "replace") != 0)
        return 0;
    /* push_values refused a replace without valid from and to; parse them the same way. */
    if (nv_period_parse_any(nv_host->query(b->req, "from"), &f) != 0 ||
        nv_period_parse_any(nv_host->query(b->req, "to"), &t) != 0)
        return 0;
    snprintf(from, 11, "%s", f.start_text);
    snprintf(to, 11, "%s", t.end_text);
    return 1;
}

/* The kept rows' principal ids and keys, for nv_batch_replace (both caller owns). */
static void kept_keys(const nv_batch *b, const char *start, json_t *ids, json_t *keys)
{
    unsigned char seen[1024] = {0};
    for (size_t i = 0; i < b->count; i++) {
        if (!nv_kept(b, i))
            continue;
        json_t *c = json_array_get(b->clean, i);
        int id = b->principal_id[i];
        json_array_append_new(keys, json_pack("{s:i, s:O}", "principal_id", id, "start", json_object_get(c, start)));
        if (id > 0 && id < (int)sizeof seen && !seen[id]++)
            json_array_append_new(ids, json_integer(id));
    }
}

int nv_batch_replace(nv_batch *b, const char *start, const char *sql, json_t *stored)
{
    char from[11], to[11], *id_text = NULL, *key_text = NULL;
    json_t *ids = json_array(), *keys = json_array();
    lgvo_result *r = NULL;
    int rc = -1;
    if (!nv_replacing(b, from, to)) {
        rc = 0;
        goto out;
    }
    kept_keys(b, start, ids, keys);
    id_text = json_dumps(ids, JSON_COMPACT);
    key_text = json_dumps(keys, JSON_COMPACT);
    if (!id_text || !key_text) {
        nv_host->reply_error(b->req, 500, NULL, "nara-vard: could not encode the keys", NULL);
        goto out;
    }
    const char *params[] = {id_text, key_text, from, to};
    r = nv_host->sql(b->req, sql, 4, params);
    if (!r)
        goto out; /* the host replied */
    json_object_set_new(stored, "deleted", nv_cell_number(r, 0, 0));
    rc = 0;
out:
    if (r)
        nv_host->result_free(r);
    free(id_text);
    free(key_text);
    json_decref(ids);
    json_decref(keys);
    return rc;
}

void nv_batch_reply(nv_batch *b, json_t *extra)
{
    if (!b->pushed) {
        json_decref(extra);
        return;
    }
    b->pushed = 0;
    nv_host->push_reply(b->req, b->push.push, extra);
}
