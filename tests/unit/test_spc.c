/* Run and control charts (core/signals/spc.c, runs.c): the worked limits of the run rules,
 * and a hand-checked example of every chart type, baseline and phases. Every expected number
 * is worked out in the comments, independently of the code under test. */
#include "check.h"
#include "core/signals/runs.h"
#include "core/signals/spc.h"

#include <stdint.h>

#define EPS 1e-9
#define CLOSE(a, b) CHECK((a) - (b) < EPS && (b) - (a) < EPS)

static struct spc_point value_point(double v)
{
    return (struct spc_point){.usable = 1, .value = v};
}

static struct spc_point ratio_point(double num, double den)
{
    return (struct spc_point){.usable = 1, .numerator = num, .denominator = den};
}

/* Runs a chart over values (run, C and I) with no baseline and no phases. */
static int chart_values(enum spc_chart chart, const double *v, int n, struct spc_result *r)
{
    struct spc_point pts[64];
    for (int i = 0; i < n; i++)
        pts[i] = value_point(v[i]);
    struct spc_options opt = {.chart = chart, .freeze = -1};
    return spc_compute(pts, n, &opt, r);
}

/* The smallest k with sum_{j<=k} C(m, j) >= 0.05 * 2^m, i.e. 20 * sum >= 2^m, in exact
 * integers (m <= 59 keeps 20 * 2^59 below 2^64). */
static int exact_crossings_limit(int n)
{
    int m = n - 1;
    uint64_t c = 1, sum = 0;
    for (int k = 0; k <= m; k++) {
        sum += c;
        if (20 * sum >= (uint64_t)1 << m)
            return k;
        c = c * (uint64_t)(m - k) / (uint64_t)(k + 1); /* exact: C(m, k + 1) */
    }
    return m;
}

TEST(worked_limits)
{
    /* n = 12: round(log2 12) = round(3.585) = 4, + 3 = 7. Binomial(11, 0.5):
     * P(X <= 2) = (1 + 11 + 55) / 2048 = 0.0327, P(X <= 3) = (67 + 165) / 2048 = 0.113 -> 3. */
    CHECK(runs_longest_limit(12) == 7);
    CHECK(runs_crossings_limit(12) == 3);
    /* n = 20: round(4.322) = 4 -> 7. Binomial(19, 0.5): P(X <= 5) = 16664 / 524288 = 0.0318,
     * P(X <= 6) = (16664 + 27132) / 524288 = 0.0835 -> 6. */
    CHECK(runs_longest_limit(20) == 7);
    CHECK(runs_crossings_limit(20) == 6);
    /* n = 24: round(4.585) = 5 -> 8; n = 30: round(4.907) = 5 -> 8. */
    CHECK(runs_longest_limit(24) == 8);
    CHECK(runs_crossings_limit(24) == 8);
    CHECK(runs_longest_limit(30) == 8);
    CHECK(runs_crossings_limit(30) == 10);
    /* Around the rounding points: log2(22) = 4.46 -> 4, log2(23) = 4.52 -> 5; log2(45) = 5.49,
     * log2(46) = 5.52. */
    CHECK(runs_longest_limit(22) == 7);
    CHECK(runs_longest_limit(23) == 8);
    CHECK(runs_longest_limit(45) == 8);
    CHECK(runs_longest_limit(46) == 9);
    CHECK(runs_longest_limit(10) == 6);
    CHECK(runs_longest_limit(100) == 10); /* log2(100) = 6.64 */
    CHECK(runs_longest_limit(0) == 0);
    CHECK(runs_crossings_limit(0) == 0);
    CHECK(runs_crossings_limit(1) == 0);
}

