/* Shared steps of the diagram edits; see edit.h. */
#include "core/workplan/edit.h"

#include "app.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

static const char *const tables[] = {
    [WORKPLAN_SUBGOAL] = "core.workplan_subgoals",
    [WORKPLAN_ACTIVITY] = "core.workplan_activities",
    [WORKPLAN_MEASURE_ITEM] = "core.workplan_measure_items",
};

static const char *const names[] = {
    [WORKPLAN_SUBGOAL] = "subgoal",
    [WORKPLAN_ACTIVITY] = "activity",
    [WORKPLAN_MEASURE_ITEM] = "measure_item",
};

const char *workplan_item_name(enum workplan_item kind)
{
    return names[kind];
}

void workplan_edit_place_read(struct body *b, const char **area, const char **period)
{
    *area = body_string(b, "area", 1, 1, 32);
    *period = body_string(b, "period", 0, 9, 9);
}

int workplan_edit_place_resolve(struct req *r, struct body *b, const char *area,
                                const char *period, struct workplan_place *out)
{
    memset(out, 0, sizeof *out);
    struct area a;
    if (refdata_area(r->app->refdata, area, &a) != 0)
        body_problem(b, "area", "no area '%s'", area);
    else {
        snprintf(out->area_id, sizeof out->area_id, "%d", a.id);
        snprintf(out->area, sizeof out->area, "%s", a.slug);
    }
    if (req_begin(r) != 0)
        return -1;
    const char *params[] = {period};
    PGresult *res = req_sql_ok(
        r,
        "SELECT id, slug FROM core.workplan_periods WHERE $1::text IS NULL OR slug = $1"
        " ORDER BY (starts_on <= current_date) DESC,"
        "  CASE WHEN starts_on <= current_date THEN starts_on END DESC, starts_on LIMIT 1",
        1, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        body_problem(b, "period", period ? "no work-plan period '%s'" : "there is no work-plan period%s",
                     period ? period : "");
    } else {
        snprintf(out->period_id, sizeof out->period_id, "%s", PQgetvalue(res, 0, 0));
        snprintf(out->period, sizeof out->period, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return body_failed(b) ? -1 : 0;
}

int workplan_edit_lock(struct req *r, enum workplan_item kind, struct workplan_target *t)
{
    memset(t, 0, sizeof *t);
    const char *ref = req_param(r, "id");
    char pid[16] = "";
    if (!workplan_is_id(ref)) {
        struct workplan_period period;
        if (workplan_period_resolve(r, NULL, &period) != 0)
            return -1;
        snprintf(pid, sizeof pid, "%d", period.id);
    }
    if (req_begin(r) != 0)
        return -1;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT x.id, x.key, x.period_id, p.slug, x.area_id, a.slug, x.retired_at IS NOT NULL"
             " FROM %s x JOIN core.workplan_periods p ON p.id = x.period_id"
             " JOIN core.areas a ON a.id = x.area_id"
             " WHERE x.id::text = $1 OR (x.key = $1 AND x.period_id = $2::int) FOR UPDATE OF x",
             tables[kind]);
    const char *params[] = {ref, pid[0] ? pid : NULL};
    PGresult *res = req_sql_ok(r, sql, 2, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no %s '%s'",
                    kind == WORKPLAN_SUBGOAL ? "sub-goal" : kind == WORKPLAN_ACTIVITY ? "activity" : "measure item",
                    ref);
        PQclear(res);
        return -1;
    }
    snprintf(t->id, sizeof t->id, "%s", PQgetvalue(res, 0, 0));
    snprintf(t->key, sizeof t->key, "%s", PQgetvalue(res, 0, 1));
    snprintf(t->place.period_id, sizeof t->place.period_id, "%s", PQgetvalue(res, 0, 2));
    snprintf(t->place.period, sizeof t->place.period, "%s", PQgetvalue(res, 0, 3));
    snprintf(t->place.area_id, sizeof t->place.area_id, "%s", PQgetvalue(res, 0, 4));
    snprintf(t->place.area, sizeof t->place.area, "%s", PQgetvalue(res, 0, 5));
    t->retired = PQgetvalue(res, 0, 6)[0] == 't';
    PQclear(res);
    return 0;
}

