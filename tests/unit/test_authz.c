/* The write decision of auth/authz.c (authz_write) over every principal, role and area, and
 * the route-level helpers. The expected answers are written out from the rules, not from the
 * code: county_admin writes anything; a reporter writes its own principal's data in the areas
 * it was granted; data reported on behalf of every municipality only a region reporter with
 * the area writes; everyone else is refused with the matching reason. */
#include "check.h"
#include "auth/authz.h"

#include <stdint.h>

#define PRINCIPALS 14 /* ids 1..14; 1 is the region */
#define AREAS 4       /* ids 1..4 */
#define REGION 1

static struct identity who(int principal_id, unsigned roles, uint64_t area_mask)
{
    struct identity w = {0};
    w.kind = IDENTITY_USER;
    w.principal_id = principal_id;
    w.principal_is_region = principal_id == REGION;
    w.roles = roles;
    w.area_mask = area_mask;
    return w;
}

static enum write_decision decide(const struct identity *w, int principal_id, int area_id, int on_behalf)
{
    struct write_target t = {.principal_id = principal_id, .area_id = area_id, .on_behalf = on_behalf};
    return authz_write(w, &t);
}

static int failures_before_report;
#define CHECK_DECISION(got, want, ...)                                                        \
    do {                                                                                      \
        enum write_decision g_ = (got), w_ = (want);                                          \
        if (g_ != w_) {                                                                       \
            if (check_failures - failures_before_report < 20) {                               \
                fprintf(stderr, "%s:%d: decision %d, expected %d for ", __FILE__, __LINE__,   \
                        (int)g_, (int)w_);                                                    \
                fprintf(stderr, __VA_ARGS__);                                                 \
                fputc('\n', stderr);                                                          \
            }                                                                                 \
            check_failures++;                                                                 \
        }                                                                                     \
    } while (0)

TEST(county_admin_writes_everything)
{
    for (int home = 1; home <= PRINCIPALS; home++) {
        struct identity w = who(home, ROLE_COUNTY_ADMIN, 0);
        for (int p = 1; p <= PRINCIPALS; p++)
            for (int a = 1; a <= AREAS; a++)
                for (int ob = 0; ob <= 1; ob++)
                    CHECK_DECISION(decide(&w, p, a, ob), WRITE_ALLOWED,
                                   "county_admin of %d writing %d/%d on_behalf=%d", home, p, a, ob);
    }
}

TEST(reader_and_org_admin_never_write)
{
    const unsigned roles[] = {ROLE_READER, ROLE_ORG_ADMIN, ROLE_READER | ROLE_ORG_ADMIN, 0};
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
        for (int home = 1; home <= PRINCIPALS; home++) {
            struct identity w = who(home, roles[r], 0xF); /* even with every area granted */
            for (int p = 1; p <= PRINCIPALS; p++)
                for (int a = 1; a <= AREAS; a++)
                    for (int ob = 0; ob <= 1; ob++)
                        CHECK_DECISION(decide(&w, p, a, ob), WRITE_NOT_REPORTER,
                                       "roles %u of %d writing %d/%d on_behalf=%d", roles[r], home, p,
                                       a, ob);
        }
}

/* A reporter of `home` granted exactly area k. */
TEST(reporter_with_one_area_writes_that_area_of_its_own_principal_only)
{
    for (int home = 1; home <= PRINCIPALS; home++)
        for (int k = 1; k <= AREAS; k++) {
            struct identity w = who(home, ROLE_REPORTER, 1ULL << (k - 1));
            for (int p = 1; p <= PRINCIPALS; p++)
                for (int a = 1; a <= AREAS; a++) {
                    enum write_decision got = decide(&w, p, a, 0);
                    if (p == home && a == k)
                        CHECK_DECISION(got, WRITE_ALLOWED, "reporter %d/%d writing %d/%d", home, k, p, a);
                    else if (p == home)
                        CHECK_DECISION(got, WRITE_AREA_NOT_GRANTED, "reporter %d/%d writing %d/%d", home, k, p, a);
                    else if (a == k)
                        CHECK_DECISION(got, WRITE_OTHER_PRINCIPAL, "reporter %d/%d writing %d/%d", home, k, p, a);
                    else /* another principal's data in another area: refused for either reason */
                        CHECK(got == WRITE_AREA_NOT_GRANTED || got == WRITE_OTHER_PRINCIPAL);
                }
        }
}

TEST(on_behalf_data_only_a_region_reporter_with_the_area_writes)
{
    for (int home = 1; home <= PRINCIPALS; home++)
        for (int k = 1; k <= AREAS; k++) {
            struct identity w = who(home, ROLE_REPORTER, 1ULL << (k - 1));
            for (int p = 1; p <= PRINCIPALS; p++)
                for (int a = 1; a <= AREAS; a++) {
                    enum write_decision got = decide(&w, p, a, 1);
                    if (home == REGION && a == k)
                        CHECK_DECISION(got, WRITE_ALLOWED, "region reporter %d writing %d/%d on behalf", k, p, a);
                    else if (home == REGION)
                        CHECK_DECISION(got, WRITE_AREA_NOT_GRANTED, "region reporter %d writing %d/%d on behalf", k, p, a);
                    else if (a == k)
                        CHECK_DECISION(got, WRITE_REGION_ONLY, "reporter %d/%d writing %d/%d on behalf", home, k, p, a);
                    else
                        CHECK(got == WRITE_REGION_ONLY || got == WRITE_AREA_NOT_GRANTED);
                }
        }
}

