/* POST /api/v1/values; see values_push.h. The flow: read the body (JSON or CSV) → check every
 * row (values_input.c) → the area plugins' validate hooks → decide (atomic/replace refuse on
 * any error; partial keeps the good rows) → write (values_write.c) → answer with the import
 * summary. dry_run does everything and rolls back; Idempotency-Key replays a first answer. */
#include "core/values_push.h"

#include "app.h"
#include "core/idempotency.h"
#include "core/values_input.h"
#include "core/values_write.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "lgvo/plugin.h"
#include "log.h"
#include "plugin/loader.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

#define MAX_RETRIES 3

struct push_options {
    const char *mode; /* atomic | partial | replace */
    int dry_run;
    int replace;
    int partial;
    struct replace_slice slice;
};

static int read_options(struct req *r, struct push_options *o)
{
    static const char *const modes[] = {"atomic", "partial", "replace", NULL};
    struct query_params q;
    query_params_init(&q, r);
    o->mode = query_enum(&q, "mode", modes, "atomic");
    o->dry_run = query_bool(&q, "dry_run", 0);
    const char *from = query_text(&q, "from", 16), *to = query_text(&q, "to", 16);
    o->replace = strcmp(o->mode, "replace") == 0;
    o->partial = strcmp(o->mode, "partial") == 0;
    if (o->replace) {
        if (!from || period_parse(from, &o->slice.from) != 0)
            query_problem(&q, "from", "mode=replace needs from=PERIOD (e.g. 2025-01)");
        if (!to || period_parse(to, &o->slice.to) != 0)
            query_problem(&q, "to", "mode=replace needs to=PERIOD (e.g. 2025-12)");
        else if (from && o->slice.from.type && date_compare(o->slice.from.start, o->slice.to.end) > 0)
            query_problem(&q, "to", "must not come before from");
    } else if (from || to) {
        query_problem(&q, from ? "from" : "to", "from and to are used only with mode=replace");
    }
    return query_params_failed(&q) ? -1 : 0;
}

static int starts_with_type(const char *ctype, const char *type)
{
    size_t n = strlen(type);
    return ctype && strncasecmp(ctype, type, n) == 0 && (!ctype[n] || ctype[n] == ';' || ctype[n] == ' ');
}

/* Runs each area plugin's validate hook over the rows of its area that passed so far. */
static void run_plugin_hooks(struct app *app, struct push_rows *rows, struct push_errors *e)
{
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
            const char *sx = r->sex == 'K' ? "K" : r->sex == 'M' ? "M" : "T";
            list[n++] = (lgvo_value_row){
                .struct_size = sizeof(lgvo_value_row),
                .index = r->index,
                .measure = r->m.slug,
                .principal = r->p.slug,
                .period = r->period_text,
                .sex = sx,
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
        if (n && pl->desc->validate(pl->state, list, n, (lgvo_row_errors *)e) != 0)
            log_msg(LOG_ERROR, "plugin %s: validate hook failed", pl->desc->slug);
        free(list);
    }
}

static json_t *summary(const struct push_options *o, const struct write_counts *c, long rejected,
                       json_t *errors)
{
    return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:O}", "mode", o->mode, "dry_run",
                     o->dry_run, "created", (json_int_t)c->created, "updated",
                     (json_int_t)c->updated, "unchanged", (json_int_t)c->unchanged, "deleted",
                     (json_int_t)c->deleted, "rejected", (json_int_t)rejected, "errors", errors);
}

static void refuse(struct req *r, struct push_rows *rows, struct push_errors *e, int locked)
{
    int forbidden = 0;
    size_t bad = 0;
    for (size_t i = 0; i < rows->count; i++) {
        forbidden |= rows->items[i].forbidden;
        bad += rows->items[i].bad;
    }
    json_t *details = json_incref(e->list);
    if (forbidden)
        reply_error_details(r, 403, "forbidden", details,
                            "%zu of %zu rows are refused; rows you may not write make the whole push fail (nothing was written)",
                            bad, rows->count);
    else if (locked)
        reply_error_details(r, 409, "period_locked", details,
                            "the push writes to locked periods (see details); nothing was written");
    else
        reply_error_details(r, 422, "validation_failed", details,
                            "%zu of %zu rows are invalid; nothing was written (use ?mode=partial to keep the valid rows)",
                            bad, rows->count);
}

