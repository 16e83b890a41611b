/* Agreement date arithmetic (core/workplan/agreement_dates.c) and activity deadline windows
 * (core/workplan/deadline.c): renewals across several terms, notice dates, notice given,
 * follow-up due dates, leap years and month ends. */
#include "check.h"
#include "core/workplan/agreement_dates.h"
#include "core/workplan/deadline.h"

#include <stdio.h>

static struct date D(const char *s)
{
    struct date d = {0, 0, 0};
    if (date_parse(s, &d) != 0)
        fprintf(stderr, "bad test date %s\n", s);
    return d;
}

static const char *S(struct date d)
{
    static char buf[8][11];
    static int i;
    i = (i + 1) % 8;
    date_format(d, buf[i]);
    return buf[i];
}

TEST(add_months_clamps_to_the_month_end)
{
    CHECK_STR(S(date_add_months(D("2024-01-31"), 1)), "2024-02-29");
    CHECK_STR(S(date_add_months(D("2025-01-31"), 1)), "2025-02-28");
    CHECK_STR(S(date_add_months(D("2024-02-29"), 12)), "2025-02-28");
    CHECK_STR(S(date_add_months(D("2024-02-29"), 48)), "2028-02-29");
    CHECK_STR(S(date_add_months(D("2025-03-31"), -1)), "2025-02-28");
    CHECK_STR(S(date_add_months(D("2025-01-15"), -13)), "2023-12-15");
    CHECK_STR(S(date_add_months(D("2023-12-31"), 0)), "2023-12-31");
    CHECK_STR(S(date_next_day(D("2024-02-28"))), "2024-02-29");
    CHECK_STR(S(date_next_day(D("2023-02-28"))), "2023-03-01");
    CHECK_STR(S(date_next_day(D("2024-12-31"))), "2025-01-01");
    CHECK_STR(S(date_prev_day(D("2024-03-01"))), "2024-02-29");
    CHECK_STR(S(date_prev_day(D("2025-01-01"))), "2024-12-31");
}

TEST(span_end)
{
    CHECK_STR(S(date_span_end(D("2024-01-01"), 12)), "2024-12-31");
    CHECK_STR(S(date_span_end(D("2022-01-01"), 6)), "2022-06-30");
    CHECK_STR(S(date_span_end(D("2020-04-01"), 12)), "2021-03-31");
    CHECK_STR(S(date_span_end(D("2024-02-29"), 12)), "2025-02-28");
    CHECK_STR(S(date_span_end(D("2024-02-29"), 48)), "2028-02-28");
    CHECK_STR(S(date_span_end(D("2024-03-01"), 24)), "2026-02-28");
    CHECK_STR(S(date_span_end(D("2026-03-01"), 24)), "2028-02-29");
    CHECK_STR(S(date_span_end(D("2024-01-31"), 1)), "2024-02-29");
    CHECK_STR(S(date_span_end(D("2022-10-15"), 48)), "2026-10-14");
}

TEST(term_ends_through_several_renewals)
{
    /* Överenskommelse om samverkan kring barn och unga: to 2023-12-31, two years at a time. */
    struct date e = D("2023-12-31");
    CHECK_STR(S(agreement_term_end(e, 24, 0)), "2023-12-31");
    CHECK_STR(S(agreement_term_end(e, 24, 1)), "2025-12-31");
    CHECK_STR(S(agreement_term_end(e, 24, 2)), "2027-12-31");
    CHECK_STR(S(agreement_term_end(e, 24, 5)), "2033-12-31");
    /* Ramavtal ungdomshälsa ends on the 30th of December. */
    CHECK_STR(S(agreement_term_end(D("2022-12-30"), 24, 1)), "2024-12-30");
    CHECK_STR(S(agreement_term_end(D("2022-12-30"), 24, 2)), "2026-12-30");
    /* An end date of 29 February: the next terms end on the last day of February, without
     * drifting to the 28th in leap years. */
    struct date leap = D("2024-02-29");
    CHECK_STR(S(agreement_term_end(leap, 24, 1)), "2026-02-28");
    CHECK_STR(S(agreement_term_end(leap, 24, 2)), "2028-02-29");
    CHECK_STR(S(agreement_term_end(leap, 24, 3)), "2030-02-28");
    CHECK_STR(S(agreement_term_end(leap, 24, 4)), "2032-02-29");
    CHECK_STR(S(agreement_term_end(leap, 12, 1)), "2025-02-28");
    CHECK_STR(S(agreement_term_end(leap, 12, 4)), "2028-02-29");
    /* 28 February in a common year renews into a leap year's 29th. */
    CHECK_STR(S(agreement_term_end(D("2023-02-28"), 12, 1)), "2024-02-29");
    CHECK_STR(S(agreement_term_end(D("2023-02-28"), 12, 2)), "2025-02-28");
    /* A mid-month end keeps its day. */
    CHECK_STR(S(agreement_term_end(D("2024-06-14"), 36, 3)), "2033-06-14");
}

