/* Activities of a driver diagram (county_admin): POST /api/v1/activities creates one, PATCH
 * /api/v1/activities/{id} changes it: texts, position, its sub-goal ("sub_goal": id or key,
 * null = listed at area level; the link is then "decided"), the deadline ({"text", "kind",
 * "from", "to"}; a window is derived from "vt 2025" or "ht 2025" when from/to are not given;
 * null clears it), the link note and the related agreements; or retires / restores it. Every
 * change is audited and kept in the item's history. */
#include "core/workplan/common.h"
#include "core/workplan/deadline.h"
#include "core/workplan/edit.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

struct deadline_input {
    int given;   /* the member was sent (an object, or null to clear) */
    const char *text;
    const char *kind;
    char from[11], to[11];
    int derived; /* the window comes from the text */
    char term[8];
    char year[8];
};

static void read_deadline(struct body *b, struct deadline_input *d)
{
    memset(d, 0, sizeof *d);
    if (workplan_body_null(b, "deadline")) {
        d->given = 1;
        return;
    }
    struct body o;
    if (workplan_body_object(b, "deadline", 0, &o) != 1)
        return;
    d->given = 1;
    d->text = body_string(&o, "text", 1, 1, 200);
    d->kind = body_string(&o, "kind", 0, 1, 32);
    if (d->kind && strcmp(d->kind, "info_and_decision") != 0 && strcmp(d->kind, "start") != 0 &&
        strcmp(d->kind, "decision") != 0 && strcmp(d->kind, "done") != 0)
        body_problem(&o, "kind", "must be info_and_decision, start, decision or done");
    struct date from, to;
    int f = workplan_body_date(&o, "from", 0, &from), t = workplan_body_date(&o, "to", 0, &to);
    if (f == 1 && t == 1 && date_compare(to, from) < 0)
        body_problem(&o, "to", "must not be before from");
    else if ((f == 1) != (t == 1) && f >= 0 && t >= 0)
        body_problem(&o, f == 1 ? "to" : "from", "give both from and to, or neither");
    struct deadline_window w;
    int parsed = d->text && deadline_window_parse(d->text, &w) == 0;
    if (parsed) {
        snprintf(d->term, sizeof d->term, "%s", w.term);
        snprintf(d->year, sizeof d->year, "%d", w.year);
    }
    if (f == 1 && t == 1) {
        date_format(from, d->from);
        date_format(to, d->to);
    } else if (parsed && f == 0 && t == 0) {
        date_format(w.from, d->from);
        date_format(w.to, d->to);
        d->derived = 1;
    }
    workplan_body_close(b, "/deadline", &o);
}

/* Resolves "sub_goal" (an id or key) to an id in place; "" when null. Returns 0, or -1 after
 * replying (422 for an unknown or retired sub-goal). */
static int resolve_subgoal(struct req *r, struct body *b, const char *ref,
                           const struct workplan_place *p, char id[24])
{
    id[0] = '\0';
    if (!ref)
        return 0;
    json_t *refs = json_pack("[s]", ref);
    int replied;
    json_t *ids = workplan_edit_resolve(r, b, "sub_goal", WORKPLAN_SUBGOAL, p, refs, &replied);
    json_decref(refs);
    if (!ids)
        return replied || body_failed(b) ? -1 : 0;
    snprintf(id, 24, "%s", json_string_value(json_array_get(ids, 0)));
    json_decref(ids);
    return 0;
}

/* Every agreement key named exists. Returns 0, or -1 after replying. */
static int check_agreements(struct req *r, struct body *b, json_t *keys)
{
    if (!keys)
        return 0;
    char *text = json_dumps(keys, JSON_COMPACT);
    const char *params[] = {text};
    PGresult *res = req_sql_ok(r,
                                 "SELECT k FROM jsonb_array_elements_text($1::jsonb) k"
                                 " WHERE NOT EXISTS (SELECT 1 FROM core.agreements a WHERE a.key = k)",
                                 1, params);
    free(text);
    if (!res)
        return -1;
    for (int i = 0; i < PQntuples(res); i++)
        body_problem(b, "related_agreements", "no agreement '%s'", PQgetvalue(res, i, 0));
    PQclear(res);
    return body_failed(b) ? -1 : 0;
}