/* Undoes what a failed write attempt marked, before retrying it. */
static void reset_after_attempt(struct push_rows *rows, struct push_errors *e, size_t errors_before)
{
    while (json_array_size(e->list) > errors_before)
        json_array_remove(e->list, json_array_size(e->list) - 1);
    for (size_t i = 0; i < rows->count; i++) {
        if (rows->items[i].locked) {
            rows->items[i].locked = 0;
            rows->items[i].bad = 0;
        }
    }
}

static void push(struct req *r, void *ctx)
{
    (void)ctx;
    struct app *app = r->app;
    struct push_options o;
    memset(&o, 0, sizeof o);
    if (read_options(r, &o) != 0)
        return;
    const char *ctype = req_header(r, "Content-Type");
    int csv = starts_with_type(ctype, "text/csv");
    if (!csv && !starts_with_type(ctype, "application/json")) {
        reply_error(r, 415, NULL, "send the values as application/json ({\"values\":[…]}) or text/csv");
        return;
    }
    struct push_rows rows = {0};
    struct push_errors e = {.list = json_array(), .rows = NULL, .csv = csv};
    size_t len = 0;
    const char *body = req_raw_body(r, &len);
    char err[512];
    size_t max_rows = (size_t)app->cfg.max_push_rows;
    int parsed = csv ? values_parse_csv(body, len, max_rows, &rows, &e, err, sizeof err)
                     : values_parse_json(body, len, max_rows, &rows, &e, err, sizeof err);
    const char *key = req_header(r, "Idempotency-Key");
    char sha[65] = "";
    enum idem_result idem = IDEM_NEW;
    if (parsed == -1) {
        reply_error(r, 400, csv ? "invalid_csv" : "invalid_json", "%s", err);
        goto out;
    }
    if (parsed == -2) {
        reply_error(r, 413, "too_many_rows", "%s", err);
        goto out;
    }
    if (key && (idem = idempotency_begin(r, key, sha)) != IDEM_NEW)
        goto out;

    values_check_rows(app, &r->who, &rows, &e);
    run_plugin_hooks(app, &rows, &e);
    long rejected = 0;
    for (size_t i = 0; i < rows.count; i++)
        rejected += rows.items[i].bad;
    if (rejected && !o.partial) {
        refuse(r, &rows, &e, 0);
        goto out;
    }
    struct write_counts counts;
    size_t errors_before = json_array_size(e.list);
    enum write_result w = WRITE_RETRY;
    for (int attempt = 0; attempt < MAX_RETRIES && w == WRITE_RETRY; attempt++) {
        if (attempt) {
            PQclear(db_exec(r->db, "ROLLBACK", 0, NULL));
            r->in_tx = 0;
            reset_after_attempt(&rows, &e, errors_before);
            if (key && (idem = idempotency_begin(r, key, sha)) != IDEM_NEW)
                goto out;
        }
        w = values_write(r, &rows, &e, o.replace ? &o.slice : NULL, o.partial, &counts);
    }
    if (w == WRITE_RETRY) {
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "conflict_retry", "the push collided with concurrent writes; retry it");
        goto out;
    }
    if (w == WRITE_LOCKED) {
        refuse(r, &rows, &e, 1);
        goto out;
    }
    if (w != WRITE_DONE)
        goto out;
    rejected = 0;
    for (size_t i = 0; i < rows.count; i++)
        rejected += rows.items[i].bad;
    json_t *answer = summary(&o, &counts, rejected, e.list);
    if (o.dry_run) {
        r->rollback = 1;
    } else if (key) {
        char *text = json_dumps(answer, JSON_COMPACT);
        int stored = idempotency_store(r, key, sha, 200, text);
        free(text);
        if (stored != 0) {
            json_decref(answer);
            goto out;
        }
    }
    reply_json(r, 200, answer);
out:
    json_decref(e.list);
    push_rows_free(&rows);
}

int values_push_route(struct app *app, char *err, size_t errlen)
{
    struct route route = {.method = "POST", .pattern = "/api/v1/values", .fn = push,
                          .access = ACCESS_AUTHENTICATED, .operation_id = "pushValues"};
    return router_add(&app->router, &route, err, errlen);
}
