/* Editing agreements (county_admin):
 *   POST  /api/v1/agreements            a new agreement, with its follow-up schedule
 *   PATCH /api/v1/agreements/{id|key}   change its fields (null clears a nullable one), record
 *                                       that notice was given ("notice_given_on"), retire it
 * The dates must make sense together (an automatic renewal needs the end of the first term,
 * notice months go with a notice rule); every change is audited. */
#include "app.h"
#include "core/refdata.h"
#include "core/workplan/agreements.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "http/req.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_type { F_TEXT, F_DATE, F_INT, F_BOOL, F_KIND, F_RULE, F_AREA, F_PARTIES, F_TEXTS };

struct field {
    const char *name;   /* in the body */
    const char *column; /* in core.agreements */
    const char *cast;
    enum field_type type;
    int nullable;
    long max;           /* characters for text, the largest value for an integer */
};

static const struct field fields[] = {
    {"title", "title", "", F_TEXT, 0, 1000},
    {"title_en", "title_en", "", F_TEXT, 0, 1000},
    {"kind", "kind", "", F_KIND, 0, 0},
    {"parties", "parties", "::smallint[]", F_PARTIES, 0, 0},
    {"parties_text", "parties_text", "", F_TEXT, 1, 1000},
    {"validity_text", "validity_text", "", F_TEXT, 1, 2000},
    {"valid_from", "valid_from", "::date", F_DATE, 1, 0},
    {"valid_to", "valid_to", "::date", F_DATE, 1, 0},
    {"renewal_years", "renewal_years", "::smallint", F_INT, 1, 10},
    {"renewal_text", "renewal_text", "", F_TEXT, 1, 1000},
    {"notice_months", "notice_months", "::smallint", F_INT, 1, 120},
    {"notice_rule", "notice_rule", "", F_RULE, 1, 0},
    {"notice_text", "notice_text", "", F_TEXT, 1, 1000},
    {"notice_written", "notice_written", "::boolean", F_BOOL, 0, 0},
    {"notice_given_on", "notice_given_on", "::date", F_DATE, 1, 0},
    {"revision_text", "revision_text", "", F_TEXT, 1, 2000},
    {"termination_text", "termination_text", "", F_TEXT, 1, 2000},
    {"follow_up_text", "follow_up_text", "", F_TEXT, 1, 4000},
    {"follow_up_en", "follow_up_en", "", F_TEXT, 1, 4000},
    {"follow_up_questions", "follow_up_questions", "::text[]", F_TEXTS, 0, 0},
    {"follow_up_from", "follow_up_from", "::date", F_DATE, 0, 0},
    {"responsible_text", "responsible_text", "", F_TEXT, 1, 1000},
    {"responsible_en", "responsible_en", "", F_TEXT, 1, 1000},
    {"responsible_area", "responsible_area_id", "::smallint", F_AREA, 1, 0},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The value of each field sent: text for the parameter (NULL for JSON null); given[i] says
 * whether field i was sent. */
struct values {
    int given[NFIELDS];
    char *text[NFIELDS]; /* owned */
};

static void values_free(struct values *v)
{
    for (size_t i = 0; i < NFIELDS; i++)
        free(v->text[i]);
}

static int field_index(const char *name)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* {"a","b"} for a PostgreSQL array parameter: every element quoted and escaped. */
static char *pg_array(json_t *strings)
{
    size_t n = 3;
    size_t i;
    json_t *v;
    json_array_foreach(strings, i, v) n += 2 * json_string_length(v) + 3;
    char *out = xmalloc(n), *p = out;
    *p++ = '{';
    json_array_foreach(strings, i, v) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *s = json_string_value(v); *s; s++) {
            if (*s == '"' || *s == '\\')
                *p++ = '\\';
            *p++ = *s;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    return out;
}

static void read_field(struct req *r, struct body *b, size_t i, struct values *out)
{
    const struct field *f = &fields[i];
    /* Looked up without marking it known: the reader below marks it, once (the list of known
     * members of a body is bounded). */
    json_t *v = json_object_get(b->obj, f->name);
    if (!v)
        return;
    out->given[i] = 1;
    if (json_is_null(v)) {
        body_has(b, f->name);
        if (!f->nullable)
            body_problem(b, f->name, "must not be null");
        return;
    }
    switch (f->type) {
    case F_TEXT: {
        const char *s = body_string(b, f->name, 0, 1, (size_t)f->max);
        out->text[i] = xstrdup(s);
        break;
    }
    case F_DATE: {
        struct date d;
        if (workplan_body_date(b, f->name, 0, &d) == 1) {
            out->text[i] = xmalloc(11);
            date_format(d, out->text[i]);
        }
        break;
    }
    case F_INT: {
        long n = workplan_body_int(b, f->name, 0, 1, f->max, 0, NULL);
        if (n)
            out->text[i] = xasprintf("%ld", n);
        break;
    }
    case F_BOOL:
        out->text[i] = xstrdup(body_bool(b, f->name, 0) ? "true" : "false");
        break;
    case F_KIND: {
        const char *s = body_string(b, f->name, 0, 1, 32);
        if (s && strcmp(s, "överenskommelse") != 0 && strcmp(s, "avtal") != 0 &&
            strcmp(s, "ramavtal") != 0 && strcmp(s, "regelverk") != 0)
            body_problem(b, f->name, "must be överenskommelse, avtal, ramavtal or regelverk");
        else
            out->text[i] = xstrdup(s);
        break;
    }
    case F_RULE: {
        const char *s = body_string(b, f->name, 0, 1, 32);
        if (s && notice_rule_parse(s) == NOTICE_NONE)
            body_problem(b, f->name, "must be before_end_of_term, from_notice_date or unspecified");
        else
            out->text[i] = xstrdup(s);
        break;
    }
    case F_AREA: {
        const char *s = body_string(b, f->name, 0, 1, 32);
        struct area a;
        if (s && refdata_area(r->app->refdata, s, &a) != 0)
            body_problem(b, f->name, "no area '%s'", s);
        else if (s)
            out->text[i] = xasprintf("%d", a.id);
        break;
    }
    case F_PARTIES: {
        json_t *list = body_string_array(b, f->name, 0, 14);
        size_t k;
        json_t *s;
        char ids[128] = "{";
        json_array_foreach(list, k, s) {
            struct principal p;
            if (refdata_principal(r->app->refdata, json_string_value(s), &p) != 0)
                body_problem(b, f->name, "no principal '%s'", json_string_value(s));
            else
                snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%d", k ? "," : "", p.id);
        }
        if (list) {
            strncat(ids, "}", sizeof ids - strlen(ids) - 1);
            out->text[i] = xstrdup(ids);
        }
        break;
    }
    case F_TEXTS: {
        json_t *list = body_string_array(b, f->name, 0, 50);
        if (list)
            out->text[i] = pg_array(list);
        break;
    }
    }
}

static void read_fields(struct req *r, struct body *b, struct values *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < NFIELDS; i++)
        read_field(r, b, i, out);
}

