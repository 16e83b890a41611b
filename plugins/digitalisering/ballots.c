/* Ballots of a prioritisation round:
 *
 *   PUT /api/v1/digitalisering/rounds/:id/ballots/:principal   {"ranking": [need ids]}
 *   GET /api/v1/digitalisering/rounds/:id/ballots/:principal
 *
 * Each principal has one ballot per round, submitted by its org_admin or a reporter granted
 * digitalisering (county_admin may enter any); it is replaced by the next PUT until the round
 * closes (201 the first time, then 200). A ballot ranks every need of the round exactly once,
 * most important first: unknown, repeated or missing needs are refused (422). Before the round
 * closes only the principal's own users see its ballot; afterwards everyone does. */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BALLOT_JSON                                                                                \
    "SELECT json_build_object('round', b.round_id, 'principal', p.slug, 'name', p.name,"          \
    " 'ranking', to_json(b.ranking), 'submitted_at', b.submitted_at,"                              \
    " 'first_submitted_at', b.first_submitted_at, 'replaced', b.replaced)::text"                 \
    " FROM digitalisering.ballots b JOIN core.principals p ON p.id = b.principal_id"               \
    " WHERE b.round_id = $1::integer AND b.principal_id = $2::smallint"

static const char *const fields[] = {"ranking", NULL};

/* The round: open or closed, and its needs. */
struct round {
    char id[24];
    int open;
    json_t *needs; /* [need id] in the round's order; owned */
};

/* Loads the round of the path. Returns 0, or -1 after replying (404). */
static int load_round(lgvo_request *req, struct round *r)
{
    snprintf(r->id, sizeof r->id, "%ld", dg_path_id(dg_host->param(req, "id")));
    const char *params[] = {r->id};
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT r.closes_at > now(), (SELECT json_agg(rn.need_id ORDER BY rn.position)"
        "  FROM digitalisering.round_needs rn WHERE rn.round_id = r.id)::text"
        " FROM digitalisering.rounds r WHERE r.id = $1::integer",
        1, params);
    if (!res)
        return -1;
    int found = dg_host->result_rows(res) == 1;
    if (found) {
        r->open = dg_host->result_value(res, 0, 0)[0] == 't';
        r->needs = json_loads(dg_host->result_value(res, 0, 1), 0, NULL);
    }
    dg_host->result_free(res);
    if (!found)
        dg_host->reply_error(req, 404, "not_found", "no such round (see GET /api/v1/digitalisering/rounds)", NULL);
    return found ? 0 : -1;
}

/* The principal of the path. Returns 0, or -1 after replying 404. */
static int path_principal(lgvo_request *req, struct dg_principal *p)
{
    if (dg_principal(dg_host->param(req, "principal"), p) == 0)
        return 0;
    dg_host->reply_error(req, 404, "not_found", "no such principal (see GET /api/v1/principals)", NULL);
    return -1;
}

/* May the caller submit p's ballot? Returns 1, or 0 after replying 403. */
static int may_vote(lgvo_request *req, const struct dg_who *w, const struct dg_principal *p)
{
    if (!w->county && w->org_admin && w->principal_id == p->id)
        return 1; /* row-level security lets the caller's own principal write its ballot */
    if (!w->county && !w->reporter) {
        dg_host->reply_error(req, 403, "forbidden",
                             w->org_admin ? "an org_admin submits only its own principal's ballot"
                                          : "a ballot is submitted by the principal's org_admin or a reporter granted digitalisering",
                             NULL);
        return 0;
    }
    return dg_host->can_write(req, p->slug, DG_AREA, 0); /* replies 403 itself */
}

static int in_array(json_t *ids, long id)
{
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
        if (json_integer_value(x) == id)
            return 1;
    return 0;
}

/* Checks the ranking against the round's needs. Returns a new array of ids, or NULL with the
 * problems in errors. */
