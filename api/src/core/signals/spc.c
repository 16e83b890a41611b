/* Run and control charts; see spc.h. Pure: no I/O. */
#include "core/signals/spc.h"

#include "util/mem.h"

#include <math.h>
#include <string.h>

/* d2 for moving ranges of two points, and the upper limit factor D4 of a moving range
 * (Montgomery, Introduction to Statistical Quality Control, table VI). */
#define SPC_D2 1.128
#define SPC_D4 3.267

/* What a phase's baseline gives: the centre (P and U: a proportion or rate per unit of the
 * denominator, not yet scaled) and, for C and I charts, sigma. */
struct estimate {
    int has_centre;
    double centre;
    int has_sigma;
    double sigma;
};

/* The square root without libm, which the core does not link: Newton's method on the
 * mantissa (frexp and ldexp are in libc); within an ulp of sqrt(x). x < 0 gives 0. */
static double spc_sqrt(double x)
{
    if (!(x > 0) || !isfinite(x))
        return x > 0 ? x : 0.0;
    int e;
    double m = frexp(x, &e); /* x = m 2^e, 0.5 <= m < 1 */
    if (e % 2 != 0) {
        m *= 2.0;
        e--;
    }
    /* (1 + m) / 2 >= sqrt(m): the iteration falls monotonically; from a relative error of at
     * most 0.09 four steps reach double precision, six leave a margin. */
    double y = (1.0 + m) / 2.0;
    for (int i = 0; i < 6; i++)
        y = (y + m / y) / 2.0;
    return ldexp(y, e / 2);
}

static double scale_of(const struct spc_options *opt)
{
    return opt->scale > 0 ? opt->scale : 1.0;
}

static int is_ratio_chart(enum spc_chart c)
{
    return c == SPC_P || c == SPC_U;
}

/* The plotted value of every point: P and U numerator * scale / denominator, others value. */
static void plot_values(const struct spc_point *pts, int n, const struct spc_options *opt,
                        struct spc_out *out)
{
    for (int i = 0; i < n; i++) {
        const struct spc_point *p = &pts[i];
        int ok = p->usable;
        double v = p->value;
        if (is_ratio_chart(opt->chart)) {
            ok = ok && p->denominator > 0 && p->numerator >= 0;
            v = ok ? p->numerator * scale_of(opt) / p->denominator : 0.0;
        }
        out[i].has_value = ok && isfinite(v);
        out[i].value = out[i].has_value ? v : 0.0;
    }
}

/* Run chart: the median of the baseline's values. scratch holds n doubles. */
static void estimate_run(const struct spc_out *o, int first, int last, double *scratch,
                         struct estimate *e)
{
    int k = 0;
    for (int i = first; i <= last; i++)
        if (o[i].has_value)
            scratch[k++] = o[i].value;
    if (k == 0)
        return;
    e->has_centre = 1;
    e->centre = runs_median(scratch, k);
}

/* P and U charts: sum of numerators / sum of denominators over the baseline. */
static void estimate_ratio(const struct spc_point *pts, const struct spc_out *o, int first,
                           int last, struct estimate *e)
{
    double num = 0.0, den = 0.0;
    for (int i = first; i <= last; i++) {
        if (!o[i].has_value)
            continue;
        num += pts[i].numerator;
        den += pts[i].denominator;
    }
    if (!(den > 0))
        return;
    e->has_centre = 1;
    e->centre = num / den;
}

/* C chart: the mean count; sigma = sqrt(mean). */
static void estimate_c(const struct spc_out *o, int first, int last, struct estimate *e)
{
    double sum = 0.0;
    int k = 0;
    for (int i = first; i <= last; i++) {
        if (o[i].has_value) {
            sum += o[i].value;
            k++;
        }
    }
    if (k == 0)
        return;
    e->has_centre = 1;
    e->centre = sum / k;
    e->has_sigma = e->centre >= 0;
    e->sigma = spc_sqrt(e->centre);
}

static double mean_of(const double *v, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    return sum / n;
}

/* I chart: the mean; the moving ranges of neighbouring points that both have a value (a
 * point without one breaks the chain); ranges above D4 x their mean screened out once;
 * sigma = mean of the rest / d2. scratch holds n doubles. */
