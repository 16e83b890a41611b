/* The gross list (bruttolista) of needs and obstacles:
 *
 *   GET   /api/v1/digitalisering/needs        ?status=&kind=&area=&principal=
 *   GET   /api/v1/digitalisering/needs/:id
 *   POST  /api/v1/digitalisering/needs        a reporter (granted digitalisering or an area the
 *                                             need concerns) for its principal; county_admin
 *   PATCH /api/v1/digitalisering/needs/:id    county_admin curates: texts, areas, principals,
 *                                             status (proposed <-> prioritised, -> dropped,
 *                                             dropped -> proposed)
 *
 * A need goes into test and out of it with its test (trials.c); duplicates are merged with
 * POST /needs/:id/merge (merge.c). */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEED_JSON "SELECT digitalisering.need_json($1::integer)::text"

static void reply_need(lgvo_request *req, int status, long id)
{
    char text[24];
    snprintf(text, sizeof text, "%ld", id);
    const char *params[] = {text};
    dg_reply_sql_json(req, status, NEED_JSON, 1, params, "no such need (see GET /api/v1/digitalisering/needs)");
}

/* ---- GET ---- */

static int valid_slug(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

void dg_needs_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    static const char *const statuses[] = {"proposed", "prioritised", "in_test", "solved", "dropped",
                                           "merged", "all", NULL};
    static const char *const known_params[] = {"status", "kind", "area", "principal", NULL};
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, known_params);
    const char *status = dg_host->query(req, "status"), *kind = dg_host->query(req, "kind");
    const char *area = dg_host->query(req, "area"), *principal = dg_host->query(req, "principal");
    int known = 0;
    for (size_t i = 0; status && statuses[i]; i++)
        known |= strcmp(status, statuses[i]) == 0;
    if (status && !known)
        dg_query_problem(&problems, "status", "must be proposed, prioritised, in_test, solved, dropped, merged or all");
    if (kind && strcmp(kind, "need") && strcmp(kind, "obstacle"))
        dg_query_problem(&problems, "kind", "must be need or obstacle");
    if (area && !valid_slug(area))
        dg_query_problem(&problems, "area", "must be an area slug");
    struct dg_principal p;
    char pid[16] = "";
    if (principal && dg_principal(principal, &p) != 0)
        dg_query_problem(&problems, "principal", "must be a principal slug or code");
    else if (principal)
        snprintf(pid, sizeof pid, "%d", p.id);
    if (dg_query_failed(req, problems))
        return;
    const char *params[] = {status, kind, area, pid[0] ? pid : NULL};
    dg_reply_sql_json(
        req, 200,
        "SELECT json_build_object('items', coalesce(json_agg(digitalisering.need_json(n.id) ORDER BY n.id),"
        " '[]'))::text FROM digitalisering.needs n"
        " WHERE CASE WHEN $1::text IS NULL THEN n.status <> 'merged' WHEN $1 = 'all' THEN true ELSE n.status = $1 END"
        " AND ($2::text IS NULL OR n.kind = $2) AND ($3::text IS NULL OR $3 = ANY (n.areas))"
        " AND ($4::smallint IS NULL OR $4::smallint = ANY (n.principals) OR n.raised_by = $4::smallint"
        "  OR EXISTS (SELECT 1 FROM digitalisering.need_origins o WHERE o.need_id = n.id AND o.principal_id = $4::smallint))",
        4, params, "no needs");
}

void dg_need_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    long id = dg_path_id(dg_host->param(req, "id"));
    if (dg_query_none(req))
        return;
    if (!id) {
        dg_host->reply_error(req, 404, "not_found", "no such need (ids are positive integers)", NULL);
        return;
    }
    reply_need(req, 200, id);
}

/* ---- POST ---- */

/* May the caller propose this need for raised_by? The shared write decision is asked for
 * digitalisering, then for each area the need concerns, until one approves (which also allows
 * the principal's rows for row-level security). Returns 1, or 0 after replying 403/404. */