/* The date fields as they will be: the body's, else the stored ones (current: NULL for a
 * create). Records problems when they do not fit together. */
static void check_terms(struct body *b, const struct values *v, PGresult *current)
{
    const char *names[] = {"valid_from", "valid_to", "renewal_years", "notice_months", "notice_rule"};
    const char *val[5];
    for (int k = 0; k < 5; k++) {
        int i = field_index(names[k]);
        val[k] = v->given[i] ? v->text[i]
                 : current && !PQgetisnull(current, 0, k) ? PQgetvalue(current, 0, k)
                                                          : NULL;
    }
    if (val[0] && val[1] && strcmp(val[1], val[0]) < 0)
        body_problem(b, "valid_to", "must not be before valid_from");
    if (val[2] && !val[1])
        body_problem(b, "renewal_years", "an agreement that renews automatically needs valid_to (the end of its first term)");
    if (!val[3] != !val[4])
        body_problem(b, val[3] ? "notice_rule" : "notice_months",
                     "notice_months and notice_rule go together (both, or neither)");
}

/* ---- follow-up schedules of a new agreement ---- */

static const char *const cadences[] = {"yearly", "half_yearly", "every_n_years", "end_of_term", "once", "on_demand"};

static json_t *read_schedule(struct body *b)
{
    if (!body_has(b, "schedule"))
        return json_array();
    json_t *list = json_object_get(b->obj, "schedule");
    if (!json_is_array(list) || json_array_size(list) > 20) {
        body_problem(b, "schedule", "must be an array of at most 20 follow-ups");
        return json_array();
    }
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        char path[40];
        snprintf(path, sizeof path, "/schedule/%zu", i);
        struct body o = {.r = b->r, .obj = item};
        if (!json_is_object(item)) {
            workplan_body_problem_at(b, path, "must be an object {cadence, what, what_en, …}");
            continue;
        }
        const char *cadence = body_string(&o, "cadence", 1, 1, 16);
        int known = 0;
        for (size_t c = 0; cadence && c < sizeof cadences / sizeof cadences[0]; c++)
            known |= strcmp(cadence, cadences[c]) == 0;
        if (cadence && !known)
            body_problem(&o, "cadence", "must be yearly, half_yearly, every_n_years, end_of_term, once or on_demand");
        int has_n;
        long n = workplan_body_int(&o, "every_n_years", 0, 1, 20, 0, &has_n);
        struct date anchor, due;
        int has_anchor = workplan_body_date(&o, "anchor", 0, &anchor);
        int has_due = workplan_body_date(&o, "due_on", 0, &due);
        const char *what = body_string(&o, "what", 1, 1, 2000);
        const char *what_en = body_string(&o, "what_en", 1, 1, 2000);
        json_t *by = body_string_array(&o, "by", 0, 10);
        int months = 0;
        if (cadence && known) {
            if (strcmp(cadence, "every_n_years") == 0 && !has_n)
                body_problem(&o, "every_n_years", "is required for the cadence every_n_years");
            if (strcmp(cadence, "every_n_years") != 0 && has_n)
                body_problem(&o, "every_n_years", "goes only with the cadence every_n_years");
            months = strcmp(cadence, "yearly") == 0 ? 12 : strcmp(cadence, "half_yearly") == 0 ? 6
                   : strcmp(cadence, "every_n_years") == 0 ? (int)(12 * n)
                   : strcmp(cadence, "end_of_term") == 0 ? 48 : 0;
            if (strcmp(cadence, "once") == 0 && has_due != 1)
                body_problem(&o, "due_on", "is required for a follow-up done once");
            if (strcmp(cadence, "once") != 0 && has_due)
                body_problem(&o, "due_on", "goes only with the cadence once");
            if (!months && has_anchor)
                body_problem(&o, "anchor", "goes only with a recurring cadence");
        }
        if (!o.errors && cadence && known) {
            char a[11] = "", d[11] = "";
            if (has_anchor == 1)
                date_format(anchor, a);
            if (has_due == 1)
                date_format(due, d);
            json_t *s = json_pack("{s:s, s:s, s:s, s:i}", "cadence", cadence, "what", what,
                                  "what_en", what_en, "every_months", months);
            json_object_set_new(s, "anchor", a[0] ? json_string(a) : json_null());
            json_object_set_new(s, "due_on", d[0] ? json_string(d) : json_null());
            json_object_set_new(s, "by", by ? json_incref(by) : json_array());
            json_array_append_new(out, s);
        }
        workplan_body_close(b, path, &o);
    }
    return out;
}