TEST(crossings_limit_matches_exact_binomial)
{
    for (int n = 1; n <= 60; n++) {
        int got = runs_crossings_limit(n), want = exact_crossings_limit(n);
        if (got != want)
            fprintf(stderr, "n = %d: %d, exact %d\n", n, got, want);
        CHECK(got == want);
    }
    /* Far beyond 2^-1074 (2^-(n-1) underflows a double): exact big-integer sums give 2441 for
     * n = 5000 and 9883 for n = 20000 (the normal approximation: 2499.5 - 1.645 * 35.35 =
     * 2441.3). */
    CHECK(runs_crossings_limit(5000) == 2441);
    CHECK(runs_crossings_limit(20000) == 9883);
}

TEST(runs_counting)
{
    /* - - + + + 0 + - - - - - - - - + : 0 (on the line) is skipped and does not break the run
     * of +; 15 useful; runs: 2, 4, 8, 1 -> longest 8, crossings 3. */
    signed char side[] = {-1, -1, 1, 1, 1, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1, 1};
    struct runs_result r;
    runs_analyse(side, 16, &r);
    CHECK(r.useful == 15);
    CHECK(r.longest_run == 8);
    CHECK(r.crossings == 3);
    CHECK(r.sufficient);
    /* n = 15: round(log2 15) = round(3.907) = 4 -> 7: 8 > 7 signals. Binomial(14, 0.5):
     * P(X <= 3) = (1 + 14 + 91 + 364) / 16384 = 0.0287, P(X <= 4) = (470 + 1001) / 16384 = 0.0898
     * -> 4: 3 < 4 signals. */
    CHECK(r.longest_run_limit == 7 && r.longest_run_signal);
    CHECK(r.crossings_limit == 4 && r.crossings_signal);
    int mark[16] = {0};
    runs_mark_long(side, 16, 7, mark);
    for (int i = 0; i < 16; i++)
        CHECK(mark[i] == (i >= 7 && i <= 14));
    /* Nine useful observations: counted, but no limits and no signal. */
    runs_analyse(side, 9, &r);
    CHECK(r.useful == 8 && !r.sufficient && !r.longest_run_signal && !r.crossings_signal);
    CHECK(r.longest_run_limit == 0 && r.crossings_limit == 0);
}

TEST(median)
{
    double odd[] = {7, 1, 5, 3, 9};
    CLOSE(runs_median(odd, 5), 5.0);
    double even[] = {4, 1, 3, 2};
    CLOSE(runs_median(even, 4), 2.5);
}

TEST(run_chart_shift)
{
    /* Ten low values, then ten high: sorted 2 2 2 3 3 3 4 4 4 5 | 6 6 6 6 7 7 7 8 8 9, so the
     * median is (5 + 6) / 2 = 5.5. Ten below, then ten above: n = 20, longest run 10 > 7,
     * crossings 1 < 6. Every point is part of an unusually long run. */
    double v[] = {2, 4, 3, 5, 2, 4, 3, 2, 4, 3, 6, 7, 8, 6, 7, 9, 6, 8, 7, 6};
    struct spc_result r;
    CHECK(chart_values(SPC_RUN, v, 20, &r) == 0);
    CHECK(r.nphases == 1);
    const struct spc_phase *ph = &r.phases[0];
    CLOSE(ph->centre, 5.5);
    CHECK(ph->runs.useful == 20);
    CHECK(ph->runs.longest_run == 10 && ph->runs.longest_run_limit == 7 && ph->runs.longest_run_signal);
    CHECK(ph->runs.crossings == 1 && ph->runs.crossings_limit == 6 && ph->runs.crossings_signal);
    CHECK(ph->outside == 0);
    CHECK(ph->verdict == SPC_SIGNAL);
    for (int i = 0; i < 20; i++) {
        CHECK(r.points[i].signal && r.points[i].long_run);
        CHECK(!r.points[i].has_limits);
        CLOSE(r.points[i].centre, 5.5);
    }
    /* The latest signal: the run above the median, from point 10 to 19. */
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(l.found && l.first == 10 && l.last == 19 && l.side == 1);
    spc_result_free(&r);
}

