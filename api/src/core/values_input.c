/* Reading and checking a push; see values_input.h. */
#include "core/values_input.h"

#include "app.h"
#include "auth/authz.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define COMMENT_MAX 2000
#define TEXT_MAX 4000
#define FIRST_YEAR 2000

enum field_type { F_STRING, F_NUMBER, F_BOOL };
static const struct {
    const char *name;
    enum field_type type;
    size_t max; /* characters, for strings */
} fields[] = {
    {"measure", F_STRING, 96},  {"principal", F_STRING, 48},   {"period", F_STRING, 16},
    {"sex", F_STRING, 1},       {"value", F_NUMBER, 0},        {"numerator", F_NUMBER, 0},
    {"denominator", F_NUMBER, 0}, {"achieved", F_BOOL, 0},     {"achieved_on", F_STRING, 10},
    {"text", F_STRING, TEXT_MAX}, {"comment", F_STRING, COMMENT_MAX},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

void push_rows_free(struct push_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++) {
        struct push_row *r = &rows->items[i];
        free(r->measure_in);
        free(r->principal_in);
        free(r->period_in);
        free(r->sex_in);
        free(r->value);
        free(r->numerator);
        free(r->denominator);
        free(r->text);
        free(r->comment);
    }
    free(rows->items);
    rows->items = NULL;
    rows->count = 0;
}

void push_row_error(struct push_errors *e, size_t index, const char *field, const char *code,
                    const char *message)
{
    json_t *err = json_pack("{s:I, s:s, s:s}", "index", (json_int_t)index, "code", code,
                            "message", message);
    char path[96];
    if (e->csv)
        snprintf(path, sizeof path, "%s", field ? field : "");
    else if (field)
        snprintf(path, sizeof path, "/values/%zu/%s", index, field);
    else
        snprintf(path, sizeof path, "/values/%zu", index);
    json_object_set_new(err, "path", json_string(path));
    if (e->rows && index < e->rows->count) {
        struct push_row *r = &e->rows->items[index];
        r->bad = 1;
        if (e->csv)
            json_object_set_new(err, "line", json_integer((json_int_t)r->line));
    }
    json_array_append_new(e->list, err);
}

