/* POST /api/v1/values and the same pipeline for plugins' derived values (host->push_values);
 * see values_push.h. The flow: read the options and the Idempotency-Key → read the rows (JSON
 * or CSV) → check every row (values_input.c) → the area plugins' validate hooks → decide
 * (atomic/replace refuse on any error; partial keeps the good rows) → write (values_write.c)
 * → answer with the import summary. dry_run does everything and rolls back. */
#include "core/values_push.h"

#include "app.h"
#include "core/idempotency.h"
#include "core/routes.h"
#include "core/values_input.h"
#include "core/values_write.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "lgvo/plugin.h"
#include "log.h"
#include "plugin/loader.h"
#include "util/clock.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

#define MAX_RETRIES 3

/* One push, from options to answer. */
struct push_job {
    const char *mode; /* atomic | partial | replace */
    int dry_run, partial, replace;
    struct replace_slice slice;
    const char *key;  /* Idempotency-Key or NULL */
    char sha[65];
    struct push_rows rows;
    struct push_errors e;
    struct write_counts counts;
    long rejected;
};

static void job_free(struct push_job *job)
{
    json_decref(job->e.list);
    push_rows_free(&job->rows);
}

/* Reads ?mode=&dry_run=&from=&to= (strict: unknown parameters are refused) and starts the
 * idempotency check. Returns 0, or -1 after replying (bad query, replay, conflict). */
static int job_start(struct req *r, struct push_job *job, int strict)
{
    static const char *const modes[] = {"atomic", "partial", "replace", NULL};
    job->e.list = json_array();
    struct query_params q;
    query_params_init(&q, r);
    q.allow_unknown = !strict;
    job->mode = query_enum(&q, "mode", modes, "atomic");
    job->dry_run = query_bool(&q, "dry_run", 0);
    const char *from = query_text(&q, "from", 16), *to = query_text(&q, "to", 16);
    job->replace = strcmp(job->mode, "replace") == 0;
    job->partial = strcmp(job->mode, "partial") == 0;
    struct replace_slice *s = &job->slice;
    if (job->replace) {
        if (!from || period_parse(from, &s->from) != 0)
            query_problem(&q, "from", "mode=replace needs from=PERIOD (e.g. 2025-01)");
        if (!to || period_parse(to, &s->to) != 0)
            query_problem(&q, "to", "mode=replace needs to=PERIOD (e.g. 2025-12)");
        else if (from && s->from.type && date_compare(s->from.start, s->to.end) > 0)
            query_problem(&q, "to", "must not come before from");
    } else if (strict && (from || to)) {
        query_problem(&q, from ? "from" : "to", "from and to are used only with mode=replace");
    }
    if (query_params_failed(&q))
        return -1;
    job->key = req_header(r, "Idempotency-Key");
    if (job->key && idempotency_begin(r, job->key, job->sha) != IDEM_NEW)
        return -1;
    return 0;
}

/* Runs each area plugin's validate hook over the rows of its area that passed so far.
 * Returns 0, or -1 after replying 500 when a hook fails: rows it could not check are never
 * stored. */