TEST(run_chart_random_with_points_on_the_median)
{
    /* Sorted: 2 3 3 4 4 5 5 5 6 6 7 7 8 -> median 5 (the 7th of 13). Three points lie on it
     * (indices 0, 3, 8) and are not useful: n = 10. The others alternate - + - + - + - + - +:
     * longest run 1, crossings 9. Limits for n = 10: round(log2 10) = round(3.32) = 3 -> 6;
     * Binomial(9, 0.5): P(X <= 1) = 10 / 512 = 0.0195, P(X <= 2) = 46 / 512 = 0.0898 -> 2.
     * No signal. */
    double v[] = {5, 3, 7, 5, 2, 8, 4, 6, 5, 3, 7, 4, 6};
    struct spc_result r;
    CHECK(chart_values(SPC_RUN, v, 13, &r) == 0);
    const struct spc_phase *ph = &r.phases[0];
    CLOSE(ph->centre, 5.0);
    CHECK(ph->runs.useful == 10);
    CHECK(ph->runs.longest_run == 1 && ph->runs.longest_run_limit == 6 && !ph->runs.longest_run_signal);
    CHECK(ph->runs.crossings == 9 && ph->runs.crossings_limit == 2 && !ph->runs.crossings_signal);
    CHECK(ph->verdict == SPC_NO_SIGNAL);
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(!l.found);
    spc_result_free(&r);
    /* Without the last point only nine are useful: insufficient data, not "no signal". */
    CHECK(chart_values(SPC_RUN, v, 12, &r) == 0);
    /* sorted 2 3 3 4 4 5 5 5 6 7 7 8 -> median (5 + 5) / 2 = 5; useful 9 */
    CHECK(r.phases[0].runs.useful == 9);
    CHECK(r.phases[0].verdict == SPC_INSUFFICIENT_DATA);
    spc_result_free(&r);
}

TEST(p_chart)
{
    /* Numerators 5 20 9 6 3 7 of denominators 100 100 100 100 50 50:
     * p = 50 / 500 = 0.1.
     * n = 100: sigma = sqrt(0.1 * 0.9 / 100) = 0.03; limits 0.1 +- 0.09 = [0.01, 0.19] -> [1, 19] %.
     * n = 50: sigma = sqrt(0.09 / 50) = sqrt(0.0018) = 0.0424264068712; 3 sigma = 0.127279220614;
     * lower 0.1 - 0.1273 < 0 -> clipped to 0; upper 0.227279220614 -> 22.7279220614 %.
     * Point 1 (20 %) is above 19 %: a signal. Six useful points: no run verdict, but the point
     * outside the limits makes the verdict "signal". */
    struct spc_point pts[] = {ratio_point(5, 100), ratio_point(20, 100), ratio_point(9, 100),
                              ratio_point(6, 100), ratio_point(3, 50), ratio_point(7, 50)};
    struct spc_options opt = {.chart = SPC_P, .scale = 100, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(pts, 6, &opt, &r) == 0);
    CLOSE(r.phases[0].centre, 10.0);
    CLOSE(r.points[0].value, 5.0);
    CLOSE(r.points[4].value, 6.0);
    for (int i = 0; i < 4; i++) {
        CLOSE(r.points[i].lcl, 1.0);
        CLOSE(r.points[i].ucl, 19.0);
    }
    CLOSE(r.points[4].lcl, 0.0);
    CLOSE(r.points[4].ucl, 22.7279220614);
    CLOSE(r.points[5].ucl, 22.7279220614);
    CHECK(r.points[1].outside == 1 && r.points[1].signal);
    CHECK(r.phases[0].outside == 1);
    for (int i = 0; i < 6; i++)
        CHECK(i == 1 || !r.points[i].signal);
    CHECK(r.phases[0].runs.useful == 6 && !r.phases[0].runs.sufficient);
    CHECK(r.phases[0].verdict == SPC_SIGNAL);
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(l.found && l.first == 1 && l.last == 1 && l.side == 1);
    spc_result_free(&r);
}

