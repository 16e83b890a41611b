/* Reading and checking a push; see values_input.h. */
#include "core/values_input.h"

#include "app.h"
#include "auth/authz.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
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
    {"delete", F_BOOL, 0},
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
    /* Plugins call this too: never lose an error to a NULL or non-UTF-8 string. */
    char c[64], m[512];
    snprintf(c, sizeof c, "%s", code ? code : "invalid");
    snprintf(m, sizeof m, "%s", message ? message : "the row is invalid");
    utf8_scrub(c);
    utf8_scrub(m);
    json_t *err = json_pack("{s:I, s:s, s:s}", "index", (json_int_t)index, "code", c, "message", m);
    char path[96];
    if (e->csv)
        snprintf(path, sizeof path, "%s", field ? field : "");
    else if (field)
        snprintf(path, sizeof path, "/values/%zu/%s", index, field);
    else
        snprintf(path, sizeof path, "/values/%zu", index);
    utf8_scrub(path);
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
                      &r->numerator, &r->denominator, NULL, NULL, &r->text, &r->comment, NULL};
    return slots[f];
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks and stores a string field's text (from JSON or CSV). marker: the character that
 * stands for bytes that were not UTF-8 in a JSON body (see scrub_copy), or NULL. */
static void set_string(struct push_errors *e, struct push_row *r, size_t f, const char *s,
                       size_t len, const char *marker)
{
    if (strlen(s) != len) {
        push_row_error(e, r->index, fields[f].name, "nul_character", "must not contain NUL characters");
        return;
    }
    if (!utf8_valid(s, len) || (marker && strstr(s, marker))) {
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

/* The two boolean fields: achieved (-1 when absent) and delete. */
static void set_bool(struct push_row *r, size_t f, int v)
{
    if (strcmp(fields[f].name, "delete") == 0)
        r->del = v;
    else
        r->achieved = v;
}

static void set_bool_text(struct push_errors *e, struct push_row *r, size_t f, const char *s)
{
    if (strcmp(s, "true") == 0)
        set_bool(r, f, 1);
    else if (strcmp(s, "false") == 0)
        set_bool(r, f, 0);
    else
        push_row_error(e, r->index, fields[f].name, "wrong_type", "must be true or false");
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

/* Shows the marker as U+FFFD in a member name quoted back in an error. */
static void unmark(char *name, const char *marker)
{
    for (char *p = marker ? strstr(name, marker) : NULL; p; p = strstr(p + 3, marker))
        memcpy(p, "\xEF\xBF\xBD", 3);
}

static void row_from_json(struct push_errors *e, struct push_row *r, json_t *obj, const char *marker)
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
            unmark(name, marker);
            snprintf(msg, sizeof msg, "unknown field \"%s\"", name);
            push_row_error(e, r->index, name, "unknown_field", msg);
            continue;
        }
        if (json_is_null(v))
            continue;
        switch (fields[f].type) {
        case F_STRING:
            if (json_is_string(v))
                set_string(e, r, f, json_string_value(v), json_string_length(v), marker);
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
                set_bool(r, f, json_is_true(v));
            else
                push_row_error(e, r->index, key, "wrong_type", "must be true or false");
            break;
        }
    }
}

/* The character that stands for bytes that are not UTF-8 while a JSON body is read: a
 * noncharacter (U+FDD0..U+FDEF) that the body does not contain, neither as UTF-8 nor as a
 * \\u escape, so that a string holding it had bad bytes, and a string holding a genuine
 * U+FFFD is accepted. U+FFFD itself only when the body uses all 32 (never in practice). */
