/* The "Mått och mätning" items of a driver diagram and their links (county_admin): POST
 * /api/v1/measure-items creates one, PATCH /api/v1/measure-items/{id} changes its texts or
 * position, replaces its links ("activities" and "sub_goals": ids or keys in the same diagram;
 * "measures": measure-definition slugs, which may name a measure defined later), or retires /
 * restores it. A removed link is retired, not deleted, so the item's history shows it. */
#include "core/workplan/common.h"
#include "core/workplan/edit.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

#define MAX_LINKS 32

/* A measure slug: <area>.<name>, each part lower-case words joined by '-'. */
static int slug_ok(const char *s)
{
    int dots = 0, prev_sep = 1;
    size_t n = strlen(s);
    if (n < 3 || n > 95)
        return 0;
    for (const char *p = s; *p; p++) {
        int sep = *p == '-' || *p == '.';
        if (!sep && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return 0;
        if (sep && prev_sep)
            return 0;
        dots += *p == '.';
        prev_sep = sep;
    }
    return dots == 1 && !prev_sep;
}

struct item_input {
    const char *title, *title_en, *link_note, *classification_note;
    int has_position, has_link_note, has_classification_note;
    long position;
    json_t *activities, *sub_goals; /* owned: reference strings */
    json_t *measures;               /* borrowed from the body */
};

static void read_item(struct body *b, struct item_input *in, int create)
{
    memset(in, 0, sizeof *in);
    in->title = body_string(b, "title", create, 1, 2000);
    in->title_en = body_string(b, "title_en", create, 1, 2000);
    in->position = workplan_body_int(b, "position", 0, 1, 999, 0, &in->has_position);
    if (workplan_body_null(b, "link_note"))
        in->has_link_note = 1;
    else if ((in->link_note = body_string(b, "link_note", 0, 1, 1000)) != NULL)
        in->has_link_note = 1;
    if (workplan_body_null(b, "classification_note"))
        in->has_classification_note = 1;
    else if ((in->classification_note = body_string(b, "classification_note", 0, 1, 1000)) != NULL)
        in->has_classification_note = 1;
    in->activities = workplan_body_refs(b, "activities", MAX_LINKS);
    in->sub_goals = workplan_body_refs(b, "sub_goals", MAX_LINKS);
    in->measures = body_string_array(b, "measures", 0, MAX_LINKS);
    size_t i;
    json_t *v;
    json_array_foreach(in->measures, i, v) {
        if (!slug_ok(json_string_value(v)))
            body_problem(b, "measures", "'%s' is not a measure slug like att-aldras.readmissions-30d",
                         json_string_value(v));
    }
}

static void free_item(struct item_input *in)
{
    json_decref(in->activities);
    json_decref(in->sub_goals);
}

/* Replaces the live links of one kind with ids (a JSON array of id strings). Returns 0, or
 * -1 after replying. */
static int replace_links(struct req *r, const char *item_id, const struct workplan_place *p,
                         enum workplan_item kind, json_t *ids)
{
    const char *table = kind == WORKPLAN_ACTIVITY ? "core.workplan_item_activities" : "core.workplan_item_subgoals";
    const char *col = kind == WORKPLAN_ACTIVITY ? "activity_id" : "subgoal_id";
    char sql[1400];
    snprintf(sql, sizeof sql,
             "WITH want AS (SELECT e::bigint AS id FROM jsonb_array_elements_text($2::jsonb) e),"
             " gone AS (UPDATE %s SET retired_at = now(), retired_by = core.current_actor()"
             "  WHERE measure_item_id = $1::bigint AND retired_at IS NULL"
             "  AND %s NOT IN (SELECT id FROM want) RETURNING 1),"
             " added AS (INSERT INTO %s (measure_item_id, %s, period_id, area_id)"
             "  SELECT $1::bigint, w.id, $3::int, $4::smallint FROM want w"
             "  WHERE NOT EXISTS (SELECT 1 FROM %s l WHERE l.measure_item_id = $1::bigint"
             "   AND l.%s = w.id AND l.retired_at IS NULL) RETURNING 1)"
             " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM added)",
             table, col, table, col, table, col);
    char *text = json_dumps(ids, JSON_COMPACT);
    const char *params[] = {item_id, text, p->period_id, p->area_id};
    PGresult *res = req_sql_ok(r, sql, 4, params);
    free(text);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

static int replace_measures(struct req *r, const char *item_id, json_t *slugs)
{
    char *text = json_dumps(slugs, JSON_COMPACT);
    const char *params[] = {item_id, text};
    PGresult *res = req_sql_ok(
        r,
        "WITH want AS (SELECT e AS slug, n FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY x(e, n)),"
        " gone AS (UPDATE core.workplan_item_measures SET retired_at = now(), retired_by = core.current_actor()"
        "  WHERE measure_item_id = $1::bigint AND retired_at IS NULL"
        "  AND measure_slug NOT IN (SELECT slug FROM want) RETURNING 1),"
        " moved AS (UPDATE core.workplan_item_measures l SET position = w.n FROM want w"
        "  WHERE l.measure_item_id = $1::bigint AND l.retired_at IS NULL AND l.measure_slug = w.slug"
        "  AND l.position <> w.n RETURNING 1),"
        " added AS (INSERT INTO core.workplan_item_measures (measure_item_id, measure_slug, position)"
        "  SELECT $1::bigint, w.slug, w.n FROM want w WHERE NOT EXISTS (SELECT 1"
        "   FROM core.workplan_item_measures l WHERE l.measure_item_id = $1::bigint"
        "   AND l.measure_slug = w.slug AND l.retired_at IS NULL) RETURNING 1)"
        " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM moved), (SELECT count(*) FROM added)",
        2, params);
    free(text);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

/* Resolves the references and replaces the links that were sent; sets the item's link basis
 * to "decided" (or none without links) when the activity or sub-goal links changed. Returns 0,
 * or -1 after replying. */
static int apply_links(struct req *r, struct body *b, const char *item_id,
                       const struct workplan_place *p, struct item_input *in)
{
    int replied = 0;
    json_t *activities = NULL, *sub_goals = NULL;
    if (in->activities)
        activities = workplan_edit_resolve(r, b, "activities", WORKPLAN_ACTIVITY, p, in->activities, &replied);
    if (!replied && in->sub_goals)
        sub_goals = workplan_edit_resolve(r, b, "sub_goals", WORKPLAN_SUBGOAL, p, in->sub_goals, &replied);
    int rc = -1;
    if (replied || body_failed(b))
        goto out;
    if ((activities && replace_links(r, item_id, p, WORKPLAN_ACTIVITY, activities) != 0) ||
        (sub_goals && replace_links(r, item_id, p, WORKPLAN_SUBGOAL, sub_goals) != 0) ||
        (in->measures && replace_measures(r, item_id, in->measures) != 0))
        goto out;
    if (activities || sub_goals) {
        const char *params[] = {item_id};
        PGresult *res = req_sql_ok(
            r,
            "UPDATE core.workplan_measure_items m SET link_basis = CASE WHEN EXISTS (SELECT 1"
            "  FROM core.workplan_item_activities l WHERE l.measure_item_id = m.id AND l.retired_at IS NULL)"
            "  OR EXISTS (SELECT 1 FROM core.workplan_item_subgoals l WHERE l.measure_item_id = m.id"
            "  AND l.retired_at IS NULL) THEN 'decided' END, updated_at = now(),"
            " updated_by = core.current_actor() WHERE m.id = $1::bigint",
            1, params);
        if (!res)
            goto out;
        PQclear(res);
    }
    rc = 0;
out:
    json_decref(activities);
    json_decref(sub_goals);
    return rc;
}

static json_t *audit_details(const char *key, struct item_input *in, int retire, const char *reason)
{
    json_t *fields = json_array();
    const char *names[] = {"title", "title_en", "position", "link_note", "classification_note",
                           "activities", "sub_goals", "measures", "retired"};
    int given[] = {in->title != NULL, in->title_en != NULL, in->has_position, in->has_link_note,
                   in->has_classification_note, in->activities != NULL, in->sub_goals != NULL,
                   in->measures != NULL, retire >= 0};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (given[i])
            json_array_append_new(fields, json_string(names[i]));
    json_t *d = json_pack("{s:s, s:o}", "key", key, "fields", fields);
    if (in->activities)
        json_object_set(d, "activities", in->activities);
    if (in->sub_goals)
        json_object_set(d, "sub_goals", in->sub_goals);
    if (in->measures)
        json_object_set(d, "measures", in->measures);
    if (reason)
        json_object_set_new(d, "reason", json_string(reason));
    return d;
}

void workplan_create_measure_item(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *area, *period;
    workplan_edit_place_read(&b, &area, &period);
    struct item_input in;
    read_item(&b, &in, 1);
    struct workplan_place p;
    char key[64], pos[16], id[24], target[48], location[64];
    if (body_failed(&b) || workplan_edit_place_resolve(r, &b, area, period, &p) != 0 ||
        workplan_edit_next(r, WORKPLAN_MEASURE_ITEM, &p, key, pos) != 0)
        goto out;
    if (in.has_position)
        snprintf(pos, sizeof pos, "%ld", in.position);
    const char *params[] = {p.period_id, p.area_id, key, pos, in.title, in.title_en, in.link_note,
                            in.classification_note};
    PGresult *res = req_sql_ok(
        r,
        "INSERT INTO core.workplan_measure_items (period_id, area_id, key, position, title, title_en,"
        " link_note, classification_note) VALUES ($1::int, $2::smallint, $3, $4::smallint, $5, $6, $7, $8)"
        " RETURNING id",
        8, params);
    if (!res)
        goto out;
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (apply_links(r, &b, id, &p, &in) != 0)
        goto out;
    snprintf(target, sizeof target, "measure_item:%s", id);
    snprintf(location, sizeof location, "/api/v1/measure-items/%s", id);
    json_t *details = audit_details(key, &in, -1, NULL);
    json_object_set_new(details, "area", json_string(p.area));
    json_object_set_new(details, "period", json_string(p.period));
    if (workplan_audit(r, "workplan.measure_item.create", NULL, target, details) != 0)
        goto out;
    req_set_header(r, "Location", location);
    workplan_reply_item(r, WORKPLAN_MEASURE_ITEM, id, NULL, "sv", 201);
out:
    free_item(&in);
}

void workplan_update_measure_item(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    struct item_input in;
    read_item(&b, &in, 0);
    int retire;
    const char *reason;
    workplan_edit_retire_read(&b, &retire, &reason);
    struct workplan_target t;
    char pos[16], action[64], target[48];
    if (body_failed(&b))
        goto out;
    int changes = in.title || in.title_en || in.has_position || in.has_link_note ||
                  in.has_classification_note || in.activities || in.sub_goals || in.measures;
    if (!changes && retire < 0) {
        reply_error(r, 422, NULL,
                    "nothing to change: send title, title_en, position, link_note,"
                    " classification_note, activities, sub_goals, measures or retired");
        goto out;
    }
    if (workplan_edit_lock(r, WORKPLAN_MEASURE_ITEM, &t) != 0 ||
        workplan_edit_retire_check(r, &t, retire, changes, "measure item") != 0 ||
        apply_links(r, &b, t.id, &t.place, &in) != 0)
        goto out;
    snprintf(pos, sizeof pos, "%ld", in.position);
    const char *params[] = {t.id, in.title, in.title_en, in.has_position ? pos : NULL,
                            retire < 0 ? NULL : retire ? "true" : "false", reason,
                            in.has_link_note ? "true" : "false", in.link_note,
                            in.has_classification_note ? "true" : "false", in.classification_note};
    PGresult *res = req_sql_ok(
        r,
        "UPDATE core.workplan_measure_items SET" WORKPLAN_EDIT_SET ","
        " link_note = CASE WHEN $7::boolean THEN $8 ELSE link_note END,"
        " classification_note = CASE WHEN $9::boolean THEN $10 ELSE classification_note END"
        " WHERE id = $1::bigint",
        10, params);
    if (!res)
        goto out;
    PQclear(res);
    snprintf(action, sizeof action, "workplan.measure_item.%s", workplan_edit_verb(&t, retire));
    snprintf(target, sizeof target, "measure_item:%s", t.id);
    if (workplan_audit(r, action, NULL, target, audit_details(t.key, &in, retire, reason)) != 0)
        goto out;
    workplan_reply_item(r, WORKPLAN_MEASURE_ITEM, t.id, NULL, "sv", 200);
out:
    free_item(&in);
}
