/* Small helpers of the att-aldras plugin: error lists, JSON input, dates and periods,
 * principals, personal identity numbers. See aldras.h. */
#include "aldras.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- errors ---- */

void aa_row_error(json_t *errors, const char *collection, size_t index, const char *field,
                  const char *code, const char *fmt, ...)
{
    char path[160], message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(path, sizeof path, "/%s/%zu/%s", collection, index, field);
    else
        snprintf(path, sizeof path, "/%s/%zu", collection, index);
    json_array_append_new(errors, json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index,
                                            "path", path, "code", code, "message", message));
}

void aa_error(json_t *errors, const char *path, const char *code, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "path", path, "code", code,
                                            "message", message));
}

void aa_query_problem(json_t **problems, const char *name, const char *message)
{
    if (!*problems)
        *problems = json_array();
    char path[96];
    snprintf(path, sizeof path, "query.%s", name);
    json_array_append_new(*problems, json_pack("{s:s, s:s}", "path", path, "message", message));
}

int aa_query_failed(lgvo_request *req, json_t *problems)
{
    if (!problems)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "the query string has %zu problem(s); see details",
             json_array_size(problems));
    aa_host->reply_error(req, 400, "invalid_query", msg, problems); /* problems stolen */
    return 1;
}

/* ---- JSON input ---- */

static int allowed_name(const char *key, const char *const *allowed)
{
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(key, allowed[i]) == 0)
            return 1;
    return 0;
}

void aa_pointer_segment(const char *key, char out[128])
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)key;
    while (*p) {
        size_t len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
        if (n + (len < 2 ? 2 : len) > 120)
            break; /* cut between characters, never inside one */
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            out[n++] = '?';
            p++;
        } else {
            for (size_t i = 0; i < len && *p; i++) /* Jansson keeps keys valid UTF-8 */
                out[n++] = (char)*p++;
        }
    }
    out[n] = '\0';
}

int aa_unknown_members(json_t *errors, const char *base, long index, json_t *obj,
                       const char *const *allowed)
{
    int unknown = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (allowed_name(key, allowed))
            continue;
        char seg[128], path[320], message[200];
        aa_pointer_segment(key, seg);
        snprintf(path, sizeof path, "%s/%s", base, seg);
        snprintf(message, sizeof message, "unknown field \"%s\"", seg);
        json_t *e = json_pack("{s:s, s:s, s:s}", "path", path, "code", "unknown_field", "message", message);
        if (index >= 0)
            json_object_set_new(e, "index", json_integer(index));
        json_array_append_new(errors, e);
        unknown++;
    }
    return unknown;
}

int aa_unknown_fields(json_t *errors, const char *collection, size_t index, json_t *obj,
                      const char *const *allowed)
{
    char base[96];
    snprintf(base, sizeof base, "/%s/%zu", collection, index);
    return aa_unknown_members(errors, base, (long)index, obj, allowed);
}

int aa_count_field(json_t *errors, const char *collection, size_t index, json_t *obj,
                   const char *field, long long max, long long *out)
{
    json_t *v = json_object_get(obj, field);
    if (!v || json_is_null(v)) {
        aa_row_error(errors, collection, index, field, "missing", "%s is required", field);
        return -1;
    }
    if (!json_is_integer(v)) {
        aa_row_error(errors, collection, index, field, "wrong_type",
                     "must be a whole number (a count), not %s",
                     json_is_real(v) ? "a decimal number" : json_is_string(v) ? "a string" : "this type");
        return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > max) {
        aa_row_error(errors, collection, index, field, "out_of_range",
                     "must be a count from 0 to %lld, got %lld", max, (long long)n);
        return -1;
    }
    *out = (long long)n;
    return 0;
}