static void choose_marker(const char *s, size_t n, char out[4])
{
    uint32_t used = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
        if ((unsigned char)s[i] == 0xEF && c1 == 0xB7 && c2 >= 0x90 && c2 <= 0xAF) {
            used |= 1u << (c2 - 0x90);
        } else if (s[i] == '\\' && c1 == 'u' && i + 6 <= n) {
            char hex[5] = {s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0};
            char *end = NULL;
            unsigned long cp = strtoul(hex, &end, 16);
            if (end == hex + 4 && cp >= 0xFDD0 && cp <= 0xFDEF)
                used |= 1u << (cp - 0xFDD0);
        }
    }
    for (unsigned k = 0; k < 32; k++) {
        if (!(used & (1u << k))) {
            unsigned cp = 0xFDD0 + k;
            out[0] = (char)0xEF;
            out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[2] = (char)(0x80 | (cp & 0x3F));
            out[3] = '\0';
            return;
        }
    }
    memcpy(out, "\xEF\xBF\xBD", 4);
}

/* Copies s, replacing bytes that are not UTF-8 with marker, so that one bad string becomes a
 * row error instead of making the whole document unreadable. *replaced: how many bytes were.
 * Caller frees. */
static char *scrub_copy(const char *s, size_t n, const char *marker, size_t *outlen, size_t *replaced)
{
    char *out = xmalloc(n * 3 + 1), *o = out;
    size_t i = 0;
    *replaced = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c >= 0x80 && (i + len > n || !utf8_valid(s + i, len))) {
            memcpy(o, marker, 3);
            o += 3;
            i++;
            (*replaced)++;
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

static void rows_from_array(json_t *values, struct push_rows *rows, struct push_errors *e,
                            const char *marker)
{
    allocate(rows, e, json_array_size(values));
    for (size_t i = 0; i < rows->count; i++)
        row_from_json(e, &rows->items[i], json_array_get(values, i), marker);
}

int values_parse_json(const char *body, size_t len, size_t max_rows, struct push_rows *rows,
                      struct push_errors *e, char *err, size_t errlen)
{
    size_t clean_len = 0, replaced = 0;
    char marker[4];
    choose_marker(body ? body : "", body ? len : 0, marker);
    char *clean = scrub_copy(body ? body : "", body ? len : 0, marker, &clean_len, &replaced);
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
        rows_from_array(values, rows, e, replaced ? marker : NULL);
    }
    json_decref(doc);
    return rc;
}

void values_rows_from_array(json_t *values, struct push_rows *rows, struct push_errors *e)
{
    rows_from_array(values, rows, e, NULL); /* Jansson's strings are UTF-8 */
}

/* ---- CSV (RFC 4180) ---- */

struct csv {
    const char *s;
    size_t n, pos;
    size_t line; /* line of the current position, from 1 */
};

/* Reads one field into *out (caller frees) and its length (it may hold NUL bytes) into *outlen.
 * Returns 1 when a record continues, 0 at the end of a record, -1 on a malformed quote. */
static int csv_field(struct csv *c, char **out, size_t *outlen)
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
    *outlen = len;
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

/* Reads one record into a list of fields and their lengths (a field may hold NUL bytes); only
 * the first max_cells fields are kept (a longer record is wrong anyway). Returns the count of
 * fields, or -1 on a malformed quote. */
