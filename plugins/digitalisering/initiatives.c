/* The baseline mapping ("kartläggning av vad som redan pågår"): each principal's ongoing
 * digital initiatives.
 *
 *   GET    /api/v1/digitalisering/initiatives       ?principal=&category=&status=&area=
 *   POST   /api/v1/digitalisering/initiatives       {"initiatives": [...]} (write:digitalisering)
 *   DELETE /api/v1/digitalisering/initiatives/:id   (write:digitalisering)
 *
 * A push adds or replaces initiatives by principal and name (case aside). Both writes derive
 * digitalisering.initiatives-ongoing (per principal and year) from the mapping as it will be
 * and push the counts that change through host->push_values, in the same transaction: so
 * the answer is the core's import summary (plus "initiatives": what happened to the rows),
 * with ?dry_run, Idempotency-Key, period locks and value history. All or nothing: ?mode
 * other than atomic is refused. */
#include "digi.h"
#include "initiatives.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET ---- */

void dg_initiatives_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    static const char *const categories[] = {"digital-safety-alarms", "video-communication", "home-monitoring",
                                             "mobile-working", "e-services", NULL};
    static const char *const known_params[] = {"principal", "category", "status", "area", NULL};
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, known_params);
    const char *principal = dg_host->query(req, "principal"), *category = dg_host->query(req, "category");
    const char *status = dg_host->query(req, "status"), *area = dg_host->query(req, "area");
    struct dg_principal p;
    char pid[16] = "";
    int known = 0;
    if (principal && dg_principal(principal, &p) != 0)
        dg_query_problem(&problems, "principal", "must be a principal slug or code");
    else if (principal)
        snprintf(pid, sizeof pid, "%d", p.id);
    for (size_t i = 0; category && categories[i]; i++)
        known |= strcmp(category, categories[i]) == 0;
    if (category && !known)
        dg_query_problem(&problems, "category", "must be a category slug (see categories in the answer)");
    if (status && strcmp(status, "planned") && strcmp(status, "ongoing") && strcmp(status, "ended"))
        dg_query_problem(&problems, "status", "must be planned, ongoing or ended");
    if (area && (strlen(area) > 64 || strspn(area, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(area)))
        dg_query_problem(&problems, "area", "must be an area slug");
    if (dg_query_failed(req, problems))
        return;
    const char *params[] = {pid[0] ? pid : NULL, category, status, area};
    dg_reply_sql_json(
        req, 200,
        "WITH i AS (SELECT i.* FROM digitalisering.initiatives i JOIN core.principals p ON p.id = i.principal_id"
        "  WHERE ($1::smallint IS NULL OR i.principal_id = $1::smallint) AND ($2::text IS NULL OR i.category = $2)"
        "  AND ($3::text IS NULL OR i.status = $3)"
        "  AND ($4::text IS NULL OR i.area_id = (SELECT id FROM core.areas WHERE slug = $4)))"
        " SELECT json_build_object("
        " 'categories', (SELECT json_agg(json_build_object('slug', c.slug, 'name', c.name, 'name_en', c.name_en)"
        "  ORDER BY c.position) FROM digitalisering.categories c),"
        " 'items', (SELECT coalesce(json_agg(digitalisering.initiative_json(i) ORDER BY p.sort_order, lower(i.name)), '[]')"
        "  FROM i JOIN core.principals p ON p.id = i.principal_id),"
        " 'summary', json_build_object('principals_mapped', (SELECT count(DISTINCT principal_id) FROM i),"
        "  'ongoing_by_category', (SELECT json_object_agg(c.slug, (SELECT count(*) FROM i"
        "   WHERE i.category = c.slug AND i.status = 'ongoing') ORDER BY c.position) FROM digitalisering.categories c)))::text",
        4, params, "no initiatives");
}

/* ---- writes ---- */

/* The query of a write: mode (atomic only: the mapping is stored all or nothing) and dry_run
 * (read by the host's push). Returns 1 after replying 400. */