TEST(reporter_roles_combined_with_others_still_follow_the_reporter_rules)
{
    const unsigned roles[] = {ROLE_REPORTER | ROLE_READER, ROLE_REPORTER | ROLE_ORG_ADMIN};
    for (size_t r = 0; r < 2; r++) {
        struct identity w = who(7, roles[r], 1ULL << 1); /* Motala, area 2 */
        CHECK(decide(&w, 7, 2, 0) == WRITE_ALLOWED);
        CHECK(decide(&w, 7, 1, 0) == WRITE_AREA_NOT_GRANTED);
        CHECK(decide(&w, 4, 2, 0) == WRITE_OTHER_PRINCIPAL);
        CHECK(decide(&w, 7, 2, 1) == WRITE_REGION_ONLY);
    }
}

TEST(reporter_without_areas_or_with_every_area)
{
    struct identity none = who(5, ROLE_REPORTER, 0);
    struct identity all = who(5, ROLE_REPORTER, 0xF);
    for (int a = 1; a <= AREAS; a++) {
        CHECK(decide(&none, 5, a, 0) == WRITE_AREA_NOT_GRANTED);
        CHECK(decide(&all, 5, a, 0) == WRITE_ALLOWED);
        CHECK(decide(&all, 6, a, 0) == WRITE_OTHER_PRINCIPAL);
    }
}

TEST(area_ids_out_of_range_are_never_granted)
{
    struct identity w = who(3, ROLE_REPORTER, ~0ULL); /* every bit set */
    const int bad[] = {0, -1, 65, 1000, -64};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(decide(&w, 3, bad[i], 0) == WRITE_AREA_NOT_GRANTED);
        CHECK(!authz_has_area(&w, bad[i]));
    }
    CHECK(authz_has_area(&w, 1) && authz_has_area(&w, 64));
    struct identity top = who(3, ROLE_REPORTER, 1ULL << 63);
    CHECK(authz_has_area(&top, 64) && !authz_has_area(&top, 63) && !authz_has_area(&top, 1));
}

TEST(org_admin_of_its_own_principal_only)
{
    for (int home = 1; home <= PRINCIPALS; home++) {
        struct identity admin = who(home, ROLE_ORG_ADMIN, 0);
        struct identity county = who(home, ROLE_COUNTY_ADMIN, 0);
        struct identity reporter = who(home, ROLE_REPORTER | ROLE_READER, 0xF);
        for (int p = 1; p <= PRINCIPALS; p++) {
            CHECK(authz_is_org_admin_of(&admin, p) == (p == home));
            CHECK(authz_is_org_admin_of(&county, p));
            CHECK(!authz_is_org_admin_of(&reporter, p));
        }
        CHECK(!authz_is_county_admin(&admin) && authz_is_county_admin(&county) &&
              !authz_is_county_admin(&reporter));
    }
}

TEST(every_decision_has_its_own_message)
{
    const enum write_decision all[] = {WRITE_ALLOWED, WRITE_NOT_REPORTER, WRITE_AREA_NOT_GRANTED,
                                       WRITE_OTHER_PRINCIPAL, WRITE_REGION_ONLY};
    for (size_t i = 0; i < 5; i++) {
        CHECK(authz_message(all[i]) && *authz_message(all[i]));
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(authz_message(all[i]), authz_message(all[j])) != 0);
    }
    CHECK(strstr(authz_message(WRITE_NOT_REPORTER), "reporter") != NULL);
}

TEST(role_names_parse_both_ways)
{
    const char *names[] = {"reader", "reporter", "org_admin", "county_admin"};
    const unsigned bits[] = {ROLE_READER, ROLE_REPORTER, ROLE_ORG_ADMIN, ROLE_COUNTY_ADMIN};
    for (int i = 0; i < 4; i++) {
        CHECK(role_parse(names[i]) == bits[i]);
        CHECK_STR(role_name(bits[i]), names[i]);
    }
    CHECK(role_parse("admin") == 0 && role_parse("") == 0 && role_parse("Reader") == 0 &&
          role_parse("county_admin ") == 0);
    CHECK(strcmp(role_name(ROLE_READER | ROLE_REPORTER), "reader") != 0);
}

int main(void)
{
    failures_before_report = 0;
    RUN(county_admin_writes_everything);
    RUN(reader_and_org_admin_never_write);
    RUN(reporter_with_one_area_writes_that_area_of_its_own_principal_only);
    RUN(on_behalf_data_only_a_region_reporter_with_the_area_writes);
    RUN(reporter_roles_combined_with_others_still_follow_the_reporter_rules);
    RUN(reporter_without_areas_or_with_every_area);
    RUN(area_ids_out_of_range_are_never_granted);
    RUN(org_admin_of_its_own_principal_only);
    RUN(every_decision_has_its_own_message);
    RUN(role_names_parse_both_ways);
    return check_failures != 0;
}
