/* Prioritisation rounds (activity digitalisering.a7):
 *
 *   GET   /api/v1/digitalisering/rounds        ?status=open|closed
 *   GET   /api/v1/digitalisering/rounds/:id
 *   POST  /api/v1/digitalisering/rounds        county_admin opens a round over 2 to 50 needs
 *                                              (proposed or prioritised) with a closing date
 *   PATCH /api/v1/digitalisering/rounds/:id    county_admin: title, description, closes_on, or
 *                                              {"close": true} to close it now
 *
 * Ballots are taken through the closing date (Swedish time); a closed round does not change.
 * Ballots: ballots.c; the result: result.c. */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEEDS 50
#define ROUND_JSON "SELECT digitalisering.round_json($1::integer)::text"
#define NOT_FOUND "no such round (see GET /api/v1/digitalisering/rounds)"
/* The end of a closing date in Swedish time. */
#define CLOSES_AT(p) "((" p "::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')"

static const char *const create_fields[] = {"title", "description", "closes_on", "needs", NULL};
static const char *const patch_fields[] = {"title", "description", "closes_on", "close", NULL};

void dg_rounds_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    static const char *const known_params[] = {"status", NULL};
    const char *status = dg_host->query(req, "status");
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, known_params);
    if (status && strcmp(status, "open") && strcmp(status, "closed"))
        dg_query_problem(&problems, "status", "must be open or closed");
    if (dg_query_failed(req, problems))
        return;
    const char *params[] = {status};
    dg_reply_sql_json(req, 200,
                      "SELECT json_build_object('items', coalesce(json_agg(digitalisering.round_json(r.id)"
                      " ORDER BY r.id), '[]'))::text FROM digitalisering.rounds r"
                      " WHERE $1::text IS NULL OR (r.closes_at <= now()) = ($1 = 'closed')",
                      1, params, "no rounds");
}

void dg_round_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char id[24];
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    const char *params[] = {id};
    if (!dg_query_none(req))
        dg_reply_sql_json(req, 200, ROUND_JSON, 1, params, NOT_FOUND);
}

/* closes_on: a date, not before today. Copies it into out ("" when absent or invalid). */
static void read_closing(json_t *errors, json_t *body, int required, char out[11])
{
    struct dg_date d;
    out[0] = '\0';
    if (dg_date_member(errors, json_object_get(body, "closes_on"), "/closes_on", 1, required, &d) != 0)
        return;
    if (dg_date_cmp(d, dg_today()) < 0 || d.year > 2100) {
        dg_error(errors, "/closes_on", "closing_in_past",
                 "must be today or a later day (the round takes ballots through that day, Swedish time)");
        return;
    }
    dg_format_date(d, out);
}

/* needs: 2 to MAX_NEEDS ids, no repeats; each must be proposed or prioritised. Returns a new
 * array of ids, or NULL (errors recorded; -1 in *replied when the host replied). */
static json_t *read_needs(lgvo_request *req, json_t *errors, json_t *body, int *replied)
{
    json_t *v = json_object_get(body, "needs");
    *replied = 0;
    if (!json_is_array(v) || json_array_size(v) < 2 || json_array_size(v) > MAX_NEEDS) {
        dg_error(errors, "/needs", v ? "wrong_type" : "missing",
                 "must be an array of 2 to %d need ids (proposed or prioritised needs of the gross list)", MAX_NEEDS);
        return NULL;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char path[32];
        snprintf(path, sizeof path, "/needs/%zu", i);
        long id = dg_json_id(item);
        int repeated = 0;
        size_t j;
        json_t *seen;
        json_array_foreach(ids, j, seen)
            repeated |= json_integer_value(seen) == id;
        if (!id)
            dg_error(errors, path, "wrong_type", "must be a need id (a positive integer)");
        else if (repeated)
            dg_error(errors, path, "duplicate", "names need %ld twice", id);
        json_array_append_new(ids, json_integer(id)); /* keeps positions aligned */
    }
    char *list = dg_dump(ids); /* freed below */
    const char *params[] = {list};
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT (x.n - 1)::text, x.id, n.status FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(id, n)"
        " LEFT JOIN digitalisering.needs n ON n.id = x.id::integer"
        " WHERE x.id::integer > 0 AND (n.id IS NULL OR n.status NOT IN ('proposed', 'prioritised')) ORDER BY x.n",
        1, params);
    free(list);
    if (!res) {
        *replied = 1;
        json_decref(ids);
        return NULL;
    }
    for (int r = 0; r < dg_host->result_rows(res); r++) {
        char path[32];
        const char *status = dg_host->result_value(res, r, 2);
        snprintf(path, sizeof path, "/needs/%s", dg_host->result_value(res, r, 0));
        if (!status)
            dg_error(errors, path, "unknown_need", "there is no need %s", dg_host->result_value(res, r, 1));
        else
            dg_error(errors, path, "need_not_open",
                     "need %s is %s; a round ranks proposed or prioritised needs", dg_host->result_value(res, r, 1), status);
    }
    dg_host->result_free(res);
    return ids;
}