static int refuse_query(lgvo_request *req)
{
    static const char *const known_params[] = {"mode", "dry_run", NULL};
    const char *mode = dg_host->query(req, "mode");
    json_t *problems = NULL;
    dg_query_unknown(req, &problems, known_params);
    if (mode && strcmp(mode, "atomic") != 0)
        dg_query_problem(&problems, "mode", "the mapping is stored all or nothing: only mode=atomic (the default)");
    return dg_query_failed(req, problems);
}

/* The derived values of digitalisering.initiatives-ongoing that change: [{measure, principal,
 * period, value, source}], source = the first row of the principal (first[principal id]).
 * proposed: rows as dg_initiative_rows gives them, or NULL; removed: an initiative id or
 * NULL. Returns a new array, or NULL after the host replied. */
static json_t *derived_values(lgvo_request *req, json_t *principals, json_t *proposed, const char *removed,
                              json_t *first)
{
    char *ids = dg_dump(principals), *rows = dg_dump(proposed); /* freed below */
    const char *params[] = {ids, rows, removed};
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT p.slug, d.year::text, d.ongoing::text, d.principal_id::text"
        " FROM digitalisering.derived_counts(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::smallint),"
        "  $2::jsonb, $3::integer) d JOIN core.principals p ON p.id = d.principal_id",
        3, params);
    free(ids);
    free(rows);
    if (!res)
        return NULL;
    json_t *values = json_array();
    for (int r = 0; r < dg_host->result_rows(res); r++) {
        json_t *src = json_object_get(first, dg_host->result_value(res, r, 3));
        json_array_append_new(values, json_pack("{s:s, s:s, s:s, s:I, s:I}", "measure", DG_M_INITIATIVES,
                                                "principal", dg_host->result_value(res, r, 0), "period",
                                                dg_host->result_value(res, r, 1), "value",
                                                (json_int_t)atoll(dg_host->result_value(res, r, 2)), "source",
                                                json_integer_value(src)));
    }
    dg_host->result_free(res);
    return values;
}

/* Asks the shared write decision for every principal of the rows; fills principals (ids) and
 * first ({"<id>": first row index}). Returns 0, or -1 after the host replied 403. */
static int approve(lgvo_request *req, json_t *rows, json_t *principals, json_t *first)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        char key[16];
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(r, "principal_id")));
        if (json_object_get(first, key))
            continue;
        if (!dg_host->can_write(req, json_string_value(json_object_get(r, "principal")), DG_AREA, 0))
            return -1;
        json_object_set_new(first, key, json_integer(json_integer_value(json_object_get(r, "index"))));
        json_array_append_new(principals, json_integer(json_integer_value(json_object_get(r, "principal_id"))));
    }
    return 0;
}

/* Stores the rows. Returns the counts {created, updated, unchanged, deleted}, or NULL after
 * the host replied. */
static json_t *store(lgvo_request *req, json_t *rows, const char *subject)
{
    char *text = dg_dump(rows); /* freed below */
    const char *params[] = {text, subject};
    char counts[160];
    int rc = dg_scalar(
        req,
        "WITH up AS (INSERT INTO digitalisering.initiatives AS i (principal_id, name, area_id, category, status,"
        "  started_on, ended_on, description, updated_by)"
        "  SELECT x.principal_id, x.name, a.id, x.category, x.status, x.started_on, x.ended_on, x.description, $2"
        "  FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint, name text, area text, category text,"
        "   status text, started_on date, ended_on date, description text) JOIN core.areas a ON a.slug = x.area"
        "  ON CONFLICT (principal_id, lower(name)) DO UPDATE SET name = EXCLUDED.name, area_id = EXCLUDED.area_id,"
        "   category = EXCLUDED.category, status = EXCLUDED.status, started_on = EXCLUDED.started_on,"
        "   ended_on = EXCLUDED.ended_on, description = EXCLUDED.description, updated_at = now(),"
        "   updated_by = EXCLUDED.updated_by"
        "  WHERE (i.name, i.area_id, i.category, i.status, i.started_on, i.ended_on, i.description)"
        "   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.area_id, EXCLUDED.category, EXCLUDED.status,"
        "   EXCLUDED.started_on, EXCLUDED.ended_on, EXCLUDED.description)"
        "  RETURNING (xmax = 0) AS created)"
        " SELECT json_build_object('created', count(*) FILTER (WHERE created),"
        "  'updated', count(*) FILTER (WHERE NOT created),"
        "  'unchanged', jsonb_array_length($1::jsonb) - count(*), 'deleted', 0)::text FROM up",
        2, params, counts, sizeof counts);
    free(text);
    return rc == 1 ? json_loads(counts, 0, NULL) : NULL;
}