struct activity_input {
    const char *title, *title_en, *link_note;
    int has_position, has_sub_goal, sub_goal_null, has_link_note;
    long position;
    char sub_goal[64];
    struct deadline_input deadline;
    json_t *agreements; /* borrowed from the body */
};

static void read_activity(struct body *b, struct activity_input *in, int create)
{
    memset(in, 0, sizeof *in);
    in->title = body_string(b, "title", create, 1, 2000);
    in->title_en = body_string(b, "title_en", create, 1, 2000);
    in->position = workplan_body_int(b, "position", 0, 1, 999, 0, &in->has_position);
    if (workplan_body_null(b, "sub_goal")) {
        in->has_sub_goal = in->sub_goal_null = 1;
    } else if (workplan_body_ref(b, "sub_goal", in->sub_goal, sizeof in->sub_goal) == 1) {
        in->has_sub_goal = 1;
    }
    if (workplan_body_null(b, "link_note")) {
        in->has_link_note = 1;
    } else if ((in->link_note = body_string(b, "link_note", 0, 1, 1000)) != NULL) {
        in->has_link_note = 1;
    }
    read_deadline(b, &in->deadline);
    in->agreements = body_string_array(b, "related_agreements", 0, 20);
}

void workplan_create_activity(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *area, *period;
    workplan_edit_place_read(&b, &area, &period);
    struct activity_input in;
    read_activity(&b, &in, 1);
    if (body_failed(&b))
        return;
    struct workplan_place p;
    char key[64], pos[16], sub_goal[24];
    if (workplan_edit_place_resolve(r, &b, area, period, &p) != 0 ||
        resolve_subgoal(r, &b, in.has_sub_goal && !in.sub_goal_null ? in.sub_goal : NULL, &p, sub_goal) != 0 ||
        check_agreements(r, &b, in.agreements) != 0 ||
        workplan_edit_next(r, WORKPLAN_ACTIVITY, &p, key, pos) != 0)
        return;
    if (in.has_position)
        snprintf(pos, sizeof pos, "%ld", in.position);
    struct deadline_input *d = &in.deadline;
    char *agreements = in.agreements ? json_dumps(in.agreements, JSON_COMPACT) : NULL;
    const char *params[] = {p.period_id, p.area_id, key, pos, in.title, in.title_en,
                            sub_goal[0] ? sub_goal : NULL, in.link_note, d->text, d->kind,
                            d->term[0] ? d->term : NULL, d->year[0] ? d->year : NULL,
                            d->from[0] ? d->from : NULL, d->to[0] ? d->to : NULL,
                            d->derived ? "true" : "false", agreements};
    PGresult *res = req_sql_ok(
        r,
        "INSERT INTO core.workplan_activities (period_id, area_id, key, position, title, title_en,"
        " subgoal_id, link_basis, link_note, deadline_text, deadline_kind, deadline_term, deadline_year,"
        " window_from, window_to, window_proposed, related_agreements)"
        " VALUES ($1::int, $2::smallint, $3, $4::smallint, $5, $6, $7::bigint,"
        "  CASE WHEN $7 IS NULL THEN NULL ELSE 'decided' END, $8, $9, $10, $11, $12::smallint,"
        "  $13::date, $14::date, $15::boolean,"
        "  coalesce(ARRAY(SELECT jsonb_array_elements_text($16::jsonb)), '{}'))"
        " RETURNING id",
        16, params);
    free(agreements);
    if (!res)
        return;
    char id[24], target[48], location[64];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    snprintf(target, sizeof target, "activity:%s", id);
    snprintf(location, sizeof location, "/api/v1/activities/%s", id);
    if (workplan_audit(r, "workplan.activity.create", NULL, target,
                       json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", key, "area", p.area, "period",
                                 p.period, "title", in.title, "title_en", in.title_en)) != 0)
        return;
    req_set_header(r, "Location", location);
    workplan_reply_item(r, WORKPLAN_ACTIVITY, id, NULL, "sv", 201);
}

