/* Sub-goals of a driver diagram (county_admin): POST /api/v1/subgoals creates one, PATCH
 * /api/v1/subgoals/{id} changes its texts or position, retires it ("retired": true, with a
 * reason) or restores it. A sub-goal with live activities is not retired: move or retire them
 * first. Every change is audited and kept in the item's history. */
#include "core/workplan/common.h"
#include "core/workplan/edit.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

void workplan_create_subgoal(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *area, *period;
    workplan_edit_place_read(&b, &area, &period);
    const char *title = body_string(&b, "title", 1, 1, 2000);
    const char *title_en = body_string(&b, "title_en", 1, 1, 2000);
    int has_position;
    long position = workplan_body_int(&b, "position", 0, 1, 999, 0, &has_position);
    if (body_failed(&b))
        return;
    struct workplan_place p;
    char key[64], pos[16];
    if (workplan_edit_place_resolve(r, &b, area, period, &p) != 0 ||
        workplan_edit_next(r, WORKPLAN_SUBGOAL, &p, key, pos) != 0)
        return;
    if (has_position)
        snprintf(pos, sizeof pos, "%ld", position);
    const char *params[] = {p.period_id, p.area_id, key, pos, title, title_en};
    PGresult *res = req_sql_ok(r,
                                 "INSERT INTO core.workplan_subgoals (period_id, area_id, key, position,"
                                 " title, title_en) VALUES ($1::int, $2::smallint, $3, $4::smallint, $5, $6)"
                                 " RETURNING id",
                                 6, params);
    if (!res)
        return;
    char id[24], target[48], location[64];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    snprintf(target, sizeof target, "subgoal:%s", id);
    snprintf(location, sizeof location, "/api/v1/subgoals/%s", id);
    if (workplan_audit(r, "workplan.subgoal.create", NULL, target,
                       json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", key, "area", p.area, "period",
                                 p.period, "title", title, "title_en", title_en)) != 0)
        return;
    req_set_header(r, "Location", location);
    workplan_reply_item(r, WORKPLAN_SUBGOAL, id, NULL, "sv", 201);
}

/* A live sub-goal with live activities is not retired. Returns 0, or -1 after replying. */
static int check_no_live_activities(struct req *r, const struct workplan_target *t)
{
    const char *params[] = {t->id};
    PGresult *res = req_sql_ok(r,
                                 "SELECT string_agg(key, ', ' ORDER BY position, id)"
                                 " FROM core.workplan_activities WHERE subgoal_id = $1::bigint"
                                 " AND retired_at IS NULL",
                                 1, params);
    if (!res)
        return -1;
    int rc = 0;
    if (!PQgetisnull(res, 0, 0)) {
        reply_error(r, 409, NULL,
                    "the sub-goal %s has live activities (%s): link them to another sub-goal or"
                    " retire them first",
                    t->key, PQgetvalue(res, 0, 0));
        rc = -1;
    }
    PQclear(res);
    return rc;
}

void workplan_update_subgoal(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *title = body_string(&b, "title", 0, 1, 2000);
    const char *title_en = body_string(&b, "title_en", 0, 1, 2000);
    int has_position;
    long position = workplan_body_int(&b, "position", 0, 1, 999, 0, &has_position);
    int retire;
    const char *reason;
    workplan_edit_retire_read(&b, &retire, &reason);
    int changes = title || title_en || has_position;
    if (body_failed(&b))
        return;
    if (!changes && retire < 0) {
        reply_error(r, 422, NULL, "nothing to change: send title, title_en, position or retired");
        return;
    }
    struct workplan_target t;
    if (workplan_edit_lock(r, WORKPLAN_SUBGOAL, &t) != 0 ||
        workplan_edit_retire_check(r, &t, retire, changes, "sub-goal") != 0)
        return;
    if (retire == 1 && !t.retired && check_no_live_activities(r, &t) != 0)
        return;
    char pos[16];
    snprintf(pos, sizeof pos, "%ld", position);
    const char *params[] = {t.id, title, title_en, has_position ? pos : NULL,
                            retire < 0 ? NULL : retire ? "true" : "false", reason};
    PGresult *res = req_sql_ok(r,
                                 "UPDATE core.workplan_subgoals SET" WORKPLAN_EDIT_SET
                                 " WHERE id = $1::bigint",
                                 6, params);
    if (!res)
        return;
    PQclear(res);
    char action[64], target[48];
    snprintf(action, sizeof action, "workplan.subgoal.%s", workplan_edit_verb(&t, retire));
    snprintf(target, sizeof target, "subgoal:%s", t.id);
    json_t *fields = json_array();
    const char *names[] = {"title", "title_en", "position", "retired"};
    int given[] = {title != NULL, title_en != NULL, has_position, retire >= 0};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (given[i])
            json_array_append_new(fields, json_string(names[i]));
    json_t *details = json_pack("{s:s, s:o}", "key", t.key, "fields", fields);
    if (reason)
        json_object_set_new(details, "reason", json_string(reason));
    if (workplan_audit(r, action, NULL, target, details) != 0)
        return;
    workplan_reply_item(r, WORKPLAN_SUBGOAL, t.id, NULL, "sv", 200);
}
