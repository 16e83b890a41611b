/* Reporting periods; see period.h. */
#include "core/period.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const type_names[] = {NULL, "year", "half", "tertial", "quarter", "month", "week"};
static const char *const examples[] = {NULL, "2025", "2025H1", "2025T1", "2025Q1", "2025-03", "2025-W09"};

const char *period_type_name(enum period_type t)
{
    return t > PERIOD_NONE && t <= PERIOD_WEEK ? type_names[t] : NULL;
}

const char *period_type_example(enum period_type t)
{
    return t > PERIOD_NONE && t <= PERIOD_WEEK ? examples[t] : "";
}

enum period_type period_type_parse(const char *name)
{
    for (int t = PERIOD_YEAR; t <= PERIOD_WEEK; t++)
        if (name && strcmp(name, type_names[t]) == 0)
            return (enum period_type)t;
    return PERIOD_NONE;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

int date_valid(struct date d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= days_in_month(d.year, d.month);
}

int date_compare(struct date a, struct date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return (a.day > b.day) - (a.day < b.day);
}

/* Days since 1970-01-01 (civil calendar). */
static long days_from_civil(struct date d)
{
    int y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static struct date civil_from_days(long z)
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
    return (struct date){(int)(y + (m <= 2)), m, d};
}

int date_span_days(struct date a, struct date b)
{
    return (int)(days_from_civil(b) - days_from_civil(a)) + 1;
}

/* ISO weekday 1 (Monday) .. 7 (Sunday). */
static int weekday(struct date d)
{
    long z = days_from_civil(d);
    return (int)(((z % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday */
}

/* Monday of ISO week 1 of year y. */
static long iso_week1_monday(int y)
{
    struct date jan4 = {y, 1, 4};
    return days_from_civil(jan4) - (weekday(jan4) - 1);
}

static int iso_weeks_in_year(int y)
{
    return (int)((iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7);
}

static void fill(struct period *p)
{
    int y = p->year;
    switch (p->type) {
    case PERIOD_YEAR:
        p->start = (struct date){y, 1, 1};
        p->end = (struct date){y, 12, 31};
        break;
    case PERIOD_HALF:
        p->start = (struct date){y, p->number == 1 ? 1 : 7, 1};
        p->end = (struct date){y, p->number == 1 ? 6 : 12, p->number == 1 ? 30 : 31};
        break;
    case PERIOD_TERTIAL: {
        int m = (p->number - 1) * 4 + 1;
        p->start = (struct date){y, m, 1};
        p->end = (struct date){y, m + 3, days_in_month(y, m + 3)};
        break;
    }
    case PERIOD_QUARTER: {
        int m = (p->number - 1) * 3 + 1;
        p->start = (struct date){y, m, 1};
        p->end = (struct date){y, m + 2, days_in_month(y, m + 2)};
        break;
    }
    case PERIOD_MONTH:
        p->start = (struct date){y, p->number, 1};
        p->end = (struct date){y, p->number, days_in_month(y, p->number)};
        break;
    case PERIOD_WEEK: {
        long monday = iso_week1_monday(y) + 7L * (p->number - 1);
        p->start = civil_from_days(monday);
        p->end = civil_from_days(monday + 6);
        break;
    }
    case PERIOD_NONE:
        break;
    }
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int period_parse(const char *text, struct period *out)
{
    memset(out, 0, sizeof *out);
    size_t n = text ? strlen(text) : 0;
    if (n < 4 || !digits(text, 4))
        return -1;
    int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    if (year < 1000)
        return -1;
    const char *rest = text + 4;
    enum period_type type = PERIOD_NONE;
    int number = 0, max = 0;
    if (n == 4) {
        type = PERIOD_YEAR;
    } else if (n == 6 && strchr("HTQ", rest[0]) && isdigit((unsigned char)rest[1])) {
        type = rest[0] == 'H' ? PERIOD_HALF : rest[0] == 'T' ? PERIOD_TERTIAL : PERIOD_QUARTER;
        max = rest[0] == 'H' ? 2 : rest[0] == 'T' ? 3 : 4;
        number = rest[1] - '0';
    } else if (n == 7 && rest[0] == '-' && digits(rest + 1, 2)) {
        type = PERIOD_MONTH;
        max = 12;
        number = (rest[1] - '0') * 10 + (rest[2] - '0');
    } else if (n == 8 && rest[0] == '-' && rest[1] == 'W' && digits(rest + 2, 2)) {
        type = PERIOD_WEEK;
        max = iso_weeks_in_year(year);
        number = (rest[2] - '0') * 10 + (rest[3] - '0');
    } else {
        return -1;
    }
    if (type != PERIOD_YEAR && (number < 1 || number > max))
        return -1;
    out->type = type;
    out->year = year;
    out->number = number;
    fill(out);
    return 0;
}

void period_format(const struct period *p, char *out, size_t outlen)
{
    switch (p->type) {
    case PERIOD_YEAR: snprintf(out, outlen, "%04d", p->year); break;
    case PERIOD_HALF: snprintf(out, outlen, "%04dH%d", p->year, p->number); break;
    case PERIOD_TERTIAL: snprintf(out, outlen, "%04dT%d", p->year, p->number); break;
    case PERIOD_QUARTER: snprintf(out, outlen, "%04dQ%d", p->year, p->number); break;
    case PERIOD_MONTH: snprintf(out, outlen, "%04d-%02d", p->year, p->number); break;
    case PERIOD_WEEK: snprintf(out, outlen, "%04d-W%02d", p->year, p->number); break;
    case PERIOD_NONE: snprintf(out, outlen, "?"); break;
    }
}

void period_containing(enum period_type t, struct date d, struct period *out)
{
    memset(out, 0, sizeof *out);
    out->type = t;
    out->year = d.year;
    switch (t) {
    case PERIOD_YEAR: break;
    case PERIOD_HALF: out->number = d.month <= 6 ? 1 : 2; break;
    case PERIOD_TERTIAL: out->number = (d.month - 1) / 4 + 1; break;
    case PERIOD_QUARTER: out->number = (d.month - 1) / 3 + 1; break;
    case PERIOD_MONTH: out->number = d.month; break;
    case PERIOD_WEEK: {
        long z = days_from_civil(d);
        int y = d.year;
        if (z < iso_week1_monday(y))
            y--;
        else if (z >= iso_week1_monday(y + 1))
            y++;
        out->year = y;
        out->number = (int)((z - iso_week1_monday(y)) / 7) + 1;
        break;
    }
    case PERIOD_NONE: break;
    }
    fill(out);
}

void period_add(const struct period *p, int n, struct period *out)
{
    *out = *p;
    if (p->type == PERIOD_YEAR) {
        out->year += n;
    } else if (p->type == PERIOD_WEEK) {
        long monday = days_from_civil(p->start) + 7L * n;
        period_containing(PERIOD_WEEK, civil_from_days(monday), out);
        return;
    } else {
        int per_year = p->type == PERIOD_HALF ? 2 : p->type == PERIOD_TERTIAL ? 3
                       : p->type == PERIOD_QUARTER ? 4 : 12;
        int index = p->year * per_year + (p->number - 1) + n;
        out->year = index / per_year;
        out->number = index % per_year + 1;
    }
    fill(out);
}

int date_parse(const char *text, struct date *out)
{
    if (!text || strlen(text) != 10 || !digits(text, 4) || text[4] != '-' || !digits(text + 5, 2) ||
        text[7] != '-' || !digits(text + 8, 2))
        return -1;
    struct date d = {atoi(text), atoi(text + 5), atoi(text + 8)};
    if (!date_valid(d))
        return -1;
    *out = d;
    return 0;
}

void date_format(struct date d, char out[11])
{
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

struct date date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return (struct date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}