static int insert_schedule(struct req *r, const char *agreement_id, json_t *schedule)
{
    if (!json_array_size(schedule))
        return 0;
    char *text = json_dumps(schedule, JSON_COMPACT);
    const char *params[] = {agreement_id, text};
    PGresult *res = req_sql_ok(
        r,
        "INSERT INTO core.agreement_schedules (agreement_id, position, cadence, every_months, anchor,"
        " due_on, what, what_en, by_text)"
        " SELECT $1::int, e.n, e.x ->> 'cadence', nullif((e.x ->> 'every_months')::int, 0),"
        "  CASE WHEN (e.x ->> 'every_months')::int > 0"
        "   THEN coalesce((e.x ->> 'anchor')::date, a.valid_from, a.follow_up_from) END,"
        "  (e.x ->> 'due_on')::date, e.x ->> 'what', e.x ->> 'what_en',"
        "  ARRAY(SELECT jsonb_array_elements_text(e.x -> 'by'))"
        " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(x, n)"
        " JOIN core.agreements a ON a.id = $1::int",
        2, params);
    free(text);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

static json_t *changed_fields(const struct values *v)
{
    json_t *list = json_array();
    for (size_t i = 0; i < NFIELDS; i++)
        if (v->given[i])
            json_array_append_new(list, json_string(fields[i].name));
    return list;
}

/* Adds a column and its value expression to an INSERT's lists. */
static void append_column(char **columns, char **values, const char *column, const char *value)
{
    char *c = xasprintf("%s, %s", *columns, column);
    char *v = xasprintf("%s, %s", *values, value);
    free(*columns);
    free(*values);
    *columns = c;
    *values = v;
}

static int key_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 80 || s[0] == '-' || s[n - 1] == '-' || strstr(s, "--"))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    return 1;
}

