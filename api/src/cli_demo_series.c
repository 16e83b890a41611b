/* The demo's series: the periods of the last five years, the planted signals, and one figure
 * per measure, principal, period and sex drawn from the measure's profile (cli_demo_model.c).
 *
 * Every series a principal reports is checked with the server's own chart code (spc.h) the
 * way GET /api/v1/measures/{slug}/signals draws it (chart=auto, total): a planted series must
 * show its signal exactly where it was planted, any other series should show none. A series
 * that does not is drawn again with the next salt (a fixed sequence, so the result is the same
 * on every run); a series without a clean draw after a few salts is kept as it is (noise can
 * signal), a planted one that cannot be drawn is an error. */
#include "cli_demo.h"

#include "core/signals/spc.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

#define SALTS_PLANTED 2000
#define SALTS_OTHER 25

/* The documented shift first (see the command's --help): browser tests rely on it. */
static const struct demo_plant builtin_plants[] = {
    {.measure = "att-aldras.readmissions-30d", .principal = "linkoping", .kind = PLANT_SHIFT,
     .back = 11, .factor = 0.62, .pdsa = 1},
    {.measure = "nara-vard.readmissions-30d", .principal = "norrkoping", .kind = PLANT_SHIFT,
     .back = 9, .factor = 1.3},
    {.measure = "nara-vard.discharge-delay-mean-days", .principal = "motala",
     .kind = PLANT_OUTLIER, .back = 20, .factor = 3.0},
};

/* ---- periods ---- */

/* The complete periods of type t whose first day lies within five years before the end of the
 * last complete one (the period containing as_of is still open): 60 months, 20 quarters,
 * 15 tertials, 10 half-years, 5 years or about 261 weeks. Oldest first; caller frees. */
static struct period *periods_of(enum period_type t, struct date as_of, int *count)
{
    struct period cur, last;
    period_containing(t, as_of, &cur);
    period_add(&cur, -1, &last);
    struct date limit = {last.end.year - DEMO_YEARS, last.end.month, last.end.day};
    if (limit.month == 2 && limit.day == 29)
        limit.day = 28;
    int cap = 300, n = 0;
    struct period *out = xcalloc((size_t)cap, sizeof *out);
    for (struct period p = last; date_compare(p.start, limit) > 0 && n < cap;) {
        out[n++] = p;
        struct period prev;
        period_add(&p, -1, &prev);
        p = prev;
    }
    for (int i = 0; i < n / 2; i++) {
        struct period tmp = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = tmp;
    }
    *count = n;
    return out;
}

/* ---- lookups ---- */

static int measure_index(const struct demo_ctx *ctx, const char *slug)
{
    for (int i = 0; slug && i < ctx->nmeasures; i++)
        if (strcmp(ctx->measures[i].slug, slug) == 0)
            return i;
    return -1;
}

static const struct demo_principal *principal_by_slug(const struct demo_ctx *ctx, const char *slug)
{
    for (int i = 0; i < ctx->nprincipals; i++)
        if (strcmp(ctx->principals[i].slug, slug) == 0)
            return &ctx->principals[i];
    return NULL;
}

static const struct demo_plant *plant_of(const struct demo_ctx *ctx, int mi, int principal_id)
{
    for (int i = 0; i < ctx->nplants; i++)
        if (ctx->plants[i].found && ctx->plants[i].measure_index == mi &&
            ctx->plants[i].principal_id == principal_id)
            return &ctx->plants[i];
    return NULL;
}

int demo_reports(const struct demo_measure *m, const struct demo_principal *p)
{
    int from_region = m->by_region && !m->by_municipality && !m->on_behalf;
    if (p->region)
        return from_region || (m->by_region && m->by_municipality && !m->on_behalf);
    return !from_region;
}

/* ---- drawing one figure ---- */

static struct demo_value draw_salted(struct demo_ctx *ctx, int mi, const struct demo_principal *p,
                                     const struct period *per, char sex, int salt);
static int salt_of(struct demo_ctx *ctx, int mi, const struct demo_principal *p);

