/* Dates and periods of the digitalisering plugin. See digi.h. */
#include "digi.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

struct dg_date dg_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm); /* UTC, as the other plugins */
    return (struct dg_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int dg_date_cmp(struct dg_date a, struct dg_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    return (a.day > b.day) - (a.day < b.day);
}

int dg_parse_date(const char *s, struct dg_date *out)
{
    if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return -1;
    struct dg_date d = {number(s, 4), number(s + 5, 2), number(s + 8, 2)};
    if (d.year < 1000 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > month_days(d.year, d.month))
        return -1;
    *out = d;
    return 0;
}

void dg_format_date(struct dg_date d, char out[11])
{
    char buf[48];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int dg_date_member(json_t *errors, json_t *v, const char *path, int future_ok, int required,
                   struct dg_date *out)
{
    struct dg_date d;
    if (!v || json_is_null(v)) {
        if (required)
            dg_error(errors, path, "missing", "is required (a date like 2025-03-31)");
        return -1;
    }
    if (dg_parse_date(json_string_value(v), &d) != 0) {
        dg_error(errors, path, "invalid_date", "must be a date like 2025-03-31");
        return -1;
    }
    if (d.year < DG_FIRST_YEAR) {
        dg_error(errors, path, "too_early", "dates start in %d", DG_FIRST_YEAR);
        return -1;
    }
    if (!future_ok && dg_date_cmp(d, dg_today()) > 0) {
        dg_error(errors, path, "future_date", "must not be in the future");
        return -1;
    }
    *out = d;
    return 0;
}

/* Days since 1970-01-01 and back (civil calendar). */
static long days_from_civil(struct dg_date d)
{
    int y = d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static struct dg_date civil_from_days(long z)
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
    return (struct dg_date){(int)(y + (m <= 2)), m, d};
}

/* Monday of ISO week 1 of year y, in days since 1970-01-01. */
static long iso_week1_monday(int y)
{
    long jan4 = days_from_civil((struct dg_date){y, 1, 4});
    long weekday = ((jan4 % 7) + 7 + 3) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
    return jan4 - weekday;
}

int dg_parse_period(const char *s, const char **type, struct dg_date *start)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 4 || !digits(s, 4) || number(s, 4) < 1000)
        return -1;
    int y = number(s, 4), k = n == 6 && isdigit((unsigned char)s[5]) ? s[5] - '0' : 0;
    if (n == 4) {
        *type = "year";
        *start = (struct dg_date){y, 1, 1};
    } else if (n == 6 && s[4] == 'H' && k >= 1 && k <= 2) {
        *type = "half";
        *start = (struct dg_date){y, k * 6 - 5, 1};
    } else if (n == 6 && s[4] == 'T' && k >= 1 && k <= 3) {
        *type = "tertial";
        *start = (struct dg_date){y, k * 4 - 3, 1};
    } else if (n == 6 && s[4] == 'Q' && k >= 1 && k <= 4) {
        *type = "quarter";
        *start = (struct dg_date){y, k * 3 - 2, 1};
    } else if (n == 7 && s[4] == '-' && digits(s + 5, 2) && number(s + 5, 2) >= 1 && number(s + 5, 2) <= 12) {
        *type = "month";
        *start = (struct dg_date){y, number(s + 5, 2), 1};
    } else if (n == 8 && s[4] == '-' && s[5] == 'W' && digits(s + 6, 2)) {
        int w = number(s + 6, 2);
        long weeks = (iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7;
        if (w < 1 || w > weeks)
            return -1;
        *type = "week";
        *start = civil_from_days(iso_week1_monday(y) + 7L * (w - 1));
    } else {
        return -1;
    }
    return 0;
}
