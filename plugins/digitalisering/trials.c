/* Tests of joint solutions (activity digitalisering.a5), each linked to a chain of PDSA cycles
 * in the work plan's activities (read here, written through the work-plan API):
 *
 *   GET   /api/v1/digitalisering/tests       ?status=running|ended&need=
 *   GET   /api/v1/digitalisering/tests/:id
 *   POST  /api/v1/digitalisering/tests       county_admin: {need, pdsa, principals?, title?,
 *                                            started_on?, note?}; the need must be prioritised
 *   PATCH /api/v1/digitalisering/tests/:id   county_admin: {outcome: solved|not_solved,
 *                                            ended_on?, note?, title?, principals?}
 *
 * The need follows its test (a trigger in migration 0004): in_test while it runs, then solved,
 * or prioritised again when the test did not solve it. */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_JSON "SELECT digitalisering.test_json($1::integer)::text"
#define NOT_FOUND "no such test (see GET /api/v1/digitalisering/tests)"

static const char *const create_fields[] = {"need", "pdsa", "principals", "title", "started_on", "note", NULL};
static const char *const patch_fields[] = {"outcome", "ended_on", "note", "title", "principals", NULL};
static const char *const outcomes[] = {"solved", "not_solved", NULL};

void dg_tests_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    static const char *const known_params[] = {"status", "need", NULL};
    const char *status = dg_host->query(req, "status"), *need = dg_host->query(req, "need");
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, known_params);
    char nid[24] = "";
    if (status && strcmp(status, "running") && strcmp(status, "ended"))
        dg_query_problem(&problems, "status", "must be running or ended");
    if (need && !dg_path_id(need))
        dg_query_problem(&problems, "need", "must be a need id");
    else if (need)
        snprintf(nid, sizeof nid, "%ld", dg_path_id(need));
    if (dg_query_failed(req, problems))
        return;
    const char *params[] = {status, nid[0] ? nid : NULL};
    dg_reply_sql_json(req, 200,
                      "SELECT json_build_object('items', coalesce(json_agg(digitalisering.test_json(t.id)"
                      " ORDER BY t.id), '[]'))::text FROM digitalisering.tests t"
                      " WHERE ($1::text IS NULL OR t.status = $1) AND ($2::integer IS NULL OR t.need_id = $2::integer)",
                      2, params, "no tests");
}

void dg_test_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char id[24];
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    const char *params[] = {id};
    if (!dg_query_none(req))
        dg_reply_sql_json(req, 200, TEST_JSON, 1, params, NOT_FOUND);
}

/* The chain of a PDSA cycle: its first cycle and every participant, as {"first", "principals"}.
 * Returns a new object, NULL when there is no such cycle (*replied 0) or after the host
 * replied (*replied 1). */
static json_t *chain_of(lgvo_request *req, long cycle, int *replied)
{
    char text[24];
    snprintf(text, sizeof text, "%ld", cycle);
    const char *params[] = {text};
    return dg_sql_json(req,
                       "SELECT json_build_object('first', (SELECT ch.id FROM digitalisering.pdsa_chain($1::bigint) ch"
                       "  WHERE ch.n = 1), 'principals', (SELECT coalesce(json_agg(DISTINCT pp.principal_id), '[]')"
                       "  FROM digitalisering.pdsa_chain($1::bigint) ch JOIN core.pdsa_participants pp ON pp.cycle_id = ch.id))::text"
                       " FROM core.pdsa_cycles c WHERE c.id = $1::bigint",
                       1, params, replied);
}

/* The need's status and title. Returns 1, 0 when there is none, -1 after replying. */
static int need_state(lgvo_request *req, long need, char status[24], char title[808])
{
    char text[24];
    snprintf(text, sizeof text, "%ld", need);
    const char *params[] = {text};
    lgvo_result *res = dg_host->sql(req, "SELECT status, title FROM digitalisering.needs WHERE id = $1::integer",
                                    1, params);
    if (!res)
        return -1;
    int found = dg_host->result_rows(res) == 1;
    if (found) {
        snprintf(status, 24, "%s", dg_host->result_value(res, 0, 0));
        snprintf(title, 808, "%s", dg_host->result_value(res, 0, 1));
    }
    dg_host->result_free(res);
    return found;
}

