/* Strict readers for the members of an input row; see vu.h. Every problem becomes one error
 * {"index","path","code","message"} with the JSON Pointer of the member at fault. */
#include "vu.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void add_error(struct vu_errors *e, size_t index, const char *member, const char *key,
                      const char *code, const char *fmt, va_list ap)
{
    char path[256], message[512];
    snprintf(path, sizeof path, "/%s/%zu", e->collection, index);
    if (member) { /* a fixed name of the plugin's, written as it is ("visits/13-17") */
        strncat(path, "/", sizeof path - strlen(path) - 1);
        strncat(path, member, sizeof path - strlen(path) - 1);
    }
    if (key) {
        strncat(path, "/", sizeof path - strlen(path) - 1);
        vu_pointer_token(path, sizeof path, key);
    }
    vsnprintf(message, sizeof message, fmt, ap);
    json_t *err = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index, "path", path,
                            "code", code, "message", message);
    if (!err) /* a message cut inside a character: say it without the quoted text */
        err = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)index, "path", path, "code",
                        code, "message", "invalid value");
    json_array_append_new(e->list, err);
}

void vu_error(struct vu_errors *e, size_t index, const char *member, const char *key,
              const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_error(e, index, member, key, code, fmt, ap);
    va_end(ap);
}

void vu_row_error(struct vu_row *r, const char *member, const char *key, const char *code,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_error(r->e, r->index, member, key, code, fmt, ap);
    va_end(ap);
    r->bad = 1;
}

void vu_only_members(struct vu_row *r, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(r->obj, key, v) {
        int known = 0;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known)
            vu_row_error(r, NULL, key, "unknown_field", "unknown member; allowed members are listed in the OpenAPI document");
    }
}

int vu_count_in(struct vu_row *r, const char *member, const char *key, json_t *v, long long max,
                long long *out)
{
    if (!v || json_is_null(v)) {
        vu_row_error(r, member, key, "missing", "is required (a whole number from 0)");
        return -1;
    }
    if (json_is_real(v)) {
        vu_row_error(r, member, key, "not_whole_number", "must be a whole number written without decimals (e.g. 3, not 3.0 or 3.5)");
        return -1;
    }
    if (!json_is_integer(v)) {
        vu_row_error(r, member, key, "wrong_type", "must be a whole number");
        return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < 0) {
        vu_row_error(r, member, key, "out_of_range", "must not be negative");
        return -1;
    }
    if (n > max) {
        vu_row_error(r, member, key, "out_of_range", "must be at most %lld", max);
        return -1;
    }
    *out = (long long)n;
    return 0;
}

int vu_count(struct vu_row *r, const char *member, long long max, long long *out)
{
    return vu_count_in(r, member, NULL, json_object_get(r->obj, member), max, out);
}

/* Characters (code points) of valid UTF-8; -1 when a control character other than tab, line
 * feed or carriage return occurs. */
static long characters(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return -1;
        n += (c & 0xC0) != 0x80;
    }
    return n;
}

int vu_text_value(struct vu_row *r, const char *member, const char *key, json_t *v, size_t max,
                  const char **out)
{
    *out = NULL;
    if (!json_is_string(v)) {
        vu_row_error(r, member, key, "wrong_type", "must be a string");
        return -1;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    long chars = strlen(s) == len ? characters(s, len) : -1;
    if (chars < 0) {
        vu_row_error(r, member, key, "control_character", "must not contain control characters (other than tab and line breaks)");
        return -1;
    }
    if (chars == 0) {
        vu_row_error(r, member, key, "empty", "must not be empty");
        return -1;
    }
    if ((size_t)chars > max) {
        vu_row_error(r, member, key, "too_long", "must be at most %zu characters", max);
        return -1;
    }
    *out = s;
    return 0;
}

int vu_text(struct vu_row *r, const char *member, size_t max, int required, const char **out)
{
    json_t *v = json_object_get(r->obj, member);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required)
            return 0;
        vu_row_error(r, member, NULL, "missing", "is required");
        return -1;
    }
    return vu_text_value(r, member, NULL, v, max, out);
}

int vu_string_list(struct vu_row *r, const char *member, size_t max_items, size_t max_chars,
                   const char *const *allowed, json_t **out)
{
    json_t *list = json_object_get(r->obj, member);
    *out = NULL;
    if (!list || json_is_null(list))
        return 0;
    if (!json_is_array(list)) {
        vu_row_error(r, member, NULL, "wrong_type", "must be an array of strings");
        return -1;
    }
    if (json_array_size(list) > max_items) {
        vu_row_error(r, member, NULL, "too_many_items", "must have at most %zu items", max_items);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < json_array_size(list); i++) {
        char key[24];
        const char *s = NULL;
        snprintf(key, sizeof key, "%zu", i);
        if (vu_text_value(r, member, key, json_array_get(list, i), max_chars, &s) != 0) {
            rc = -1;
            continue;
        }
        int ok = !allowed;
        for (size_t k = 0; allowed && allowed[k] && !ok; k++)
            ok = strcmp(allowed[k], s) == 0;
        if (!ok) {
            vu_row_error(r, member, key, "unknown_item", "is not one of the allowed values");
            rc = -1;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            json_t *earlier = json_array_get(list, j);
            if (json_is_string(earlier) && strcmp(json_string_value(earlier), s) == 0) {
                vu_row_error(r, member, key, "duplicate_item", "repeats item %zu", j);
                rc = -1;
                break;
            }
        }
    }
    if (rc == 0)
        *out = list;
    return rc;
}