static json_t *read_ranking(json_t *errors, json_t *body, json_t *needs)
{
    dg_unknown_members(errors, "", body, fields);
    json_t *v = json_object_get(body, "ranking");
    if (!json_is_array(v)) {
        dg_error(errors, "/ranking", v ? "wrong_type" : "missing",
                 "is required: an array of the round's need ids, most important first");
        return NULL;
    }
    json_t *ranking = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char path[32];
        snprintf(path, sizeof path, "/ranking/%zu", i);
        long id = dg_json_id(item);
        if (!json_is_integer(item))
            dg_error(errors, path, "wrong_type", "must be a need id (an integer)");
        else if (!id || !in_array(needs, id))
            dg_error(errors, path, "unknown_need", "need %" JSON_INTEGER_FORMAT " is not in this round",
                     json_integer_value(item));
        else if (in_array(ranking, id))
            dg_error(errors, path, "duplicate_need", "ranks need %ld a second time; each need is ranked once", id);
        else
            json_array_append_new(ranking, json_integer(id));
    }
    json_array_foreach(needs, i, item) {
        if (!in_array(ranking, (long)json_integer_value(item)) && !json_array_size(errors))
            dg_error(errors, "/ranking", "missing_need",
                     "need %" JSON_INTEGER_FORMAT " is not ranked: a ballot ranks every need of the round once",
                     json_integer_value(item));
    }
    if (json_array_size(errors)) {
        json_decref(ranking);
        return NULL;
    }
    return ranking;
}

void dg_ballot_put(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct round r = {.needs = NULL};
    json_t *errors = json_array(), *ranking = NULL;
    struct dg_principal p;
    struct dg_who w;
    dg_caller(req, &w);
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req) || load_round(req, &r) != 0 || path_principal(req, &p) != 0 ||
        !may_vote(req, &w, &p))
        goto out;
    if (!r.open) {
        dg_reply_problem(req, 409, "round_closed", NULL,
                         "round %s is closed: ballots are no longer taken (see its result)", r.id);
        goto out;
    }
    ranking = read_ranking(errors, body, r.needs);
    if (dg_refuse(req, errors))
        goto out;
    char pid[16], inserted[8] = "";
    snprintf(pid, sizeof pid, "%d", p.id);
    char *list = dg_dump(ranking); /* freed below */
    const char *params[] = {r.id, pid, list, w.subject};
    int rc = dg_scalar(req,
                       "INSERT INTO digitalisering.ballots AS b (round_id, principal_id, ranking, submitted_by)"
                       " VALUES ($1::integer, $2::smallint, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)::integer), $4)"
                       " ON CONFLICT (round_id, principal_id) DO UPDATE SET ranking = EXCLUDED.ranking,"
                       " submitted_at = now(), submitted_by = EXCLUDED.submitted_by, replaced = b.replaced + 1"
                       " RETURNING (b.replaced = 0)::text",
                       4, params, inserted, sizeof inserted);
    free(list);
    int created = strcmp(inserted, "true") == 0;
    char target[40];
    snprintf(target, sizeof target, "round:%s", r.id);
    if (rc != 1 || dg_audit(req, created ? "ballot.submit" : "ballot.replace", p.slug, target, NULL) != 0)
        goto out;
    if (created) {
        char where[96];
        snprintf(where, sizeof where, "%s/ballots/%s", r.id, p.slug);
        dg_location(req, "/rounds", where);
    }
    dg_reply_sql_json(req, created ? 201 : 200, BALLOT_JSON, 2, params, "no such ballot");
out:
    json_decref(errors);
    json_decref(ranking);
    json_decref(r.needs);
}

void dg_ballot_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct round r = {.needs = NULL};
    struct dg_principal p;
    if (dg_query_none(req) || load_round(req, &r) != 0 || path_principal(req, &p) != 0)
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    if (r.open && w.principal_id != p.id) {
        dg_host->reply_error(req, 403, "forbidden",
                             "ballots are published when the round closes; until then only the principal's own users see its ballot",
                             NULL);
        goto out;
    }
    char pid[16], msg[160];
    snprintf(pid, sizeof pid, "%d", p.id);
    snprintf(msg, sizeof msg, "%s has not submitted a ballot in round %s", p.slug, r.id);
    const char *params[] = {r.id, pid};
    dg_reply_sql_json(req, 200, BALLOT_JSON, 2, params, msg);
out:
    json_decref(r.needs);
}