static int csv_record(struct csv *c, char ***out, size_t **lens_out, int max_cells)
{
    char **cells = NULL;
    size_t *lens = NULL;
    int n = 0, cap = 0;
    for (;;) {
        char *cell = NULL;
        size_t len = 0;
        int more = csv_field(c, &cell, &len);
        if (more < 0) {
            for (int i = 0; i < n && i < max_cells; i++)
                free(cells[i]);
            free(cells);
            free(lens);
            return -1;
        }
        if (n >= max_cells) {
            free(cell);
            n++;
            if (!more)
                break;
            continue;
        }
        if (n == cap) { /* geometric growth: a line may hold very many commas */
            cap = cap ? cap * 2 : 16;
            cells = xrealloc(cells, (size_t)cap * sizeof *cells);
            lens = xrealloc(lens, (size_t)cap * sizeof *lens);
        }
        lens[n] = len;
        cells[n++] = cell;
        if (!more)
            break;
    }
    *out = cells;
    *lens_out = lens;
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
    size_t *header_lens = NULL;
    int ncols = c.pos < c.n ? csv_record(&c, &header, &header_lens, 32) : 0;
    if (ncols <= 0) {
        snprintf(err, errlen, "line 1: the CSV needs a header row naming its columns (measure,principal,period,…)");
        return -1;
    }
    if (ncols > 31) {
        snprintf(err, errlen, "line 1: too many columns (%d)", ncols);
        cells_free(header, 32);
        free(header_lens);
        return -1;
    }
    for (int i = 0; i < ncols; i++) {
        if (strlen(header[i]) != header_lens[i]) {
            snprintf(err, errlen, "line 1: column %d of the header holds a NUL character", i + 1);
            cells_free(header, ncols);
            free(header_lens);
            return -1;
        }
    }
    free(header_lens);
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
    }
    cells_free(header, ncols);
    if (rc != 0)
        return rc;

    /* Records: collected first, so that rows can be allocated at once. */
    struct record {
        char **cells;
        int n;
        size_t *lens;
        size_t line;
    } *records = NULL;
    size_t nrec = 0, cap = 0;
    while (c.pos < c.n && rc == 0) {
        size_t line = c.line;
        char **cells = NULL;
        size_t *lens = NULL;
        int n = csv_record(&c, &cells, &lens, ncols);
        if (n < 0) {
            snprintf(err, errlen, "line %zu: a quoted field is not closed properly", line);
            rc = -1;
            break;
        }
        if (n == 1 && lens[0] == 0) { /* blank line */
            cells_free(cells, n);
            free(lens);
            continue;
        }
        if (nrec == max_rows) {
            cells_free(cells, n < ncols ? n : ncols);
            free(lens);
            snprintf(err, errlen, "the push has more than %zu rows; at most %zu are accepted per request",
                     max_rows, max_rows);
            rc = -2;
            break;
        }
        if (nrec == cap) /* geometric growth: a push may have 100,000 records */
            records = xrealloc(records, (cap = cap ? cap * 2 : 256) * sizeof *records);
        records[nrec++] = (struct record){cells, n, lens, line};
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
                if (strlen(cell) != records[i].lens[col]) {
                    push_row_error(e, i, fields[f].name, "nul_character", "must not contain NUL characters");
                    continue;
                }
                if (!*cell)
                    continue;
                if (fields[f].type == F_NUMBER)
                    set_number_text(e, r, f, cell);
                else if (fields[f].type == F_BOOL)
                    set_bool_text(e, r, f, cell);
                else
                    set_string(e, r, f, cell, strlen(cell), NULL);
            }
        }
    }
    for (size_t i = 0; i < nrec; i++) {
        cells_free(records[i].cells, records[i].n < ncols ? records[i].n : ncols);
        free(records[i].lens);
    }
    free(records);
    return rc;
}

/* ---- semantic checks ---- */

/* The checks of one row. */
struct check {
    struct push_errors *e;
    struct date today;
    unsigned rejected; /* bit f: field f was given but refused while reading (see given_bad) */
};

static int field_index(const char *name)
{
    for (size_t f = 0; f < NFIELDS; f++)
        if (strcmp(name, fields[f].name) == 0)
            return (int)f;
    return -1;
}

