/* Dates and periods in the canonical forms the core uses (2025-W09, 2025-03, 2025Q1, 2025T1,
 * 2025). Pure arithmetic on the proleptic Gregorian calendar; no allocation. */
#include "nv.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static nv_date civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (nv_date){(int)(yoe + era * 400 + (m <= 2)), m, d};
}

/* 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(long days)
{
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* ISO 8601: a year has 53 weeks when it starts on a Thursday, or on a Wednesday in a leap year. */
static int iso_weeks(int y)
{
    int jan1 = weekday(days_from_civil(y, 1, 1));
    return jan1 == 3 || (jan1 == 2 && is_leap(y)) ? 53 : 52;
}

static long iso_week_monday(int y, int w)
{
    long jan4 = days_from_civil(y, 1, 4);
    return jan4 - weekday(jan4) + 7L * (w - 1);
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
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

int nv_period_make(nv_period_type type, int year, int n, nv_period *out)
{
    memset(out, 0, sizeof *out);
    if (year < 1 || year > 9999)
        return -1;
    out->type = type;
    out->year = year;
    out->n = n;
    switch (type) {
    case NV_WEEK:
        if (n < 1 || n > iso_weeks(year))
            return -1;
        out->start = civil_from_days(iso_week_monday(year, n));
        out->end = civil_from_days(iso_week_monday(year, n) + 6);
        snprintf(out->text, sizeof out->text, "%04u-W%02u", (unsigned)year % 10000u, (unsigned)n % 100u);
        break;
    case NV_MONTH:
        if (n < 1 || n > 12)
            return -1;
        out->start = (nv_date){year, n, 1};
        out->end = (nv_date){year, n, days_in_month(year, n)};
        snprintf(out->text, sizeof out->text, "%04u-%02u", (unsigned)year % 10000u, (unsigned)n % 100u);
        break;
    case NV_QUARTER:
        if (n < 1 || n > 4)
            return -1;
        out->start = (nv_date){year, 3 * n - 2, 1};
        out->end = (nv_date){year, 3 * n, days_in_month(year, 3 * n)};
        snprintf(out->text, sizeof out->text, "%04dQ%d", year, n);
        break;
    case NV_TERTIAL:
        if (n < 1 || n > 3)
            return -1;
        out->start = (nv_date){year, 4 * n - 3, 1};
        out->end = (nv_date){year, 4 * n, days_in_month(year, 4 * n)};
        snprintf(out->text, sizeof out->text, "%04dT%d", year, n);
        break;
    case NV_YEAR:
        out->n = 0;
        out->start = (nv_date){year, 1, 1};
        out->end = (nv_date){year, 12, 31};
        snprintf(out->text, sizeof out->text, "%04d", year);
        break;
    case NV_HALF:
        if (n < 1 || n > 2)
            return -1;
        out->start = (nv_date){year, 6 * n - 5, 1};
        out->end = (nv_date){year, 6 * n, days_in_month(year, 6 * n)};
        snprintf(out->text, sizeof out->text, "%04dH%d", year, n);
        break;
    default:
        return -1;
    }
    nv_date_format(out->start, out->start_text);
    nv_date_format(out->end, out->end_text);
    return 0;
}

int nv_period_parse(nv_period_type type, const char *s, nv_period *out)
{
    size_t len = s ? strlen(s) : 0;
    if (len < 4 || !digits(s, 4))
        return -1;
    int y = number(s, 4);
    switch (type) {
    case NV_WEEK: /* 2025-W09 */
        if (len != 8 || s[4] != '-' || s[5] != 'W' || !digits(s + 6, 2))
            return -1;
        return nv_period_make(type, y, number(s + 6, 2), out);
    case NV_MONTH: /* 2025-03 */
        if (len != 7 || s[4] != '-' || !digits(s + 5, 2))
            return -1;
        return nv_period_make(type, y, number(s + 5, 2), out);
    case NV_QUARTER: /* 2025Q1 */
        if (len != 6 || s[4] != 'Q' || !digits(s + 5, 1))
            return -1;
        return nv_period_make(type, y, number(s + 5, 1), out);
    case NV_TERTIAL: /* 2025T1 */
        if (len != 6 || s[4] != 'T' || !digits(s + 5, 1))
            return -1;
        return nv_period_make(type, y, number(s + 5, 1), out);
    case NV_YEAR:
        if (len != 4)
            return -1;
        return nv_period_make(type, y, 0, out);
    case NV_HALF: /* 2025H1 */
        if (len != 6 || s[4] != 'H' || !digits(s + 5, 1))
            return -1;
        return nv_period_make(type, y, number(s + 5, 1), out);
    }
    return -1;
}

int nv_period_parse_any(const char *s, nv_period *out)
{
    static const nv_period_type types[] = {NV_WEEK, NV_MONTH, NV_QUARTER, NV_TERTIAL, NV_YEAR, NV_HALF};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (nv_period_parse(types[k], s, out) == 0)
            return 0;
    return -1;
}

const char *nv_period_example(nv_period_type type)
{
    static const char *const examples[] = {"2025-W09", "2025-03", "2025Q1", "2025T1", "2025", "2025H1"};
    return (unsigned)type < 6 ? examples[type] : "?";
}

const char *nv_period_name(nv_period_type type)
{
    static const char *const names[] = {"ISO week", "month", "quarter", "tertial", "year", "half-year"};
    return (unsigned)type < 6 ? names[type] : "?";
}

nv_date nv_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return (nv_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int nv_date_cmp(nv_date a, nv_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

void nv_date_format(nv_date d, char out[11])
{
    /* The unsigned ranges tell the compiler the text fits (years 0-9999). */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}