static int run_plugin_hooks(struct req *req, struct push_rows *rows, struct push_errors *e)
{
    struct app *app = req->app;
    for (int p = 0; p < app->plugins.count; p++) {
        const struct plugin *pl = &app->plugins.items[p];
        if (!pl->desc->validate)
            continue;
        lgvo_value_row *list = xcalloc(rows->count + 1, sizeof *list);
        size_t n = 0;
        for (size_t i = 0; i < rows->count; i++) {
            const struct push_row *r = &rows->items[i];
            if (r->bad || strcmp(r->m.area, pl->desc->area) != 0)
                continue;
            list[n++] = (lgvo_value_row){
                .struct_size = sizeof(lgvo_value_row),
                .index = r->index,
                .measure = r->m.slug,
                .principal = r->p.slug,
                .period = r->period_text,
                .sex = r->sex == 'K' ? "K" : r->sex == 'M' ? "M" : "T",
                .has_value = r->value != NULL,
                .value = r->value ? strtod(r->value, NULL) : 0,
                .has_numerator = r->numerator != NULL,
                .numerator = r->numerator ? strtod(r->numerator, NULL) : 0,
                .has_denominator = r->denominator != NULL,
                .denominator = r->denominator ? strtod(r->denominator, NULL) : 0,
                .achieved = r->achieved,
                .achieved_on = r->achieved_on[0] ? r->achieved_on : NULL,
                .text = r->text,
                .comment = r->comment,
            };
        }
        int failed = n && pl->desc->validate(pl->state, list, n, (lgvo_row_errors *)e) != 0;
        free(list);
        if (failed) {
            log_msg(LOG_ERROR, "request %s: plugin %s: validate hook failed", req->id, pl->desc->slug);
            reply_error(req, 500, "validation_unavailable",
                        "the %s plugin could not check the rows of its area; nothing was written (quote request id %s)",
                        pl->desc->slug, req->id);
            return -1;
        }
    }
    return 0;
}

/* In replace mode the push owns the periods from..to: a row outside them is an error. */
static void check_replace_window(struct push_job *job)
{
    if (!job->replace)
        return;
    for (size_t i = 0; i < job->rows.count; i++) {
        struct push_row *row = &job->rows.items[i];
        if (!row->period_text[0] || row->bad)
            continue;
        if (date_compare(row->period.start, job->slice.from.start) < 0 ||
            date_compare(row->period.end, job->slice.to.end) > 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "%s is outside the replaced periods from..to of this push",
                     row->period_text);
            push_row_error(&job->e, row->index, "period", "outside_replace_window", msg);
        }
    }
}

static long count_bad(const struct push_rows *rows, int *forbidden)
{
    long bad = 0;
    for (size_t i = 0; i < rows->count; i++) {
        bad += rows->items[i].bad;
        if (forbidden)
            *forbidden |= rows->items[i].forbidden;
    }
    return bad;
}

/* A refused push: 403 when a row may not be written, 409 for locked periods, else 422. */
static void refuse(struct req *r, struct push_job *job, json_t *errors, long bad, long total,
                   int forbidden, int locked)
{
    json_t *details = json_incref(errors);
    if (forbidden)
        reply_error_details(r, 403, "forbidden", details,
                            "%ld of %ld rows are refused; rows you may not write make the whole push fail (nothing was written)",
                            bad, total);
    else if (locked)
        reply_error_details(r, 409, "period_locked", details,
                            "the push writes to locked periods (see details); nothing was written");
    else
        reply_error_details(r, 422, "validation_failed", details,
                            "%ld of %ld rows are invalid; nothing was written (use ?mode=partial to keep the valid rows)",
                            bad, total);
    (void)job;
}

/* Undoes what a failed write attempt marked, before retrying it. */
static void reset_after_attempt(struct push_job *job, size_t errors_before)
{
    while (json_array_size(job->e.list) > errors_before)
        json_array_remove(job->e.list, json_array_size(job->e.list) - 1);
    for (size_t i = 0; i < job->rows.count; i++) {
        if (job->rows.items[i].locked) {
            job->rows.items[i].locked = 0;
            job->rows.items[i].bad = 0;
        }
    }
}

/* Writes the good rows, retrying on deadlocks. Returns 0, or -1 after replying (locked rows
 * in atomic mode are refused with `errors`, the caller's view of the errors). With
 * whole_sources, a partial push first tries atomically: rows in locked periods then reject
 * their source rows as a whole (see values_push_derived) before the rest is written. */
static int job_write_mode(struct req *r, struct push_job *job,
                          json_t *(*view)(struct push_job *, void *), void *ctx, int partial);

static int job_write(struct req *r, struct push_job *job, json_t *(*view)(struct push_job *, void *),
                     void *ctx)
{
    return job_write_mode(r, job, view, ctx, job->partial);
}