TEST(p_chart_clipped_at_one)
{
    /* 9 of 10 twice: p = 0.9, sigma = sqrt(0.9 * 0.1 / 10) = 0.0948683298; 3 sigma =
     * 0.2846049894; upper 1.1846 -> clipped to 1 (100 %); lower 0.6153950106 -> 61.5395010585 %. */
    struct spc_point pts[] = {ratio_point(9, 10), ratio_point(9, 10)};
    struct spc_options opt = {.chart = SPC_P, .scale = 100, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(pts, 2, &opt, &r) == 0);
    CLOSE(r.points[0].ucl, 100.0);
    CLOSE(r.points[0].lcl, 61.5395010585);
    CHECK(r.phases[0].verdict == SPC_INSUFFICIENT_DATA);
    spc_result_free(&r);
}

TEST(u_chart)
{
    /* Per 1,000: 30 of 10000, 80 of 10000, 15 of 5000, 75 of 25000 -> u = 200 / 50000 = 0.004
     * (4 per 1,000). Values 3, 8, 3, 3.
     * n = 10000: sigma = sqrt(0.004 / 10000) = 6.32455532e-4, 3 sigma = 1.897366596e-3:
     *   [2.102633404, 5.897366596] per 1,000; 8 is above: a signal.
     * n = 5000: sigma = sqrt(8e-7) = 8.94427191e-4, 3 sigma = 2.683281573e-3: [1.316718427, 6.683281573].
     * n = 25000: sigma = sqrt(1.6e-7) = 4e-4, 3 sigma = 1.2e-3: [2.8, 5.2]. */
    struct spc_point pts[] = {ratio_point(30, 10000), ratio_point(80, 10000), ratio_point(15, 5000),
                              ratio_point(75, 25000)};
    struct spc_options opt = {.chart = SPC_U, .scale = 1000, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(pts, 4, &opt, &r) == 0);
    CLOSE(r.phases[0].centre, 4.0);
    CLOSE(r.points[1].value, 8.0);
    CLOSE(r.points[0].lcl, 2.102633404);
    CLOSE(r.points[0].ucl, 5.897366596);
    CLOSE(r.points[2].lcl, 1.316718427);
    CLOSE(r.points[2].ucl, 6.683281573);
    CLOSE(r.points[3].lcl, 2.8);
    CLOSE(r.points[3].ucl, 5.2);
    CHECK(r.points[1].outside == 1);
    CHECK(r.points[0].outside == 0 && r.points[2].outside == 0 && r.points[3].outside == 0);
    spc_result_free(&r);
    /* Lower limit at zero: 1 of 100 twice, u = 0.01, sigma = sqrt(0.01 / 100) = 0.01:
     * [0.01 - 0.03 -> 0, 0.04] -> [0, 40] per 1,000. */
    struct spc_point small[] = {ratio_point(1, 100), ratio_point(1, 100)};
    CHECK(spc_compute(small, 2, &opt, &r) == 0);
    CLOSE(r.points[0].lcl, 0.0);
    CLOSE(r.points[0].ucl, 40.0);
    spc_result_free(&r);
}

TEST(c_chart)
{
    /* Counts 2 6 3 5 12 2: mean 30 / 6 = 5, sigma = sqrt(5) = 2.2360679775, 3 sigma =
     * 6.7082039325: lower -1.708 -> 0, upper 11.7082039325. 12 is above: a signal. */
    double v[] = {2, 6, 3, 5, 12, 2};
    struct spc_result r;
    CHECK(chart_values(SPC_C, v, 6, &r) == 0);
    CLOSE(r.phases[0].centre, 5.0);
    for (int i = 0; i < 6; i++) {
        CLOSE(r.points[i].lcl, 0.0);
        CLOSE(r.points[i].ucl, 11.7082039325);
        CHECK(r.points[i].signal == (i == 4));
    }
    CHECK(r.points[4].outside == 1);
    CHECK(r.phases[0].verdict == SPC_SIGNAL);
    spc_result_free(&r);
}