int workplan_edit_next(struct req *r, enum workplan_item kind, const struct workplan_place *p,
                       char *key, char *position)
{
    static const char *const marks[] = {
        [WORKPLAN_SUBGOAL] = "sg", [WORKPLAN_ACTIVITY] = "a", [WORKPLAN_MEASURE_ITEM] = "m"};
    /* Keys are never reused, across periods too: one lock serialises the creates. */
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT pg_advisory_xact_lock(hashtext('lgvo.workplan.keys')),"
             " $3 || '.%s' || (coalesce(max(substring(key FROM '\\.%s([0-9]+)$')::int), 0) + 1),"
             " coalesce(max(position) FILTER (WHERE period_id = $1::int), 0) + 1"
             " FROM %s WHERE area_id = $2::smallint",
             marks[kind], marks[kind], tables[kind]);
    const char *params[] = {p->period_id, p->area_id, p->area};
    PGresult *res = req_sql_ok(r, sql, 3, params);
    if (!res)
        return -1;
    snprintf(key, 64, "%s", PQgetvalue(res, 0, 1));
    snprintf(position, 16, "%s", PQgetvalue(res, 0, 2));
    PQclear(res);
    return 0;
}

json_t *workplan_edit_resolve(struct req *r, struct body *b, const char *field,
                              enum workplan_item kind, const struct workplan_place *p,
                              json_t *refs, int *replied)
{
    *replied = 0;
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT e.ref, x.id, x.retired_at IS NOT NULL"
             " FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS e(ref, n)"
             " LEFT JOIN %s x ON (x.id::text = e.ref OR x.key = e.ref)"
             "  AND x.period_id = $2::int AND x.area_id = $3::smallint ORDER BY e.n",
             tables[kind]);
    char *text = json_dumps(refs, JSON_COMPACT);
    const char *params[] = {text, p->period_id, p->area_id};
    PGresult *res = req_sql_ok(r, sql, 3, params);
    free(text);
    if (!res) {
        *replied = 1;
        return NULL;
    }
    const char *what = kind == WORKPLAN_SUBGOAL ? "sub-goal" : kind == WORKPLAN_ACTIVITY ? "activity" : "measure item";
    json_t *ids = json_array();
    int bad = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 1)) {
            body_problem(b, field, "no %s '%s' in the %s diagram of %s", what, PQgetvalue(res, i, 0),
                         p->area, p->period);
            bad = 1;
        } else if (PQgetvalue(res, i, 2)[0] == 't') {
            body_problem(b, field, "the %s '%s' is retired", what, PQgetvalue(res, i, 0));
            bad = 1;
        } else {
            const char *id = PQgetvalue(res, i, 1);
            int dup = 0;
            size_t j;
            json_t *v;
            json_array_foreach(ids, j, v) dup |= strcmp(json_string_value(v), id) == 0;
            if (dup) {
                body_problem(b, field, "names the %s '%s' twice", what, PQgetvalue(res, i, 0));
                bad = 1;
            } else {
                json_array_append_new(ids, json_string(id));
            }
        }
    }
    PQclear(res);
    if (bad) {
        json_decref(ids);
        ids = NULL;
    }
    return ids;
}

void workplan_edit_retire_read(struct body *b, int *retire, const char **reason)
{
    *retire = body_has(b, "retired") ? body_bool(b, "retired", 0) : -1;
    *reason = body_string(b, "reason", 0, 1, 500);
    if (*reason && *retire != 1)
        body_problem(b, "reason", "a reason goes with \"retired\": true");
}

int workplan_edit_retire_check(struct req *r, const struct workplan_target *t, int retire,
                               int changes, const char *what)
{
    if (t->retired && retire != 0 && changes) {
        reply_error(r, 409, NULL, "the %s %s is retired; restore it first (\"retired\": false)",
                    what, t->key);
        return -1;
    }
    return 0;
}

const char *workplan_edit_verb(const struct workplan_target *t, int retire)
{
    if (retire == 1 && !t->retired)
        return "retire";
    if (retire == 0 && t->retired)
        return "restore";
    return "update";
}
