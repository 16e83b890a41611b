/* Agreement date arithmetic; see agreement_dates.h. Pure: no I/O. */
#include "core/workplan/agreement_dates.h"

#include <stddef.h>
#include <string.h>

struct date date_next_day(struct date d)
{
    if (d.day < days_in_month(d.year, d.month))
        return (struct date){d.year, d.month, d.day + 1};
    if (d.month < 12)
        return (struct date){d.year, d.month + 1, 1};
    return (struct date){d.year + 1, 1, 1};
}

struct date date_prev_day(struct date d)
{
    if (d.day > 1)
        return (struct date){d.year, d.month, d.day - 1};
    if (d.month > 1)
        return (struct date){d.year, d.month - 1, days_in_month(d.year, d.month - 1)};
    return (struct date){d.year - 1, 12, 31};
}

/* The year and month n months after d's month. */
static void month_shift(struct date d, int n, int *year, int *month)
{
    long total = (long)d.year * 12 + (d.month - 1) + n;
    *year = (int)(total / 12);
    *month = (int)(total % 12) + 1;
}

struct date date_add_months(struct date d, int n)
{
    int y, m;
    month_shift(d, n, &y, &m);
    int last = days_in_month(y, m);
    return (struct date){y, m, d.day < last ? d.day : last};
}

struct date date_span_end(struct date start, int months)
{
    int y, m;
    month_shift(start, months, &y, &m);
    int last = days_in_month(y, m);
    if (start.day > last)
        return (struct date){y, m, last};
    return date_prev_day((struct date){y, m, start.day});
}

enum notice_rule notice_rule_parse(const char *name)
{
    if (!name)
        return NOTICE_NONE;
    if (strcmp(name, "before_end_of_term") == 0)
        return NOTICE_BEFORE_END;
    if (strcmp(name, "from_notice_date") == 0)
        return NOTICE_FROM_NOTICE_DATE;
    if (strcmp(name, "unspecified") == 0)
        return NOTICE_UNSPECIFIED;
    return NOTICE_NONE;
}

struct date agreement_term_end(struct date end, int renewal_months, int k)
{
    if (k <= 0 || renewal_months <= 0)
        return end;
    return date_span_end(date_next_day(end), k * renewal_months);
}

struct date agreement_notice_deadline(struct date term_end, int months)
{
    /* Month end to month end: notice 12 months before 28 February 2025 may be given on
     * 29 February 2024 (29 February + 12 months = 28 February). Otherwise the same day
     * `months` earlier, or the last day of that month when it is shorter. */
    if (term_end.day == days_in_month(term_end.year, term_end.month)) {
        int y, m;
        month_shift(term_end, -months, &y, &m);
        return (struct date){y, m, days_in_month(y, m)};
    }
    return date_add_months(term_end, -months);
}

static long months_between(struct date a, struct date b)
{
    return ((long)b.year * 12 + b.month) - ((long)a.year * 12 + a.month);
}

struct date followup_due(struct date anchor, int every_months, int k)
{
    return date_span_end(anchor, k * every_months);
}

int followup_first_on_or_after(struct date anchor, int every_months, struct date d)
{
    long est = months_between(anchor, d) / every_months - 1;
    int k = est > 1 ? (int)est : 1;
    while (date_compare(followup_due(anchor, every_months, k), d) < 0)
        k++;
    while (k > 1 && date_compare(followup_due(anchor, every_months, k - 1), d) >= 0)
        k--;
    return k;
}

/* The first term k >= 0 whose end is on or after d. */
static int term_containing(struct date end, int renewal_months, struct date d)
{
    long est = months_between(end, d) / renewal_months - 1;
    int k = est > 0 ? (int)est : 0;
    while (date_compare(agreement_term_end(end, renewal_months, k), d) < 0)
        k++;
    while (k > 0 && date_compare(agreement_term_end(end, renewal_months, k - 1), d) >= 0)
        k--;
    return k;
}

/* The first term k >= 0 whose notice deadline is on or after d. */
static int term_for_notice(struct date end, int renewal_months, int months, struct date d)
{
    int k = term_containing(end, renewal_months, d);
    while (k > 0 &&
           date_compare(agreement_notice_deadline(agreement_term_end(end, renewal_months, k - 1), months), d) >= 0)
        k--;
    while (date_compare(agreement_notice_deadline(agreement_term_end(end, renewal_months, k), months), d) < 0)
        k++;
    return k;
}