TEST(i_chart_screened_moving_ranges)
{
    /* Values 10 12 11 13 12 30 12 11 13 12: mean 136 / 10 = 13.6.
     * Moving ranges 2 1 2 1 18 18 1 2 1: mean 46 / 9 = 5.1111; 3.267 * 5.1111 = 16.698, so the
     * two 18s are screened out; the rest 2 1 2 1 1 2 1 have mean 10 / 7 = 1.4285714286.
     * sigma = 1.4285714286 / 1.128 = 1.2664640324; 3 sigma = 3.7993920973:
     * limits [9.8006079027, 17.3993920973]. 30 is above: a signal. (Unscreened, sigma would be
     * 4.5311 and the upper limit 27.19.) */
    double v[] = {10, 12, 11, 13, 12, 30, 12, 11, 13, 12};
    struct spc_result r;
    CHECK(chart_values(SPC_I, v, 10, &r) == 0);
    CLOSE(r.phases[0].centre, 13.6);
    CLOSE(r.points[0].lcl, 9.8006079027);
    CLOSE(r.points[0].ucl, 17.3993920973);
    CHECK(r.points[5].outside == 1);
    CHECK(r.phases[0].outside == 1);
    /* Around the mean 13.6: 10 12 11 13 12 below, 30 above, 12 11 13 12 below: n = 10, longest
     * run 5 (limit 6), crossings 2 (limit 2): no run signal; the verdict is the point. */
    CHECK(r.phases[0].runs.useful == 10);
    CHECK(r.phases[0].runs.longest_run == 5 && !r.phases[0].runs.longest_run_signal);
    CHECK(r.phases[0].runs.crossings == 2 && !r.phases[0].runs.crossings_signal);
    CHECK(r.phases[0].verdict == SPC_SIGNAL);
    spc_result_free(&r);
}

TEST(i_chart_screens_once)
{
    /* Values 0 1 0 1 0 1 0 1 0 5 45: moving ranges eight 1s, 5, 40; mean 53 / 10 = 5.3; the
     * upper limit 3.267 * 5.3 = 17.3151 screens out 40 only. The rest (eight 1s and 5) have
     * mean 13 / 9 = 1.4444444444; a second pass (limit 4.719) would also drop the 5, but the
     * screening is done once. sigma = 1.4444444444 / 1.128 = 1.2805358550; 3 sigma =
     * 3.8416075650. Mean 54 / 11 = 4.9090909091: limits [1.0674833441, 8.7506984741]. */
    double v[] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 5, 45};
    struct spc_result r;
    CHECK(chart_values(SPC_I, v, 11, &r) == 0);
    CLOSE(r.phases[0].centre, 54.0 / 11.0);
    CLOSE(r.points[0].ucl - r.points[0].centre, 3.0 * (13.0 / 9.0) / 1.128);
    CLOSE(r.points[0].lcl, 1.0674833441);
    CLOSE(r.points[0].ucl, 8.7506984741);
    spc_result_free(&r);
}

TEST(i_chart_missing_point_breaks_moving_ranges)
{
    /* 10, (suppressed 99), 14, 12: the mean is (10 + 14 + 12) / 3 = 12; the only moving range
     * is |12 - 14| = 2 (none across the missing point): sigma = 2 / 1.128, limits
     * 12 +- 5.3191489362. The suppressed point has no value, no limits and no signal. */
    struct spc_point pts[] = {value_point(10), value_point(99), value_point(14), value_point(12)};
    pts[1].usable = 0;
    struct spc_options opt = {.chart = SPC_I, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(pts, 4, &opt, &r) == 0);
    CLOSE(r.phases[0].centre, 12.0);
    CLOSE(r.points[0].ucl, 12.0 + 6.0 / 1.128);
    CLOSE(r.points[0].lcl, 12.0 - 6.0 / 1.128);
    CHECK(!r.points[1].has_value && !r.points[1].has_limits && !r.points[1].signal);
    CHECK(r.points[1].has_centre);
    CHECK(r.phases[0].runs.useful == 2);
    spc_result_free(&r);
}

