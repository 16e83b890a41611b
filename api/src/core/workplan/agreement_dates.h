/* Date arithmetic for agreements (överenskommelser och avtal): the term in force through
 * automatic renewals, the last day to give notice, the end that notice brings, and the due
 * dates of scheduled follow-ups. Pure: no I/O, no clock (the caller passes "as of").
 *
 * Terms and spans are anchored, never stepped, so month ends do not drift: an agreement that
 * ends on 29 February 2024 and renews for two years at a time ends on 28 February 2026, then
 * on 29 February 2028. */
#ifndef LGVO_CORE_WORKPLAN_AGREEMENT_DATES_H
#define LGVO_CORE_WORKPLAN_AGREEMENT_DATES_H

#include "core/period.h"

struct date date_next_day(struct date d);
struct date date_prev_day(struct date d);
/* d + n months (n may be negative); a day the target month lacks becomes its last day
 * (2024-01-31 + 1 month = 2024-02-29). */
struct date date_add_months(struct date d, int n);
/* The last day of the span of `months` months that starts on `start`: the day before the
 * corresponding day `months` later, or, when that month has no such day, its last day.
 * (2024-01-01, 12) = 2024-12-31; (2024-02-29, 12) = 2025-02-28; (2024-03-01, 24) = 2026-02-28;
 * (2026-03-01, 24) = 2028-02-29. */
struct date date_span_end(struct date start, int months);

enum notice_rule {
    NOTICE_NONE = 0,
    NOTICE_BEFORE_END,       /* notice at least N months before the end of a term */
    NOTICE_FROM_NOTICE_DATE, /* the agreement ends N months after notice is given */
    NOTICE_UNSPECIFIED,      /* N months, relative to what not said */
};
/* "before_end_of_term", "from_notice_date", "unspecified"; NOTICE_NONE for NULL or unknown. */
enum notice_rule notice_rule_parse(const char *name);

struct agreement_terms {
    int has_start;
    struct date start;        /* valid from */
    int has_end;
    struct date end;          /* end of the first term as printed; has_end 0 = until further notice */
    int renewal_months;       /* renews automatically by this much at a time unless notice; 0 = never */
    enum notice_rule notice_rule;
    int notice_months;        /* 0 with NOTICE_NONE */
    int has_notice_given;
    struct date notice_given; /* a party gave notice on this date */
};

enum agreement_state { AGREEMENT_UPCOMING, AGREEMENT_IN_FORCE, AGREEMENT_ENDED };

struct agreement_status {
    enum agreement_state state;
    /* The term in force as of the date (the last one once ended); has_end 0 = until further
     * notice. term_start is unknown (has_term_start 0) for a first term without a start. */
    int has_end;
    struct date term_end;
    int has_term_start;
    struct date term_start;
    int renewals;             /* automatic renewals up to that term */
    /* The last day notice can be given to end the agreement at notice_ends (before the end of
     * a term: this term's when still ahead, else the next term's). */
    int has_next_notice;
    struct date next_notice;
    /* The earliest end if notice were given on the date (before_end: notice_ends). */
    int has_earliest_end;
    struct date earliest_end;
    /* The rule was not stated: read as "before the end of a term" when the agreement renews,
     * else as running from the notice date. */
    int notice_assumed;
    /* Notice was given: the agreement ends on final_end and does not renew. */
    int has_final_end;
    struct date final_end;
};

/* Computes the status as of `as_of`. Returns 0, or -1 when the terms are inconsistent
 * (renewal without an end date, invalid dates, notice months without a rule). */
int agreement_status_at(const struct agreement_terms *t, struct date as_of,
                        struct agreement_status *out);

/* The end of term k (0 = as printed) of an agreement ending on `end` and renewing by
 * renewal_months: the term after `end` starts the next day and runs renewal_months. */
struct date agreement_term_end(struct date end, int renewal_months, int k);
/* The last day to give notice `months` before the end of a term ending on `term_end`: the
 * latest day d with d + months <= term_end. */
struct date agreement_notice_deadline(struct date term_end, int months);

/* The due date of the k-th (k >= 1) follow-up of a cadence of every_months from anchor: the
 * last day of the k-th span. */
struct date followup_due(struct date anchor, int every_months, int k);
/* The smallest k >= 1 whose due date is on or after d. */
int followup_first_on_or_after(struct date anchor, int every_months, struct date d);

#endif