void number_text(double d, char out[32])
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* The slot of a row's field (where its text is kept). */
static char **slot(struct push_row *r, size_t f)
{
    char **slots[] = {&r->measure_in, &r->principal_in, &r->period_in, &r->sex_in, &r->value,
                      &r->numerator, &r->denominator, NULL, NULL, &r->text, &r->comment};
    return slots[f];
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks and stores a string field's text (from JSON or CSV). */
static void set_string(struct push_errors *e, struct push_row *r, size_t f, const char *s,
                       size_t len)
{
    if (strlen(s) != len) {
        push_row_error(e, r->index, fields[f].name, "nul_character", "must not contain NUL characters");
        return;
    }
    if (!utf8_valid(s, len) || strstr(s, "\xEF\xBF\xBD")) {
        push_row_error(e, r->index, fields[f].name, "invalid_utf8", "is not valid UTF-8");
        return;
    }
    if (characters(s) > fields[f].max) {
        char msg[64];
        snprintf(msg, sizeof msg, "must be at most %zu characters", fields[f].max);
        push_row_error(e, r->index, fields[f].name, "too_long", msg);
        return;
    }
    if (strcmp(fields[f].name, "achieved_on") == 0)
        snprintf(r->achieved_on, sizeof r->achieved_on, "%s", s);
    else
        *slot(r, f) = xstrdup(s);
}

/* A number given as text (CSV): must read completely as a finite decimal number. */
static void set_number_text(struct push_errors *e, struct push_row *r, size_t f, const char *s)
{
    char *end = NULL;
    double d = strtod(s, &end);
    int ok = *s && end && !*end && isfinite(d);
    for (const char *p = s; ok && *p; p++)
        ok = isdigit((unsigned char)*p) || strchr("+-.eE", *p);
    if (!ok) {
        push_row_error(e, r->index, fields[f].name, "wrong_type", "must be a finite number");
        return;
    }
    *slot(r, f) = xstrdup(s);
}

static void set_bool_text(struct push_errors *e, struct push_row *r, const char *s)
{
    if (strcmp(s, "true") == 0)
        r->achieved = 1;
    else if (strcmp(s, "false") == 0)
        r->achieved = 0;
    else
        push_row_error(e, r->index, "achieved", "wrong_type", "must be true or false");
}

static void allocate(struct push_rows *rows, struct push_errors *e, size_t n)
{
    rows->items = xcalloc(n + 1, sizeof *rows->items);
    rows->count = n;
    e->rows = rows;
    for (size_t i = 0; i < n; i++) {
        rows->items[i].index = i;
        rows->items[i].achieved = -1;
    }
}

static void row_from_json(struct push_errors *e, struct push_row *r, json_t *obj)
{
    if (!json_is_object(obj)) {
        push_row_error(e, r->index, NULL, "wrong_type", "each value must be a JSON object");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t f = 0;
        while (f < NFIELDS && strcmp(key, fields[f].name) != 0)
            f++;
        if (f == NFIELDS) {
            char name[64], msg[200];
            snprintf(name, sizeof name, "%.60s", key);
            utf8_scrub(name);
            snprintf(msg, sizeof msg, "unknown field \"%s\"", name);
            push_row_error(e, r->index, name, "unknown_field", msg);
            continue;
        }
        if (json_is_null(v))
            continue;
        switch (fields[f].type) {
        case F_STRING:
            if (json_is_string(v))
                set_string(e, r, f, json_string_value(v), json_string_length(v));
            else
                push_row_error(e, r->index, key, "wrong_type", "must be a string");
            break;
        case F_NUMBER:
            if (json_is_integer(v)) {
                char text[32];
                snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                *slot(r, f) = xstrdup(text);
            } else if (json_is_real(v)) {
                char text[32];
                number_text(json_real_value(v), text);
                *slot(r, f) = xstrdup(text);
            } else {
                push_row_error(e, r->index, key, "wrong_type", "must be a number");
            }
            break;
        case F_BOOL:
            if (json_is_boolean(v))
                r->achieved = json_is_true(v);
            else
                push_row_error(e, r->index, key, "wrong_type", "must be true or false");
            break;
        }
    }
}

/* Copies s, replacing bytes that are not UTF-8 with U+FFFD, so that one bad string becomes a
 * row error instead of making the whole document unreadable. Caller frees. */
static char *scrub_copy(const char *s, size_t n, size_t *outlen)
{
    char *out = xmalloc(n * 3 + 1), *o = out;
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c >= 0x80 && (i + len > n || !utf8_valid(s + i, len))) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(o, s + i, len);
        o += len;
        i += len;
    }
    *o = '\0';
    *outlen = (size_t)(o - out);
    return out;
}

