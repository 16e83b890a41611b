/* POST /api/v1/digitalisering/needs/:id/merge (county_admin): {"duplicates": [ids]} merges
 * each duplicate into the need :id. The duplicates' origins move to it (so it keeps where
 * every copy came from), their areas and principals join its own, and each duplicate becomes
 * "merged" with merged_into = :id. A duplicate in test, solved, already merged or ranked in an
 * open round is refused (422, a path per item). */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DUPLICATES 50

static const char *const fields[] = {"duplicates", NULL};

/* Reads "duplicates": ids, no repeats, not the target. Returns a new array or NULL. */
static json_t *read_duplicates(json_t *errors, json_t *body, long target)
{
    json_t *v = json_object_get(body, "duplicates");
    if (!v) {
        dg_error(errors, "/duplicates", "missing", "is required: the ids of the needs to merge into this one");
        return NULL;
    }
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > MAX_DUPLICATES) {
        dg_error(errors, "/duplicates", "wrong_type", "must be an array of 1 to %d need ids", MAX_DUPLICATES);
        return NULL;
    }
    json_t *ids = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        char path[48];
        snprintf(path, sizeof path, "/duplicates/%zu", i);
        long id = dg_json_id(item);
        int repeated = 0;
        size_t j;
        json_t *seen;
        json_array_foreach(ids, j, seen)
            repeated |= json_integer_value(seen) == id;
        if (!id)
            dg_error(errors, path, "wrong_type", "must be a need id (a positive integer)");
        else if (id == target)
            dg_error(errors, path, "same_need", "a need is not merged into itself");
        else if (repeated)
            dg_error(errors, path, "duplicate", "names need %ld twice", id);
        else
            json_array_append_new(ids, json_integer(id));
    }
    return ids;
}

/* Checks each duplicate against the database. Returns 0, or -1 after the host replied. */
static int check_duplicates(lgvo_request *req, json_t *errors, json_t *body, json_t *ids)
{
    char *list = dg_dump(ids); /* freed below */
    const char *params[] = {list};
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT x.id::text, n.status,"
        " EXISTS (SELECT 1 FROM digitalisering.round_needs rn JOIN digitalisering.rounds r ON r.id = rn.round_id"
        "  WHERE rn.need_id = n.id AND r.closes_at > now())"
        " FROM jsonb_array_elements_text($1::jsonb) AS x(id)"
        " LEFT JOIN digitalisering.needs n ON n.id = x.id::integer",
        1, params);
    free(list);
    if (!res)
        return -1;
    json_t *given = json_object_get(body, "duplicates");
    for (int r = 0; r < dg_host->result_rows(res); r++) {
        long id = atol(dg_host->result_value(res, r, 0));
        const char *status = dg_host->result_value(res, r, 1);
        int open_round = status && dg_host->result_value(res, r, 2)[0] == 't';
        size_t i, at = 0;
        json_t *item;
        json_array_foreach(given, i, item)
            if (dg_json_id(item) == id) {
                at = i;
                break;
            }
        char path[48];
        snprintf(path, sizeof path, "/duplicates/%zu", at);
        if (!status)
            dg_error(errors, path, "unknown_need", "there is no need %ld", id);
        else if (strcmp(status, "merged") == 0)
            dg_error(errors, path, "already_merged", "need %ld was merged already", id);
        else if (strcmp(status, "in_test") == 0)
            dg_error(errors, path, "need_in_test", "need %ld is in test; end its test first", id);
        else if (strcmp(status, "solved") == 0)
            dg_error(errors, path, "need_solved", "need %ld is solved and stays as it is", id);
        else if (open_round)
            dg_error(errors, path, "in_open_round",
                     "need %ld is ranked in an open prioritisation round; merge it after the round closes", id);
    }
    dg_host->result_free(res);
    return 0;
}

static int apply_merge(lgvo_request *req, long target, json_t *ids, const char *subject)
{
    char text[24];
    snprintf(text, sizeof text, "%ld", target);
    char *list = dg_dump(ids); /* freed below */
    const char *params[] = {text, list, subject};
    int rc = dg_exec(
        req,
        "UPDATE digitalisering.needs t SET"
        " areas = t.areas || ARRAY(SELECT DISTINCT a FROM digitalisering.needs d, unnest(d.areas) a"
        "  WHERE d.id IN (SELECT jsonb_array_elements_text($2::jsonb)::integer) AND NOT a = ANY (t.areas) ORDER BY a),"
        " principals = t.principals || ARRAY(SELECT DISTINCT p FROM digitalisering.needs d, unnest(d.principals) p"
        "  WHERE d.id IN (SELECT jsonb_array_elements_text($2::jsonb)::integer) AND NOT p = ANY (t.principals) ORDER BY p),"
        " updated_at = now(), updated_by = $3 WHERE t.id = $1::integer",
        3, params);
    if (rc == 0)
        rc = dg_exec(req,
                     "UPDATE digitalisering.need_origins SET need_id = $1::integer"
                     " WHERE need_id IN (SELECT jsonb_array_elements_text($2::jsonb)::integer)",
                     2, params);
    if (rc == 0)
        rc = dg_exec(req,
                     "UPDATE digitalisering.needs SET status = 'merged', merged_into = $1::integer,"
                     " updated_at = now(), updated_by = $3"
                     " WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)::integer)",
                     3, params);
    free(list);
    return rc;
}

void dg_need_merge(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array(), *ids = NULL;
    long target = dg_path_id(dg_host->param(req, "id"));
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    char text[24], status[24];
    snprintf(text, sizeof text, "%ld", target);
    const char *params[] = {text};
    int found = target ? dg_scalar(req, "SELECT status FROM digitalisering.needs WHERE id = $1::integer",
                                   1, params, status, sizeof status)
                       : 0;
    if (found < 0)
        goto out;
    if (!found) {
        dg_host->reply_error(req, 404, "not_found", "no such need (see GET /api/v1/digitalisering/needs)", NULL);
        goto out;
    }
    if (strcmp(status, "merged") == 0) {
        dg_reply_problem(req, 409, "need_merged", NULL,
                         "need %ld was merged into another need; merge into that one", target);
        goto out;
    }
    dg_unknown_members(errors, "", body, fields);
    ids = read_duplicates(errors, body, target);
    if (ids && json_array_size(ids) && check_duplicates(req, errors, body, ids) != 0)
        goto out;
    if (dg_refuse(req, errors))
        goto out;
    struct dg_who w;
    dg_caller(req, &w);
    char where[32];
    snprintf(where, sizeof where, "need:%ld", target);
    if (apply_merge(req, target, ids, w.subject) == 0 &&
        dg_audit(req, "need.merge", NULL, where, json_pack("{s:O}", "duplicates", ids)) == 0)
        dg_reply_sql_json(req, 200, "SELECT digitalisering.need_json($1::integer)::text", 1, params,
                          "no such need");
out:
    json_decref(errors);
    json_decref(ids);
}