void workplan_update_activity(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    struct activity_input in;
    read_activity(&b, &in, 0);
    int retire;
    const char *reason;
    workplan_edit_retire_read(&b, &retire, &reason);
    if (body_failed(&b))
        return;
    struct deadline_input *d = &in.deadline;
    int changes = in.title || in.title_en || in.has_position || in.has_sub_goal ||
                  in.has_link_note || d->given || in.agreements;
    if (!changes && retire < 0) {
        reply_error(r, 422, NULL,
                    "nothing to change: send title, title_en, position, sub_goal, deadline,"
                    " link_note, related_agreements or retired");
        return;
    }
    struct workplan_target t;
    char sub_goal[24] = "";
    if (workplan_edit_lock(r, WORKPLAN_ACTIVITY, &t) != 0 ||
        workplan_edit_retire_check(r, &t, retire, changes, "activity") != 0 ||
        resolve_subgoal(r, &b, in.has_sub_goal && !in.sub_goal_null ? in.sub_goal : NULL, &t.place,
                        sub_goal) != 0 ||
        check_agreements(r, &b, in.agreements) != 0)
        return;
    char pos[16];
    snprintf(pos, sizeof pos, "%ld", in.position);
    char *agreements = in.agreements ? json_dumps(in.agreements, JSON_COMPACT) : NULL;
    const char *params[] = {t.id, in.title, in.title_en, in.has_position ? pos : NULL,
                            retire < 0 ? NULL : retire ? "true" : "false", reason,
                            in.has_sub_goal ? "true" : "false", sub_goal[0] ? sub_goal : NULL,
                            in.has_link_note ? "true" : "false", in.link_note,
                            d->given ? "true" : "false", d->text, d->kind,
                            d->term[0] ? d->term : NULL, d->year[0] ? d->year : NULL,
                            d->from[0] ? d->from : NULL, d->to[0] ? d->to : NULL,
                            d->derived ? "true" : "false", agreements};
    PGresult *res = req_sql_ok(
        r,
        "UPDATE core.workplan_activities SET" WORKPLAN_EDIT_SET ","
        " link_basis = CASE WHEN $7::boolean AND $8::bigint IS DISTINCT FROM subgoal_id"
        "  THEN CASE WHEN $8::bigint IS NULL THEN NULL ELSE 'decided' END ELSE link_basis END,"
        " subgoal_id = CASE WHEN $7::boolean THEN $8::bigint ELSE subgoal_id END,"
        " link_note = CASE WHEN $9::boolean THEN $10 ELSE link_note END,"
        " deadline_text = CASE WHEN $11::boolean THEN $12 ELSE deadline_text END,"
        " deadline_kind = CASE WHEN $11::boolean THEN $13 ELSE deadline_kind END,"
        " deadline_term = CASE WHEN $11::boolean THEN $14 ELSE deadline_term END,"
        " deadline_year = CASE WHEN $11::boolean THEN $15::smallint ELSE deadline_year END,"
        " window_from = CASE WHEN $11::boolean THEN $16::date ELSE window_from END,"
        " window_to = CASE WHEN $11::boolean THEN $17::date ELSE window_to END,"
        " window_proposed = CASE WHEN $11::boolean THEN $18::boolean ELSE window_proposed END,"
        " deadline_note = CASE WHEN $11::boolean THEN NULL ELSE deadline_note END,"
        " related_agreements = CASE WHEN $19::jsonb IS NULL THEN related_agreements"
        "  ELSE ARRAY(SELECT jsonb_array_elements_text($19::jsonb)) END"
        " WHERE id = $1::bigint",
        19, params);
    free(agreements);
    if (!res)
        return;
    PQclear(res);
    char action[64], target[48];
    snprintf(action, sizeof action, "workplan.activity.%s", workplan_edit_verb(&t, retire));
    snprintf(target, sizeof target, "activity:%s", t.id);
    json_t *fields = json_array();
    const char *names[] = {"title", "title_en", "position", "sub_goal", "link_note", "deadline",
                           "related_agreements", "retired"};
    int given[] = {in.title != NULL, in.title_en != NULL, in.has_position, in.has_sub_goal,
                   in.has_link_note, d->given, in.agreements != NULL, retire >= 0};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (given[i])
            json_array_append_new(fields, json_string(names[i]));
    json_t *details = json_pack("{s:s, s:o}", "key", t.key, "fields", fields);
    if (reason)
        json_object_set_new(details, "reason", json_string(reason));
    if (workplan_audit(r, action, NULL, target, details) != 0)
        return;
    workplan_reply_item(r, WORKPLAN_ACTIVITY, t.id, NULL, "sv", 200);
}
