/* Run-chart rules; see runs.h. Pure: no I/O. */
#include "core/signals/runs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int runs_longest_limit(int n)
{
    if (n < 1)
        return 0;
    /* round(log2(n)) = k exactly when 2^(k - 1/2) <= n < 2^(k + 1/2), i.e.
     * 2^(2k - 1) <= n^2 < 2^(2k + 1): integers only (n^2 is never an odd power of two, so the
     * rounding of halves never arises). */
    unsigned long long sq = (unsigned long long)n * (unsigned long long)n;
    int k = 0;
    while (sq >= 1ULL << (2 * k + 1))
        k++;
    return k + 3;
}

int runs_crossings_limit(int n)
{
    if (n < 1)
        return 0;
    int m = n - 1;
    /* P(X <= k) = sum of C(m, j) / 2^m for j <= k. The terms C(m, j) are walked up by
     * C(m, j + 1) = C(m, j) (m - j) / (j + 1) and kept as term * 2^-e: whenever they grow
     * large, a power of two moves from them into e, so nothing overflows or underflows early
     * (ldexp is in libc; the core links no libm). */
    double term = 1.0, sum = 0.0;
    int e = m;
    for (int k = 0; k < m; k++) {
        sum += term;
        if (ldexp(sum, -e) >= 0.05)
            return k;
        term *= (double)(m - k) / (double)(k + 1);
        if (term > 0x1p+512) {
            term = ldexp(term, -512);
            sum = ldexp(sum, -512);
            e -= 512;
        }
    }
    return m;
}

void runs_analyse(const signed char *side, int n, struct runs_result *out)
{
    memset(out, 0, sizeof *out);
    int prev = 0, len = 0;
    for (int i = 0; i < n; i++) {
        if (!side[i])
            continue;
        out->useful++;
        if (side[i] == prev) {
            len++;
        } else {
            out->crossings += prev != 0;
            prev = side[i];
            len = 1;
        }
        if (len > out->longest_run)
            out->longest_run = len;
    }
    out->sufficient = out->useful >= RUNS_MIN_USEFUL;
    if (!out->sufficient)
        return;
    out->longest_run_limit = runs_longest_limit(out->useful);
    out->crossings_limit = runs_crossings_limit(out->useful);
    out->longest_run_signal = out->longest_run > out->longest_run_limit;
    out->crossings_signal = out->crossings < out->crossings_limit;
}

/* Marks the useful points of side[from..to] (all on one side). */
static void mark_useful(const signed char *side, int from, int to, int *mark)
{
    for (int i = from; i <= to; i++)
        if (side[i])
            mark[i] = 1;
}

void runs_mark_long(const signed char *side, int n, int limit, int *mark)
{
    int start = -1, last = -1, len = 0, cur = 0;
    for (int i = 0; i < n; i++) {
        if (!side[i])
            continue;
        if (side[i] != cur) {
            if (len > limit)
                mark_useful(side, start, last, mark);
            cur = side[i];
            start = i;
            len = 0;
        }
        len++;
        last = i;
    }
    if (len > limit)
        mark_useful(side, start, last, mark);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double runs_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}
