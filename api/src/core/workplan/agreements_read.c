/* Reading agreements (any authenticated caller):
 *   GET /api/v1/agreements                  every agreement with its current end date (through
 *                                           automatic renewals), next notice date and next
 *                                           follow-up
 *   GET /api/v1/agreements?due_before=DATE  what needs action by then: follow-ups due (overdue
 *                                           ones included) and agreements whose notice date
 *                                           comes by then
 *   GET /api/v1/agreements/{id or key}      one agreement, its schedule and its reports
 * ?as_of=DATE (default today), ?lang=sv|en, ?include_retired=true. */
#include "app.h"
#include "core/workplan/agreements.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

static int query_date(struct query_params *q, const char *name, struct date *out)
{
    const char *v = query_text(q, name, 10);
    if (!v)
        return 0;
    if (strlen(v) != 10 || date_parse(v, out) != 0) {
        query_problem(q, name, "must be a date like 2025-06-30");
        return -1;
    }
    return 1;
}

static json_t *first_or_null(json_t *list)
{
    json_t *first = json_array_size(list) ? json_incref(json_array_get(list, 0)) : json_null();
    json_decref(list);
    return first;
}

void workplan_list_agreements(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    struct date as_of = date_today(), due_before;
    query_date(&q, "as_of", &as_of);
    int due = query_date(&q, "due_before", &due_before) == 1;
    int retired = query_bool(&q, "include_retired", 0);
    if (query_params_failed(&q))
        return;
    const char *params[] = {lang, retired ? "true" : "false"};
    PGresult *res = req_sql_ok(r,
                                 "SELECT " AGREEMENT_COLUMNS("$1") " FROM core.agreements a"
                                 " WHERE " WP_VISIBLE("a", "$2") " ORDER BY a.position, a.id",
                                 2, params);
    if (!res)
        return;
    char as_of_text[11];
    date_format(as_of, as_of_text);
    json_t *items = json_array(), *follow_ups = json_array(), *notices = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        struct agreement_row row;
        agreement_row_read(res, i, &row);
        json_t *status = agreement_status_json(&row, as_of);
        json_t *item = json_incref(row.doc);
        json_object_set(item, "status", status);
        json_object_set_new(item, "next_follow_up", first_or_null(agreement_open_follow_ups(&row, as_of, NULL)));
        int include = !due;
        if (due) {
            json_t *open = agreement_open_follow_ups(&row, as_of, &due_before);
            json_t *notice = json_object_get(status, "next_notice_date");
            char limit[11];
            date_format(due_before, limit);
            int notice_due = json_is_string(notice) && strcmp(json_string_value(notice), limit) <= 0;
            json_object_set(item, "follow_ups_due", open);
            json_object_set_new(item, "notice_due", json_boolean(notice_due));
            json_array_extend(follow_ups, open);
            if (notice_due)
                json_array_append_new(notices, json_pack("{s:s, s:s, s:O, s:O, s:O}", "agreement", row.key,
                                                         "title", row.title, "next_notice_date", notice,
                                                         "current_end", json_object_get(status, "current_end"),
                                                         "notice_ends", json_object_get(status, "notice_ends")));
            include = json_array_size(open) > 0 || notice_due;
            json_decref(open);
        }
        if (include)
            json_array_append(items, item);
        json_decref(item);
        json_decref(status);
        agreement_row_free(&row);
    }
    PQclear(res);
    json_t *body = json_pack("{s:s, s:o}", "as_of", as_of_text, "items", items);
    if (due) {
        char limit[11];
        date_format(due_before, limit);
        json_object_set_new(body, "due_before", json_string(limit));
        json_object_set_new(body, "follow_ups_due", follow_ups);
        json_object_set_new(body, "notices_due", notices);
    } else {
        json_decref(follow_ups);
        json_decref(notices);
    }
    reply_json(r, 200, body);
}

void agreement_reply(struct req *r, const char *ref, const char *lang, struct date as_of, int status)
{
    const char *params[] = {lang, ref};
    PGresult *res = req_sql_ok(
        r,
        "SELECT " AGREEMENT_COLUMNS("$1") ","
        " (SELECT coalesce(json_agg(json_build_object('id', f.id, 'schedule_id', f.schedule_id,"
        "  'due_on', f.due_on, 'reported_on', f.reported_on, 'summary', f.summary,"
        "  'reported_by', f.reported_by, 'recorded_at', f.recorded_at, 'recorded_by', f.recorded_by)"
        "  ORDER BY f.reported_on, f.id), '[]') FROM core.agreement_follow_ups f"
        "  WHERE f.agreement_id = a.id)::text"
        " FROM core.agreements a WHERE a.id::text = $2 OR a.key = $2",
        2, params);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no agreement '%s'", ref);
        PQclear(res);
        return;
    }
    struct agreement_row row;
    agreement_row_read(res, 0, &row);
    json_t *doc = json_incref(row.doc);
    char as_of_text[11];
    date_format(as_of, as_of_text);
    json_object_set_new(doc, "as_of", json_string(as_of_text));
    json_object_set_new(doc, "status", agreement_status_json(&row, as_of));
    json_object_set_new(doc, "next_follow_up", first_or_null(agreement_open_follow_ups(&row, as_of, NULL)));
    struct date yesterday = date_prev_day(as_of);
    json_t *overdue = agreement_open_follow_ups(&row, as_of, &yesterday);
    json_t *schedule = json_deep_copy(row.schedules);
    size_t i;
    json_t *s;
    json_array_foreach(schedule, i, s) {
        struct date next;
        char text[11];
        if (agreement_schedule_next_open(&row, s, &next) == 0) {
            date_format(next, text);
            json_object_set_new(s, "next_due", json_string(text));
        } else {
            json_object_set_new(s, "next_due", json_null());
        }
    }
    json_object_set_new(doc, "schedule", schedule);
    json_object_set_new(doc, "overdue_follow_ups", overdue);
    json_object_set_new(doc, "follow_up_reports", json_loads(PQgetvalue(res, 0, AGREEMENT_NCOLUMNS), 0, NULL));
    agreement_row_free(&row);
    PQclear(res);
    reply_json(r, status, doc);
}

void workplan_get_agreement(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    struct date as_of = date_today();
    query_date(&q, "as_of", &as_of);
    if (query_params_failed(&q))
        return;
    agreement_reply(r, req_param(r, "id"), lang, as_of, 200);
}