void dg_round_create(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array(), *ids = NULL;
    char closes[11];
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    dg_unknown_members(errors, "", body, create_fields);
    const char *title = dg_text(errors, json_object_get(body, "title"), "/title", 200, 1, 0);
    const char *description = dg_text(errors, json_object_get(body, "description"), "/description", 4000, 0, 1);
    read_closing(errors, body, 1, closes);
    int replied = 0;
    ids = read_needs(req, errors, body, &replied);
    if (replied || dg_refuse(req, errors))
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    char *list = dg_dump(ids); /* freed below */
    const char *params[] = {title, description, closes, list, w.subject};
    char id[24] = "";
    int rc = dg_scalar(req,
                       "WITH r AS (INSERT INTO digitalisering.rounds (title, description, closes_on, closes_at,"
                       "  created_by, updated_by) VALUES ($1, $2, $3::date, " CLOSES_AT("$3") ", $5, $5) RETURNING id),"
                       " n AS (INSERT INTO digitalisering.round_needs (round_id, need_id, position)"
                       "  SELECT r.id, x.id::integer, x.n FROM r, jsonb_array_elements_text($4::jsonb) WITH ORDINALITY AS x(id, n))"
                       " SELECT id FROM r",
                       5, params, id, sizeof id);
    free(list);
    char target[40];
    snprintf(target, sizeof target, "round:%s", id);
    if (rc == 1 && dg_audit(req, "round.open", NULL, target, json_pack("{s:s, s:O}", "closes_on", closes, "needs", ids)) == 0) {
        const char *p[] = {id};
        dg_location(req, "/rounds", id);
        dg_reply_sql_json(req, 201, ROUND_JSON, 1, p, NOT_FOUND);
    }
out:
    json_decref(errors);
    json_decref(ids);
}

void dg_round_patch(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array();
    char id[24], state[16] = "", closes[11] = "";
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    const char *params[] = {id};
    int found = dg_scalar(req,
                          "SELECT CASE WHEN closes_at <= now() THEN 'closed' ELSE 'open' END"
                          " FROM digitalisering.rounds WHERE id = $1::integer",
                          1, params, state, sizeof state);
    if (found <= 0) {
        if (found == 0)
            dg_host->reply_error(req, 404, "not_found", NOT_FOUND, NULL);
        goto out;
    }
    dg_unknown_members(errors, "", body, patch_fields);
    const char *title = dg_text(errors, json_object_get(body, "title"), "/title", 200, 0, 0);
    json_t *dv = json_object_get(body, "description"), *close = json_object_get(body, "close");
    const char *description = dg_text(errors, dv, "/description", 4000, 0, 1);
    read_closing(errors, body, 0, closes);
    if (close && !json_is_true(close))
        dg_error(errors, "/close", "invalid_value", "close is true (to close the round now) or absent");
    else if (close && json_object_get(body, "closes_on"))
        dg_error(errors, "/close", "conflict", "give either closes_on or close, not both");
    if (strcmp(state, "closed") == 0) {
        dg_reply_problem(req, 409, "round_closed", NULL,
                         "round %s is closed: its result is published and it does not change", id);
        goto out;
    }
    if (dg_refuse(req, errors))
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    const char *up[] = {id, title, dv ? "t" : "f", description, closes[0] ? closes : NULL,
                        close ? "t" : "f", w.subject};
    if (dg_exec(req,
                "UPDATE digitalisering.rounds SET title = coalesce($2, title),"
                " description = CASE WHEN $3::boolean THEN $4 ELSE description END,"
                " closes_on = CASE WHEN $6::boolean THEN least(closes_on, current_date) ELSE coalesce($5::date, closes_on) END,"
                " closes_at = CASE WHEN $6::boolean THEN now() WHEN $5::date IS NULL THEN closes_at"
                "  ELSE " CLOSES_AT("$5") " END,"
                " closed_early = $6::boolean, updated_at = now(), updated_by = $7 WHERE id = $1::integer",
                7, up) != 0)
        goto out;
    char target[40];
    snprintf(target, sizeof target, "round:%s", id);
    if (dg_audit(req, close ? "round.close" : "round.update", NULL, target, json_incref(body)) == 0)
        dg_reply_sql_json(req, 200, ROUND_JSON, 1, params, NOT_FOUND);
out:
    json_decref(errors);
}
