/* Reporting periods (core/period.c): every period form parses to the right first and last
 * day and formats back canonically; malformed text is refused; ISO weeks around the turn of
 * the year and week 53; leap years; period_add across year ends; period_containing for every
 * day of 2000-2040 (and its consistency with period_add); date parsing and day spans. */
#include "check.h"
#include "core/period.h"

#include <stdlib.h>

static struct date D(int y, int m, int d)
{
    return (struct date){y, m, d};
}

static int same_date(struct date a, struct date b)
{
    return date_compare(a, b) == 0;
}

static struct date next_day(struct date d)
{
    if (d.day < days_in_month(d.year, d.month))
        return D(d.year, d.month, d.day + 1);
    if (d.month < 12)
        return D(d.year, d.month + 1, 1);
    return D(d.year + 1, 1, 1);
}

static void fmt(const struct period *p, char out[16])
{
    period_format(p, out, 16);
}

/* Parses text and checks type, year, number, first and last day and the canonical text. */
static void expect_period(const char *text, enum period_type type, int year, int number,
                          struct date start, struct date end)
{
    struct period p;
    int rc = period_parse(text, &p);
    if (rc != 0) {
        fprintf(stderr, "  period_parse(\"%s\") refused\n", text);
        check_failures++;
        return;
    }
    char out[16], s[11], e[11];
    fmt(&p, out);
    date_format(p.start, s);
    date_format(p.end, e);
    if (p.type != type || p.year != year || p.number != number || !same_date(p.start, start) ||
        !same_date(p.end, end) || strcmp(out, text) != 0) {
        fprintf(stderr, "  %s: type %d year %d number %d %s..%s canonical %s\n", text, p.type, p.year,
                p.number, s, e, out);
        check_failures++;
    }
}

TEST(parses_every_period_form)
{
    expect_period("2025", PERIOD_YEAR, 2025, 0, D(2025, 1, 1), D(2025, 12, 31));
    expect_period("2025H1", PERIOD_HALF, 2025, 1, D(2025, 1, 1), D(2025, 6, 30));
    expect_period("2025H2", PERIOD_HALF, 2025, 2, D(2025, 7, 1), D(2025, 12, 31));
    expect_period("2025T1", PERIOD_TERTIAL, 2025, 1, D(2025, 1, 1), D(2025, 4, 30));
    expect_period("2025T2", PERIOD_TERTIAL, 2025, 2, D(2025, 5, 1), D(2025, 8, 31));
    expect_period("2025T3", PERIOD_TERTIAL, 2025, 3, D(2025, 9, 1), D(2025, 12, 31));
    expect_period("2025Q1", PERIOD_QUARTER, 2025, 1, D(2025, 1, 1), D(2025, 3, 31));
    expect_period("2025Q2", PERIOD_QUARTER, 2025, 2, D(2025, 4, 1), D(2025, 6, 30));
    expect_period("2025Q3", PERIOD_QUARTER, 2025, 3, D(2025, 7, 1), D(2025, 9, 30));
    expect_period("2025Q4", PERIOD_QUARTER, 2025, 4, D(2025, 10, 1), D(2025, 12, 31));
    expect_period("2025-01", PERIOD_MONTH, 2025, 1, D(2025, 1, 1), D(2025, 1, 31));
    expect_period("2025-02", PERIOD_MONTH, 2025, 2, D(2025, 2, 1), D(2025, 2, 28));
    expect_period("2025-04", PERIOD_MONTH, 2025, 4, D(2025, 4, 1), D(2025, 4, 30));
    expect_period("2025-12", PERIOD_MONTH, 2025, 12, D(2025, 12, 1), D(2025, 12, 31));
    expect_period("2025-W09", PERIOD_WEEK, 2025, 9, D(2025, 2, 24), D(2025, 3, 2));
    expect_period("2000", PERIOD_YEAR, 2000, 0, D(2000, 1, 1), D(2000, 12, 31));
    expect_period("1000", PERIOD_YEAR, 1000, 0, D(1000, 1, 1), D(1000, 12, 31));
    expect_period("9999-12", PERIOD_MONTH, 9999, 12, D(9999, 12, 1), D(9999, 12, 31));
}