static int job_write_mode(struct req *r, struct push_job *job,
                          json_t *(*view)(struct push_job *, void *), void *ctx, int partial)
{
    size_t errors_before = json_array_size(job->e.list);
    enum write_result w = WRITE_RETRY;
    for (int attempt = 0; attempt < MAX_RETRIES && w == WRITE_RETRY; attempt++) {
        if (attempt) {
            PQclear(db_exec(r->db, "ROLLBACK", 0, NULL));
            r->in_tx = 0;
            reset_after_attempt(job, errors_before);
            if (job->key && idempotency_begin(r, job->key, job->sha) != IDEM_NEW)
                return -1;
        }
        w = values_write(r, &job->rows, &job->e, job->replace ? &job->slice : NULL, partial,
                         &job->counts);
    }
    if (w == WRITE_RETRY) {
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "conflict_retry", "the push collided with concurrent writes; retry it");
        return -1;
    }
    if (w == WRITE_LOCKED && partial != job->partial)
        return 1; /* the caller drops the locked sources and writes again */
    if (w == WRITE_LOCKED) {
        json_t *errors = view(job, ctx);
        refuse(r, job, errors, count_bad(&job->rows, NULL), (long)job->rows.count, 0, 1);
        json_decref(errors);
        return -1;
    }
    return w == WRITE_DONE ? 0 : -1;
}

/* The import summary; dry runs roll back, idempotent pushes store it; then replies. */
static void job_answer(struct req *r, struct push_job *job, long rejected, json_t *errors,
                       json_t *extra)
{
    json_t *answer = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:O}", "mode", job->mode, "dry_run",
                               job->dry_run, "created", (json_int_t)job->counts.created, "updated",
                               (json_int_t)job->counts.updated, "unchanged",
                               (json_int_t)job->counts.unchanged, "deleted",
                               (json_int_t)job->counts.deleted, "rejected", (json_int_t)rejected,
                               "errors", errors);
    if (extra)
        json_object_update_missing(answer, extra); /* the summary's own members win */
    if (job->dry_run) {
        r->rollback = 1;
    } else if (job->key) {
        char *text = json_dumps(answer, JSON_COMPACT);
        int stored = idempotency_store(r, job->key, job->sha, 200, text);
        free(text);
        if (stored != 0) {
            json_decref(answer);
            return;
        }
    }
    reply_json(r, 200, answer);
}

static json_t *own_errors(struct push_job *job, void *ctx)
{
    (void)ctx;
    return json_incref(job->e.list);
}

static int starts_with_type(const char *ctype, const char *type)
{
    size_t n = strlen(type);
    return ctype && strncasecmp(ctype, type, n) == 0 && (!ctype[n] || ctype[n] == ';' || ctype[n] == ' ');
}