/* What POST reads: the need (checked), the chain and the other members. */
struct create {
    long need, cycle;
    char status[24], need_title[808], started[11];
    const char *title, *note;
    json_t *principals, *chain; /* owned */
};

/* Reads and checks POST's members. Returns 0, or -1 after replying (404/409/500). */
static int read_create(lgvo_request *req, json_t *errors, json_t *body, struct create *c)
{
    dg_unknown_members(errors, "", body, create_fields);
    c->need = dg_json_id(json_object_get(body, "need"));
    c->cycle = dg_json_id(json_object_get(body, "pdsa"));
    if (!c->need)
        dg_error(errors, "/need", json_object_get(body, "need") ? "wrong_type" : "missing",
                 "is required: the id of a prioritised need");
    if (!c->cycle)
        dg_error(errors, "/pdsa", json_object_get(body, "pdsa") ? "wrong_type" : "missing",
                 "is required: the id of a PDSA cycle of the work plan (any cycle of the chain)");
    c->title = dg_text(errors, json_object_get(body, "title"), "/title", 200, 0, 0);
    c->note = dg_text(errors, json_object_get(body, "note"), "/note", 4000, 0, 1);
    c->principals = dg_principal_list(errors, json_object_get(body, "principals"), "/principals", 0);
    if (c->principals && !json_array_size(c->principals))
        dg_error(errors, "/principals", "empty", "at least one principal takes part");
    struct dg_date d = dg_today();
    dg_date_member(errors, json_object_get(body, "started_on"), "/started_on", 0, 0, &d);
    dg_format_date(d, c->started);
    int replied = 0, found = c->need ? need_state(req, c->need, c->status, c->need_title) : 1;
    if (found < 0)
        return -1;
    if (!found)
        dg_error(errors, "/need", "unknown_need", "there is no need %ld", c->need);
    c->chain = c->cycle ? chain_of(req, c->cycle, &replied) : NULL;
    if (replied)
        return -1;
    if (c->cycle && !c->chain)
        dg_error(errors, "/pdsa", "unknown_pdsa_cycle", "there is no PDSA cycle %ld (see GET /api/v1/pdsa/{id})", c->cycle);
    if (dg_refuse(req, errors))
        return -1;
    if (strcmp(c->status, "prioritised") != 0) {
        dg_reply_problem(req, 409, "need_not_prioritised", "/need",
                         "need %ld is %s; a test starts from a prioritised need", c->need, c->status);
        return -1;
    }
    return 0;
}

void dg_test_create(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct create c = {0};
    json_t *errors = json_array();
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req) || read_create(req, errors, body, &c) != 0)
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    char need[24], first[24];
    snprintf(need, sizeof need, "%ld", c.need);
    snprintf(first, sizeof first, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(c.chain, "first")));
    char *ids = dg_dump(c.principals ? c.principals : json_object_get(c.chain, "principals")); /* freed below */
    const char *params[] = {need, first, c.title ? c.title : c.need_title, ids, c.started, c.note, w.subject};
    char id[24];
    int rc = dg_scalar(req,
                       "INSERT INTO digitalisering.tests (need_id, pdsa_cycle_id, title, principals, started_on, note,"
                       " created_by, updated_by) VALUES ($1::integer, $2::bigint, $3,"
                       " ARRAY(SELECT jsonb_array_elements_text($4::jsonb)::smallint), $5::date, $6, $7, $7) RETURNING id",
                       7, params, id, sizeof id);
    free(ids);
    char target[40];
    snprintf(target, sizeof target, "test:%s", id);
    if (rc == 1 && dg_audit(req, "test.start", NULL, target, json_pack("{s:I, s:s}", "need", (json_int_t)c.need,
                                                                       "pdsa_first_cycle", first)) == 0) {
        const char *p[] = {id};
        dg_location(req, "/tests", id);
        dg_reply_sql_json(req, 201, TEST_JSON, 1, p, NOT_FOUND);
    }
