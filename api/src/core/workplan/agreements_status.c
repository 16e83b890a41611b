/* An agreement's dates as of a date, and its open follow-ups; see agreements.h. */
#include "core/workplan/agreements.h"

#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OCCURRENCES 400 /* per schedule and answer */

static int column_date(PGresult *res, int i, int col, struct date *out)
{
    return !PQgetisnull(res, i, col) && date_parse(PQgetvalue(res, i, col), out) == 0;
}

static int json_date(json_t *v, struct date *out)
{
    return json_is_string(v) && date_parse(json_string_value(v), out) == 0;
}

int agreement_row_read(PGresult *res, int i, struct agreement_row *out)
{
    memset(out, 0, sizeof *out);
    out->doc = json_loads(PQgetvalue(res, i, 0), 0, NULL);
    struct agreement_terms *t = &out->terms;
    t->has_start = column_date(res, i, 1, &t->start);
    t->has_end = column_date(res, i, 2, &t->end);
    t->renewal_months = PQgetisnull(res, i, 3) ? 0 : 12 * atoi(PQgetvalue(res, i, 3));
    t->notice_months = PQgetisnull(res, i, 4) ? 0 : atoi(PQgetvalue(res, i, 4));
    t->notice_rule = PQgetisnull(res, i, 5) ? NOTICE_NONE : notice_rule_parse(PQgetvalue(res, i, 5));
    t->has_notice_given = column_date(res, i, 6, &t->notice_given);
    column_date(res, i, 7, &out->follow_up_from);
    out->schedules = json_loads(PQgetvalue(res, i, 8), 0, NULL);
    out->closed = json_loads(PQgetvalue(res, i, 9), 0, NULL);
    snprintf(out->key, sizeof out->key, "%s", PQgetvalue(res, i, 10));
    out->title = xstrdup(PQgetvalue(res, i, 11));
    struct agreement_status s;
    if (!out->doc || !out->schedules || !out->closed || !date_valid(out->follow_up_from))
        return -1;
    return agreement_status_at(t, out->follow_up_from, &s);
}

void agreement_row_free(struct agreement_row *row)
{
    json_decref(row->doc);
    json_decref(row->schedules);
    json_decref(row->closed);
    free(row->title);
    memset(row, 0, sizeof *row);
}

static json_t *date_json(int has, struct date d)
{
    if (!has)
        return json_null();
    char text[11];
    date_format(d, text);
    return json_string(text);
}

json_t *agreement_status_json(const struct agreement_row *row, struct date as_of)
{
    static const char *const states[] = {
        [AGREEMENT_UPCOMING] = "upcoming", [AGREEMENT_IN_FORCE] = "in_force", [AGREEMENT_ENDED] = "ended"};
    struct agreement_status s;
    if (agreement_status_at(&row->terms, as_of, &s) != 0)
        return json_pack("{s:s}", "state", "inconsistent");
    json_t *term = json_pack("{s:o, s:o, s:i}", "from", date_json(s.has_term_start, s.term_start),
                             "to", date_json(s.has_end, s.term_end), "renewals", s.renewals);
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "state", states[s.state],
                     "current_end", date_json(s.has_end, s.term_end), "term", term,
                     "next_notice_date", date_json(s.has_next_notice, s.next_notice),
                     "notice_ends", date_json(s.has_next_notice, s.earliest_end),
                     "earliest_end", date_json(s.has_earliest_end, s.earliest_end),
                     "notice_assumed", s.notice_assumed,
                     "final_end", date_json(s.has_final_end, s.final_end));
}

static int is_closed(const struct agreement_row *row, json_int_t schedule_id, struct date due)
{
    size_t i;
    json_t *c;
    json_array_foreach(row->closed, i, c) {
        struct date d;
        if (json_integer_value(json_object_get(c, "schedule_id")) == schedule_id &&
            json_date(json_object_get(c, "due_on"), &d) && date_compare(d, due) == 0)
            return 1;
    }
    return 0;
}

/* The recurring parameters of a schedule; 0 when it recurs. */
static int recurring(json_t *schedule, struct date *anchor, int *every)
{
    json_t *m = json_object_get(schedule, "every_months");
    if (!json_is_integer(m) || json_integer_value(m) < 1 ||
        !json_date(json_object_get(schedule, "anchor"), anchor))
        return -1;
    *every = (int)json_integer_value(m);
    return 0;
}

int agreement_schedule_has(json_t *schedule, struct date due)
{
    struct date anchor, once;
    int every;
    if (recurring(schedule, &anchor, &every) == 0) {
        int k = followup_first_on_or_after(anchor, every, due);
        return date_compare(followup_due(anchor, every, k), due) == 0;
    }
    return json_date(json_object_get(schedule, "due_on"), &once) && date_compare(once, due) == 0;
}

static json_t *occurrence(const struct agreement_row *row, json_t *schedule, struct date due,
                          struct date as_of)
{
    char text[11];
    date_format(due, text);
    return json_pack("{s:s, s:s, s:O, s:O, s:O, s:O, s:s, s:b}", "agreement", row->key, "title",
                     row->title, "schedule_id", json_object_get(schedule, "id"), "cadence",
                     json_object_get(schedule, "cadence"), "what", json_object_get(schedule, "what"),
                     "by", json_object_get(schedule, "by"), "due_on", text, "overdue",
                     date_compare(due, as_of) < 0);
}

/* Appends the schedule's open dates from the tracking date: up to *until, or the first. */
static void schedule_open(const struct agreement_row *row, json_t *schedule, struct date as_of,
                          const struct date *until, json_t *out)
{
    json_int_t id = json_integer_value(json_object_get(schedule, "id"));
    struct date anchor, due;
    int every;
    if (recurring(schedule, &anchor, &every) == 0) {
        int k = followup_first_on_or_after(anchor, every, row->follow_up_from);
        for (int n = 0; n < MAX_OCCURRENCES; n++, k++) {
            due = followup_due(anchor, every, k);
            if (until && date_compare(due, *until) > 0)
                break;
            if (is_closed(row, id, due))
                continue;
            json_array_append_new(out, occurrence(row, schedule, due, as_of));
            if (!until)
                break;
        }
    } else if (json_date(json_object_get(schedule, "due_on"), &due) &&
               date_compare(due, row->follow_up_from) >= 0 && !is_closed(row, id, due) &&
               (!until || date_compare(due, *until) <= 0)) {
        json_array_append_new(out, occurrence(row, schedule, due, as_of));
    }
}

static int by_due(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(json_string_value(json_object_get(x, "due_on")),
                  json_string_value(json_object_get(y, "due_on")));
}

static json_t *sorted(json_t *list)
{
    size_t n = json_array_size(list);
    if (n < 2)
        return list;
    json_t **items = malloc(n * sizeof *items);
    if (!items)
        abort();
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof *items, by_due);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, items[i]);
    free(items);
    return list;
}

json_t *agreement_open_follow_ups(const struct agreement_row *row, struct date as_of,
                                  const struct date *until)
{
    json_t *out = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(row->schedules, i, s) schedule_open(row, s, as_of, until, out);
    return sorted(out);
}

int agreement_schedule_next_open(const struct agreement_row *row, json_t *schedule,
                                 struct date *out)
{
    json_t *list = json_array();
    schedule_open(row, schedule, row->follow_up_from, NULL, list);
    int rc = json_array_size(list) ? 0 : -1;
    if (rc == 0)
        date_parse(json_string_value(json_object_get(json_array_get(list, 0), "due_on")), out);
    json_decref(list);
    return rc;
}