static void push(struct req *r, void *ctx)
{
    (void)ctx;
    struct app *app = r->app;
    struct push_job job;
    memset(&job, 0, sizeof job);
    const char *ctype = req_header(r, "Content-Type");
    int csv = starts_with_type(ctype, "text/csv");
    if (!csv && !starts_with_type(ctype, "application/json")) {
        reply_error(r, 415, NULL, "send the values as application/json ({\"values\":[…]}) or text/csv");
        return;
    }
    if (job_start(r, &job, 1) != 0)
        goto out;
    job.e.csv = csv;
    size_t len = 0;
    const char *body = req_raw_body(r, &len);
    char err[512];
    size_t max_rows = (size_t)app->cfg.max_push_rows;
    int parsed = csv ? values_parse_csv(body, len, max_rows, &job.rows, &job.e, err, sizeof err)
                     : values_parse_json(body, len, max_rows, &job.rows, &job.e, err, sizeof err);
    if (parsed == -1) {
        reply_error(r, 400, csv ? "invalid_csv" : "invalid_json", "%s", err);
        goto out;
    }
    if (parsed == -2) {
        reply_error(r, 413, "too_many_rows", "%s", err);
        goto out;
    }
    int64_t parsed_us = clock_mono_us();
    values_check_rows(app, &r->who, &job.rows, &job.e);
    check_replace_window(&job);
    if (run_plugin_hooks(r, &job.rows, &job.e) != 0)
        goto out;
    int64_t checked_us = clock_mono_us();
    int forbidden = 0;
    long bad = count_bad(&job.rows, &forbidden);
    if (bad && !job.partial) {
        refuse(r, &job, job.e.list, bad, (long)job.rows.count, forbidden, 0);
        goto out;
    }
    r->rollback = job.dry_run; /* before the write: a dry run must not move the data version */
    if (job_write(r, &job, own_errors, NULL) == 0)
        job_answer(r, &job, count_bad(&job.rows, NULL), job.e.list, NULL);
    log_msg(LOG_DEBUG, "push %s: %zu rows; parse %lld us, checks %lld us, write and answer %lld us",
            r->id, job.rows.count, (long long)(parsed_us - r->start_us),
            (long long)(checked_us - parsed_us), (long long)(clock_mono_us() - checked_us));
out:
    job_free(&job);
}

int values_push_route(struct app *app, char *err, size_t errlen)
{
    struct route route = {.method = "POST", .pattern = "/api/v1/values", .fn = push,
                          .access = ACCESS_AUTHENTICATED, .operation_id = "pushValues"};
    return router_add(&app->router, &route, err, errlen);
}

/* ---- derived values pushed by plugins (host->push_values / host->push_reply) ---- */

struct derived_push {
    struct push_job job;
    size_t nsources;
    size_t *source;           /* per derived row: the plugin's source row */
    unsigned char *rejected;  /* per source row */
    json_t *errors;           /* by source row: the plugin's and the derived rows' */
    char collection[64];
};

/* The derived rows' errors, re-addressed to their source rows, after the plugin's own. */
static json_t *source_errors(struct push_job *job, void *ctx)
{
    struct derived_push *d = ctx;
    json_t *all = json_deep_copy(d->errors);
    size_t i;
    json_t *err;
    json_array_foreach(job->e.list, i, err) {
        size_t derived = (size_t)json_integer_value(json_object_get(err, "index"));
        size_t src = derived < job->rows.count ? d->source[derived] : 0;
        const char *measure = derived < job->rows.count ? job->rows.items[derived].measure_in : NULL;
        char path[96], message[600];
        snprintf(path, sizeof path, "/%s/%zu", d->collection, src);
        snprintf(message, sizeof message, "derived value %s: %s", measure ? measure : "?",
                 json_string_value(json_object_get(err, "message")));
        json_array_append_new(all, json_pack("{s:I, s:s, s:O, s:s}", "index", (json_int_t)src, "path",
                                             path, "code", json_object_get(err, "code"), "message", message));
        if (src < d->nsources)
            d->rejected[src] = 1;
    }
    return all;
}

static long count_rejected(const struct derived_push *d)
{
    long n = 0;
    for (size_t i = 0; i < d->nsources; i++)
        n += d->rejected[i];
    return n;
}

static void derived_free(struct derived_push *d)
{
    job_free(&d->job);
    free(d->source);
    free(d->rejected);
    json_decref(d->errors);
    free(d);
}