void workplan_create_agreement(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *key = body_string(&b, "key", 1, 3, 80);
    if (key && !key_ok(key))
        body_problem(&b, "key", "use lower-case words joined by '-', like ok-samverkan-barn-och-unga");
    struct values v;
    read_fields(r, &b, &v);
    const char *required[] = {"title", "title_en", "kind"};
    for (size_t i = 0; i < 3; i++)
        if (!v.given[field_index(required[i])])
            body_problem(&b, required[i], "is required");
    json_t *schedule = read_schedule(&b);
    check_terms(&b, &v, NULL);
    char *columns = NULL, *placeholders = NULL;
    const char *params[NFIELDS + 2];
    int n = 0;
    if (body_failed(&b) || req_begin(r) != 0)
        goto out;
    /* key, follow_up_from (default today), then the fields sent. */
    char today[11];
    date_format(date_today(), today);
    int from = field_index("follow_up_from");
    params[n++] = key;
    params[n++] = v.given[from] ? v.text[from] : today;
    columns = xstrdup("key, follow_up_from");
    placeholders = xstrdup("$1, $2::date");
    if (!v.given[field_index("parties")])
        append_column(&columns, &placeholders, "parties",
                      "ARRAY(SELECT id FROM core.principals ORDER BY sort_order)");
    for (size_t i = 0; i < NFIELDS; i++) {
        if (!v.given[i] || (int)i == from)
            continue;
        params[n++] = v.text[i];
        char placeholder[32];
        snprintf(placeholder, sizeof placeholder, "$%d%s", n, fields[i].cast);
        append_column(&columns, &placeholders, fields[i].column, placeholder);
    }
    char *sql = xasprintf("INSERT INTO core.agreements (%s) VALUES (%s) ON CONFLICT (key) DO NOTHING RETURNING id",
                          columns, placeholders);
    PGresult *res = req_sql_ok(r, sql, n, params);
    free(sql);
    if (!res)
        goto out;
    if (PQntuples(res) == 0) {
        reply_error(r, 409, NULL, "the agreement '%s' exists already", key);
        PQclear(res);
        goto out;
    }
    char id[16];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (insert_schedule(r, id, schedule) != 0)
        goto out;
    char target[112];
    snprintf(target, sizeof target, "agreement:%s", key);
    if (workplan_audit(r, "agreement.create", NULL, target,
                       json_pack("{s:s, s:o, s:O}", "key", key, "fields", changed_fields(&v),
                                 "schedule", schedule)) != 0)
        goto out;
    char location[128];
    snprintf(location, sizeof location, "/api/v1/agreements/%s", key);
    req_set_header(r, "Location", location);
    agreement_reply(r, key, "sv", date_today(), 201);
out:
    free(columns);
    free(placeholders);
    json_decref(schedule);
    values_free(&v);
}

