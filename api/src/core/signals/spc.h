/* Statistical process control: run charts and Shewhart control charts (P, U, C, I) over a
 * series of points, with a frozen baseline and phases, and the signal rules. Pure: no
 * database, no HTTP, no I/O; the formulas and their references are in docs/signals.md.
 *
 *   run  centre = median; no limits
 *   P    centre p = sum(numerators) / sum(denominators);
 *        limits p +- 3 sqrt(p (1 - p) / n_i) per point, clipped to [0, 1]
 *   U    centre u = sum(numerators) / sum(denominators);
 *        limits u +- 3 sqrt(u / n_i) per point, the lower one at least 0
 *   C    centre c = mean count; limits c +- 3 sqrt(c), the lower one at least 0
 *   I    centre = mean; sigma = mean moving range / 1.128, where moving ranges above
 *        3.267 x the mean moving range are screened out once before the mean is taken
 *
 * P and U values and limits are multiplied by the measure's scale (100 for percent, 1000 per
 * 1,000). A point outside its limits is a signal; so are the run rules (runs.h) around the
 * centre line of each phase. Figures are not rounded. */
#ifndef LGVO_CORE_SIGNALS_SPC_H
#define LGVO_CORE_SIGNALS_SPC_H

#include "core/signals/runs.h"

enum spc_chart { SPC_RUN = 0, SPC_P, SPC_U, SPC_C, SPC_I };

enum spc_verdict { SPC_INSUFFICIENT_DATA = 0, SPC_NO_SIGNAL, SPC_SIGNAL };

struct spc_point {
    int usable;         /* 0: no value for this caller (suppressed) or none: left out */
    double value;       /* run, C and I charts */
    double numerator;   /* P and U charts: value = numerator * scale / denominator */
    double denominator; /* P and U charts; a point without a positive one is left out */
};

struct spc_options {
    enum spc_chart chart;
    double scale;     /* P and U; 0 counts as 1 */
    int freeze;       /* index of the last baseline point of its phase; -1 = none */
    const int *parts; /* indices at which a new phase starts, ascending; borrowed; may be NULL */
    int nparts;
};

/* One per input point. */
struct spc_out {
    int has_value;
    double value;
    int has_centre;
    double centre;
    int has_limits; /* never on a run chart */
    double lcl, ucl;
    int outside;    /* +1 above the upper limit, -1 below the lower one, 0 within */
    int long_run;   /* part of an unusually long run */
    int signal;     /* outside || long_run */
    int phase;      /* index into spc_result.phases */
};

struct spc_phase {
    int first, last;   /* point indices, inclusive */
    int baseline_last; /* the centre and limits come from points first..baseline_last */
    int has_centre;
    double centre;     /* scaled, as the points' centre */
    struct runs_result runs;
    int outside;       /* points outside the limits */
    enum spc_verdict verdict;
};

struct spc_result {
    int npoints;
    struct spc_out *points;   /* owned */
    int nphases;
    struct spc_phase *phases; /* owned */
};

/* Computes every chart figure and signal of pts[0..n-1]. out is owned by the caller and
 * freed with spc_result_free (also after an error). Returns 0, or -1 when the options are
 * inconsistent (parts not ascending or out of range). */
int spc_compute(const struct spc_point *pts, int n, const struct spc_options *opt,
                struct spc_result *out);
void spc_result_free(struct spc_result *r);

/* A phase's verdict: a point outside the limits is a signal; otherwise fewer than
 * RUNS_MIN_USEFUL useful observations is insufficient data; otherwise the run rules. */
enum spc_verdict spc_phase_verdict(const struct spc_phase *ph);

/* The most recent signal of the last phase: the latest flagged point and the consecutive
 * flagged points before it on the same side of the centre line (points without a value or
 * exactly on the line are passed over). side is +1 above the centre, -1 below, 0 when only
 * the crossings rule signals (then first..last is the whole phase). found = 0 without a
 * signal. */
struct spc_latest {
    int found;
    int first, last;
    int side;
};
void spc_latest_signal(const struct spc_result *r, struct spc_latest *out);

const char *spc_chart_name(enum spc_chart c);      /* "run", "p", "u", "c", "i" */
int spc_chart_parse(const char *name, enum spc_chart *out); /* 0 or -1 */
const char *spc_verdict_name(enum spc_verdict v);  /* "signal", "no_signal", "insufficient_data" */

#endif