static int may_propose(lgvo_request *req, const struct dg_who *w, json_t *areas, const char *raised_by)
{
    if (w->county)
        return dg_host->can_write(req, raised_by, DG_AREA, 0);
    int rc = dg_host->may_write(req, raised_by, DG_AREA, 0);
    for (size_t i = 0; rc == 0 && i < json_array_size(areas); i++)
        rc = dg_host->may_write(req, raised_by, json_string_value(json_array_get(areas, i)), 0);
    if (rc == 0)
        dg_host->reply_error(req, 403, "forbidden",
                             strcmp(raised_by, w->principal) != 0
                                 ? "a reporter proposes needs for its own principal only"
                                 : "a reporter proposes needs with a write grant for digitalisering or for an area the need concerns; you have neither",
                             NULL);
    return rc == 1;
}

/* Returns the new need's id, 0 when nothing was stored, -1 after the host replied. */
static long insert_need(lgvo_request *req, const struct dg_need_input *in, const char *raised_by,
                        json_t *principals)
{
    char *areas = dg_dump(in->areas), *ids = dg_dump(principals); /* freed below */
    const char *params[] = {in->kind, in->title, in->description, areas, ids, raised_by};
    char id[24] = "";
    int rc = dg_scalar(req,
                       "INSERT INTO digitalisering.needs (kind, title, description, areas, principals, raised_by)"
                       " SELECT $1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)),"
                       " ARRAY(SELECT jsonb_array_elements_text($5::jsonb)::smallint), p.id"
                       " FROM core.principals p WHERE p.slug = $6 RETURNING id",
                       6, params, id, sizeof id);
    free(areas);
    free(ids);
    return rc == 1 ? atol(id) : rc; /* -1: the host replied */
}

void dg_need_create(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct dg_need_input in = {0};
    json_t *errors = json_array(), *principals = NULL;
    struct dg_who w;
    dg_caller(req, &w);
    if (!w.county && !w.reporter) {
        dg_host->reply_error(req, 403, "forbidden",
                             "proposing a need takes the reporter role (or county_admin); an org_admin grants it",
                             NULL);
        goto out;
    }
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    dg_need_read(errors, body, 1, &in);
    struct dg_principal raiser;
    if (dg_principal(in.raised_by ? in.raised_by : w.principal, &raiser) != 0) {
        dg_host->reply_error(req, 403, "forbidden", "the caller has no principal", NULL);
        goto out;
    }
    principals = in.principals ? json_incref(in.principals) : json_pack("[i]", raiser.id);
    if (dg_need_check_areas(req, errors, &in) != 0 || dg_refuse(req, errors))
        goto out;
    if (!may_propose(req, &w, in.areas, raiser.slug))
        goto out;
    long id = insert_need(req, &in, raiser.slug, principals);
    char text[24];
    snprintf(text, sizeof text, "%ld", id);
    if (id > 0 && dg_audit(req, "need.propose", raiser.slug, NULL, json_pack("{s:I, s:s}", "need", (json_int_t)id,
                                                                                "kind", in.kind)) == 0) {
        dg_location(req, "/needs", text);
        reply_need(req, 201, id);
    } else if (id == 0)
        dg_host->reply_error(req, 500, NULL, "internal error: the need was not stored", NULL);
out:
    json_decref(errors);
    json_decref(principals);
    dg_need_input_free(&in);
}

/* ---- PATCH ---- */

/* The moves a county_admin makes with PATCH; the others follow tests and merges. Returns NULL
 * when allowed, else why not. */
static const char *refused_move(const char *from, const char *to)
{
    if (strcmp(from, to) == 0)
        return NULL;
    if (strcmp(to, "in_test") == 0)
        return "a need goes into test when a test of it starts (POST /api/v1/digitalisering/tests)";
    if (strcmp(to, "merged") == 0)
        return "duplicates are merged with POST /api/v1/digitalisering/needs/{id}/merge";
    if (strcmp(from, "in_test") == 0)
        return "the need is in test: its status follows the test (PATCH /api/v1/digitalisering/tests/{id} ends it)";
    if (strcmp(from, "solved") == 0)
        return "a solved need stays solved";
    if (strcmp(to, "solved") == 0)
        return "a need is solved when a test of it ends with the outcome solved";
    if (strcmp(from, "dropped") == 0 && strcmp(to, "proposed") != 0)
        return "a dropped need is first proposed again";
    return NULL; /* proposed <-> prioritised, -> dropped */
}