void workplan_update_agreement(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    struct values v;
    read_fields(r, &b, &v);
    int retire;
    const char *reason;
    retire = body_has(&b, "retired") ? body_bool(&b, "retired", 0) : -1;
    reason = body_string(&b, "reason", 0, 1, 500);
    if (reason && retire != 1)
        body_problem(&b, "reason", "a reason goes with \"retired\": true");
    if (body_has(&b, "schedule"))
        body_problem(&b, "schedule", "a schedule is set when the agreement is created");
    char *set = NULL;
    PGresult *cur = NULL;
    const char *params[NFIELDS + 3];
    int n = 0;
    if (body_failed(&b))
        goto out;
    int any = 0;
    for (size_t i = 0; i < NFIELDS; i++)
        any |= v.given[i];
    if (!any && retire < 0) {
        reply_error(r, 422, NULL, "nothing to change: send the fields to change, or retired");
        goto out;
    }
    if (req_begin(r) != 0)
        goto out;
    const char *ref = req_param(r, "id");
    const char *p1[] = {ref};
    cur = req_sql_ok(r,
                       "SELECT valid_from, valid_to, renewal_years, notice_months, notice_rule, id, key,"
                       " retired_at IS NOT NULL FROM core.agreements WHERE id::text = $1 OR key = $1 FOR UPDATE",
                       1, p1);
    if (!cur)
        goto out;
    if (PQntuples(cur) == 0) {
        reply_error(r, 404, NULL, "no agreement '%s'", ref);
        goto out;
    }
    if (PQgetvalue(cur, 0, 7)[0] == 't' && retire != 0 && any) {
        reply_error(r, 409, NULL, "the agreement %s is retired; restore it first (\"retired\": false)",
                    PQgetvalue(cur, 0, 6));
        goto out;
    }
    check_terms(&b, &v, cur);
    if (body_failed(&b))
        goto out;
    params[n++] = PQgetvalue(cur, 0, 5);
    params[n++] = retire < 0 ? NULL : retire ? "true" : "false";
    params[n++] = reason;
    set = xstrdup("updated_at = now(), updated_by = core.current_actor(),"
                  " retire_reason = CASE $2::boolean WHEN true THEN CASE WHEN retired_at IS NULL THEN $3"
                  "  ELSE retire_reason END WHEN false THEN NULL ELSE retire_reason END,"
                  " retired_by = CASE $2::boolean WHEN true THEN coalesce(retired_by, core.current_actor())"
                  "  WHEN false THEN NULL ELSE retired_by END,"
                  " retired_at = CASE $2::boolean WHEN true THEN coalesce(retired_at, now())"
                  "  WHEN false THEN NULL ELSE retired_at END");
    for (size_t i = 0; i < NFIELDS; i++) {
        if (!v.given[i])
            continue;
        params[n++] = v.text[i];
        char *s = xasprintf("%s, %s = $%d%s", set, fields[i].column, n, fields[i].cast);
        free(set);
        set = s;
    }
    char *sql = xasprintf("UPDATE core.agreements SET %s WHERE id = $1::int", set);
    PGresult *res = req_sql_ok(r, sql, n, params);
    free(sql);
    if (!res)
        goto out;
    PQclear(res);
    char key[96], target[112];
    snprintf(key, sizeof key, "%s", PQgetvalue(cur, 0, 6));
    snprintf(target, sizeof target, "agreement:%s", key);
    json_t *details = json_pack("{s:s, s:o}", "key", key, "fields", changed_fields(&v));
    int i = field_index("notice_given_on");
    if (v.given[i])
        json_object_set_new(details, "notice_given_on", v.text[i] ? json_string(v.text[i]) : json_null());
    if (reason)
        json_object_set_new(details, "reason", json_string(reason));
    const char *verb = retire == 1 && PQgetvalue(cur, 0, 7)[0] != 't' ? "agreement.retire"
                       : retire == 0 && PQgetvalue(cur, 0, 7)[0] == 't' ? "agreement.restore"
                       : v.given[i] ? "agreement.notice"
                                    : "agreement.update";
    if (workplan_audit(r, verb, NULL, target, details) != 0)
        goto out;
    agreement_reply(r, key, "sv", date_today(), 200);
out:
    PQclear(cur);
    free(set);
    values_free(&v);
}