int vu_principal(struct vu_row *r, const char *member, const char *kinds, struct vu_who *out)
{
    json_t *v = json_object_get(r->obj, member);
    memset(out, 0, sizeof *out);
    if (!v || json_is_null(v)) {
        vu_row_error(r, member, NULL, "missing", "is required (a principal's slug or official code, e.g. motala or 0583)");
        return -1;
    }
    if (!json_is_string(v)) {
        vu_row_error(r, member, NULL, "wrong_type", "must be a string (a principal's slug or official code)");
        return -1;
    }
    lgvo_principal p = {.struct_size = sizeof p};
    const char *s = json_string_value(v);
    if (strlen(s) > 47 || vu_host->principal(s, &p) != 0) {
        vu_row_error(r, member, NULL, "unknown_principal", "no such principal (use a slug such as motala or an official code such as 0583)");
        return -1;
    }
    if (kinds && strcmp(p.kind, kinds) != 0) {
        vu_row_error(r, member, NULL, "principal_kind_not_allowed", "%s is a %s; these figures are reported by each %s",
                     p.slug, p.kind, kinds);
        return -1;
    }
    out->id = p.id;
    snprintf(out->slug, sizeof out->slug, "%s", p.slug);
    return 0;
}

static const char *period_word(char type)
{
    return type == 'H' ? "half-year (e.g. 2025H1)" : type == 'T' ? "tertial (e.g. 2025T1)" : "quarter (e.g. 2025Q1)";
}

int vu_period(struct vu_row *r, const char *member, char type, int *year, int *part)
{
    json_t *v = json_object_get(r->obj, member);
    if (!v || json_is_null(v)) {
        vu_row_error(r, member, NULL, "missing", "is required: a %s", period_word(type));
        return -1;
    }
    if (!json_is_string(v) || vu_period_parse(json_string_value(v), type, year, part) != 0) {
        vu_row_error(r, member, NULL, "invalid_period", "must be a %s", period_word(type));
        return -1;
    }
    if (*year < VU_FIRST_YEAR) {
        vu_row_error(r, member, NULL, "period_too_early", "periods start in %d", VU_FIRST_YEAR);
        return -1;
    }
    int ty, tm, td;
    vu_today(&ty, &tm, &td);
    if (vu_date_cmp(*year, vu_period_first_month(type, *part), 1, ty, tm, td) > 0) {
        vu_row_error(r, member, NULL, "future_period", "%s has not started yet; no future periods",
                     json_string_value(v));
        return -1;
    }
    return 0;
}

int vu_year(struct vu_row *r, const char *member, int *year)
{
    json_t *v = json_object_get(r->obj, member);
    if (!v || json_is_null(v)) {
        vu_row_error(r, member, NULL, "missing", "is required: a year such as 2025");
        return -1;
    }
    if (!json_is_integer(v)) {
        vu_row_error(r, member, NULL, "wrong_type", "must be a year written as a whole number, e.g. 2025");
        return -1;
    }
    json_int_t y = json_integer_value(v);
    if (y < VU_FIRST_YEAR) {
        vu_row_error(r, member, NULL, "period_too_early", "years start in %d", VU_FIRST_YEAR);
        return -1;
    }
    if (y > vu_current_year()) {
        vu_row_error(r, member, NULL, "future_period", "%lld has not started yet; no future periods", (long long)y);
        return -1;
    }
    *year = (int)y;
    return 0;
}

int vu_breakdown(struct vu_row *r, const char *member, const char *const *keys, size_t nkeys,
                 long long max, long long *out, long long *sum, vu_unknown_key unknown, void *ctx)
{
    json_t *obj = json_object_get(r->obj, member);
    if (!obj || json_is_null(obj)) {
        vu_row_error(r, member, NULL, "missing", "is required (an object of counts)");
        return -1;
    }
    if (!json_is_object(obj)) {
        vu_row_error(r, member, NULL, "wrong_type", "must be an object of counts");
        return -1;
    }
    int rc = 0;
    long long total = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k], key) != 0)
            k++;
        if (k == nkeys) {
            if (unknown)
                unknown(ctx, r, member, key);
            else
                vu_row_error(r, member, key, "unknown_key", "is not one of the allowed keys");
            rc = -1;
            continue;
        }
        long long n = 0;
        if (vu_count_in(r, member, key, v, max, &n) != 0) {
            rc = -1;
            continue;
        }
        out[k] += n;
        total += n;
    }
    if (sum)
        *sum = total;
    return rc;
}

void vu_check_sum(struct vu_row *r, const char *member, long long sum, long long expected,
                  const char *what_parts, const char *what_total)
{
    if (sum != expected)
        vu_row_error(r, member, NULL, "sum_mismatch", "the %s add up to %lld, but %s is %lld", what_parts,
                     sum, what_total, expected);
}