TEST(leap_years_in_months_quarters_halves_and_tertials)
{
    expect_period("2024-02", PERIOD_MONTH, 2024, 2, D(2024, 2, 1), D(2024, 2, 29));
    expect_period("2000-02", PERIOD_MONTH, 2000, 2, D(2000, 2, 1), D(2000, 2, 29));
    expect_period("2100-02", PERIOD_MONTH, 2100, 2, D(2100, 2, 1), D(2100, 2, 28));
    expect_period("1900-02", PERIOD_MONTH, 1900, 2, D(1900, 2, 1), D(1900, 2, 28));
    expect_period("2024Q1", PERIOD_QUARTER, 2024, 1, D(2024, 1, 1), D(2024, 3, 31));
    CHECK(days_in_month(2024, 2) == 29 && days_in_month(2023, 2) == 28);
    CHECK(days_in_month(2000, 2) == 29 && days_in_month(2100, 2) == 28 && days_in_month(1900, 2) == 28);
    CHECK(days_in_month(2025, 1) == 31 && days_in_month(2025, 4) == 30 && days_in_month(2025, 12) == 31);
    struct period p;
    CHECK(period_parse("2024Q1", &p) == 0 && date_span_days(p.start, p.end) == 91);
    CHECK(period_parse("2025Q1", &p) == 0 && date_span_days(p.start, p.end) == 90);
    CHECK(period_parse("2024", &p) == 0 && date_span_days(p.start, p.end) == 366);
    CHECK(period_parse("2025", &p) == 0 && date_span_days(p.start, p.end) == 365);
    CHECK(period_parse("2100", &p) == 0 && date_span_days(p.start, p.end) == 365);
    CHECK(period_parse("2000", &p) == 0 && date_span_days(p.start, p.end) == 366);
    CHECK(period_parse("2024H1", &p) == 0 && date_span_days(p.start, p.end) == 182);
    CHECK(period_parse("2024T1", &p) == 0 && date_span_days(p.start, p.end) == 121);
    CHECK(period_parse("2025T1", &p) == 0 && date_span_days(p.start, p.end) == 120);
}

TEST(iso_weeks_at_the_turn_of_the_year_and_week_53)
{
    /* Week 1 holds the year's first Thursday; it may start in December. */
    expect_period("2025-W01", PERIOD_WEEK, 2025, 1, D(2024, 12, 30), D(2025, 1, 5));
    expect_period("2025-W52", PERIOD_WEEK, 2025, 52, D(2025, 12, 22), D(2025, 12, 28));
    expect_period("2021-W01", PERIOD_WEEK, 2021, 1, D(2021, 1, 4), D(2021, 1, 10));
    expect_period("2020-W01", PERIOD_WEEK, 2020, 1, D(2019, 12, 30), D(2020, 1, 5));
    expect_period("2004-W01", PERIOD_WEEK, 2004, 1, D(2003, 12, 29), D(2004, 1, 4));
    expect_period("2023-W01", PERIOD_WEEK, 2023, 1, D(2023, 1, 2), D(2023, 1, 8));
    /* Years with 53 weeks: those starting on a Thursday, and leap years starting on a Wednesday. */
    expect_period("2015-W53", PERIOD_WEEK, 2015, 53, D(2015, 12, 28), D(2016, 1, 3));
    expect_period("2020-W53", PERIOD_WEEK, 2020, 53, D(2020, 12, 28), D(2021, 1, 3));
    expect_period("2026-W53", PERIOD_WEEK, 2026, 53, D(2026, 12, 28), D(2027, 1, 3));
    expect_period("2004-W53", PERIOD_WEEK, 2004, 53, D(2004, 12, 27), D(2005, 1, 2));
    expect_period("2009-W53", PERIOD_WEEK, 2009, 53, D(2009, 12, 28), D(2010, 1, 3));
    expect_period("2032-W53", PERIOD_WEEK, 2032, 53, D(2032, 12, 27), D(2033, 1, 2));
    static const int long_years[] = {2004, 2009, 2015, 2020, 2026, 2032, 2037};
    struct period p;
    for (int y = 2000; y <= 2040; y++) {
        int is_long = 0;
        for (size_t i = 0; i < sizeof long_years / sizeof long_years[0]; i++)
            is_long |= long_years[i] == y;
        char text[16];
        snprintf(text, sizeof text, "%d-W53", y);
        int rc = period_parse(text, &p);
        if ((rc == 0) != is_long) {
            fprintf(stderr, "  %s: parse gave %d\n", text, rc);
            check_failures++;
        }
        snprintf(text, sizeof text, "%d-W52", y);
        CHECK(period_parse(text, &p) == 0);
        CHECK(date_span_days(p.start, p.end) == 7);
    }
}

TEST(refuses_malformed_periods)
{
    static const char *const bad[] = {
        "", "2", "25", "202", "20255", "0999", "0000", "20a5", " 2025", "2025 ", "+025",
        "2025H0", "2025H3", "2025h1", "2025H", "2025H12", "2025T0", "2025T4", "2025Q0", "2025Q5",
        "2025q1", "2025X1", "2025-00", "2025-13", "2025-1", "2025-3a", "2025/03", "2025-003",
        "2025-W00", "2025-W53", "2025-W54", "2025-W9", "2025W09", "2025-w09", "2025-W5a",
        "2025-W099", "2025-", "2025-W", "2025-03-01", "２０２５",
    };
    struct period p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (period_parse(bad[i], &p) == 0) {
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
            check_failures++;
        }
    }
    CHECK(period_parse(NULL, &p) != 0);
}