json_t *aa_body_rows(lgvo_request *req, const char *collection)
{
    json_t *body = aa_host->body(req); /* borrowed; NULL after the host replied */
    if (!body)
        return NULL;
    json_t *rows = json_object_get(body, collection);
    if (!json_is_object(body) || !json_is_array(rows) || json_object_size(body) != 1) {
        char msg[160];
        snprintf(msg, sizeof msg, "the body must be {\"%s\":[…]} with nothing else", collection);
        aa_host->reply_error(req, 400, "invalid_json", msg, NULL);
        return NULL;
    }
    if (json_array_size(rows) > AA_MAX_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "the push has %zu rows; at most %d are accepted per request",
                 json_array_size(rows), AA_MAX_ROWS);
        aa_host->reply_error(req, 413, "too_many_rows", msg, NULL);
        return NULL;
    }
    return rows;
}

/* ---- dates and periods ---- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

struct aa_date aa_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return (struct aa_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int aa_date_cmp(struct aa_date a, struct aa_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return (a.day > b.day) - (a.day < b.day);
}

int aa_parse_date(const char *s, struct aa_date *out)
{
    if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return -1;
    struct aa_date d = {number(s, 4), number(s + 5, 2), number(s + 8, 2)};
    if (d.year < 1000 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > month_days(d.year, d.month))
        return -1;
    *out = d;
    return 0;
}

int aa_parse_month(const char *s, struct aa_date *out)
{
    if (!s || strlen(s) != 7 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2))
        return -1;
    struct aa_date d = {number(s, 4), number(s + 5, 2), 1};
    if (d.year < 1000 || d.month < 1 || d.month > 12)
        return -1;
    *out = d;
    return 0;
}

/* Days since 1970-01-01 and back (civil calendar). */
static long days_from_civil(struct aa_date d)
{
    int y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static struct aa_date civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (struct aa_date){(int)(y + (m <= 2)), m, d};
}

/* Monday of ISO week 1 of year y, in days since 1970-01-01. */
static long iso_week1_monday(int y)
{
    long jan4 = days_from_civil((struct aa_date){y, 1, 4});
    long weekday = ((jan4 % 7) + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
    return jan4 - weekday;
}

/* Months first..last of year y as a period. */
static void months(int y, int first, int last, struct aa_date *start, struct aa_date *end)
{
    *start = (struct aa_date){y, first, 1};
    *end = (struct aa_date){y, last, month_days(y, last)};
}

int aa_period_bounds(const char *s, struct aa_date *start, struct aa_date *end)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || !digits(s, 4) || number(s, 4) < 1000)
        return -1;
    int y = number(s, 4), k = n >= 6 ? s[5] - '0' : 0;
    if (n == 4) {
        months(y, 1, 12, start, end);
    } else if (n == 6 && s[4] == 'H' && k >= 1 && k <= 2) {
        months(y, k * 6 - 5, k * 6, start, end);
    } else if (n == 6 && s[4] == 'T' && k >= 1 && k <= 3) {
        months(y, k * 4 - 3, k * 4, start, end);
    } else if (n == 6 && s[4] == 'Q' && k >= 1 && k <= 4) {
        months(y, k * 3 - 2, k * 3, start, end);
    } else if (n == 7 && aa_parse_month(s, start) == 0) {
        months(y, start->month, start->month, start, end);
    } else if (n == 8 && s[4] == '-' && s[5] == 'W' && digits(s + 6, 2)) {
        int w = number(s + 6, 2);
        long weeks = (iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7;
        if (w < 1 || w > weeks)
            return -1;
        long monday = iso_week1_monday(y) + 7L * (w - 1);
        *start = civil_from_days(monday);
        *end = civil_from_days(monday + 6);
    } else {
        return -1;
    }
    return 0;
}