TEST(suppressed_points_left_out_of_the_p_centre)
{
    /* 1 of 10 (suppressed for this caller), 10 of 100, 30 of 100: p = 40 / 200 = 0.2, not
     * 41 / 210. */
    struct spc_point pts[] = {ratio_point(1, 10), ratio_point(10, 100), ratio_point(30, 100)};
    pts[0].usable = 0;
    struct spc_options opt = {.chart = SPC_P, .scale = 100, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(pts, 3, &opt, &r) == 0);
    CLOSE(r.phases[0].centre, 20.0);
    CHECK(!r.points[0].has_value);
    spc_result_free(&r);
}

TEST(frozen_baseline)
{
    /* C chart, baseline = the first four counts 4 6 5 5 (freeze = index 3): centre 5, limits
     * [0, 5 + 3 sqrt 5 = 11.7082039325]. The later counts 13 14 are judged against them:
     * both above, two signals; the centre does not move to (4+6+5+5+13+14) / 6 = 7.83. */
    struct spc_point pts[] = {value_point(4), value_point(6), value_point(5), value_point(5),
                              value_point(13), value_point(14)};
    struct spc_options opt = {.chart = SPC_C, .freeze = 3};
    struct spc_result r;
    CHECK(spc_compute(pts, 6, &opt, &r) == 0);
    CHECK(r.phases[0].baseline_last == 3);
    CLOSE(r.phases[0].centre, 5.0);
    CLOSE(r.points[5].centre, 5.0);
    CLOSE(r.points[5].ucl, 11.7082039325);
    CHECK(r.points[4].outside == 1 && r.points[5].outside == 1);
    CHECK(r.phases[0].outside == 2);
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(l.found && l.first == 4 && l.last == 5 && l.side == 1);
    spc_result_free(&r);
    /* A run chart with a frozen median: 1..10, then ten times 20. Baseline median 5.5; after
     * it every point is above: 5 below, 15 above -> longest run 15 > 7 (n = 20). */
    struct spc_point run[20];
    for (int i = 0; i < 20; i++)
        run[i] = value_point(i < 10 ? i + 1 : 20);
    struct spc_options ropt = {.chart = SPC_RUN, .freeze = 9};
    CHECK(spc_compute(run, 20, &ropt, &r) == 0);
    CLOSE(r.phases[0].centre, 5.5);
    CHECK(r.phases[0].runs.longest_run == 15 && r.phases[0].runs.longest_run_signal);
    spc_latest_signal(&r, &l);
    CHECK(l.found && l.first == 5 && l.last == 19 && l.side == 1);
    spc_result_free(&r);
}

TEST(phases)
{
    /* C chart in two phases: 4 6 5 5 | 10 12 11 11. Phase 1: centre 5, upper limit
     * 5 + 3 sqrt 5 = 11.7082039325. Phase 2: centre 11, limits 11 +- 3 sqrt 11 = 11 +-
     * 9.9498743711 = [1.0501256289, 20.9498743711]. Judged in one phase, 12 would be above. */
    struct spc_point pts[] = {value_point(4),  value_point(6),  value_point(5),  value_point(5),
                              value_point(10), value_point(12), value_point(11), value_point(11)};
    int parts[] = {4};
    struct spc_options opt = {.chart = SPC_C, .freeze = -1, .parts = parts, .nparts = 1};
    struct spc_result r;
    CHECK(spc_compute(pts, 8, &opt, &r) == 0);
    CHECK(r.nphases == 2);
    CHECK(r.phases[0].first == 0 && r.phases[0].last == 3);
    CHECK(r.phases[1].first == 4 && r.phases[1].last == 7);
    CLOSE(r.phases[0].centre, 5.0);
    CLOSE(r.phases[1].centre, 11.0);
    CLOSE(r.points[3].ucl, 11.7082039325);
    CLOSE(r.points[4].lcl, 1.0501256289);
    CLOSE(r.points[4].ucl, 20.9498743711);
    CHECK(r.points[5].phase == 1 && r.points[5].outside == 0);
    CHECK(r.phases[0].verdict == SPC_INSUFFICIENT_DATA && r.phases[1].verdict == SPC_INSUFFICIENT_DATA);
    spc_result_free(&r);
    /* Freeze inside the second phase: its baseline is 10 12 (centre 11, limits 11 +- 9.95);
     * the first phase keeps all its points. */
    opt.freeze = 5;
    CHECK(spc_compute(pts, 8, &opt, &r) == 0);
    CHECK(r.phases[0].baseline_last == 3 && r.phases[1].baseline_last == 5);
    CLOSE(r.phases[1].centre, 11.0);
    spc_result_free(&r);
    /* Parts must be ascending and inside the series. */
    int bad[] = {4, 4};
    struct spc_options wrong = {.chart = SPC_C, .freeze = -1, .parts = bad, .nparts = 2};
    CHECK(spc_compute(pts, 8, &wrong, &r) == -1);
    spc_result_free(&r);
    int outside[] = {8};
    wrong.parts = outside;
    wrong.nparts = 1;
    CHECK(spc_compute(pts, 8, &wrong, &r) == -1);
    spc_result_free(&r);
}

