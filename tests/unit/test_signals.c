/* The signal endpoints' pure helpers (core/signals/series.c, render.c): the chart chosen by
 * chart=auto and the charts a measure allows, the direction of a signal, JSON numbers and
 * the rules object. */
#include "check.h"
#include "core/signals/signals.h"

#include <math.h>

static struct measure measure(const char *unit, int ratio, const char *direction)
{
    struct measure m = {.ratio = ratio, .scale = 1};
    snprintf(m.unit, sizeof m.unit, "%s", unit);
    snprintf(m.direction, sizeof m.direction, "%s", direction);
    return m;
}

TEST(auto_chart)
{
    const char *why = NULL;
    struct measure share = measure("percent", 1, "none"), rate = measure("per_1000", 1, "none"),
                   count = measure("count", 0, "none"), days = measure("days", 0, "none"),
                   ratio = measure("ratio", 1, "none");
    CHECK(sig_chart_auto(&share, &why) == SPC_P && strstr(why, "P chart"));
    CHECK(sig_chart_auto(&rate, &why) == SPC_U && strstr(why, "U chart"));
    CHECK(sig_chart_auto(&ratio, &why) == SPC_U);
    CHECK(sig_chart_auto(&count, &why) == SPC_C && strstr(why, "C chart"));
    CHECK(sig_chart_auto(&days, &why) == SPC_I && strstr(why, "I chart"));
    /* Chosen by hand: P only for shares, U for any ratio, C only for counts; run and I always. */
    CHECK(sig_chart_unfit(&share, SPC_P) == NULL);
    CHECK(sig_chart_unfit(&rate, SPC_P) != NULL);
    CHECK(sig_chart_unfit(&share, SPC_U) == NULL);
    CHECK(sig_chart_unfit(&count, SPC_U) != NULL);
    CHECK(sig_chart_unfit(&count, SPC_C) == NULL);
    CHECK(sig_chart_unfit(&days, SPC_C) != NULL);
    CHECK(sig_chart_unfit(&share, SPC_C) != NULL);
    CHECK(sig_chart_unfit(&share, SPC_RUN) == NULL && sig_chart_unfit(&days, SPC_RUN) == NULL);
    CHECK(sig_chart_unfit(&share, SPC_I) == NULL && sig_chart_unfit(&count, SPC_I) == NULL);
}

TEST(direction)
{
    struct measure up = measure("percent", 1, "higher_is_better"), down = measure("percent", 1, "lower_is_better"),
                   none = measure("count", 0, "none");
    CHECK_STR(sig_direction(&up, 1), "better");
    CHECK_STR(sig_direction(&up, -1), "worse");
    CHECK_STR(sig_direction(&down, 1), "worse");
    CHECK_STR(sig_direction(&down, -1), "better");
    CHECK_STR(sig_direction(&none, 1), "unknown");
    CHECK_STR(sig_direction(&up, 0), "unknown");
}

TEST(rows)
{
    /* Ratio rows derive value = numerator * scale / denominator; a suppressed row keeps no
     * figure at all. */
    struct measure share = measure("percent", 1, "none");
    share.scale = 100;
    struct sig_row row = {0};
    sig_row_fill(&row, &share, NULL, "7", "140", 0);
    CHECK(row.has_value && row.has_ratio && row.value == 5.0);
    struct sig_row hidden = {0};
    sig_row_fill(&hidden, &share, NULL, "3", "40", 1);
    CHECK(hidden.suppressed && !hidden.has_value && !hidden.has_ratio && hidden.numerator == 0);
    struct measure count = measure("count", 0, "none");
    struct sig_row c = {0};
    sig_row_fill(&c, &count, "12", NULL, NULL, 0);
    CHECK(c.has_value && c.value == 12.0 && !c.has_ratio);
}

static int dumps_as(json_t *j, const char *want)
{
    char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    int ok = s && strcmp(s, want) == 0;
    if (!ok)
        fprintf(stderr, "got %s, want %s\n", s ? s : "(null)", want);
    free(s);
    json_decref(j);
    return ok;
}

TEST(numbers_and_rules)
{
    CHECK(dumps_as(sig_number(5.0), "5"));
    CHECK(dumps_as(sig_number(-3.0), "-3"));
    CHECK(dumps_as(sig_number(0.1), "0.10000000000000001"));
    CHECK(dumps_as(sig_number(NAN), "null"));
    CHECK(dumps_as(sig_number(INFINITY), "null"));
    CHECK(dumps_as(sig_number(1e300), "1.0000000000000001e300"));
    /* No points: nothing to count; too few useful points: values, no limits or signals. */
    CHECK(dumps_as(sig_rules_json(NULL), "{\"longest_run\":{\"value\":null,\"limit\":null,\"signal\":null},"
                                         "\"crossings\":{\"value\":null,\"limit\":null,\"signal\":null},"
                                         "\"outside_limits\":{\"count\":0,\"signal\":false}}"));
    struct spc_phase few = {.runs = {.useful = 4, .longest_run = 2, .crossings = 1}, .outside = 1};
    CHECK(dumps_as(sig_rules_json(&few), "{\"longest_run\":{\"value\":2,\"limit\":null,\"signal\":null},"
                                         "\"crossings\":{\"value\":1,\"limit\":null,\"signal\":null},"
                                         "\"outside_limits\":{\"count\":1,\"signal\":true}}"));
    struct spc_phase judged = {.runs = {.useful = 12, .sufficient = 1, .longest_run = 8, .longest_run_limit = 7,
                                        .longest_run_signal = 1, .crossings = 3, .crossings_limit = 3}};
    CHECK(dumps_as(sig_rules_json(&judged), "{\"longest_run\":{\"value\":8,\"limit\":7,\"signal\":true},"
                                            "\"crossings\":{\"value\":3,\"limit\":3,\"signal\":false},"
                                            "\"outside_limits\":{\"count\":0,\"signal\":false}}"));
}

int main(void)
{
    RUN(auto_chart);
    RUN(direction);
    RUN(rows);
    RUN(numbers_and_rules);
    return check_failures;
}