int values_parse_json(const char *body, size_t len, size_t max_rows, struct push_rows *rows,
                      struct push_errors *e, char *err, size_t errlen)
{
    size_t clean_len = 0;
    char *clean = scrub_copy(body ? body : "", len, &clean_len);
    json_error_t jerr;
    json_t *doc = json_loadb(clean, clean_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    free(clean);
    if (!doc) {
        snprintf(err, errlen, "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
                 jerr.line, jerr.column);
        return -1;
    }
    json_t *values = json_object_get(doc, "values");
    int rc = 0;
    if (!json_is_object(doc) || !json_is_array(values) || json_object_size(doc) != 1) {
        snprintf(err, errlen, "the body must be {\"values\":[…]} with nothing else");
        rc = -1;
    } else if (json_array_size(values) > max_rows) {
        snprintf(err, errlen, "the push has %zu rows; at most %zu are accepted per request",
                 json_array_size(values), max_rows);
        rc = -2;
    } else {
        values_rows_from_array(values, rows, e);
    }
    json_decref(doc);
    return rc;
}

void values_rows_from_array(json_t *values, struct push_rows *rows, struct push_errors *e)
{
    allocate(rows, e, json_array_size(values));
    for (size_t i = 0; i < rows->count; i++)
        row_from_json(e, &rows->items[i], json_array_get(values, i));
}

/* ---- CSV (RFC 4180) ---- */

struct csv {
    const char *s;
    size_t n, pos;
    size_t line; /* line of the current position, from 1 */
};

/* Reads one field into *out (caller frees). Returns 1 when a record continues, 0 at the end of
 * a record, -1 on a malformed quote. */
static int csv_field(struct csv *c, char **out)
{
    size_t cap = 64, len = 0;
    char *buf = xmalloc(cap);
    int quoted = c->pos < c->n && c->s[c->pos] == '"';
    if (quoted)
        c->pos++;
    for (;;) {
        if (c->pos >= c->n) {
            if (quoted) {
                free(buf);
                return -1;
            }
            break;
        }
        char ch = c->s[c->pos];
        if (quoted && ch == '"') {
            if (c->pos + 1 < c->n && c->s[c->pos + 1] == '"') {
                c->pos += 2;
                ch = '"';
            } else {
                c->pos++;
                quoted = 0;
                if (c->pos < c->n && c->s[c->pos] != ',' && c->s[c->pos] != '\n' && c->s[c->pos] != '\r') {
                    free(buf);
                    return -1;
                }
                continue;
            }
        } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
            break;
        } else {
            if (ch == '\n')
                c->line++;
            c->pos++;
        }
        if (len + 2 > cap)
            buf = xrealloc(buf, cap *= 2);
        buf[len++] = ch;
    }
    buf[len] = '\0';
    *out = buf;
    if (c->pos < c->n && c->s[c->pos] == ',') {
        c->pos++;
        return 1;
    }
    if (c->pos < c->n && c->s[c->pos] == '\r')
        c->pos++;
    if (c->pos < c->n && c->s[c->pos] == '\n')
        c->pos++;
    c->line++;
    return 0;
}

/* Reads one record into a list of fields. Returns the count, or -1 on a malformed quote. */
static int csv_record(struct csv *c, char ***out)
{
    char **cells = NULL;
    int n = 0;
    for (;;) {
        char *cell = NULL;
        int more = csv_field(c, &cell);
        if (more < 0) {
            for (int i = 0; i < n; i++)
                free(cells[i]);
            free(cells);
            return -1;
        }
        cells = xrealloc(cells, (size_t)(n + 1) * sizeof *cells);
        cells[n++] = cell;
        if (!more)
            break;
    }
    *out = cells;
    return n;
}