static void estimate_i(const struct spc_out *o, int first, int last, double *scratch,
                       struct estimate *e)
{
    double sum = 0.0;
    int k = 0, nmr = 0;
    for (int i = first; i <= last; i++) {
        if (!o[i].has_value)
            continue;
        sum += o[i].value;
        k++;
        if (i > first && o[i - 1].has_value) {
            double d = o[i].value - o[i - 1].value;
            scratch[nmr++] = d < 0 ? -d : d;
        }
    }
    if (k == 0)
        return;
    e->has_centre = 1;
    e->centre = sum / k;
    if (nmr == 0)
        return;
    double upper = SPC_D4 * mean_of(scratch, nmr);
    int kept = 0;
    for (int j = 0; j < nmr; j++)
        if (scratch[j] <= upper)
            scratch[kept++] = scratch[j];
    e->has_sigma = 1;
    e->sigma = mean_of(scratch, kept) / SPC_D2;
}

static void estimate(const struct spc_point *pts, const struct spc_out *o, int first, int last,
                     enum spc_chart chart, double *scratch, struct estimate *e)
{
    memset(e, 0, sizeof *e);
    switch (chart) {
    case SPC_RUN:
        estimate_run(o, first, last, scratch, e);
        break;
    case SPC_P:
    case SPC_U:
        estimate_ratio(pts, o, first, last, e);
        break;
    case SPC_C:
        estimate_c(o, first, last, e);
        break;
    case SPC_I:
        estimate_i(o, first, last, scratch, e);
        break;
    }
}

