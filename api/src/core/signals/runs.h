/* Run-chart rules (Anhøj): is there non-random variation around a centre line? Pure: no I/O,
 * no allocation except in runs_median's caller-owned buffer. See docs/signals.md.
 *
 * A series is given as sides: +1 above the centre line, -1 below, 0 not useful (exactly on
 * the centre line, or no value). Useful observations are the points with a side.
 *   longest run:  the most consecutive useful points on one side; unusually long when
 *                 > round(log2(n)) + 3 (Schilling 2012).
 *   crossings:    how often consecutive useful points change side; unusually few when
 *                 < the 5th percentile of Binomial(n - 1, 0.5), the smallest k with
 *                 P(X <= k) >= 0.05 (Chen 2010).
 * n is the number of useful observations; with fewer than RUNS_MIN_USEFUL the rules give no
 * verdict (insufficient data), never a false "no signal". */
#ifndef LGVO_CORE_SIGNALS_RUNS_H
#define LGVO_CORE_SIGNALS_RUNS_H

#define RUNS_MIN_USEFUL 10

struct runs_result {
    int useful;             /* n: useful observations */
    int sufficient;         /* useful >= RUNS_MIN_USEFUL; the limits and signals below only then */
    int longest_run;        /* 0 without useful observations */
    int longest_run_limit;  /* the longest run expected: signal when longest_run > this */
    int longest_run_signal;
    int crossings;
    int crossings_limit;    /* the fewest crossings expected: signal when crossings < this */
    int crossings_signal;
};

/* round(log2(n)) + 3; 0 for n < 1. */
int runs_longest_limit(int n);
/* The smallest k with P(X <= k) >= 0.05 for X ~ Binomial(n - 1, 0.5); 0 for n < 1. */
int runs_crossings_limit(int n);

/* Counts useful observations, the longest run and the crossings of side[0..n-1] and judges
 * them against the limits. */
void runs_analyse(const signed char *side, int n, struct runs_result *out);

/* Sets mark[i] = 1 for every useful point in a run longer than limit (other entries are left
 * as they are). */
void runs_mark_long(const signed char *side, int n, int limit, int *mark);

/* The median of v[0..n-1] (n >= 1); sorts v in place. */
double runs_median(double *v, int n);

#endif
