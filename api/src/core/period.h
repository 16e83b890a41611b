/* Reporting periods: year "2025", half-year "2025H1", tertial "2025T1" (Swedish regions report
 * per tertial), quarter "2025Q1", month "2025-03" and ISO week "2025-W09". Pure: no I/O. */
#ifndef LGVO_CORE_PERIOD_H
#define LGVO_CORE_PERIOD_H

#include <stddef.h>

enum period_type {
    PERIOD_NONE = 0,
    PERIOD_YEAR,
    PERIOD_HALF,
    PERIOD_TERTIAL,
    PERIOD_QUARTER,
    PERIOD_MONTH,
    PERIOD_WEEK,
};

struct date {
    int year, month, day;
};

struct period {
    enum period_type type;
    int year;
    int number;       /* half 1-2, tertial 1-3, quarter 1-4, month 1-12, week 1-53; 0 for a year */
    struct date start; /* first day */
    struct date end;   /* last day */
};

/* Parses text into *out. Returns 0, or -1 when the text is no period of any type. */
int period_parse(const char *text, struct period *out);
/* "year", "half", "tertial", "quarter", "month", "week" and back; NULL / PERIOD_NONE if unknown. */
const char *period_type_name(enum period_type t);
enum period_type period_type_parse(const char *name);
/* An example of the type ("2025-03"), for error messages. */
const char *period_type_example(enum period_type t);
/* The canonical text of p into out (at least 16 bytes). */
void period_format(const struct period *p, char *out, size_t outlen);
/* The period of type t containing d. */
void period_containing(enum period_type t, struct date d, struct period *out);
/* Adds n periods of p's type (n may be negative). */
void period_add(const struct period *p, int n, struct period *out);

int date_compare(struct date a, struct date b);
int date_valid(struct date d);
/* Parses "YYYY-MM-DD"; returns 0 or -1. */
int date_parse(const char *text, struct date *out);
void date_format(struct date d, char out[11]);
int days_in_month(int year, int month);
/* Number of days from a to b inclusive. */
int date_span_days(struct date a, struct date b);
/* Today's date (UTC). */
struct date date_today(void);

#endif