out:
    json_decref(errors);
    json_decref(c.principals);
    json_decref(c.chain);
}

/* The test's status and start. Returns 1, 0 when there is none, -1 after replying. */
static int test_state(lgvo_request *req, const char *id, char status[16], struct dg_date *started)
{
    const char *params[] = {id};
    lgvo_result *res = dg_host->sql(
        req, "SELECT status, to_char(started_on, 'YYYY-MM-DD') FROM digitalisering.tests WHERE id = $1::integer",
        1, params);
    if (!res)
        return -1;
    int found = dg_host->result_rows(res) == 1;
    if (found) {
        snprintf(status, 16, "%s", dg_host->result_value(res, 0, 0));
        dg_parse_date(dg_host->result_value(res, 0, 1), started);
    }
    dg_host->result_free(res);
    return found;
}

void dg_test_patch(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array(), *principals = NULL;
    char id[24], status[16] = "", ended[11] = "";
    struct dg_date started = {0, 0, 0};
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    int found = test_state(req, id, status, &started);
    if (found <= 0) {
        if (found == 0)
            dg_host->reply_error(req, 404, "not_found", NOT_FOUND, NULL);
        goto out;
    }
    if (strcmp(status, "ended") == 0) {
        dg_reply_problem(req, 409, "test_ended", NULL, "test %s has ended and does not change", id);
        goto out;
    }
    dg_unknown_members(errors, "", body, patch_fields);
    const char *outcome = dg_enum(errors, json_object_get(body, "outcome"), "/outcome", outcomes, 0);
    const char *title = dg_text(errors, json_object_get(body, "title"), "/title", 200, 0, 0);
    json_t *nv = json_object_get(body, "note"), *ev = json_object_get(body, "ended_on");
    const char *note = dg_text(errors, nv, "/note", 4000, 0, 1);
    principals = dg_principal_list(errors, json_object_get(body, "principals"), "/principals", 0);
    if (principals && !json_array_size(principals))
        dg_error(errors, "/principals", "empty", "at least one principal takes part");
    struct dg_date end = dg_today();
    if (ev && !json_object_get(body, "outcome"))
        dg_error(errors, "/ended_on", "needs_outcome", "a test ends with its outcome (solved or not_solved)");
    else if (dg_date_member(errors, ev, "/ended_on", 0, 0, &end) == 0 && dg_date_cmp(end, started) < 0)
        dg_error(errors, "/ended_on", "before_start", "must not be before the test started");
    if (outcome)
        dg_format_date(end, ended);
    if (dg_refuse(req, errors))
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    char *ids = dg_dump(principals); /* freed below */
    const char *params[] = {id, outcome, ended[0] ? ended : NULL, nv ? "t" : "f", note, title, ids, w.subject};
    int rc = dg_exec(req,
                     "UPDATE digitalisering.tests SET outcome = coalesce($2, outcome),"
                     " status = CASE WHEN $2::text IS NULL THEN status ELSE 'ended' END,"
                     " ended_on = coalesce($3::date, ended_on),"
                     " note = CASE WHEN $4::boolean THEN $5 ELSE note END, title = coalesce($6, title),"
                     " principals = CASE WHEN $7::jsonb IS NULL THEN principals"
                     "  ELSE ARRAY(SELECT jsonb_array_elements_text($7::jsonb)::smallint) END,"
                     " updated_at = now(), updated_by = $8 WHERE id = $1::integer",
                     8, params);
    free(ids);
    char target[40];
    snprintf(target, sizeof target, "test:%s", id);
    if (rc == 0 && dg_audit(req, outcome ? "test.end" : "test.update", NULL, target, json_incref(body)) == 0)
        dg_reply_sql_json(req, 200, TEST_JSON, 1, params, NOT_FOUND);
out:
    json_decref(errors);
    json_decref(principals);
}