int values_push_derived(struct req *r, json_t *values, const char *collection, size_t nsources,
                        json_t *plugin_errors, lgvo_push_result *out)
{
    struct derived_push *d = xcalloc(1, sizeof *d);
    lgvo_push_result result = {.struct_size = sizeof result};
    d->nsources = nsources;
    d->rejected = xcalloc(nsources + 1, 1);
    d->errors = plugin_errors && json_is_array(plugin_errors) ? json_incref(plugin_errors) : json_array();
    json_decref(plugin_errors);
    snprintf(d->collection, sizeof d->collection, "%s", collection ? collection : "rows");
    size_t i;
    json_t *err;
    json_array_foreach(d->errors, i, err) {
        json_int_t src = json_integer_value(json_object_get(err, "index"));
        if (src >= 0 && (size_t)src < nsources)
            d->rejected[src] = 1;
    }
    if (job_start(r, &d->job, 0) != 0)
        goto replied;
    /* The rows without their "source" member; the mapping kept aside. */
    size_t n = json_array_size(values);
    d->source = xcalloc(n + 1, sizeof *d->source);
    json_t *clean = json_array();
    json_t *v;
    json_array_foreach(values, i, v) {
        json_t *copy = json_copy(v);
        json_int_t src = json_integer_value(json_object_get(copy, "source"));
        json_object_del(copy, "source");
        d->source[i] = src >= 0 && (size_t)src < nsources ? (size_t)src : 0;
        json_array_append_new(clean, copy);
    }
    values_rows_from_array(clean, &d->job.rows, &d->job.e);
    json_decref(clean);
    values_check_rows(r->app, &r->who, &d->job.rows, &d->job.e);
    check_replace_window(&d->job);
    if (run_plugin_hooks(r, &d->job.rows, &d->job.e) != 0)
        goto replied;
    /* A source row the plugin rejected takes its derived rows with it. */
    for (i = 0; i < d->job.rows.count; i++)
        if (d->rejected[d->source[i]])
            d->job.rows.items[i].bad = 1;
    int forbidden = 0;
    count_bad(&d->job.rows, &forbidden);
    json_t *errors = source_errors(&d->job, d);
    long bad = count_rejected(d);
    if (bad && !d->job.partial) {
        refuse(r, &d->job, errors, bad, (long)nsources, forbidden, 0);
        json_decref(errors);
        goto replied;
    }
    json_decref(errors);
    r->rollback = d->job.dry_run;
    int written = job_write_mode(r, &d->job, source_errors, d, 0);
    if (written == 1) {
        /* Partial: rows in locked periods reject their whole source row. */
        PQclear(db_exec(r->db, "ROLLBACK", 0, NULL));
        r->in_tx = 0;
        json_decref(source_errors(&d->job, d)); /* marks the locked rows' sources */
        for (i = 0; i < d->job.rows.count; i++) {
            d->job.rows.items[i].locked = 0;
            if (d->rejected[d->source[i]])
                d->job.rows.items[i].bad = 1;
        }
        if (d->job.key && idempotency_begin(r, d->job.key, d->job.sha) != IDEM_NEW)
            goto replied;
        written = job_write_mode(r, &d->job, source_errors, d, 1);
    }
    if (written != 0)
        goto replied;
    /* Errors found while writing (locked periods in partial mode) reject their sources too. */
    json_decref(source_errors(&d->job, d));
    result.dry_run = d->job.dry_run;
    result.created = d->job.counts.created;
    result.updated = d->job.counts.updated;
    result.unchanged = d->job.counts.unchanged;
    result.deleted = d->job.counts.deleted;
    result.rejected_count = (size_t)count_rejected(d);
    result.rejected = d->rejected;
    result.push = (lgvo_push *)d;
    memcpy(out, &result, out->struct_size && out->struct_size < sizeof result ? out->struct_size : sizeof result);
    return 0;
replied:
    derived_free(d);
    result.replied = 1;
    memcpy(out, &result, out->struct_size && out->struct_size < sizeof result ? out->struct_size : sizeof result);
    return -1;
}

void values_push_derived_reply(struct req *r, lgvo_push *push, json_t *extra)
{
    struct derived_push *d = (struct derived_push *)push;
    if (d && !r->status) {
        json_t *errors = source_errors(&d->job, d);
        job_answer(r, &d->job, count_rejected(d), errors, extra);
        json_decref(errors);
    }
    json_decref(extra);
    if (d)
        derived_free(d);
}
