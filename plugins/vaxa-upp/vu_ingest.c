/* The write path shared by every POST of the plugin; see vu.h.
 *
 *   body {"<collection>": [rows]}  →  every row read and checked (row-precise errors)
 *   → duplicates within the push → every named principal approved by host->can_write (one
 *   refusal answers 403 for the whole push) → the rows' derived values pushed through
 *   host->push_values together with the plugin's errors (the host applies ?mode=atomic|partial,
 *   ?dry_run, Idempotency-Key, period locks and the core's checks, and answers 422 for an
 *   atomic push with errors) → the rows not rejected stored → host->push_reply.
 *
 * ?mode=replace is refused: it would delete core values the plugin's own rows still hold. */
#include "vu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input array, or NULL after replying 400 (the host replied for a bad body). */
static json_t *input_rows(lgvo_request *req, const char *collection)
{
    json_t *body = vu_host->body(req); /* borrowed */
    if (!body)
        return NULL;
    json_t *rows = json_object_get(body, collection);
    if (!json_is_object(body) || !json_is_array(rows) || json_object_size(body) != 1) {
        char msg[160];
        snprintf(msg, sizeof msg, "the body must be {\"%s\":[…]} with nothing else", collection);
        vu_host->reply_error(req, 400, "invalid_json", msg, NULL);
        return NULL;
    }
    if (json_array_size(rows) > VU_MAX_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "the push has %zu rows; at most %d are accepted per request",
                 json_array_size(rows), VU_MAX_ROWS);
        vu_host->reply_error(req, 413, "too_many_rows", msg, NULL);
        return NULL;
    }
    return rows;
}

static int mode_allowed(lgvo_request *req)
{
    const char *mode = vu_host->query(req, "mode");
    if (mode && strcmp(mode, "replace") == 0) {
        vu_reply_bad_query(req, "mode", "must be atomic or partial: replace is not offered for the plugin's figures");
        return 0;
    }
    return 1;
}

static struct vu_head *head_of(void *rows, size_t size, size_t i)
{
    return (struct vu_head *)((char *)rows + i * size);
}

/* Reads every row; marks ok on rows without errors. */
static void parse_rows(const struct vu_dataset *ds, json_t *input, void *rows,
                       struct vu_errors *e, void *ctx)
{
    for (size_t i = 0; i < json_array_size(input); i++) {
        struct vu_row r = {.e = e, .index = i, .obj = json_array_get(input, i)};
        void *row = head_of(rows, ds->row_size, i);
        if (!json_is_object(r.obj))
            vu_row_error(&r, NULL, NULL, "wrong_type", "each row must be a JSON object");
        else
            ds->parse(&r, row, ctx);
        ((struct vu_head *)row)->ok = !r.bad;
    }
}

static void find_duplicates(const struct vu_dataset *ds, void *rows, size_t n, struct vu_errors *e)
{
    for (size_t j = 1; j < n; j++) {
        struct vu_head *b = head_of(rows, ds->row_size, j);
        for (size_t i = 0; i < j && b->ok; i++) {
            struct vu_head *a = head_of(rows, ds->row_size, i);
            if (a->ok && ds->same_key(a, b)) {
                vu_error(e, j, NULL, NULL, "duplicate_row", "repeats the key (principal and period) of row %zu", i);
                b->ok = 0;
            }
        }
    }
}

/* Cross-row and stored-data checks, in input order. Returns 0, or -1 after the host replied. */
static int relate_rows(lgvo_request *req, const struct vu_dataset *ds, json_t *input, void *rows,
                       struct vu_errors *e, void *ctx)
{
    for (size_t i = 0; ds->relate && i < json_array_size(input); i++) {
        struct vu_head *h = head_of(rows, ds->row_size, i);
        if (!h->ok)
            continue;
        struct vu_row r = {.e = e, .index = i, .obj = json_array_get(input, i)};
        if (ds->relate(req, &r, h, rows, json_array_size(input), ctx) != 0)
            return -1;
        h->ok = !r.bad;
    }
    return 0;
}

/* host->can_write for every principal named by a row. Returns 0, or -1 after the host
 * replied 403 (or 404). */
static int approve_principals(lgvo_request *req, const struct vu_dataset *ds, void *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct vu_head *h = head_of(rows, ds->row_size, i);
        int seen = h->who.id == 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = head_of(rows, ds->row_size, j)->who.id == h->who.id;
        if (!seen && !vu_host->can_write(req, h->who.slug, VU_AREA, 0))
            return -1;
    }
    return 0;
}