static double clip(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The limits of one point with a value, scaled. Returns 0 when the chart has none there. */
static int point_limits(enum spc_chart chart, const struct estimate *e, const struct spc_point *p,
                        double scale, double *lcl, double *ucl)
{
    double c = e->centre, s;
    switch (chart) {
    case SPC_P:
        if (c < 0 || c > 1)
            return 0;
        s = spc_sqrt(c * (1.0 - c) / p->denominator);
        *lcl = clip(c - 3.0 * s, 0.0, 1.0) * scale;
        *ucl = clip(c + 3.0 * s, 0.0, 1.0) * scale;
        return 1;
    case SPC_U:
        if (c < 0)
            return 0;
        s = spc_sqrt(c / p->denominator);
        *lcl = (c - 3.0 * s > 0 ? c - 3.0 * s : 0.0) * scale;
        *ucl = (c + 3.0 * s) * scale;
        return 1;
    case SPC_C:
    case SPC_I:
        if (!e->has_sigma)
            return 0;
        *lcl = c - 3.0 * e->sigma;
        *ucl = c + 3.0 * e->sigma;
        if (chart == SPC_C && *lcl < 0)
            *lcl = 0.0;
        return 1;
    case SPC_RUN:
        break;
    }
    return 0;
}

/* Centre, limits and outside flags of the points first..last. */
static void judge_points(const struct spc_point *pts, struct spc_out *o, int first, int last,
                         const struct spc_options *opt, const struct estimate *e, double centre)
{
    for (int i = first; i <= last; i++) {
        o[i].has_centre = 1;
        o[i].centre = centre;
        if (!o[i].has_value)
            continue;
        o[i].has_limits = point_limits(opt->chart, e, &pts[i], scale_of(opt), &o[i].lcl, &o[i].ucl);
        if (o[i].has_limits)
            o[i].outside = o[i].value > o[i].ucl ? 1 : o[i].value < o[i].lcl ? -1 : 0;
    }
}

static signed char side_of(const struct spc_out *p)
{
    if (!p->has_value || !p->has_centre)
        return 0;
    return (signed char)((p->value > p->centre) - (p->value < p->centre));
}

/* The run rules around the phase's centre line, and the points of unusually long runs. */
static void judge_runs(struct spc_out *o, struct spc_phase *ph, signed char *side, int *mark)
{
    int len = ph->last - ph->first + 1;
    for (int i = 0; i < len; i++) {
        side[i] = side_of(&o[ph->first + i]);
        mark[i] = 0;
    }
    runs_analyse(side, len, &ph->runs);
    if (ph->runs.sufficient && ph->runs.longest_run_signal)
        runs_mark_long(side, len, ph->runs.longest_run_limit, mark);
    for (int i = 0; i < len; i++) {
        struct spc_out *p = &o[ph->first + i];
        p->long_run = mark[i];
        p->signal = p->outside != 0 || p->long_run;
        ph->outside += p->outside != 0;
    }
}

enum spc_verdict spc_phase_verdict(const struct spc_phase *ph)
{
    if (ph->outside > 0)
        return SPC_SIGNAL;
    if (!ph->runs.sufficient)
        return SPC_INSUFFICIENT_DATA;
    return ph->runs.longest_run_signal || ph->runs.crossings_signal ? SPC_SIGNAL : SPC_NO_SIGNAL;
}

static int options_valid(int n, const struct spc_options *opt)
{
    if (opt->nparts < 0 || (opt->nparts > 0 && !opt->parts))
        return 0;
    for (int k = 0; k < opt->nparts; k++)
        if (opt->parts[k] <= (k ? opt->parts[k - 1] : 0) || opt->parts[k] >= n)
            return 0;
    return opt->chart >= SPC_RUN && opt->chart <= SPC_I && opt->freeze < n;
}

/* Phase boundaries, and the baseline of each: the frozen one in the phase that holds the
 * freeze point, the whole phase elsewhere. */
static void split_phases(int n, const struct spc_options *opt, struct spc_result *r)
{
    r->nphases = n > 0 ? opt->nparts + 1 : 0;
    for (int k = 0; k < r->nphases; k++) {
        struct spc_phase *ph = &r->phases[k];
        ph->first = k ? opt->parts[k - 1] : 0;
        ph->last = k < opt->nparts ? opt->parts[k] - 1 : n - 1;
        int frozen = opt->freeze >= ph->first && opt->freeze <= ph->last;
        ph->baseline_last = frozen ? opt->freeze : ph->last;
        for (int i = ph->first; i <= ph->last; i++)
            r->points[i].phase = k;
    }
}

static void compute_phase(const struct spc_point *pts, const struct spc_options *opt,
                          struct spc_result *r, struct spc_phase *ph, double *scratch,
                          signed char *side, int *mark)
{
    struct estimate e;
    estimate(pts, r->points, ph->first, ph->baseline_last, opt->chart, scratch, &e);
    ph->has_centre = e.has_centre;
    ph->centre = is_ratio_chart(opt->chart) ? e.centre * scale_of(opt) : e.centre;
    if (ph->has_centre)
        judge_points(pts, r->points, ph->first, ph->last, opt, &e, ph->centre);
    judge_runs(r->points, ph, side, mark);
    ph->verdict = spc_phase_verdict(ph);
}

int spc_compute(const struct spc_point *pts, int n, const struct spc_options *opt,
                struct spc_result *out)
{
    int rc = -1;
    double *scratch = NULL;
    signed char *side = NULL;
    int *mark = NULL;
    memset(out, 0, sizeof *out);
    if (n < 0 || !options_valid(n, opt))
        goto out;
    size_t cap = n > 0 ? (size_t)n : 1;
    out->npoints = n;
    out->points = xcalloc(cap, sizeof *out->points);        /* owned by out */
    out->phases = xcalloc((size_t)opt->nparts + 1, sizeof *out->phases); /* owned by out */
    scratch = xcalloc(cap, sizeof *scratch);
    side = xcalloc(cap, sizeof *side);
    mark = xcalloc(cap, sizeof *mark);
    plot_values(pts, n, opt, out->points);
    split_phases(n, opt, out);
    for (int k = 0; k < out->nphases; k++)
        compute_phase(pts, opt, out, &out->phases[k], scratch, side, mark);
    rc = 0;
out:
    free(scratch);
    free(side);
    free(mark);
    return rc;
}

void spc_result_free(struct spc_result *r)
{
    free(r->points);
    free(r->phases);
    memset(r, 0, sizeof *r);
}

void spc_latest_signal(const struct spc_result *r, struct spc_latest *out)
{
    memset(out, 0, sizeof *out);
    if (r->nphases == 0)
        return;
    const struct spc_phase *ph = &r->phases[r->nphases - 1];
    if (ph->verdict != SPC_SIGNAL)
        return;
    out->found = 1;
    int i = ph->last;
    while (i >= ph->first && !r->points[i].signal)
        i--;
    if (i < ph->first) {
        out->first = ph->first;
        out->last = ph->last;
        return;
    }
    out->side = side_of(&r->points[i]);
    out->first = out->last = i;
    for (int j = i - 1; j >= ph->first; j--) {
        int s = side_of(&r->points[j]);
        if (s == 0)
            continue;
        if (!r->points[j].signal || s != out->side)
            break;
        out->first = j;
    }
}

static const char *const chart_names[] = {"run", "p", "u", "c", "i"};

const char *spc_chart_name(enum spc_chart c)
{
    return c >= SPC_RUN && c <= SPC_I ? chart_names[c] : "run";
}

int spc_chart_parse(const char *name, enum spc_chart *out)
{
    for (int c = SPC_RUN; c <= SPC_I; c++) {
        if (name && strcmp(name, chart_names[c]) == 0) {
            *out = (enum spc_chart)c;
            return 0;
        }
    }
    return -1;
}

const char *spc_verdict_name(enum spc_verdict v)
{
    switch (v) {
    case SPC_SIGNAL:
        return "signal";
    case SPC_NO_SIGNAL:
        return "no_signal";
    case SPC_INSUFFICIENT_DATA:
        break;
    }
    return "insufficient_data";
}