TEST(notice_deadlines)
{
    CHECK_STR(S(agreement_notice_deadline(D("2025-12-31"), 12)), "2024-12-31");
    CHECK_STR(S(agreement_notice_deadline(D("2024-12-30"), 12)), "2023-12-30");
    CHECK_STR(S(agreement_notice_deadline(D("2028-02-29"), 12)), "2027-02-28");
    CHECK_STR(S(agreement_notice_deadline(D("2026-02-28"), 12)), "2025-02-28");
    /* Month end to month end: 29 February 2024 + 12 months is 28 February 2025. */
    CHECK_STR(S(agreement_notice_deadline(D("2025-02-28"), 12)), "2024-02-29");
    CHECK_STR(S(agreement_notice_deadline(D("2025-06-30"), 1)), "2025-05-31");
    CHECK_STR(S(agreement_notice_deadline(D("2025-06-15"), 3)), "2025-03-15");
    CHECK_STR(S(agreement_notice_deadline(D("2025-03-30"), 1)), "2025-02-28");
}

/* For every day of 2020-2032 and every notice of 1-36 months: the deadline d is the latest
 * day with d + months <= end. */
TEST(notice_deadline_is_the_latest_day)
{
    int bad = 0;
    for (struct date e = D("2020-01-01"); date_compare(e, D("2032-12-31")) <= 0; e = date_next_day(e)) {
        for (int m = 1; m <= 36 && bad < 5; m++) {
            struct date d = agreement_notice_deadline(e, m);
            if (date_compare(date_add_months(d, m), e) > 0 ||
                date_compare(date_add_months(date_next_day(d), m), e) <= 0) {
                fprintf(stderr, "deadline of %s, %d months: %s\n", S(e), m, S(d));
                bad++;
            }
        }
    }
    CHECK(bad == 0);
}

/* Renewed terms follow each other without gaps or overlaps and each lasts the renewal period
 * (give or take the days a month end adds or takes). */
TEST(terms_are_contiguous)
{
    int bad = 0;
    for (struct date e = D("2023-01-01"); date_compare(e, D("2025-12-31")) <= 0; e = date_next_day(e)) {
        for (int k = 1; k <= 6; k++) {
            struct date prev = agreement_term_end(e, 24, k - 1), cur = agreement_term_end(e, 24, k);
            struct date start = date_next_day(prev);
            int days = date_span_days(start, cur), exact = date_span_days(start, date_span_end(start, 24));
            if (date_compare(cur, prev) <= 0 || days < exact - 3 || days > exact + 3) {
                if (bad++ < 5)
                    fprintf(stderr, "term %d of %s: %s\n", k, S(e), S(cur));
            }
        }
    }
    CHECK(bad == 0);
}

static struct agreement_terms renewing(const char *start, const char *end, int years,
                                       enum notice_rule rule, int notice_months)
{
    struct agreement_terms t = {0};
    if (start) {
        t.has_start = 1;
        t.start = D(start);
    }
    if (end) {
        t.has_end = 1;
        t.end = D(end);
    }
    t.renewal_months = years * 12;
    t.notice_rule = rule;
    t.notice_months = notice_months;
    return t;
}