/* The need's status now ("" when there is none). Returns 0, or -1 after replying. */
static int load_status(lgvo_request *req, long id, char status[24])
{
    char text[24];
    snprintf(text, sizeof text, "%ld", id);
    const char *params[] = {text};
    int rc = dg_scalar(req, "SELECT status FROM digitalisering.needs WHERE id = $1::integer", 1, params,
                       status, 24);
    if (rc == 0)
        dg_host->reply_error(req, 404, "not_found", "no such need (see GET /api/v1/digitalisering/needs)", NULL);
    return rc == 1 ? 0 : -1;
}

static int update_need(lgvo_request *req, long id, const struct dg_need_input *in, const char *subject)
{
    char text[24];
    snprintf(text, sizeof text, "%ld", id);
    char *areas = dg_dump(in->areas), *ids = dg_dump(in->principals); /* freed below */
    const char *params[] = {text, in->kind, in->title, in->has_description ? "t" : "f", in->description,
                            areas, ids, in->status, subject};
    int rc = dg_exec(req,
                     "UPDATE digitalisering.needs SET kind = coalesce($2, kind), title = coalesce($3, title),"
                     " description = CASE WHEN $4::boolean THEN $5 ELSE description END,"
                     " areas = CASE WHEN $6::jsonb IS NULL THEN areas"
                     "  ELSE ARRAY(SELECT jsonb_array_elements_text($6::jsonb)) END,"
                     " principals = CASE WHEN $7::jsonb IS NULL THEN principals"
                     "  ELSE ARRAY(SELECT jsonb_array_elements_text($7::jsonb)::smallint) END,"
                     " status = coalesce($8, status), updated_at = now(), updated_by = $9"
                     " WHERE id = $1::integer",
                     9, params);
    free(areas);
    free(ids);
    return rc;
}

void dg_need_patch(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct dg_need_input in = {0};
    json_t *errors = json_array();
    char status[24] = "";
    long id = dg_path_id(dg_host->param(req, "id"));
    json_t *body = dg_body_object(req); /* borrowed */
    if (!body || dg_query_none(req))
        goto out;
    if (!id) {
        dg_host->reply_error(req, 404, "not_found", "no such need (ids are positive integers)", NULL);
        goto out;
    }
    dg_need_read(errors, body, 0, &in);
    if (load_status(req, id, status) != 0)
        goto out;
    if (strcmp(status, "merged") == 0) {
        dg_reply_problem(req, 409, "need_merged", NULL,
                         "need %ld was merged into another need and does not change (see its merged_into)", id);
        goto out;
    }
    if (dg_need_check_areas(req, errors, &in) != 0 || dg_refuse(req, errors))
        goto out;
    const char *why = in.status ? refused_move(status, in.status) : NULL;
    if (why) {
        dg_reply_problem(req, 409, "invalid_transition", "/status", "need %ld is %s and cannot become %s: %s",
                         id, status, in.status, why);
        goto out;
    }
    struct dg_who w;
    dg_caller(req, &w);
    char target[32];
    snprintf(target, sizeof target, "need:%ld", id);
    json_t *changed = json_incref(body); /* the members as sent; stolen by dg_audit */
    if (in.status && strcmp(in.status, status) != 0)
        changed = json_pack("{s:o, s:s, s:s}", "members", changed, "from", status, "to", in.status);
    int rc = update_need(req, id, &in, w.subject);
    if (rc == 0)
        rc = dg_audit(req, "need.update", NULL, target, changed); /* changed stolen */
    else
        json_decref(changed);
    if (rc == 0)
        reply_need(req, 200, id);
out:
    json_decref(errors);
    dg_need_input_free(&in);
}