void dg_initiatives_push(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *errors = json_array(), *rows = NULL, *principals = json_array(), *first = json_object();
    json_t *values = NULL;
    struct dg_who w;
    dg_caller(req, &w);
    if (refuse_query(req))
        goto out;
    json_t *body = dg_body_object(req), *list = json_object_get(body, "initiatives"); /* borrowed */
    if (!body)
        goto out;
    if (!json_is_array(list) || json_object_size(body) != 1) {
        dg_host->reply_error(req, 400, "invalid_json", "the body must be {\"initiatives\":[…]} with nothing else", NULL);
        goto out;
    }
    if (json_array_size(list) > DG_MAX_INITIATIVES) {
        dg_reply_problem(req, 413, "too_many_rows", NULL, "the push has %zu rows; at most %d are accepted per request",
                         json_array_size(list), DG_MAX_INITIATIVES);
        goto out;
    }
    rows = dg_initiative_rows(errors, list, &w);
    if (dg_initiative_check(req, errors, rows) != 0)
        goto out;
    lgvo_push_result pushed = {.struct_size = sizeof pushed};
    if (json_array_size(errors)) { /* the host answers 422 with the core's summary of problems */
        values = json_array(); /* borrowed by the host; errors stolen */
        dg_host->push_values(req, values, "initiatives", json_array_size(list), json_incref(errors), &pushed);
        if (!pushed.replied)
            dg_host->push_reply(req, pushed.push, NULL);
        goto out;
    }
    if (approve(req, rows, principals, first) != 0)
        goto out;
    values = derived_values(req, principals, rows, NULL, first);
    if (!values || dg_host->push_values(req, values, "initiatives", json_array_size(list), NULL, &pushed) != 0)
        goto out;
    json_t *counts = store(req, rows, w.subject);
    dg_host->push_reply(req, pushed.push, counts ? json_pack("{s:o}", "initiatives", counts) : NULL);
out:
    json_decref(errors);
    json_decref(rows);
    json_decref(principals);
    json_decref(first);
    json_decref(values);
}

void dg_initiative_delete(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *principals = json_array(), *first = json_object(), *values = NULL;
    char id[24], slug[48] = "", pid[16];
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    if (refuse_query(req))
        goto out;
    const char *params[] = {id};
    int found = dg_scalar(req,
                          "SELECT p.slug FROM digitalisering.initiatives i JOIN core.principals p ON p.id = i.principal_id"
                          " WHERE i.id = $1::integer",
                          1, params, slug, sizeof slug);
    if (found <= 0) {
        if (found == 0)
            dg_host->reply_error(req, 404, "not_found", "no such initiative (see GET /api/v1/digitalisering/initiatives)", NULL);
        goto out;
    }
    struct dg_principal p;
    if (dg_principal(slug, &p) != 0 || !dg_host->can_write(req, slug, DG_AREA, 0))
        goto out;
    snprintf(pid, sizeof pid, "%d", p.id);
    json_array_append_new(principals, json_integer(p.id));
    json_object_set_new(first, pid, json_integer(0));
    lgvo_push_result pushed = {.struct_size = sizeof pushed};
    values = derived_values(req, principals, NULL, id, first);
    if (!values || dg_host->push_values(req, values, "initiatives", 1, NULL, &pushed) != 0)
        goto out;
    int rc = dg_exec(req, "DELETE FROM digitalisering.initiatives WHERE id = $1::integer", 1, params);
    dg_host->push_reply(req, pushed.push,
                        rc == 0 ? json_pack("{s:{s:i, s:i, s:i, s:i}}", "initiatives", "created", 0, "updated", 0,
                                            "unchanged", 0, "deleted", 1)
                                : NULL);
out:
    json_decref(principals);
    json_decref(first);
    json_decref(values);
}