static void cells_free(char **cells, int n)
{
    for (int i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

int values_parse_csv(const char *body, size_t len, size_t max_rows, struct push_rows *rows,
                     struct push_errors *e, char *err, size_t errlen)
{
    e->csv = 1;
    struct csv c = {.s = body ? body : "", .n = len, .line = 1};
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
        c.pos = 3; /* a byte-order mark from spreadsheet exports */
    char **header = NULL;
    int ncols = c.pos < c.n ? csv_record(&c, &header) : 0;
    if (ncols <= 0) {
        snprintf(err, errlen, "line 1: the CSV needs a header row naming its columns (measure,principal,period,…)");
        return -1;
    }
    int map[32];
    int rc = 0;
    for (int i = 0; i < ncols && rc == 0; i++) {
        map[i] = -1;
        for (size_t f = 0; f < NFIELDS; f++)
            if (strcmp(header[i], fields[f].name) == 0)
                map[i] = (int)f;
        for (int j = 0; j < i && map[i] >= 0; j++)
            if (map[j] == map[i]) {
                snprintf(err, errlen, "line 1: the column \"%s\" appears twice", header[i]);
                rc = -1;
            }
        if (map[i] < 0 && rc == 0) {
            char name[64];
            snprintf(name, sizeof name, "%.60s", header[i]);
            utf8_scrub(name);
            snprintf(err, errlen, "line 1: unknown column \"%s\"; allowed: measure, principal, period, sex, value, numerator, denominator, achieved, achieved_on, text, comment",
                     name);
            rc = -1;
        }
        if (i >= 31) {
            snprintf(err, errlen, "line 1: too many columns");
            rc = -1;
        }
    }
    cells_free(header, ncols);
    if (rc != 0)
        return rc;

    /* Records: collected first, so that rows can be allocated at once. */
    struct record {
        char **cells;
        int n;
        size_t line;
    } *records = NULL;
    size_t nrec = 0;
    while (c.pos < c.n && rc == 0) {
        size_t line = c.line;
        char **cells = NULL;
        int n = csv_record(&c, &cells);
        if (n < 0) {
            snprintf(err, errlen, "line %zu: a quoted field is not closed properly", line);
            rc = -1;
            break;
        }
        if (n == 1 && cells[0][0] == '\0') { /* blank line */
            cells_free(cells, n);
            continue;
        }
        if (nrec == max_rows) {
            cells_free(cells, n);
            snprintf(err, errlen, "the push has more than %zu rows; at most %zu are accepted per request",
                     max_rows, max_rows);
            rc = -2;
            break;
        }
        records = xrealloc(records, (nrec + 1) * sizeof *records);
        records[nrec++] = (struct record){cells, n, line};
    }
    if (rc == 0) {
        allocate(rows, e, nrec);
        for (size_t i = 0; i < nrec; i++) {
            struct push_row *r = &rows->items[i];
            r->line = records[i].line;
            if (records[i].n != ncols) {
                char msg[96];
                snprintf(msg, sizeof msg, "has %d fields; the header has %d", records[i].n, ncols);
                push_row_error(e, i, NULL, "wrong_field_count", msg);
                continue;
            }
            for (int col = 0; col < ncols; col++) {
                const char *cell = records[i].cells[col];
                size_t f = (size_t)map[col];
                if (!*cell)
                    continue;
                if (fields[f].type == F_NUMBER)
                    set_number_text(e, r, f, cell);
                else if (fields[f].type == F_BOOL)
                    set_bool_text(e, r, cell);
                else
                    set_string(e, r, f, cell, strlen(cell));
            }
        }
    }
    for (size_t i = 0; i < nrec; i++)
        cells_free(records[i].cells, records[i].n);
    free(records);
    return rc;
}

/* ---- semantic checks ---- */

static void error(struct push_errors *e, struct push_row *r, const char *field, const char *code,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void error(struct push_errors *e, struct push_row *r, const char *field, const char *code,
                  const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    push_row_error(e, r->index, field, code, msg);
}

static int present(const char *s)
{
    return s != NULL;
}

static void check_numbers(struct push_errors *e, struct push_row *r)
{
    const struct measure *m = &r->m;
    double value = 0;
    if (m->ratio) {
        if (present(r->value))
            error(e, r, "value", "derived_value",
                  "%s is derived from numerator and denominator; send those instead of value", m->slug);
        if (!present(r->numerator))
            error(e, r, "numerator", "missing", "numerator is required for %s", m->slug);
        if (!present(r->denominator))
            error(e, r, "denominator", "missing", "denominator is required for %s", m->slug);
        if (!present(r->numerator) || !present(r->denominator))
            return;
        double num = strtod(r->numerator, NULL), den = strtod(r->denominator, NULL);
        if (num < 0)
            error(e, r, "numerator", "out_of_range", "must not be negative");
        if (den <= 0)
            error(e, r, "denominator", "out_of_range", "must be greater than zero");
        if (num < 0 || den <= 0)
            return;
        if (strcmp(m->unit, "percent") == 0 && num > den) {
            error(e, r, "numerator", "numerator_exceeds_denominator",
                  "the numerator (%s) is greater than the denominator (%s)", r->numerator, r->denominator);
            return;
        }
        value = num / den * m->scale;
    } else {
        if (present(r->numerator) || present(r->denominator))
            error(e, r, present(r->numerator) ? "numerator" : "denominator", "not_allowed",
                  "%s takes a value, not numerator and denominator", m->slug);
        if (!present(r->value)) {
            error(e, r, "value", "missing", "value is required for %s", m->slug);
            return;
        }
        value = strtod(r->value, NULL);
    }
    if ((m->has_min && value < m->min) || (m->has_max && value > m->max)) {
        char lo[32] = "-inf", hi[32] = "inf", v[32];
        if (m->has_min)
            number_text(m->min, lo);
        if (m->has_max)
            number_text(m->max, hi);
        number_text(value, v);
        error(e, r, m->ratio ? "numerator" : "value", "out_of_range",
              "%s is outside the allowed range %s to %s for %s", v, lo, hi, m->slug);
    }
}

static void check_kind(struct push_errors *e, struct push_row *r, struct date today)
{
    const struct measure *m = &r->m;
    if (strcmp(m->kind, "indicator") == 0) {
        if (r->achieved >= 0 || r->achieved_on[0] || present(r->text))
            error(e, r, r->achieved >= 0 ? "achieved" : r->achieved_on[0] ? "achieved_on" : "text",
                  "not_allowed", "%s is an indicator: send a number", m->slug);
        check_numbers(e, r);
    } else if (strcmp(m->kind, "milestone") == 0) {
        if (present(r->value) || present(r->numerator) || present(r->denominator) || present(r->text))
            error(e, r, present(r->text) ? "text" : "value", "not_allowed",
                  "%s is a milestone: send achieved, achieved_on and comment", m->slug);
        if (r->achieved < 0) {
            error(e, r, "achieved", "missing", "achieved (true or false) is required for %s", m->slug);
        } else if (r->achieved && !r->achieved_on[0]) {
            error(e, r, "achieved_on", "missing", "achieved_on (the date it was achieved) is required");
        }
        if (r->achieved_on[0]) {
            struct date d;
            if (date_parse(r->achieved_on, &d) != 0)
                error(e, r, "achieved_on", "invalid_date", "must be a date like 2025-06-30");
            else if (date_compare(d, today) > 0)
                error(e, r, "achieved_on", "future_date", "must not be in the future");
            else if (r->achieved == 0)
                error(e, r, "achieved_on", "not_allowed", "only an achieved milestone has a date");
        }
    } else {
        if (present(r->value) || present(r->numerator) || present(r->denominator) || r->achieved >= 0)
            error(e, r, "value", "not_allowed", "%s is a text measure: send text", m->slug);
        if (!present(r->text))
            error(e, r, "text", "missing", "text is required for %s", m->slug);
    }
}

static void check_row(struct app *app, const struct identity *who, struct push_errors *e,
                      struct push_row *r, struct date today)
{
    if (!r->measure_in)
        error(e, r, "measure", "missing", "measure is required");
    else if (measures_get(app->measures, r->measure_in, &r->m) == 0)
        r->measure_ok = 1;
    else
        error(e, r, "measure", "unknown_measure", "no measure '%s' (see GET /api/v1/measures)", r->measure_in);

    if (!r->principal_in)
        error(e, r, "principal", "missing", "principal is required (slug or official code)");
    else if (refdata_principal(app->refdata, r->principal_in, &r->p) == 0)
        r->principal_ok = 1;
    else
        error(e, r, "principal", "unknown_principal", "no principal '%s' (use a slug or an official code such as 0583)",
              r->principal_in);

    r->sex = 'T';
    if (r->sex_in) {
        if (strcmp(r->sex_in, "T") && strcmp(r->sex_in, "K") && strcmp(r->sex_in, "M"))
            error(e, r, "sex", "invalid_sex", "must be T (total), K (women) or M (men)");
        else
            r->sex = r->sex_in[0];
    }

    int period_ok = 0;
    if (!r->period_in) {
        error(e, r, "period", "missing", "period is required");
    } else if (period_parse(r->period_in, &r->period) != 0) {
        error(e, r, "period", "invalid_period",
              "'%s' is not a period; use 2025, 2025H1, 2025T1, 2025Q1, 2025-03 or 2025-W09", r->period_in);
    } else {
        period_format(&r->period, r->period_text, sizeof r->period_text);
        period_ok = 1;
        if (r->period.year < FIRST_YEAR) {
            error(e, r, "period", "period_too_early", "periods start in %d", FIRST_YEAR);
            period_ok = 0;
        } else if (date_compare(r->period.start, today) > 0) {
            error(e, r, "period", "future_period", "%s has not started yet; no future periods", r->period_text);
            period_ok = 0;
        }
    }
    if (!r->measure_ok)
        return;
    const struct measure *m = &r->m;
    if (period_ok && r->period.type != m->period_type)
        error(e, r, "period", "wrong_period_type", "%s is reported per %s: expected a period like %s, got '%s'",
              m->slug, period_type_name(m->period_type), period_type_example(m->period_type), r->period_in);
    if (r->sex != 'T' && !m->sex_split)
        error(e, r, "sex", "sex_not_allowed", "%s has no breakdown by sex: use T or leave sex out", m->slug);
    if (r->principal_ok) {
        int region = strcmp(r->p.kind, "region") == 0;
        int allowed = m->on_behalf || (region ? m->by_region : m->by_municipality);
        if (!allowed)
            error(e, r, "principal", "principal_kind_not_allowed", "%s is reported by %s, not by %s",
                  m->slug, m->by_region ? "the region" : "municipalities", region ? "the region" : "a municipality");
    }
    check_kind(e, r, today);
    if (r->principal_ok) {
        struct write_target t = {.principal_id = r->p.id, .area_id = m->area_id, .on_behalf = m->on_behalf};
        enum write_decision d = authz_write(who, &t);
        if (d != WRITE_ALLOWED) {
            r->forbidden = 1;
            error(e, r, "principal", "forbidden", "%s (%s for %s)", authz_message(d), r->p.slug, m->area);
        }
    }
}

/* Orders row indexes by key (measure, principal, period, sex), then position. */
static int key_cmp(const void *a, const void *b, void *ctx)
{
    const struct push_rows *rows = ctx;
    const struct push_row *x = &rows->items[*(const size_t *)a];
    const struct push_row *y = &rows->items[*(const size_t *)b];
    if (x->m.id != y->m.id)
        return x->m.id < y->m.id ? -1 : 1;
    if (x->p.id != y->p.id)
        return x->p.id < y->p.id ? -1 : 1;
    int c = date_compare(x->period.start, y->period.start);
    if (c)
        return c;
    if (x->sex != y->sex)
        return x->sex < y->sex ? -1 : 1;
    return x->index < y->index ? -1 : 1;
}

static void check_duplicates(struct push_rows *rows, struct push_errors *e)
{
    size_t *order = xmalloc((rows->count + 1) * sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < rows->count; i++)
        if (rows->items[i].measure_ok && rows->items[i].principal_ok && rows->items[i].period_text[0])
            order[n++] = i;
    qsort_r(order, n, sizeof *order, key_cmp, rows);
    for (size_t k = 1; k < n; k++) {
        struct push_row *a = &rows->items[order[k - 1]], *b = &rows->items[order[k]];
        if (a->m.id == b->m.id && a->p.id == b->p.id && a->sex == b->sex &&
            date_compare(a->period.start, b->period.start) == 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "repeats the key (measure, principal, period, sex) of row %zu", a->index);
            push_row_error(e, b->index, NULL, "duplicate_row", msg);
        }
    }
    free(order);
}

void values_check_rows(struct app *app, const struct identity *who, struct push_rows *rows,
                       struct push_errors *e)
{
    struct date today = date_today();
    for (size_t i = 0; i < rows->count; i++)
        check_row(app, who, e, &rows->items[i], today);
    check_duplicates(rows, e);
}
