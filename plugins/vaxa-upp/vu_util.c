/* Small helpers of the vaxa-upp plugin; see vu.h. */
#include "vu.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void *vu_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        abort(); /* as the host: out of memory ends the process */
    return p;
}

void *vu_grow(void *p, size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size)
        abort();
    size_t bytes = count * size;
    void *q = realloc(p, bytes > 0 ? bytes : 1);
    if (!q)
        abort();
    return q;
}

const char *vu_itoa(char *buf, long long n)
{
    snprintf(buf, 24, "%lld", n);
    return buf;
}

void vu_today(int *year, int *month, int *day)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
}

int vu_current_year(void)
{
    int y, m, d;
    vu_today(&y, &m, &d);
    return y;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

int vu_days_in_half(int year, int half)
{
    int days = 0;
    for (int m = half == 1 ? 1 : 7, last = half == 1 ? 6 : 12; m <= last; m++)
        days += days_in_month(year, m);
    return days;
}

int vu_period_parts(char type)
{
    return type == 'H' ? 2 : type == 'T' ? 3 : type == 'Q' ? 4 : 0;
}

int vu_period_parse(const char *text, char type, int *year, int *part)
{
    if (!text || strlen(text) != 6 || text[4] != type)
        return -1;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)text[i]))
            return -1;
    if (text[5] < '1' || text[5] > '0' + vu_period_parts(type))
        return -1;
    *year = atoi(text);
    *part = text[5] - '0';
    return 0;
}

int vu_period_first_month(char type, int part)
{
    return (part - 1) * (12 / vu_period_parts(type)) + 1;
}

const char *vu_period_format(char *out, char type, int year, int part)
{
    unsigned y = (unsigned)year % 10000u, p = (unsigned)part % 10u;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = type;
    out[5] = (char)('0' + p);
    out[6] = '\0';
    return out;
}

int vu_date_parse(const char *text, int *year, int *month, int *day)
{
    if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)text[i]))
            return -1;
    *year = atoi(text);
    *month = atoi(text + 5);
    *day = atoi(text + 8);
    if (*year < 1 || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month))
        return -1;
    return 0;
}

int vu_date_cmp(int y1, int m1, int d1, int y2, int m2, int d2)
{
    if (y1 != y2)
        return y1 < y2 ? -1 : 1;
    if (m1 != m2)
        return m1 < m2 ? -1 : 1;
    return (d1 > d2) - (d1 < d2);
}

void vu_pointer_token(char *out, size_t outlen, const char *key)
{
    size_t n = strlen(out), used = 0;
    for (const char *p = key; *p && n + 3 < outlen && used < 60; p++) {
        unsigned char c = (unsigned char)*p;
        /* stop before a multi-byte character that would not fit the 60 bytes */
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (used + len > 60 || n + len + 2 >= outlen)
            break;
        if (c == '~' || c == '/') {
            out[n++] = '~';
            out[n++] = c == '~' ? '0' : '1';
            used++;
            continue;
        }
        for (size_t k = 0; k < len && p[k]; k++)
            out[n++] = p[k];
        p += len - 1;
        used += len;
    }
    out[n] = '\0';
}

void vu_viewer_get(lgvo_request *req, struct vu_viewer *out)
{
    lgvo_caller c = {.struct_size = sizeof c};
    vu_host->caller(req, &c);
    out->principal_id = c.principal ? c.principal_id : 0;
    out->sees_all = (c.roles & LGVO_ROLE_COUNTY_ADMIN) != 0;
    out->subject = c.subject;
}

int vu_principals_load(lgvo_request *req, struct vu_principals *out)
{
    out->items = NULL;
    out->count = 0;
    lgvo_result *r = vu_host->sql(req,
                                  "SELECT id, slug, name, kind = 'region' FROM core.principals"
                                  " ORDER BY sort_order, id",
                                  0, NULL);
    if (!r)
        return -1;
    int n = vu_host->result_rows(r);
    out->items = vu_alloc((size_t)n + 1, sizeof *out->items);
    for (int i = 0; i < n; i++) {
        struct vu_principal *p = &out->items[i];
        p->id = atoi(vu_host->result_value(r, i, 0));
        snprintf(p->slug, sizeof p->slug, "%s", vu_host->result_value(r, i, 1));
        snprintf(p->name, sizeof p->name, "%s", vu_host->result_value(r, i, 2));
        p->is_region = vu_host->result_value(r, i, 3)[0] == 't';
    }
    out->count = (size_t)n;
    vu_host->result_free(r);
    return 0;
}

void vu_principals_free(struct vu_principals *ps)
{
    free(ps->items);
    ps->items = NULL;
    ps->count = 0;
}

size_t vu_principals_index(const struct vu_principals *ps, int id)
{
    for (size_t i = 0; i < ps->count; i++)
        if (ps->items[i].id == id)
            return i;
    return VU_NONE;
}

void vu_reply_bad_query(lgvo_request *req, const char *name, const char *message)
{
    char path[64];
    snprintf(path, sizeof path, "query.%s", name);
    char text[256];
    snprintf(text, sizeof text, "the query string has 1 problem(s); see details");
    vu_host->reply_error(req, 400, "invalid_query", text,
                         json_pack("[{s:s, s:s}]", "path", path, "message", message));
}

int vu_query_year(lgvo_request *req, int *year)
{
    const char *v = vu_host->query(req, "year");
    int ok = v && strlen(v) == 4;
    for (int i = 0; ok && i < 4; i++)
        ok = isdigit((unsigned char)v[i]);
    if (ok) {
        *year = atoi(v);
        ok = *year >= VU_FIRST_YEAR;
    }
    if (!ok) {
        vu_reply_bad_query(req, "year", v ? "must be a year from 2000, e.g. 2025" : "is required, e.g. ?year=2025");
        return -1;
    }
    return 0;
}

void vu_reply(lgvo_request *req, int status, json_t *body)
{
    if (!body) {
        vu_host->reply_error(req, 500, NULL, "internal error: the answer could not be built", NULL);
        return;
    }
    vu_host->reply_json(req, status, body);
}