static int terms_valid(const struct agreement_terms *t)
{
    if ((t->has_start && !date_valid(t->start)) || (t->has_end && !date_valid(t->end)) ||
        (t->has_notice_given && !date_valid(t->notice_given)))
        return 0;
    if (t->has_start && t->has_end && date_compare(t->end, t->start) < 0)
        return 0;
    if (t->renewal_months < 0 || t->renewal_months > 1200 || (t->renewal_months > 0 && !t->has_end))
        return 0;
    if (t->notice_months < 0 || t->notice_months > 1200 ||
        (t->notice_rule == NOTICE_NONE) != (t->notice_months == 0))
        return 0;
    return 1;
}

int agreement_status_at(const struct agreement_terms *t, struct date as_of,
                        struct agreement_status *o)
{
    memset(o, 0, sizeof *o);
    if (!date_valid(as_of) || !terms_valid(t))
        return -1;
    int renews = t->has_end && t->renewal_months > 0;
    enum notice_rule rule = t->notice_rule;
    if (rule == NOTICE_UNSPECIFIED || (rule == NOTICE_BEFORE_END && !renews && !t->has_end)) {
        /* Not stated, or "before the end" of an agreement that has no end. */
        o->notice_assumed = 1;
        rule = renews ? NOTICE_BEFORE_END : NOTICE_FROM_NOTICE_DATE;
    }

    /* Notice given: where it ends. */
    int last_term = -1; /* the final term index, when notice ends a renewing agreement */
    if (t->has_notice_given) {
        o->has_final_end = 1;
        if (rule == NOTICE_BEFORE_END && renews) {
            last_term = term_for_notice(t->end, t->renewal_months, t->notice_months, t->notice_given);
            o->final_end = agreement_term_end(t->end, t->renewal_months, last_term);
        } else if (rule == NOTICE_NONE) {
            /* No notice period stated: it ends when notice is given (or at its end). */
            o->notice_assumed = 1;
            o->final_end = t->notice_given;
        } else {
            o->final_end = date_add_months(t->notice_given, t->notice_months);
        }
        if (t->has_end && !renews && date_compare(t->end, o->final_end) < 0)
            o->final_end = t->end;
        if (t->has_end && renews && last_term < 0) {
            /* Notice running from its date ends the agreement within the term it falls in. */
            last_term = term_containing(t->end, t->renewal_months, o->final_end);
        }
    }

    /* The term in force (or the last one). */
    int k = 0;
    if (renews) {
        k = term_containing(t->end, t->renewal_months, as_of);
        if (last_term >= 0 && k > last_term)
            k = last_term;
        o->has_end = 1;
        o->term_end = agreement_term_end(t->end, t->renewal_months, k);
    } else if (t->has_end) {
        o->has_end = 1;
        o->term_end = t->end;
    }
    if (o->has_final_end) {
        o->has_end = 1;
        o->term_end = o->final_end;
    }
    o->renewals = k;
    if (k > 0) {
        o->has_term_start = 1;
        o->term_start = date_next_day(agreement_term_end(t->end, t->renewal_months, k - 1));
    } else if (t->has_start) {
        o->has_term_start = 1;
        o->term_start = t->start;
    }

    if (o->has_end && date_compare(as_of, o->term_end) > 0)
        o->state = AGREEMENT_ENDED;
    else if (t->has_start && date_compare(as_of, t->start) < 0)
        o->state = AGREEMENT_UPCOMING;
    else
        o->state = AGREEMENT_IN_FORCE;
    if (o->state == AGREEMENT_ENDED || o->has_final_end)
        return 0;

    /* When notice can still be given, and the end it would bring. */
    if (rule == NOTICE_BEFORE_END && renews) {
        struct date dl = agreement_notice_deadline(o->term_end, t->notice_months);
        int next = date_compare(as_of, dl) > 0;
        o->has_next_notice = 1;
        o->next_notice = next ? agreement_notice_deadline(
                                    agreement_term_end(t->end, t->renewal_months, k + 1),
                                    t->notice_months)
                              : dl;
        o->has_earliest_end = 1;
        o->earliest_end = next ? agreement_term_end(t->end, t->renewal_months, k + 1) : o->term_end;
    } else if (rule == NOTICE_FROM_NOTICE_DATE) {
        struct date from = t->has_start && date_compare(as_of, t->start) < 0 ? t->start : as_of;
        o->has_earliest_end = 1;
        o->earliest_end = date_add_months(from, t->notice_months);
        if (o->has_end && !renews && date_compare(o->term_end, o->earliest_end) < 0)
            o->earliest_end = o->term_end;
    } else if (o->has_end && !renews) {
        o->has_earliest_end = 1;
        o->earliest_end = o->term_end;
    }
    return 0;
}