void aa_format_date(struct aa_date d, char out[11])
{
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

/* ---- principals and callers ---- */

int aa_principal(const char *slug_or_code, struct aa_principal *out)
{
    lgvo_principal p = {.struct_size = sizeof p};
    if (!slug_or_code || aa_host->principal(slug_or_code, &p) != 0)
        return -1;
    /* The host lends p's strings until its next lookup on this thread: copy them. */
    out->id = p.id;
    snprintf(out->slug, sizeof out->slug, "%s", p.slug);
    snprintf(out->name, sizeof out->name, "%s", p.name);
    out->is_municipality = strcmp(p.kind, "municipality") == 0;
    return 0;
}

int aa_municipality_field(json_t *errors, const char *collection, size_t index, json_t *obj,
                          struct aa_principal *out)
{
    json_t *v = json_object_get(obj, "municipality");
    const char *s = json_string_value(v);
    if (!v || json_is_null(v)) {
        aa_row_error(errors, collection, index, "municipality", "missing",
                     "municipality is required (slug or kommunkod, e.g. motala or 0583)");
        return -1;
    }
    if (!s || aa_principal(s, out) != 0 || !out->is_municipality) {
        aa_row_error(errors, collection, index, "municipality", "not_a_municipality",
                     "must be one of the 13 municipalities of Östergötland (slug or kommunkod, e.g. motala or 0583)");
        return -1;
    }
    return 0;
}

int aa_is_county_admin(lgvo_request *req)
{
    lgvo_caller who = {.struct_size = sizeof who};
    aa_host->caller(req, &who);
    return (who.roles & LGVO_ROLE_COUNTY_ADMIN) != 0;
}

/* ---- text ---- */

size_t aa_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Luhn over the ten digits YYMMDDNNNC. */
static int luhn_ok(const char *d10)
{
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = (d10[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }
    return sum % 10 == 0;
}

/* The ten digits YYMMDDNNNC of a candidate: a plausible date (day + 60 for coordination
 * numbers) and a valid check digit. */
static int plausible(const char *d10)
{
    int month = number(d10 + 2, 2), day = number(d10 + 4, 2);
    if (day > 60)
        day -= 60;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && luhn_ok(d10);
}

/* Checks the digit run starting at s (not preceded by a digit). Returns 1 on a match and sets
 * *skip to the run's length. */
static int match_at(const char *s, size_t *skip)
{
    size_t a = 0;
    while (isdigit((unsigned char)s[a]))
        a++;
    *skip = a ? a : 1;
    char d[16];
    if ((a == 6 || a == 8) && (s[a] == '-' || s[a] == '+') && digits(s + a + 1, 4) &&
        !isdigit((unsigned char)s[a + 5])) {
        memcpy(d, s + a - 6, 6);
        memcpy(d + 6, s + a + 1, 4);
        *skip = a + 5;
        return plausible(d);
    }
    if (a == 10 || a == 12) {
        memcpy(d, s + a - 10, 10);
        return plausible(d);
    }
    return 0;
}

int aa_has_personal_number(const char *s)
{
    for (size_t i = 0; s && s[i];) {
        if (!isdigit((unsigned char)s[i]) || (i > 0 && isdigit((unsigned char)s[i - 1]))) {
            i++;
            continue;
        }
        size_t skip = 1;
        if (match_at(s + i, &skip))
            return 1;
        i += skip;
    }
    return 0;
}

json_t *aa_number(const char *text)
{
    if (!text)
        return json_null();
    if (strpbrk(text, ".eE"))
        return json_real(strtod(text, NULL));
    return json_integer((json_int_t)strtoll(text, NULL, 10));
}

/* ---- reads ---- */

void aa_reply_sql_json(lgvo_request *req, const char *sql, int nparams, const char *const *params,
                       const char *not_found)
{
    lgvo_result *res = aa_host->sql(req, sql, nparams, params);
    if (!res)
        return; /* the host replied */
    const char *text = aa_host->result_rows(res) > 0 ? aa_host->result_value(res, 0, 0) : NULL;
    int found = text != NULL;
    json_t *doc = found ? json_loads(text, 0, NULL) : NULL;
    aa_host->result_free(res); /* text is gone from here on */
    if (!doc) {
        aa_host->reply_error(req, found ? 500 : 404, NULL,
                             found ? "internal error: unreadable JSON" : not_found, NULL);
        return;
    }
    aa_host->reply_json(req, 200, doc); /* stolen */
}