TEST(type_names_and_examples)
{
    static const struct {
        enum period_type t;
        const char *name, *example;
    } types[] = {
        {PERIOD_YEAR, "year", "2025"},       {PERIOD_HALF, "half", "2025H1"},
        {PERIOD_TERTIAL, "tertial", "2025T1"}, {PERIOD_QUARTER, "quarter", "2025Q1"},
        {PERIOD_MONTH, "month", "2025-03"},  {PERIOD_WEEK, "week", "2025-W09"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        CHECK_STR(period_type_name(types[i].t), types[i].name);
        CHECK(period_type_parse(types[i].name) == types[i].t);
        CHECK_STR(period_type_example(types[i].t), types[i].example);
        struct period p;
        CHECK(period_parse(types[i].example, &p) == 0 && p.type == types[i].t);
    }
    CHECK(period_type_name(PERIOD_NONE) == NULL);
    CHECK(period_type_parse("Year") == PERIOD_NONE);
    CHECK(period_type_parse("") == PERIOD_NONE);
    CHECK(period_type_parse(NULL) == PERIOD_NONE);
    CHECK_STR(period_type_example(PERIOD_NONE), "");
}

static void expect_add(const char *from, int n, const char *to)
{
    struct period p, q;
    char out[16];
    if (period_parse(from, &p) != 0) {
        fprintf(stderr, "  cannot parse %s\n", from);
        check_failures++;
        return;
    }
    period_add(&p, n, &q);
    fmt(&q, out);
    struct period expected;
    if (strcmp(out, to) != 0 || period_parse(to, &expected) != 0 || !same_date(q.start, expected.start) ||
        !same_date(q.end, expected.end)) {
        fprintf(stderr, "  %s %+d gave %s, expected %s\n", from, n, out, to);
        check_failures++;
    }
}

TEST(period_add_across_year_ends)
{
    expect_add("2025", 1, "2026");
    expect_add("2025", -25, "2000");
    expect_add("2025", 0, "2025");
    expect_add("2025H1", -1, "2024H2");
    expect_add("2025H2", 1, "2026H1");
    expect_add("2025H1", 5, "2027H2");
    expect_add("2025T3", 1, "2026T1");
    expect_add("2025T1", -1, "2024T3");
    expect_add("2025T2", -7, "2023T1");
    expect_add("2025Q1", -5, "2023Q4");
    expect_add("2025Q4", 1, "2026Q1");
    expect_add("2025-12", 1, "2026-01");
    expect_add("2025-01", -1, "2024-12");
    expect_add("2025-01", -13, "2023-12");
    expect_add("2025-03", 24, "2027-03");
    expect_add("2024-02", 12, "2025-02"); /* the end follows the month's length */
    expect_add("2025-W52", 1, "2026-W01");
    expect_add("2026-W52", 1, "2026-W53");
    expect_add("2026-W53", 1, "2027-W01");
    expect_add("2021-W01", -1, "2020-W53");
    expect_add("2025-W01", -1, "2024-W52");
    expect_add("2025-W09", 52, "2026-W09");
    expect_add("2025-W09", -104, "2023-W09");
    expect_add("2020-W53", 53, "2022-W01");
}

/* For every day from 2000 to 2040 and every type: the containing period holds the day, it
 * formats and parses back to itself, and the next period starts the day after it ends. */
TEST(period_containing_every_day)
{
    static const enum period_type all[] = {PERIOD_YEAR, PERIOD_HALF, PERIOD_TERTIAL, PERIOD_QUARTER,
                                           PERIOD_MONTH, PERIOD_WEEK};
    int failures = 0;
    for (struct date d = D(2000, 1, 1); d.year <= 2040 && failures < 10; d = next_day(d)) {
        for (size_t t = 0; t < sizeof all / sizeof all[0]; t++) {
            struct period p, back, next;
            period_containing(all[t], d, &p);
            char text[16];
            fmt(&p, text);
            int ok = p.type == all[t] && date_compare(p.start, d) <= 0 && date_compare(d, p.end) <= 0 &&
                     period_parse(text, &back) == 0 && same_date(back.start, p.start) &&
                     same_date(back.end, p.end) && back.number == p.number && back.year == p.year;
            period_add(&p, 1, &next);
            ok = ok && same_date(next.start, next_day(p.end));
            if (!ok) {
                char ds[11];
                date_format(d, ds);
                fprintf(stderr, "  %s, type %d: %s\n", ds, (int)all[t], text);
                failures++;
            }
        }
    }
    check_failures += failures;
}

TEST(period_containing_iso_week_years)
{
    struct period p;
    char text[16];
    static const struct {
        struct date d;
        const char *week;
    } cases[] = {
        {{2021, 1, 1}, "2020-W53"}, {{2021, 1, 3}, "2020-W53"}, {{2021, 1, 4}, "2021-W01"},
        {{2024, 12, 30}, "2025-W01"}, {{2024, 12, 29}, "2024-W52"}, {{2027, 1, 3}, "2026-W53"},
        {{2008, 12, 29}, "2009-W01"}, {{2010, 1, 3}, "2009-W53"}, {{2025, 3, 2}, "2025-W09"},
        {{2025, 2, 24}, "2025-W09"}, {{2016, 1, 1}, "2015-W53"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        period_containing(PERIOD_WEEK, cases[i].d, &p);
        fmt(&p, text);
        CHECK_STR(text, cases[i].week);
    }
    period_containing(PERIOD_TERTIAL, D(2025, 4, 30), &p);
    fmt(&p, text);
    CHECK_STR(text, "2025T1");
    period_containing(PERIOD_TERTIAL, D(2025, 5, 1), &p);
    fmt(&p, text);
    CHECK_STR(text, "2025T2");
    period_containing(PERIOD_HALF, D(2025, 7, 1), &p);
    fmt(&p, text);
    CHECK_STR(text, "2025H2");
    period_containing(PERIOD_YEAR, D(2024, 2, 29), &p);
    fmt(&p, text);
    CHECK_STR(text, "2024");
}

TEST(dates)
{
    struct date d;
    CHECK(date_parse("2024-02-29", &d) == 0 && same_date(d, D(2024, 2, 29)));
    CHECK(date_parse("2000-02-29", &d) == 0);
    CHECK(date_parse("2025-12-31", &d) == 0 && same_date(d, D(2025, 12, 31)));
    static const char *const bad[] = {"2025-02-29", "2100-02-29", "2025-04-31", "2025-13-01",
                                      "2025-00-10", "2025-01-00", "2025-1-01", "2025-01-1",
                                      "2025/01/01", "20250101", "2025-01-01T00", "", "0000-01-01",
                                      "2025-01-32", " 2025-01-01", "2025-01-0a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (date_parse(bad[i], &d) == 0) {
            fprintf(stderr, "  accepted date \"%s\"\n", bad[i]);
            check_failures++;
        }
    }
    CHECK(date_parse(NULL, &d) != 0);
    char out[11];
    date_format(D(2025, 3, 9), out);
    CHECK_STR(out, "2025-03-09");
    date_format(D(999, 1, 1), out);
    CHECK_STR(out, "0999-01-01");
    CHECK(date_compare(D(2025, 1, 1), D(2024, 12, 31)) > 0);
    CHECK(date_compare(D(2025, 2, 1), D(2025, 1, 31)) > 0);
    CHECK(date_compare(D(2025, 1, 2), D(2025, 1, 3)) < 0);
    CHECK(date_compare(D(2025, 1, 2), D(2025, 1, 2)) == 0);
    CHECK(date_valid(D(2024, 2, 29)) && !date_valid(D(2023, 2, 29)) && !date_valid(D(0, 1, 1)));
    CHECK(date_span_days(D(2025, 1, 1), D(2025, 1, 1)) == 1);
    CHECK(date_span_days(D(2024, 2, 28), D(2024, 3, 1)) == 3);
    CHECK(date_span_days(D(2023, 2, 28), D(2023, 3, 1)) == 2);
    CHECK(date_span_days(D(1999, 12, 31), D(2000, 1, 1)) == 2);
    CHECK(date_span_days(D(2000, 1, 1), D(2100, 1, 1)) == 36525 + 1);
    CHECK(date_span_days(D(1969, 12, 31), D(1970, 1, 1)) == 2); /* either side of the epoch */
    CHECK(date_span_days(D(2025, 1, 2), D(2025, 1, 1)) == 0);
    struct date today = date_today();
    CHECK(date_valid(today) && today.year >= 2024);
}

int main(void)
{
    RUN(parses_every_period_form);
    RUN(leap_years_in_months_quarters_halves_and_tertials);
    RUN(iso_weeks_at_the_turn_of_the_year_and_week_53);
    RUN(refuses_malformed_periods);
    RUN(type_names_and_examples);
    RUN(period_add_across_year_ends);
    RUN(period_containing_every_day);
    RUN(period_containing_iso_week_years);
    RUN(dates);
    return check_failures ? 1 : 0;
}