static json_t *derive_values(const struct vu_dataset *ds, void *rows, size_t n)
{
    json_t *values = json_array();
    for (size_t i = 0; ds->derive && i < n; i++) {
        struct vu_head *h = head_of(rows, ds->row_size, i);
        if (h->ok)
            ds->derive(h, i, values);
    }
    return values;
}

/* Stores the rows the push kept; *stored marks them. Returns 0, or -1 after the host replied. */
static int store_rows(lgvo_request *req, const struct vu_dataset *ds, void *rows, size_t n,
                      const lgvo_push_result *pr, unsigned char *stored, void *ctx)
{
    struct vu_viewer viewer;
    vu_viewer_get(req, &viewer);
    struct vu_writer w = {.subject = viewer.subject ? viewer.subject : "unknown",
                          .request_id = vu_host->request_id(req), .sees_all = viewer.sees_all};
    for (size_t i = 0; i < n; i++) {
        struct vu_head *h = head_of(rows, ds->row_size, i);
        if (!h->ok || pr->rejected[i])
            continue;
        if (ds->store(req, h, &w, ctx) != 0)
            return -1;
        stored[i] = 1;
    }
    return 0;
}

static json_t *answer_extra(lgvo_request *req, const struct vu_dataset *ds, void *rows, size_t n,
                            const unsigned char *stored, void *ctx)
{
    json_int_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += stored[i];
    json_t *extra = json_pack("{s:I}", "stored", count);
    json_t *more = ds->extra ? ds->extra(req, rows, n, stored, ctx) : NULL;
    if (more)
        json_object_update(extra, more);
    json_decref(more);
    return extra;
}

void vu_ingest(lgvo_request *req, const struct vu_dataset *ds, void *ctx)
{
    void *rows = NULL;
    unsigned char *stored = NULL;
    json_t *values = NULL;
    struct vu_errors e = {.list = json_array(), .collection = ds->collection};
    json_t *input = input_rows(req, ds->collection); /* borrowed from the body */
    if (!input || !mode_allowed(req))
        goto out;
    size_t n = json_array_size(input);
    rows = vu_alloc(n + 1, ds->row_size);
    stored = vu_alloc(n + 1, 1);
    parse_rows(ds, input, rows, &e, ctx);
    find_duplicates(ds, rows, n, &e);
    if (approve_principals(req, ds, rows, n) != 0 || relate_rows(req, ds, input, rows, &e, ctx) != 0)
        goto out;
    values = derive_values(ds, rows, n);
    lgvo_push_result pr = {.struct_size = sizeof pr};
    json_t *errors = e.list;
    e.list = NULL; /* stolen by push_values */
    if (vu_host->push_values(req, values, ds->collection, n, errors, &pr) != 0)
        goto out; /* the host answered: refused push, replay, database error */
    if (store_rows(req, ds, rows, n, &pr, stored, ctx) != 0) {
        vu_host->push_reply(req, pr.push, NULL); /* already answered: only frees */
        goto out;
    }
    vu_host->push_reply(req, pr.push, answer_extra(req, ds, rows, n, stored, ctx));
out:
    json_decref(values);
    json_decref(e.list);
    free(stored);
    free(rows);
}

static json_t *value_base(const char *measure, const char *principal, const char *period,
                          size_t source)
{
    return json_pack("{s:s, s:s, s:s, s:I}", "measure", measure, "principal", principal, "period",
                     period, "source", (json_int_t)source);
}

json_t *vu_value_count(const char *measure, const char *principal, const char *period,
                       long long value, size_t source)
{
    json_t *v = value_base(measure, principal, period, source);
    json_object_set_new(v, "value", json_integer(value));
    return v;
}

json_t *vu_value_ratio(const char *measure, const char *principal, const char *period,
                       long long numerator, long long denominator, size_t source)
{
    json_t *v = value_base(measure, principal, period, source);
    json_object_set_new(v, "numerator", json_integer(numerator));
    json_object_set_new(v, "denominator", json_integer(denominator));
    return v;
}

json_t *vu_value_real(const char *measure, const char *principal, const char *period,
                      double value, size_t source)
{
    json_t *v = value_base(measure, principal, period, source);
    json_object_set_new(v, "value", json_real(value));
    return v;
}

const char *vu_param_int(struct vu_params *p, long long v)
{
    if (p->n >= (int)(sizeof p->buf / sizeof p->buf[0]))
        abort(); /* a programming error: more parameters than the buffer holds */
    return vu_itoa(p->buf[p->n++], v);
}
