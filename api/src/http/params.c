/* Validated query parameters; see params.h. */
#include "http/params.h"

#include "http/req.h"
#include "util/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>

void query_params_init(struct query_params *q, struct req *r)
{
    memset(q, 0, sizeof *q);
    q->r = r;
}

void query_problem(struct query_params *q, const char *name, const char *message)
{
    if (!q->errors)
        q->errors = json_array();
    char path[96];
    snprintf(path, sizeof path, "query.%s", name);
    utf8_scrub(path); /* an unknown name may be cut or not be UTF-8: Jansson would drop it */
    json_array_append_new(q->errors, json_pack("{s:s, s:s}", "path", path, "message", message));
}

static const char *get(struct query_params *q, const char *name)
{
    if (q->nknown < QUERY_MAX_KNOWN)
        q->known[q->nknown++] = name;
    return req_query(q->r, name);
}

const char *query_text(struct query_params *q, const char *name, size_t maxlen)
{
    const char *v = get(q, name);
    if (!v)
        return NULL;
    size_t n = strlen(v);
    int bad = n == 0 || n > maxlen || !utf8_valid(v, n);
    for (size_t i = 0; i < n && !bad; i++)
        bad = (unsigned char)v[i] < 0x20 || v[i] == 0x7f;
    if (bad) {
        char msg[128];
        snprintf(msg, sizeof msg, "must be 1 to %zu characters of UTF-8 without control characters",
                 maxlen);
        query_problem(q, name, msg);
        return NULL;
    }
    return v;
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int number(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The shape and the ranges (a real calendar day, 00:00 to 23:59:60, offsets up to 15:59 as
 * PostgreSQL takes them), so that a bad value is a 400 here, not a database error. */
static int timestamp_ok(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return 0;
    int year = number(s, 4), month = number(s + 5, 2), day = number(s + 8, 2);
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > days[month - 1] ||
        (month == 2 && day == 29 && !leap))
        return 0;
    if (n == 10)
        return 1;
    const char *p = s + 10;
    if ((*p != 'T' && *p != ' ') || strlen(p) < 6 || !digits(p + 1, 2) || p[3] != ':' ||
        !digits(p + 4, 2) || number(p + 1, 2) > 23 || number(p + 4, 2) > 59)
        return 0;
    p += 6;
    if (*p == ':') {
        if (!digits(p + 1, 2) || number(p + 1, 2) > 60)
            return 0;
        p += 3;
        if (*p == '.') {
            p++;
            if (!isdigit((unsigned char)*p))
                return 0;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    if (*p == 'Z')
        return p[1] == '\0';
    if (*p == '+' || *p == '-') {
        int colon = p[3] == ':';
        return digits(p + 1, 2) && number(p + 1, 2) <= 15 &&
               ((colon && digits(p + 4, 2) && p[6] == '\0' && number(p + 4, 2) <= 59) ||
                (!colon && digits(p + 3, 2) && p[5] == '\0' && number(p + 3, 2) <= 59));
    }
    return *p == '\0';
}

const char *query_timestamp(struct query_params *q, const char *name)
{
    const char *v = get(q, name);
    if (v && !timestamp_ok(v)) {
        query_problem(q, name, "must be a date (2025-03-31) or an RFC 3339 date-time (2025-03-31T12:00:00Z)");
        return NULL;
    }
    return v;
}

long query_int(struct query_params *q, const char *name, long min, long max, long def)
{
    const char *v = get(q, name);
    if (!v)
        return def;
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !*v || *end || n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be an integer from %ld to %ld", min, max);
        query_problem(q, name, msg);
        return def;
    }
    return n;
}

int query_bool(struct query_params *q, const char *name, int def)
{
    const char *v = get(q, name);
    if (!v)
        return def;
    if (strcmp(v, "true") == 0)
        return 1;
    if (strcmp(v, "false") == 0)
        return 0;
    query_problem(q, name, "must be true or false");
    return def;
}

const char *query_enum(struct query_params *q, const char *name, const char *const *allowed,
                       const char *def)
{
    const char *v = get(q, name);
    if (!v)
        return def;
    for (int i = 0; allowed[i]; i++)
        if (strcmp(v, allowed[i]) == 0)
            return allowed[i];
    char msg[256] = "must be one of:";
    for (int i = 0; allowed[i]; i++) {
        strncat(msg, i ? ", " : " ", sizeof msg - strlen(msg) - 1);
        strncat(msg, allowed[i], sizeof msg - strlen(msg) - 1);
    }
    query_problem(q, name, msg);
    return def;
}

int query_params_failed(struct query_params *q)
{
    const char **keys = q->allow_unknown ? NULL : u_map_enum_keys(q->r->http->map_url);
    for (int i = 0; keys && keys[i]; i++) {
        int known = 0;
        for (int k = 0; k < q->nknown && !known; k++)
            known = strcmp(keys[i], q->known[k]) == 0;
        if (!known)
            query_problem(q, keys[i], "unknown query parameter");
    }
    if (!q->errors)
        return 0;
    json_t *errors = q->errors;
    q->errors = NULL;
    reply_error_details(q->r, 400, "invalid_query", errors,
                        "the query string has %zu problem(s); see details",
                        json_array_size(errors));
    return 1;
}