/* The figure as every other measure sees it (with the series' chosen salt). A missing source
 * (no profile for it) gives no figure. */
static struct demo_value figure(struct demo_ctx *ctx, const char *slug,
                                const struct demo_principal *p, const struct period *per, char sex)
{
    int mi = measure_index(ctx, slug);
    if (mi < 0)
        return (struct demo_value){.skip = 1};
    return draw_salted(ctx, mi, p, per, sex, salt_of(ctx, mi, p));
}

/* What the charts plot: numerator * scale / denominator for ratios, else the value. */
static double plotted(const struct demo_measure *m, const struct demo_value *v)
{
    if (!m->ratio)
        return v->value;
    return v->denominator > 0 ? v->numerator * m->scale / v->denominator : 0.0;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* The principal's own level: a fixed factor around 1. */
static double principal_factor(const struct demo_measure *m, const struct demo_principal *p)
{
    struct demo_rng r;
    demo_rng_seed(&r, m->slug, p->id, (struct date){0, 0, 0}, 'T', "level", 0);
    return clamp(1.0 + m->prof.spread * demo_normal(&r), 0.6, 1.4);
}

static double plant_factor(const struct demo_ctx *ctx, int mi, const struct demo_principal *p,
                           const struct period *per)
{
    const struct demo_plant *pl = plant_of(ctx, mi, p->id);
    if (!pl)
        return 1.0;
    int c = date_compare(per->start, pl->from.start);
    return (pl->kind == PLANT_SHIFT ? c >= 0 : c == 0) ? pl->factor : 1.0;
}

/* The period's share of a year, nominal: a leap year or a short February would show in the
 * charts as a signal nobody planted. */
static double period_years(const struct period *per)
{
    switch (per->type) {
    case PERIOD_HALF: return 1.0 / 2;
    case PERIOD_TERTIAL: return 1.0 / 3;
    case PERIOD_QUARTER: return 1.0 / 4;
    case PERIOD_MONTH: return 1.0 / 12;
    case PERIOD_WEEK: return 7.0 / 365.25;
    case PERIOD_YEAR:
    case PERIOD_NONE: break;
    }
    return 1.0;
}

static int additive(enum demo_model model)
{
    return model != DM_VALUE && model != DM_QUOTIENT;
}

static int own_noise(enum demo_model model)
{
    return model != DM_STOCK && model != DM_QUOTIENT && model != DM_SUM && model != DM_NUM_OF;
}

static struct demo_value draw_model(struct demo_ctx *ctx, int mi, const struct demo_principal *p,
                                    const struct period *per, char sex, int salt)
{
    const struct demo_measure *m = &ctx->measures[mi];
    const struct demo_profile *pr = &m->prof;
    struct demo_value v = {0};
    double years = period_years(per);
    /* Figures follow the population of one year, so that growth makes no trend. */
    double pop = demo_population_of(ctx->pop, p->id, ctx->as_of.year - 3, sex, pr->band);
    double f = principal_factor(m, p) * plant_factor(ctx, mi, p, per);
    struct demo_rng num, den;
    demo_rng_seed(&num, m->slug, p->id, per->start, sex, "num", salt);
    demo_rng_seed(&den, pr->den_key ? pr->den_key : m->slug, p->id, per->start, sex, "den", 0);
    switch (pr->model) {
    case DM_SHARE:
    case DM_SUBSET: {
        long n = demo_poisson(&den, pop * pr->rate * years);
        n = n < 1 ? 1 : n;
        double prob = pr->level / m->scale * f;
        long k = demo_binomial(&num, n, clamp(prob, 0.0005, 0.9995));
        if (pr->model == DM_SUBSET) {
            struct demo_value outer = figure(ctx, pr->src1, p, per, sex);
            if (!outer.skip && (double)k > outer.numerator)
                k = (long)outer.numerator;
        }
        v.numerator = (double)k;
        v.denominator = (double)n;
        break;
    }
    case DM_RATE: {
        double n = demo_round(demo_population_of(ctx->pop, p->id, per->start.year, sex, pr->band), 0);
        n = n < 1 ? 1 : n;
        v.numerator = (double)demo_poisson(&num, n * pr->level / 1000.0 * years * f);
        v.denominator = n;
        break;
    }
    case DM_EVENTS: {
        long n = demo_poisson(&den, pop * pr->rate * years);
        n = n < 1 ? 1 : n;
        v.numerator = (double)demo_poisson(&num, (double)n * pr->level * f);
        v.denominator = (double)n;
        break;
    }
    case DM_OCCUPANCY: {
        struct demo_value places = figure(ctx, pr->src1, p, per, sex);
        if (places.skip || places.value < 1)
            return (struct demo_value){.skip = 1};
        /* Average occupied places over the week: two decimals, rarely all of them. */
        double occupied = clamp(clamp(pr->level * f, 0.3, 0.92) + 0.03 * demo_normal(&num), 0.0, 1.0);
        v.denominator = places.value;
        v.numerator = clamp(demo_round(places.value * occupied, 2), 0.0, places.value);
        break;
    }
    case DM_COUNT:
        v.value = (double)demo_poisson(&num, (pr->offset + pop * pr->rate) * years * f);
        break;
    case DM_STOCK: {
        /* Places available do not move from week to week; a ±1 now and then would put the
         * usual figure on one side of the C chart's mean and signal a long run. */
        double base = demo_round(pop * pr->rate * f, 0);
        v.value = base < 1 ? 1 : base;
        break;
    }
    case DM_AMOUNT: {
        /* One national change per year for everybody (a grant follows a national sum), so
         * that shares of these amounts keep their weights in the county total. */
        struct demo_rng year;
        demo_rng_seed(&year, m->slug, 0, per->start, 'T', "year", 0);
        double national = 1.0 + 0.04 * demo_normal(&year);
        v.value = clamp(demo_round(pop * pr->rate * years * f * national, 0), 0, 1e15);
        break;
    }
    case DM_USE_SHARE: {
        /* Used of available (granted plus what was carried over): a binomial share of kronor
         * barely moves, as the P chart the API draws for it expects. */
        struct demo_value granted = figure(ctx, pr->src1, p, per, sex);
        if (granted.skip)
            return granted;
        struct demo_rng carry;
        demo_rng_seed(&carry, m->slug, p->id, (struct date){0, 0, 0}, 'T', "carry", 0);
        double available = granted.value + demo_round(granted.value * 0.12 * demo_uniform(&carry), 0);
        if (available < 1)
            return (struct demo_value){.skip = 1};
        v.denominator = available;
        double used = clamp(pr->level / m->scale * f, 0.05, 1.0);
        v.numerator = (double)demo_binomial(&num, (long)available, used);
        break;
    }
    case DM_VALUE: {
        double base = pr->rate > 0 ? pop * pr->rate : pr->level;
        v.value = demo_round(base * f * (1.0 + 0.05 * demo_normal(&num)), 1);
        break;
    }
    case DM_QUOTIENT: {
        struct demo_value a = figure(ctx, pr->src1, p, per, sex);
        struct demo_value b = figure(ctx, pr->src2, p, per, sex);
        int ia = measure_index(ctx, pr->src1), ib = measure_index(ctx, pr->src2);
        double va = a.skip ? 0 : plotted(&ctx->measures[ia], &a);
        double vb = b.skip ? 0 : plotted(&ctx->measures[ib], &b);
        if (!(vb > 0))
            return (struct demo_value){.skip = 1};
        v.value = demo_round(va / vb, 6);
        break;
    }
    case DM_SUM: {
        struct demo_value a = figure(ctx, pr->src1, p, per, sex);
        struct demo_value b = figure(ctx, pr->src2, p, per, sex);
        if (a.skip && b.skip)
            return a;
        v.numerator = (a.skip ? 0 : a.numerator) + (b.skip ? 0 : b.numerator);
        v.denominator = (a.skip ? 0 : a.denominator) + (b.skip ? 0 : b.denominator);
        if (!(v.denominator > 0))
            return (struct demo_value){.skip = 1};
        break;
    }
    case DM_NUM_OF: {
        struct demo_value a = figure(ctx, pr->src1, p, per, sex);
        if (a.skip)
            return a;
        v.value = a.numerator;
        break;
    }
    }
    if (!m->ratio) {
        if (m->has_min && v.value < m->min)
            v.value = m->min;
        if (m->has_max && v.value > m->max)
            v.value = m->max;
    }
    return v;
}

/* A total of a measure broken down by sex is the sum of women and men. */
static struct demo_value draw_salted(struct demo_ctx *ctx, int mi, const struct demo_principal *p,
                                     const struct period *per, char sex, int salt)
{
    const struct demo_measure *m = &ctx->measures[mi];
    if (sex != 'T' || !m->sex_split || !additive(m->prof.model))
        return draw_model(ctx, mi, p, per, sex, salt);
    struct demo_value k = draw_salted(ctx, mi, p, per, 'K', salt);
    struct demo_value w = draw_salted(ctx, mi, p, per, 'M', salt);
    if (k.skip)
        return w;
    if (w.skip)
        return k;
    return (struct demo_value){.value = k.value + w.value, .numerator = k.numerator + w.numerator,
                               .denominator = k.denominator + w.denominator};
}

/* ---- checking a series with the signal charts ---- */

static enum spc_chart auto_chart(const struct demo_measure *m)
{
    if (m->ratio)
        return strcmp(m->unit, "percent") == 0 ? SPC_P : SPC_U;
    return strcmp(m->unit, "count") == 0 ? SPC_C : SPC_I;
}

/* Whether value lies on the side of the centre line that plant pl moves the points to. */
static int planted_side(const struct demo_plant *pl, double value, double centre)
{
    return pl->factor > 1 ? value > centre : value < centre;
}

/* From the plant's first period on every point signals on the planted side; before it none
 * does on the chart the API draws (on the run chart the points before a shift lie on the
 * other side of the median, so they may). */
static int shift_ok(const struct spc_result *res, const struct period *pers, int n,
                    const struct demo_plant *pl, int run_chart)
{
    for (int i = 0; i < n; i++) {
        const struct spc_out *o = &res->points[i];
        int after = date_compare(pers[i].start, pl->from.start) >= 0;
        if (after && !(o->signal && o->has_centre && planted_side(pl, o->value, o->centre)))
            return 0;
        if (!after && o->signal && !run_chart)
            return 0;
    }
    return 1;
}

static int outlier_ok(const struct spc_result *res, const struct period *pers, int n,
                      const struct demo_plant *pl)
{
    for (int i = 0; i < n; i++) {
        const struct spc_out *o = &res->points[i];
        int at = date_compare(pers[i].start, pl->from.start) == 0;
        if (at && o->outside != (pl->factor > 1 ? 1 : -1))
            return 0;
        if (!at && o->signal)
            return 0;
    }
    return 1;
}

static int verdict_of(const struct spc_result *res)
{
    return res->nphases ? (int)res->phases[res->nphases - 1].verdict : SPC_INSUFFICIENT_DATA;
}

/* Whether the principal's total series drawn with salt looks as it should. */
static int series_ok(struct demo_ctx *ctx, int mi, const struct demo_principal *p, int salt,
                     const struct demo_plant *pl)
{
    const struct demo_measure *m = &ctx->measures[mi];
    const struct period *pers = ctx->periods[m->period];
    int n = ctx->nperiods[m->period];
    struct spc_point *pts = xcalloc(n > 0 ? (size_t)n : 1, sizeof *pts);
    for (int i = 0; i < n; i++) {
        struct demo_value v = draw_salted(ctx, mi, p, &pers[i], 'T', salt);
        pts[i].usable = !v.skip;
        pts[i].value = v.skip ? 0 : plotted(m, &v);
        pts[i].numerator = v.numerator;
        pts[i].denominator = v.denominator;
    }
    struct spc_options opt = {.chart = auto_chart(m), .scale = m->scale, .freeze = -1};
    struct spc_result res = {0};
    int ok = spc_compute(pts, n, &opt, &res) == 0;
    if (ok && !pl)
        ok = verdict_of(&res) != SPC_SIGNAL;
    else if (ok && pl->kind == PLANT_OUTLIER)
        ok = verdict_of(&res) == SPC_SIGNAL && outlier_ok(&res, pers, n, pl);
    else if (ok) {
        /* On the auto chart, and beyond the median on the run chart. */
        ok = verdict_of(&res) == SPC_SIGNAL && shift_ok(&res, pers, n, pl, 0);
        spc_result_free(&res);
        opt.chart = SPC_RUN;
        ok = ok && spc_compute(pts, n, &opt, &res) == 0 && shift_ok(&res, pers, n, pl, 1);
    }
    spc_result_free(&res);
    free(pts);
    return ok;
}

static int derives_from(const struct demo_measure *d, const char *slug)
{
    return (d->prof.src1 && strcmp(d->prof.src1, slug) == 0) ||
           (d->prof.src2 && strcmp(d->prof.src2, slug) == 0);
}

/* Whether the series that follow measure mi without noise of their own (sums, quotients,
 * numerators taken over) show no signal for p either. */
static int dependants_ok(struct demo_ctx *ctx, int mi, const struct demo_principal *p, int depth)
{
    for (int d = 0; d < ctx->ndb && depth < 4; d++) {
        const struct demo_measure *dm = &ctx->measures[d];
        if (own_noise(dm->prof.model) || !derives_from(dm, ctx->measures[mi].slug))
            continue;
        if (demo_reports(dm, p) && !series_ok(ctx, d, p, 0, NULL))
            return 0;
        if (!dependants_ok(ctx, d, p, depth + 1))
            return 0;
    }
    return 1;
}

/* The salt of a principal's series, chosen at first use. While it is being chosen, the slot
 * holds the salt on trial, which the series derived from it then use. */
static int salt_of(struct demo_ctx *ctx, int mi, const struct demo_principal *p)
{
    int *slot = &ctx->salts[mi * DEMO_MAX_PRINCIPALS + p->id];
    if (*slot >= 0)
        return *slot;
    *slot = 0;
    const struct demo_measure *m = &ctx->measures[mi];
    if (mi >= ctx->ndb || !demo_reports(m, p) || !own_noise(m->prof.model))
        return 0;
    const struct demo_plant *pl = plant_of(ctx, mi, p->id);
    int tries = pl ? SALTS_PLANTED : SALTS_OTHER;
    for (int salt = 0; salt < tries; salt++) {
        *slot = salt;
        if (series_ok(ctx, mi, p, salt, pl) && dependants_ok(ctx, mi, p, 0))
            return salt;
    }
    *slot = 0;
    if (pl && !ctx->failed) {
        ctx->failed = 1;
        snprintf(ctx->err, sizeof ctx->err, "cannot draw the planted %s of %s for %s",
                 pl->kind == PLANT_SHIFT ? "shift" : "outlier", m->slug, p->slug);
    }
    return 0;
}

/* ---- the county ---- */

static int from_region(const struct demo_measure *m)
{
    return m->by_region && !m->by_municipality && !m->on_behalf;
}

static const struct demo_plant *plant_on(const struct demo_ctx *ctx, int mi)
{
    for (int i = 0; i < ctx->nplants; i++)
        if (ctx->plants[i].found && ctx->plants[i].measure_index == mi)
            return &ctx->plants[i];
    return NULL;
}

/* Whether the county series of measure mi (the municipalities' totals summed, as the API
 * sums them) shows no signal, or the planted one where it was planted. Totals of values other
 * than counts are not summed there. */
static int county_ok(struct demo_ctx *ctx, int mi)
{
    const struct demo_measure *m = &ctx->measures[mi];
    if (from_region(m) || (!m->ratio && strcmp(m->unit, "count") != 0))
        return 1;
    const struct period *pers = ctx->periods[m->period];
    int n = ctx->nperiods[m->period];
    struct spc_point *pts = xcalloc(n > 0 ? (size_t)n : 1, sizeof *pts);
    for (int i = 0; i < n; i++) {
        double num = 0, den = 0, value = 0;
        int any = 0;
        for (int k = 0; k < ctx->nprincipals; k++) {
            const struct demo_principal *p = &ctx->principals[k];
            if (p->region || !demo_reports(m, p))
                continue;
            struct demo_value v = draw_salted(ctx, mi, p, &pers[i], 'T', salt_of(ctx, mi, p));
            if (v.skip)
                continue;
            any = 1;
            num += v.numerator;
            den += v.denominator;
            value += v.value;
        }
        pts[i].usable = any && (!m->ratio || den > 0);
        pts[i].value = m->ratio ? (den > 0 ? num * m->scale / den : 0) : value;
        pts[i].numerator = num;
        pts[i].denominator = den;
    }
    struct spc_options opt = {.chart = auto_chart(m), .scale = m->scale, .freeze = -1};
    struct spc_result res = {0};
    const struct demo_plant *pl = plant_on(ctx, mi);
    int ok = spc_compute(pts, n, &opt, &res) == 0;
    if (ok && !pl)
        ok = verdict_of(&res) != SPC_SIGNAL;
    else if (ok)
        ok = verdict_of(&res) == SPC_SIGNAL && (pl->kind == PLANT_SHIFT ? shift_ok(&res, pers, n, pl, 0)
                                                                      : outlier_ok(&res, pers, n, pl));
    spc_result_free(&res);
    free(pts);
    return ok;
}

/* A county series that signals by chance, or hides a planted signal behind chance, is drawn
 * again through one of its other municipalities (kept as it is when none helps). */
static void county_settle(struct demo_ctx *ctx, int mi)
{
    const struct demo_measure *m = &ctx->measures[mi];
    const struct demo_plant *pl = plant_on(ctx, mi);
    if (!own_noise(m->prof.model) || county_ok(ctx, mi))
        return;
    for (int k = 0; k < ctx->nprincipals; k++) {
        const struct demo_principal *p = &ctx->principals[k];
        if (p->region || !demo_reports(m, p) || (pl && pl->principal_id == p->id))
            continue;
        int *slot = &ctx->salts[mi * DEMO_MAX_PRINCIPALS + p->id];
        int keep = *slot;
        for (int salt = keep + 1; salt <= keep + SALTS_OTHER; salt++) {
            *slot = salt;
            if (series_ok(ctx, mi, p, salt, NULL) && dependants_ok(ctx, mi, p, 0) && county_ok(ctx, mi))
                return;
        }
        *slot = keep;
    }
}

/* ---- set-up ---- */

/* Adds the measures the database's measures derive from but does not define itself. */
static void add_sources(struct demo_ctx *ctx)
{
    for (int i = 0; i < ctx->nmeasures; i++) {
        const char *src[] = {ctx->measures[i].prof.src1, ctx->measures[i].prof.src2};
        for (int k = 0; k < 2; k++) {
            if (!src[k] || measure_index(ctx, src[k]) >= 0)
                continue;
            for (const struct demo_profile *pr = demo_profiles; pr->slug; pr++) {
                if (strcmp(pr->slug, src[k]) != 0)
                    continue;
                size_t size = (size_t)(ctx->nmeasures + 1) * sizeof *ctx->measures;
                ctx->measures = xrealloc(ctx->measures, size);
                demo_measure_from_profile(&ctx->measures[ctx->nmeasures++], pr);
                break;
            }
        }
    }
}

int demo_series_prepare(struct demo_ctx *ctx, char *err, size_t errlen)
{
    for (int t = PERIOD_YEAR; t <= PERIOD_WEEK; t++)
        ctx->periods[t] = periods_of((enum period_type)t, ctx->as_of, &ctx->nperiods[t]);
    add_sources(ctx);
    size_t nsalts = (size_t)ctx->nmeasures * DEMO_MAX_PRINCIPALS;
    ctx->salts = xmalloc((nsalts ? nsalts : 1) * sizeof *ctx->salts);
    for (size_t i = 0; i < nsalts; i++)
        ctx->salts[i] = -1;
    ctx->nplants = (int)(sizeof builtin_plants / sizeof builtin_plants[0]);
    ctx->plants = xcalloc((size_t)ctx->nplants, sizeof *ctx->plants);
    for (int i = 0; i < ctx->nplants; i++) {
        struct demo_plant *pl = &ctx->plants[i];
        *pl = builtin_plants[i];
        pl->measure_index = measure_index(ctx, pl->measure);
        const struct demo_principal *p = principal_by_slug(ctx, pl->principal);
        if (pl->measure_index < 0 || pl->measure_index >= ctx->ndb || !p ||
            !demo_reports(&ctx->measures[pl->measure_index], p))
            continue;
        const struct demo_measure *m = &ctx->measures[pl->measure_index];
        if (ctx->nperiods[m->period] <= pl->back)
            continue;
        pl->principal_id = p->id;
        pl->from = ctx->periods[m->period][ctx->nperiods[m->period] - 1 - pl->back];
        pl->found = 1;
    }
    /* The planted series first: a failure is known before anything is written. */
    for (int i = 0; i < ctx->nplants && !ctx->failed; i++)
        if (ctx->plants[i].found)
            salt_of(ctx, ctx->plants[i].measure_index,
                    principal_by_slug(ctx, ctx->plants[i].principal));
    for (int i = 0; i < ctx->ndb && !ctx->failed; i++)
        county_settle(ctx, i);
    if (ctx->failed) {
        snprintf(err, errlen, "%s", ctx->err);
        return -1;
    }
    return 0;
}

void demo_ctx_free(struct demo_ctx *ctx)
{
    free(ctx->measures);
    for (int t = 0; t <= PERIOD_WEEK; t++)
        free(ctx->periods[t]);
    free(ctx->salts);
    free(ctx->plants);
    memset(ctx, 0, sizeof *ctx);
}

/* ---- COPY lines ---- */

/* A figure as text: at most six decimals, no trailing zeros. */
static void number_text(double v, char out[48])
{
    snprintf(out, 48, "%.6f", v);
    char *dot = strchr(out, '.');
    if (!dot)
        return;
    char *end = out + strlen(out) - 1;
    while (end > dot && *end == '0')
        *end-- = '\0';
    if (end == dot)
        *end = '\0';
}

long demo_series_copy(struct demo_ctx *ctx, int mi, struct strbuf *out, char *err, size_t errlen)
{
    const struct demo_measure *m = &ctx->measures[mi];
    static const char all_sexes[] = "TKM";
    int nsex = m->sex_split ? 3 : 1;
    long rows = 0;
    for (int k = 0; k < ctx->nprincipals; k++) {
        const struct demo_principal *p = &ctx->principals[k];
        if (!demo_reports(m, p))
            continue;
        int salt = salt_of(ctx, mi, p);
        for (int i = 0; i < ctx->nperiods[m->period]; i++) {
            const struct period *per = &ctx->periods[m->period][i];
            char text[16], start[11], end[11];
            period_format(per, text, sizeof text);
            date_format(per->start, start);
            date_format(per->end, end);
            for (int s = 0; s < nsex; s++) {
                struct demo_value v = draw_salted(ctx, mi, p, per, all_sexes[s], salt);
                if (v.skip)
                    continue;
                char a[48] = "\\N", b[48] = "\\N", c[48] = "\\N", scale[48];
                if (m->ratio) {
                    number_text(v.numerator, b);
                    number_text(v.denominator, c);
                } else {
                    number_text(v.value, a);
                }
                number_text(m->scale, scale);
                strbuf_addf(out, "%d\t%d\t%s\t%s\t%s\t%c\t%s\t%s\t%s\t%s\n", m->id, p->id, text,
                            start, end, all_sexes[s], a, b, c, scale);
                rows++;
            }
        }
    }
    if (ctx->failed) {
        snprintf(err, errlen, "%s", ctx->err);
        return -1;
    }
    return rows;
}