TEST(crossings_only_signal_has_no_side)
{
    /* Eight 1s, eight 19s, four 1s, four 19s: 12 of each, so the median is (1 + 19) / 2 = 10.
     * Runs of 8, 8, 4 and 4: the longest, 8, is not above the limit 8 (n = 24), but 3
     * crossings are fewer than 8: a signal without a side. */
    double v[24];
    for (int i = 0; i < 24; i++)
        v[i] = i < 8 ? 1 : i < 16 ? 19 : (i < 20 ? 1 : 19);
    struct spc_result r;
    CHECK(chart_values(SPC_RUN, v, 24, &r) == 0);
    CHECK(r.phases[0].runs.longest_run == 8 && !r.phases[0].runs.longest_run_signal);
    CHECK(r.phases[0].runs.crossings == 3 && r.phases[0].runs.crossings_signal);
    CHECK(r.phases[0].verdict == SPC_SIGNAL);
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(l.found && l.side == 0 && l.first == 0 && l.last == 23);
    spc_result_free(&r);
}

TEST(empty_and_names)
{
    struct spc_options opt = {.chart = SPC_I, .freeze = -1};
    struct spc_result r;
    CHECK(spc_compute(NULL, 0, &opt, &r) == 0);
    CHECK(r.nphases == 0 && r.npoints == 0);
    struct spc_latest l;
    spc_latest_signal(&r, &l);
    CHECK(!l.found);
    spc_result_free(&r);
    enum spc_chart c;
    CHECK(spc_chart_parse("u", &c) == 0 && c == SPC_U);
    CHECK(spc_chart_parse("x", &c) == -1);
    CHECK_STR(spc_chart_name(SPC_RUN), "run");
    CHECK_STR(spc_verdict_name(SPC_INSUFFICIENT_DATA), "insufficient_data");
    CHECK_STR(spc_verdict_name(SPC_NO_SIGNAL), "no_signal");
}

int main(void)
{
    RUN(worked_limits);
    RUN(crossings_limit_matches_exact_binomial);
    RUN(runs_counting);
    RUN(median);
    RUN(run_chart_shift);
    RUN(run_chart_random_with_points_on_the_median);
    RUN(p_chart);
    RUN(p_chart_clipped_at_one);
    RUN(u_chart);
    RUN(c_chart);
    RUN(i_chart_screened_moving_ranges);
    RUN(i_chart_screens_once);
    RUN(i_chart_missing_point_breaks_moving_ranges);
    RUN(suppressed_points_left_out_of_the_p_centre);
    RUN(frozen_baseline);
    RUN(phases);
    RUN(crossings_only_signal_has_no_side);
    RUN(empty_and_names);
    return check_failures;
}