TEST(status_through_renewals)
{
    struct agreement_terms t = renewing("2020-04-01", "2023-12-31", 2, NOTICE_BEFORE_END, 12);
    struct agreement_status s;

    CHECK(agreement_status_at(&t, D("2023-06-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE && s.renewals == 0);
    CHECK_STR(S(s.term_start), "2020-04-01");
    CHECK_STR(S(s.term_end), "2023-12-31");
    /* Notice for the first term was due by 2022-12-31: too late, the next is for 2025-12-31. */
    CHECK(s.has_next_notice);
    CHECK_STR(S(s.next_notice), "2024-12-31");
    CHECK_STR(S(s.earliest_end), "2025-12-31");

    CHECK(agreement_status_at(&t, D("2024-06-01"), &s) == 0);
    CHECK(s.renewals == 1);
    CHECK_STR(S(s.term_start), "2024-01-01");
    CHECK_STR(S(s.term_end), "2025-12-31");
    CHECK_STR(S(s.next_notice), "2024-12-31");
    CHECK_STR(S(s.earliest_end), "2025-12-31");

    /* On the deadline itself notice is still in time. */
    CHECK(agreement_status_at(&t, D("2024-12-31"), &s) == 0);
    CHECK_STR(S(s.next_notice), "2024-12-31");
    /* The day after, the term will renew: the next notice date is a term later. */
    CHECK(agreement_status_at(&t, D("2025-01-01"), &s) == 0);
    CHECK_STR(S(s.term_end), "2025-12-31");
    CHECK_STR(S(s.next_notice), "2026-12-31");
    CHECK_STR(S(s.earliest_end), "2027-12-31");

    /* On the last day of a term that term is in force; the day after, the next. */
    CHECK(agreement_status_at(&t, D("2025-12-31"), &s) == 0);
    CHECK(s.renewals == 1);
    CHECK(agreement_status_at(&t, D("2026-01-01"), &s) == 0);
    CHECK(s.renewals == 2);
    CHECK_STR(S(s.term_start), "2026-01-01");
    CHECK_STR(S(s.term_end), "2027-12-31");
    CHECK_STR(S(s.next_notice), "2026-12-31");

    /* Many renewals later. */
    CHECK(agreement_status_at(&t, D("2041-02-03"), &s) == 0);
    CHECK(s.renewals == 9);
    CHECK_STR(S(s.term_end), "2041-12-31");
    CHECK_STR(S(s.next_notice), "2042-12-31");
    CHECK(s.notice_assumed == 0 && s.has_final_end == 0);
}

TEST(status_with_a_leap_day_end)
{
    struct agreement_terms t = renewing("2021-03-01", "2024-02-29", 2, NOTICE_BEFORE_END, 12);
    struct agreement_status s;
    CHECK(agreement_status_at(&t, D("2024-02-29"), &s) == 0);
    CHECK(s.renewals == 0);
    CHECK_STR(S(s.term_end), "2024-02-29");
    CHECK(agreement_status_at(&t, D("2024-03-01"), &s) == 0);
    CHECK(s.renewals == 1);
    CHECK_STR(S(s.term_end), "2026-02-28");
    CHECK_STR(S(s.next_notice), "2025-02-28");
    CHECK(agreement_status_at(&t, D("2025-03-01"), &s) == 0);
    CHECK_STR(S(s.next_notice), "2027-02-28");
    CHECK_STR(S(s.earliest_end), "2028-02-29");
    CHECK(agreement_status_at(&t, D("2026-03-01"), &s) == 0);
    CHECK(s.renewals == 2);
    CHECK_STR(S(s.term_start), "2026-03-01");
    CHECK_STR(S(s.term_end), "2028-02-29");
    CHECK_STR(S(s.next_notice), "2027-02-28");
    CHECK(agreement_status_at(&t, D("2028-02-29"), &s) == 0);
    CHECK(s.renewals == 2);
    CHECK(agreement_status_at(&t, D("2028-03-01"), &s) == 0);
    CHECK(s.renewals == 3);
    CHECK_STR(S(s.term_end), "2030-02-28");
    CHECK_STR(S(s.next_notice), "2029-02-28");
}

TEST(status_after_notice)
{
    struct agreement_terms t = renewing("2020-04-01", "2023-12-31", 2, NOTICE_BEFORE_END, 12);
    struct agreement_status s;
    /* Notice in time for the term ending 2027-12-31. */
    t.has_notice_given = 1;
    t.notice_given = D("2026-12-31");
    CHECK(agreement_status_at(&t, D("2027-03-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE && s.has_final_end);
    CHECK_STR(S(s.final_end), "2027-12-31");
    CHECK_STR(S(s.term_end), "2027-12-31");
    CHECK(!s.has_next_notice);
    CHECK(agreement_status_at(&t, D("2028-01-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_ENDED);
    CHECK_STR(S(s.term_end), "2027-12-31");
    CHECK(s.renewals == 2);
    /* A day late: it runs one more term. */
    t.notice_given = D("2027-01-01");
    CHECK(agreement_status_at(&t, D("2028-01-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE);
    CHECK_STR(S(s.final_end), "2029-12-31");
}

TEST(status_with_notice_from_the_notice_date)
{
    /* Avtal läkarmedverkan: from 2022-01-01 until further notice, one year from notice. */
    struct agreement_terms t = renewing("2022-01-01", NULL, 0, NOTICE_FROM_NOTICE_DATE, 12);
    struct agreement_status s;
    CHECK(agreement_status_at(&t, D("2025-03-15"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE && !s.has_end && !s.has_next_notice);
    CHECK(s.has_earliest_end);
    CHECK_STR(S(s.earliest_end), "2026-03-15");
    CHECK(agreement_status_at(&t, D("2024-02-29"), &s) == 0);
    CHECK_STR(S(s.earliest_end), "2025-02-28");
    t.has_notice_given = 1;
    t.notice_given = D("2025-03-15");
    CHECK(agreement_status_at(&t, D("2026-03-15"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE && s.has_end);
    CHECK_STR(S(s.term_end), "2026-03-15");
    CHECK(agreement_status_at(&t, D("2026-03-16"), &s) == 0);
    CHECK(s.state == AGREEMENT_ENDED);
}

TEST(status_with_unstated_or_missing_rules)
{
    struct agreement_status s;
    /* "Förlängs med två år om ingen part säger upp. Uppsägningstid 1 år.": read as notice a
     * year before the end of a term, and say so. */
    struct agreement_terms t = renewing("2018-01-01", "2023-12-31", 2, NOTICE_UNSPECIFIED, 12);
    CHECK(agreement_status_at(&t, D("2025-06-01"), &s) == 0);
    CHECK(s.notice_assumed);
    CHECK_STR(S(s.term_end), "2025-12-31");
    CHECK_STR(S(s.next_notice), "2026-12-31");
    /* "12 månader innan avtalets utgång" for an agreement until further notice. */
    t = renewing("2022-01-01", NULL, 0, NOTICE_BEFORE_END, 12);
    CHECK(agreement_status_at(&t, D("2025-06-01"), &s) == 0);
    CHECK(s.notice_assumed && !s.has_end && !s.has_next_notice);
    CHECK_STR(S(s.earliest_end), "2026-06-01");
    /* No notice stated, until further notice: nothing to compute. */
    t = renewing("2014-01-01", NULL, 0, NOTICE_NONE, 0);
    CHECK(agreement_status_at(&t, D("2025-06-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE && !s.has_end && !s.has_next_notice && !s.has_earliest_end);
    /* A fixed term without renewal ends. */
    t = renewing("2020-01-01", "2024-12-31", 0, NOTICE_NONE, 0);
    CHECK(agreement_status_at(&t, D("2024-12-31"), &s) == 0);
    CHECK(s.state == AGREEMENT_IN_FORCE);
    CHECK(agreement_status_at(&t, D("2025-01-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_ENDED);
    /* Not started yet. */
    t = renewing("2030-01-01", "2031-12-31", 1, NOTICE_BEFORE_END, 3);
    CHECK(agreement_status_at(&t, D("2029-06-01"), &s) == 0);
    CHECK(s.state == AGREEMENT_UPCOMING);
    CHECK_STR(S(s.term_end), "2031-12-31");
    CHECK_STR(S(s.next_notice), "2031-09-30");
    /* Inconsistent terms. */
    t = renewing("2020-01-01", NULL, 2, NOTICE_BEFORE_END, 12);
    CHECK(agreement_status_at(&t, D("2025-01-01"), &s) == -1);
    t = renewing("2020-01-01", "2019-12-31", 0, NOTICE_NONE, 0);
    CHECK(agreement_status_at(&t, D("2025-01-01"), &s) == -1);
    t = renewing("2020-01-01", "2021-12-31", 0, NOTICE_NONE, 12);
    CHECK(agreement_status_at(&t, D("2025-01-01"), &s) == -1);
}

TEST(notice_rules_parse)
{
    CHECK(notice_rule_parse("before_end_of_term") == NOTICE_BEFORE_END);
    CHECK(notice_rule_parse("from_notice_date") == NOTICE_FROM_NOTICE_DATE);
    CHECK(notice_rule_parse("unspecified") == NOTICE_UNSPECIFIED);
    CHECK(notice_rule_parse("soon") == NOTICE_NONE);
    CHECK(notice_rule_parse(NULL) == NOTICE_NONE);
}

TEST(follow_up_due_dates)
{
    /* Yearly from 2022-01-01 (HVB occupancy): the end of each year. */
    CHECK_STR(S(followup_due(D("2022-01-01"), 12, 1)), "2022-12-31");
    CHECK_STR(S(followup_due(D("2022-01-01"), 12, 3)), "2024-12-31");
    /* Half-yearly. */
    CHECK_STR(S(followup_due(D("2022-01-01"), 6, 5)), "2024-06-30");
    CHECK_STR(S(followup_due(D("2022-01-01"), 6, 6)), "2024-12-31");
    /* Every third year from 2022-01-01 (läkarmedverkan). */
    CHECK_STR(S(followup_due(D("2022-01-01"), 36, 1)), "2024-12-31");
    CHECK_STR(S(followup_due(D("2022-01-01"), 36, 2)), "2027-12-31");
    /* Yearly from 1 April. */
    CHECK_STR(S(followup_due(D("2020-04-01"), 12, 5)), "2025-03-31");
    /* The end of each term of office (from 2022-10-15, four years). */
    CHECK_STR(S(followup_due(D("2022-10-15"), 48, 1)), "2026-10-14");
    CHECK_STR(S(followup_due(D("2022-10-15"), 48, 2)), "2030-10-14");
    /* From 29 February: each span ends on the last day before the anniversary. */
    CHECK_STR(S(followup_due(D("2024-02-29"), 12, 1)), "2025-02-28");
    CHECK_STR(S(followup_due(D("2024-02-29"), 12, 3)), "2027-02-28");
    CHECK_STR(S(followup_due(D("2024-02-29"), 12, 4)), "2028-02-28");

    CHECK(followup_first_on_or_after(D("2022-01-01"), 12, D("2024-01-01")) == 3);
    CHECK(followup_first_on_or_after(D("2022-01-01"), 12, D("2024-12-31")) == 3);
    CHECK(followup_first_on_or_after(D("2022-01-01"), 12, D("2025-01-01")) == 4);
    CHECK(followup_first_on_or_after(D("2022-01-01"), 6, D("2024-01-01")) == 5);
    CHECK(followup_first_on_or_after(D("2022-01-01"), 12, D("2019-05-05")) == 1);
    CHECK(followup_first_on_or_after(D("2022-10-15"), 48, D("2024-01-01")) == 1);
    CHECK(followup_first_on_or_after(D("2022-10-15"), 48, D("2026-10-15")) == 2);
    /* Against a plain scan. */
    int bad = 0;
    struct date a = D("2024-02-29");
    for (struct date d = D("2023-01-01"); date_compare(d, D("2031-01-01")) < 0; d = date_next_day(d)) {
        int k = followup_first_on_or_after(a, 12, d), want = 1;
        while (date_compare(followup_due(a, 12, want), d) < 0)
            want++;
        bad += k != want;
    }
    CHECK(bad == 0);
}

TEST(deadline_windows)
{
    struct deadline_window w;
    CHECK(deadline_window_parse("Info och beslut vt 2025", &w) == 0);
    CHECK_STR(w.term, "vt");
    CHECK(w.year == 2025);
    CHECK_STR(S(w.from), "2025-01-01");
    CHECK_STR(S(w.to), "2025-06-30");
    CHECK(deadline_window_parse("Påbörjas vt 2025", &w) == 0);
    CHECK_STR(S(w.to), "2025-06-30");
    CHECK(deadline_window_parse("Beslut HT 2026.", &w) == 0);
    CHECK_STR(w.term, "ht");
    CHECK_STR(S(w.from), "2026-08-01");
    CHECK_STR(S(w.to), "2026-12-31");
    CHECK(deadline_window_parse("under våren 2027", &w) == 0);
    CHECK_STR(S(w.from), "2027-01-01");
    CHECK(deadline_window_parse("Info och beslut årsskiftet", &w) == -1);
    CHECK(deadline_window_parse("vt", &w) == -1);
    CHECK(deadline_window_parse("vt 20255", &w) == -1);
    CHECK(deadline_window_parse("avvt 2025", &w) == -1);
    CHECK(deadline_window_parse(NULL, &w) == -1);
}

int main(void)
{
    RUN(add_months_clamps_to_the_month_end);
    RUN(span_end);
    RUN(term_ends_through_several_renewals);
    RUN(notice_deadlines);
    RUN(notice_deadline_is_the_latest_day);
    RUN(terms_are_contiguous);
    RUN(status_through_renewals);
    RUN(status_with_a_leap_day_end);
    RUN(status_after_notice);
    RUN(status_with_notice_from_the_notice_date);
    RUN(status_with_unstated_or_missing_rules);
    RUN(notice_rules_parse);
    RUN(follow_up_due_dates);
    RUN(deadline_windows);
    return check_failures != 0;
}