static void error(struct check *c, struct push_row *r, const char *field, const char *code,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records a row error; "missing" is not reported for a field that was given but refused
 * (too long, wrong type, …): that field has its error already. */
static void error(struct check *c, struct push_row *r, const char *field, const char *code,
                  const char *fmt, ...)
{
    int f = field ? field_index(field) : -1;
    if (f >= 0 && (c->rejected >> f) & 1 && strcmp(code, "missing") == 0)
        return;
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    push_row_error(c->e, r->index, field, code, msg);
}

static int present(const char *s)
{
    return s != NULL;
}

static void check_numbers(struct check *c, struct push_row *r)
{
    const struct measure *m = &r->m;
    double value = 0;
    if (m->ratio) {
        if (present(r->value))
            error(c, r, "value", "derived_value",
                  "%s is derived from numerator and denominator; send those instead of value", m->slug);
        if (!present(r->numerator))
            error(c, r, "numerator", "missing", "numerator is required for %s", m->slug);
        if (!present(r->denominator))
            error(c, r, "denominator", "missing", "denominator is required for %s", m->slug);
        if (!present(r->numerator) || !present(r->denominator))
            return;
        double num = strtod(r->numerator, NULL), den = strtod(r->denominator, NULL);
        if (num < 0)
            error(c, r, "numerator", "out_of_range", "must not be negative");
        if (den <= 0)
            error(c, r, "denominator", "out_of_range", "must be greater than zero");
        if (num < 0 || den <= 0)
            return;
        if (strcmp(m->unit, "percent") == 0 && num > den) {
            error(c, r, "numerator", "numerator_exceeds_denominator",
                  "the numerator (%s) is greater than the denominator (%s)", r->numerator, r->denominator);
            return;
        }
        value = num / den * m->scale;
    } else {
        if (present(r->numerator) || present(r->denominator))
            error(c, r, present(r->numerator) ? "numerator" : "denominator", "not_allowed",
                  "%s takes a value, not numerator and denominator", m->slug);
        if (!present(r->value)) {
            error(c, r, "value", "missing", "value is required for %s", m->slug);
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
        error(c, r, m->ratio ? "numerator" : "value", "out_of_range",
              "%s is outside the allowed range %s to %s for %s", v, lo, hi, m->slug);
    }
}

static void check_kind(struct check *c, struct push_row *r)
{
    const struct measure *m = &r->m;
    if (r->del) {
        /* A deletion names only the key (and may say why in comment). */
        if (present(r->value) || present(r->numerator) || present(r->denominator) ||
            present(r->text) || r->achieved >= 0 || r->achieved_on[0])
            error(c, r, "delete", "not_allowed", "a row with \"delete\": true carries only the key (measure, principal, period, sex)");
        return;
    }
    if (strcmp(m->kind, "indicator") == 0) {
        if (r->achieved >= 0 || r->achieved_on[0] || present(r->text))
            error(c, r, r->achieved >= 0 ? "achieved" : r->achieved_on[0] ? "achieved_on" : "text",
                  "not_allowed", "%s is an indicator: send a number", m->slug);
        check_numbers(c, r);
    } else if (strcmp(m->kind, "milestone") == 0) {
        if (present(r->value) || present(r->numerator) || present(r->denominator) || present(r->text))
            error(c, r, present(r->value) ? "value" : present(r->numerator) ? "numerator"
                        : present(r->denominator) ? "denominator" : "text",
                  "not_allowed", "%s is a milestone: send achieved, achieved_on and comment", m->slug);
        if (r->achieved < 0) {
            error(c, r, "achieved", "missing", "achieved (true or false) is required for %s", m->slug);
        } else if (r->achieved && !r->achieved_on[0]) {
            error(c, r, "achieved_on", "missing", "achieved_on (the date it was achieved) is required");
        }
        if (r->achieved_on[0]) {
            struct date d;
            if (date_parse(r->achieved_on, &d) != 0)
                error(c, r, "achieved_on", "invalid_date", "must be a date like 2025-06-30");
            else if (date_compare(d, c->today) > 0)
                error(c, r, "achieved_on", "future_date", "must not be in the future");
            else if (r->achieved == 0)
                error(c, r, "achieved_on", "not_allowed", "only an achieved milestone has a date");
        }
    } else {
        if (present(r->value) || present(r->numerator) || present(r->denominator) || r->achieved >= 0 ||
            r->achieved_on[0])
            error(c, r, present(r->value) ? "value" : present(r->numerator) ? "numerator"
                        : present(r->denominator) ? "denominator" : r->achieved >= 0 ? "achieved" : "achieved_on",
                  "not_allowed", "%s is a text measure: send text", m->slug);
        if (!present(r->text))
            error(c, r, "text", "missing", "text is required for %s", m->slug);
    }
}

static void check_row(struct app *app, const struct identity *who, struct check *c,
                      struct push_row *r)
{
    if (!r->measure_in)
        error(c, r, "measure", "missing", "measure is required");
    else if (measures_get(app->measures, r->measure_in, &r->m) == 0)
        r->measure_ok = 1;
    else
        error(c, r, "measure", "unknown_measure", "no measure '%s' (see GET /api/v1/measures)", r->measure_in);

    if (!r->principal_in)
        error(c, r, "principal", "missing", "principal is required (slug or official code)");
    else if (refdata_principal(app->refdata, r->principal_in, &r->p) == 0)
        r->principal_ok = 1;
    else
        error(c, r, "principal", "unknown_principal", "no principal '%s' (use a slug or an official code such as 0583)",
              r->principal_in);

    r->sex = 'T';
    if (r->sex_in) {
        if (strcmp(r->sex_in, "T") && strcmp(r->sex_in, "K") && strcmp(r->sex_in, "M"))
            error(c, r, "sex", "invalid_sex", "must be T (total), K (women) or M (men)");
        else
            r->sex = r->sex_in[0];
    }

    int period_ok = 0;
    if (!r->period_in) {
        error(c, r, "period", "missing", "period is required");
    } else if (period_parse(r->period_in, &r->period) != 0) {
        error(c, r, "period", "invalid_period",
              "'%s' is not a period; use 2025, 2025H1, 2025T1, 2025Q1, 2025-03 or 2025-W09", r->period_in);
    } else {
        period_format(&r->period, r->period_text, sizeof r->period_text);
        period_ok = 1;
        if (r->period.year < FIRST_YEAR) {
            error(c, r, "period", "period_too_early", "periods start in %d", FIRST_YEAR);
            period_ok = 0;
        } else if (date_compare(r->period.start, c->today) > 0) {
            error(c, r, "period", "future_period", "%s has not started yet; no future periods", r->period_text);
            period_ok = 0;
        }
    }
    if (!r->measure_ok)
        return;
    const struct measure *m = &r->m;
    if (period_ok && r->period.type != m->period_type)
        error(c, r, "period", "wrong_period_type", "%s is reported per %s: expected a period like %s, got '%s'",
              m->slug, period_type_name(m->period_type), period_type_example(m->period_type), r->period_in);
    if (r->sex != 'T' && !m->sex_split)
        error(c, r, "sex", "sex_not_allowed", "%s has no breakdown by sex: use T or leave sex out", m->slug);
    if (r->principal_ok) {
        int region = strcmp(r->p.kind, "region") == 0;
        int allowed = m->on_behalf || (region ? m->by_region : m->by_municipality);
        if (!allowed)
            error(c, r, "principal", "principal_kind_not_allowed", "%s is reported by %s, not by %s",
                  m->slug, m->by_region ? "the region" : "municipalities", region ? "the region" : "a municipality");
    }
    check_kind(c, r);
    if (r->principal_ok) {
        struct write_target t = {.principal_id = r->p.id, .area_id = m->area_id, .on_behalf = m->on_behalf};
        enum write_decision d = authz_write(who, &t);
        if (d != WRITE_ALLOWED) {
            r->forbidden = 1;
            error(c, r, "principal", "forbidden", "%s (%s for %s)", authz_message(d), r->p.slug, m->area);
        }
    }
}

/* Orders row indexes by key (measure, principal, period, sex), then position. The period
 * compares by type and first day: 2025 and 2025H1 start on the same day but are different
 * periods (one of them is then wrong_period_type, not a duplicate). */
static int key_cmp(const void *a, const void *b, void *ctx)
{
    const struct push_rows *rows = ctx;
    const struct push_row *x = &rows->items[*(const size_t *)a];
    const struct push_row *y = &rows->items[*(const size_t *)b];
    if (x->m.id != y->m.id)
        return x->m.id < y->m.id ? -1 : 1;
    if (x->p.id != y->p.id)
        return x->p.id < y->p.id ? -1 : 1;
    if (x->period.type != y->period.type)
        return x->period.type < y->period.type ? -1 : 1;
    int c = date_compare(x->period.start, y->period.start);
    if (c)
        return c;
    if (x->sex != y->sex)
        return x->sex < y->sex ? -1 : 1;
    return x->index < y->index ? -1 : 1;
}

/* Rows whose key is fully known (measure, principal, period and sex all valid) are compared;
 * a row with a bad key field has its error already. */
static void check_duplicates(struct push_rows *rows, struct push_errors *e, const unsigned *rejected)
{
    size_t *order = xmalloc((rows->count + 1) * sizeof *order);
    size_t n = 0;
    unsigned key_fields = 1u << field_index("sex") | 1u << field_index("period");
    for (size_t i = 0; i < rows->count; i++) {
        const struct push_row *r = &rows->items[i];
        int sex_ok = !r->sex_in || (r->sex_in[0] && strchr("TKM", r->sex_in[0]) && !r->sex_in[1]);
        if (r->measure_ok && r->principal_ok && r->period_text[0] && sex_ok && !(rejected[i] & key_fields))
            order[n++] = i;
    }
    qsort_r(order, n, sizeof *order, key_cmp, rows);
    for (size_t k = 1; k < n; k++) {
        struct push_row *a = &rows->items[order[k - 1]], *b = &rows->items[order[k]];
        if (a->m.id == b->m.id && a->p.id == b->p.id && a->sex == b->sex &&
            a->period.type == b->period.type && date_compare(a->period.start, b->period.start) == 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "repeats the key (measure, principal, period, sex) of row %zu", a->index);
            push_row_error(e, b->index, NULL, "duplicate_row", msg);
        }
    }
    free(order);
}

#define ROW_UNREADABLE (1u << 31)

/* Per row, the fields that were given but refused while reading (from the errors so far), or
 * ROW_UNREADABLE when the row as a whole could not be read (it is not checked further). */
static unsigned *given_bad(const struct push_rows *rows, const struct push_errors *e)
{
    unsigned *rejected = xcalloc(rows->count + 1, sizeof *rejected);
    size_t k;
    json_t *err;
    json_array_foreach(e->list, k, err) {
        json_int_t i = json_integer_value(json_object_get(err, "index"));
        const char *path = json_string_value(json_object_get(err, "path"));
        const char *code = json_string_value(json_object_get(err, "code"));
        if (i < 0 || (size_t)i >= rows->count || !path || (code && strcmp(code, "unknown_field") == 0))
            continue;
        const char *slash = strrchr(path, '/');
        int f = field_index(slash ? slash + 1 : path);
        if (f >= 0)
            rejected[i] |= 1u << f;
        else if (code && (strcmp(code, "wrong_field_count") == 0 || strcmp(code, "wrong_type") == 0))
            rejected[i] |= ROW_UNREADABLE; /* not an object, or a CSV record that does not fit */
    }
    return rejected;
}

void values_check_rows(struct app *app, const struct identity *who, struct push_rows *rows,
                       struct push_errors *e)
{
    unsigned *rejected = given_bad(rows, e);
    struct check c = {.e = e, .today = date_today()};
    for (size_t i = 0; i < rows->count; i++) {
        c.rejected = rejected[i];
        if (!(rejected[i] & ROW_UNREADABLE))
            check_row(app, who, &c, &rows->items[i]);
    }
    check_duplicates(rows, e, rejected);
    free(rejected);
}
