/* POST /api/v1/agreements/{id|key}/follow-ups (county_admin) — a follow-up report (date,
 * summary, by whom) closes one scheduled follow-up: "schedule" (its id; may be left out when
 * the agreement has one schedule) and "due_on" (a scheduled date; default: the first open
 * one). A follow-up on demand has no due date. Audited. */
#include "app.h"
#include "core/workplan/agreements.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "db/pool.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

void workplan_report_follow_up(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    int has_schedule;
    long schedule_id = workplan_body_int(&b, "schedule", 0, 1, 2147483647L, 0, &has_schedule);
    struct date due, reported;
    int has_due = workplan_body_date(&b, "due_on", 0, &due);
    int has_reported = workplan_body_date(&b, "reported_on", 1, &reported);
    const char *summary = body_string(&b, "summary", 1, 1, 4000);
    const char *by = body_string(&b, "reported_by", 1, 1, 200);
    struct date today = date_today();
    if (has_reported == 1 && date_compare(reported, today) > 0)
        body_problem(&b, "reported_on", "must not be in the future");
    if (body_failed(&b) || req_begin(r) != 0)
        return;
    const char *ref = req_param(r, "id");
    const char *p1[] = {"sv", ref};
    PGresult *res = req_sql_ok(r,
                                 "SELECT " AGREEMENT_COLUMNS("$1") ", a.id, a.retired_at IS NOT NULL"
                                 " FROM core.agreements a WHERE a.id::text = $2 OR a.key = $2 FOR UPDATE",
                                 2, p1);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no agreement '%s'", ref);
        PQclear(res);
        return;
    }
    struct agreement_row row;
    agreement_row_read(res, 0, &row);
    char agreement_id[16], key[96], due_text[11] = "", reported_text[11], sid[16];
    snprintf(agreement_id, sizeof agreement_id, "%s", PQgetvalue(res, 0, AGREEMENT_NCOLUMNS));
    snprintf(key, sizeof key, "%s", row.key);
    int retired = PQgetvalue(res, 0, AGREEMENT_NCOLUMNS + 1)[0] == 't';
    PQclear(res);
    json_t *schedule = NULL;
    size_t i;
    json_t *s;
    json_array_foreach(row.schedules, i, s) {
        if ((has_schedule && json_integer_value(json_object_get(s, "id")) == schedule_id) ||
            (!has_schedule && json_array_size(row.schedules) == 1))
            schedule = s;
    }
    const char *cadence = schedule ? json_string_value(json_object_get(schedule, "cadence")) : "";
    if (retired) {
        reply_error(r, 409, NULL, "the agreement %s is retired", key);
        goto out;
    }
    if (!schedule) {
        reply_error_details(r, 422, "validation_failed",
                            json_pack("[{s:s, s:s}]", "path", "/schedule", "message",
                                      has_schedule ? "not a follow-up of this agreement"
                                                   : "is required: the agreement has several follow-ups (or none)"),
                            "name the scheduled follow-up this report closes");
        goto out;
    }
    if (strcmp(cadence, "on_demand") == 0) {
        if (has_due) {
            reply_error_details(r, 422, "validation_failed",
                                json_pack("[{s:s, s:s}]", "path", "/due_on", "message",
                                          "a follow-up on demand has no due date"),
                                "a follow-up on demand has no due date");
            goto out;
        }
    } else if (has_due == 1) {
        if (!agreement_schedule_has(schedule, due)) {
            reply_error_details(r, 422, "validation_failed",
                                json_pack("[{s:s, s:s}]", "path", "/due_on", "message",
                                          "is not a date this follow-up is due"),
                                "%s is not a date this follow-up is due", json_string_value(json_object_get(b.obj, "due_on")));
            goto out;
        }
        date_format(due, due_text);
    } else if (agreement_schedule_next_open(&row, schedule, &due) == 0) {
        date_format(due, due_text);
    } else {
        reply_error(r, 409, NULL, "this follow-up of %s has no open date to close", key);
        goto out;
    }
    date_format(reported, reported_text);
    snprintf(sid, sizeof sid, "%lld", (long long)json_integer_value(json_object_get(schedule, "id")));
    const char *p2[] = {agreement_id, sid, due_text[0] ? due_text : NULL, reported_text, summary, by, key};
    res = req_sql(r,
                  "INSERT INTO core.agreement_follow_ups (agreement_id, schedule_id, due_on, reported_on,"
                  " summary, reported_by) VALUES ($1::int, $2::int, $3::date, $4::date, $5, $6)"
                  " RETURNING json_build_object('id', id, 'agreement', $7::text, 'schedule_id', schedule_id,"
                  " 'due_on', due_on, 'reported_on', reported_on, 'summary', summary,"
                  " 'reported_by', reported_by, 'recorded_at', recorded_at, 'recorded_by', recorded_by)::text",
                  7, p2);
    if (!res)
        goto out;
    if (!db_ok(res)) {
        if (db_classify(r->db, res) == DB_CONFLICT)
            reply_error(r, 409, NULL, "the follow-up of %s due on %s is reported already", key, due_text);
        else
            reply_db_error(r, res);
        PQclear(res);
        goto out;
    }
    json_t *report = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    /* What is next for this schedule, now that this one is closed. */
    if (due_text[0]) {
        json_t *closed = json_pack("{s:O, s:s}", "schedule_id", json_object_get(schedule, "id"), "due_on", due_text);
        json_array_append_new(row.closed, closed);
    }
    struct date next;
    char next_text[11];
    json_object_set_new(report, "next_due", agreement_schedule_next_open(&row, schedule, &next) == 0
                                                ? json_string((date_format(next, next_text), next_text))
                                                : json_null());
    char target[112];
    snprintf(target, sizeof target, "agreement:%s", key);
    json_t *details = json_pack("{s:s, s:O, s:s, s:s}", "key", key, "schedule_id",
                                json_object_get(schedule, "id"), "reported_on", reported_text,
                                "reported_by", by);
    json_object_set_new(details, "due_on", due_text[0] ? json_string(due_text) : json_null());
    if (workplan_audit(r, "agreement.follow_up", NULL, target, details) != 0) {
        json_decref(report);
        goto out;
    }
    reply_json(r, 201, report);
out:
    agreement_row_free(&row);
}
