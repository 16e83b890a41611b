/* What the demo's figures look like: a profile per known measure (its model, the population it
 * follows, its level and the measures it derives from), generic profiles for measures defined
 * later, and the deterministic random draws. See cli_demo.h. No libm: the core links none. */
#include "cli_demo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define Y PERIOD_YEAR
#define Q PERIOD_QUARTER
#define T3 PERIOD_TERTIAL
#define MO PERIOD_MONTH
#define W PERIOD_WEEK

/* Levels are rounded figures of the kind Swedish statistics show (readmissions of people 80+
 * around 17 % within 30 days, a few hundred reports of concern a quarter in Linköping, ...):
 * plausible, not anybody's real data. rate: per inhabitant of the band per year. */
// clang-format off
const struct demo_profile demo_profiles[] = {
    /* Att åldras */
    {"att-aldras.avoidable-inpatient-care", "per_1000", Q, 1, 1, DM_RATE, "80+", 60, 0, 0, 0.15, NULL, NULL, NULL},
    {"att-aldras.self-rated-health", "percent", Y, 1, 1, DM_SHARE, "65+", 62, 0.1, 0, 0.06, "srh", NULL, NULL},
    {"att-aldras.ed-visits-not-admitted", "percent", MO, 1, 1, DM_SHARE, "80+", 45, 0.75, 0, 0.08, "ed80", NULL, NULL},
    {"att-aldras.readmissions-48h", "percent", MO, 1, 1, DM_SUBSET, "80+", 3.5, 0.45, 0, 0.1, "dis80",
     "att-aldras.readmissions-30d", NULL},
    {"att-aldras.readmissions-30d", "percent", MO, 1, 1, DM_SHARE, "80+", 17, 0.45, 0, 0.08, "dis80", NULL, NULL},
    {"att-aldras.care-primary-80", "per_1000", Y, 1, 0, DM_RATE, "80+", 6200, 0, 0, 0.08, NULL, NULL, NULL},
    {"att-aldras.care-primary-all", "per_1000", Y, 1, 0, DM_RATE, NULL, 2600, 0, 0, 0.06, NULL, NULL, NULL},
    {"att-aldras.care-primary-ratio", "ratio", Y, 0, 0, DM_QUOTIENT, "80+", 0, 0, 0, 0, NULL,
     "att-aldras.care-primary-80", "att-aldras.care-primary-all"},
    {"att-aldras.care-specialist-80", "per_1000", Y, 1, 0, DM_RATE, "80+", 3400, 0, 0, 0.08, NULL, NULL, NULL},
    {"att-aldras.care-specialist-all", "per_1000", Y, 1, 0, DM_RATE, NULL, 1500, 0, 0, 0.06, NULL, NULL, NULL},
    {"att-aldras.care-specialist-ratio", "ratio", Y, 0, 0, DM_QUOTIENT, "80+", 0, 0, 0, 0, NULL,
     "att-aldras.care-specialist-80", "att-aldras.care-specialist-all"},
    {"att-aldras.care-municipal-80", "per_1000", Y, 1, 0, DM_RATE, "80+", 9000, 0, 0, 0.12, NULL, NULL, NULL},
    {"att-aldras.care-municipal-all", "per_1000", Y, 1, 0, DM_RATE, NULL, 450, 0, 0, 0.12, NULL, NULL, NULL},
    {"att-aldras.care-municipal-ratio", "ratio", Y, 0, 0, DM_QUOTIENT, "80+", 0, 0, 0, 0, NULL,
     "att-aldras.care-municipal-80", "att-aldras.care-municipal-all"},
    /* Nära vård och kompetensförsörjning */
    {"nara-vard.readmissions-48h", "percent", MO, 1, 1, DM_SUBSET, NULL, 2.8, 0.11, 0, 0.1, "dis",
     "nara-vard.readmissions-30d", NULL},
    {"nara-vard.readmissions-30d", "percent", MO, 1, 1, DM_SHARE, NULL, 11.5, 0.11, 0, 0.08, "dis", NULL, NULL},
    {"nara-vard.short-term-places", "count", W, 0, 0, DM_STOCK, "80+", 0, 0.012, 0, 0.15, NULL, NULL, NULL},
    {"nara-vard.local-care-places", "count", W, 0, 0, DM_STOCK, NULL, 0, 0.00006, 0, 0.2, NULL, NULL, NULL},
    {"nara-vard.short-term-occupancy", "ratio", W, 1, 0, DM_OCCUPANCY, "80+", 0.88, 0, 0, 0.05, NULL,
     "nara-vard.short-term-places", NULL},
    {"nara-vard.local-care-occupancy", "ratio", W, 1, 0, DM_OCCUPANCY, NULL, 0.8, 0, 0, 0.08, NULL,
     "nara-vard.local-care-places", NULL},
    {"nara-vard.kpp-priority-cost-share", "percent", Y, 1, 0, DM_SHARE, NULL, 41, 30000, 0, 0.02, "kpp", NULL, NULL},
    {"nara-vard.discharge-delay-mean-days", "days", MO, 1, 0, DM_EVENTS, "65+", 1.2, 0.045, 0, 0.2, "ready", NULL, NULL},
    {"nara-vard.fall-injury-rate-65-79", "per_1000", Q, 1, 1, DM_RATE, "65-79", 22, 0, 0, 0.12, NULL, NULL, NULL},
    {"nara-vard.fall-injury-rate-80-plus", "per_1000", Q, 1, 1, DM_RATE, "80+", 85, 0, 0, 0.12, NULL, NULL, NULL},
    {"nara-vard.fall-injury-rate-65-plus", "per_1000", Q, 1, 1, DM_SUM, "65+", 0, 0, 0, 0, NULL,
     "nara-vard.fall-injury-rate-65-79", "nara-vard.fall-injury-rate-80-plus"},
    {"nara-vard.fall-injuries", "count", Q, 0, 1, DM_NUM_OF, "65+", 0, 0, 0, 0, NULL,
     "nara-vard.fall-injury-rate-65-plus", NULL},
    /* Växa upp och mitt i livet */
    {"vaxa-upp.sip-initiated", "count", T3, 0, 0, DM_COUNT, "0-17", 0, 0.0075, 0, 0.2, NULL, NULL, NULL},
    {"vaxa-upp.placed-health-exam-share", "percent", Y, 1, 0, DM_SHARE, "0-20", 78, 0.008, 0, 0.1, "placed", NULL, NULL},
    {"vaxa-upp.placed-dental-assessment-share", "percent", Y, 1, 0, DM_SHARE, "0-20", 63, 0.008, 0, 0.12, "placed",
     NULL, NULL},
    {"vaxa-upp.youth-health-visits-13-17", "count", Y, 0, 0, DM_COUNT, "13-17", 0, 0.3, 0, 0.2, NULL, NULL, NULL},
    {"vaxa-upp.youth-health-visits-18-21", "count", Y, 0, 0, DM_COUNT, "18-21", 0, 0.25, 0, 0.2, NULL, NULL, NULL},
    {"vaxa-upp.youth-health-visits-22-25", "count", Y, 0, 0, DM_COUNT, "22-25", 0, 0.06, 0, 0.25, NULL, NULL, NULL},
    {"vaxa-upp.youth-health-fte", "fte", Y, 0, 0, DM_VALUE, "13-25", 0, 0.00035, 0, 0.15, NULL, NULL, NULL},
    {"vaxa-upp.concern-reports", "count", Q, 0, 0, DM_COUNT, "0-17", 0, 0.05, 0, 0.15, NULL, NULL, NULL},
    {"vaxa-upp.state-grant-granted", "sek", Y, 0, 0, DM_AMOUNT, NULL, 0, 42, 0, 0.05, NULL, NULL, NULL},
    {"vaxa-upp.state-grant-use-share", "percent", Y, 1, 0, DM_USE_SHARE, NULL, 86, 0, 0, 0.05, NULL,
     "vaxa-upp.state-grant-granted", NULL},
    {"vaxa-upp.state-grant-used", "sek", Y, 0, 0, DM_NUM_OF, NULL, 0, 0, 0, 0, NULL,
     "vaxa-upp.state-grant-use-share", NULL},
    /* Digitalisering */
    {"digitalisering.tests-run", "count", Y, 0, 0, DM_COUNT, NULL, 0, 0.00002, 1, 0.3, NULL, NULL, NULL},
    {"digitalisering.initiatives-ongoing", "count", Y, 0, 0, DM_COUNT, NULL, 0, 0.0001, 3, 0.25, NULL, NULL, NULL},
    {NULL, NULL, PERIOD_NONE, 0, 0, DM_VALUE, NULL, 0, 0, 0, 0, NULL, NULL, NULL},
};
// clang-format on

static double unit_scale(const char *unit)
{
    return strcmp(unit, "percent") == 0 ? 100.0 : strcmp(unit, "per_1000") == 0 ? 1000.0 : 1.0;
}

/* A profile that fits any definition of the unit: a measure a plugin adds later still gets
 * figures in its unit, its range and its period type. */
static void generic_profile(struct demo_measure *m)
{
    struct demo_profile *p = &m->prof;
    memset(p, 0, sizeof *p);
    p->slug = NULL;
    p->unit = NULL;
    p->period = m->period;
    p->ratio = m->ratio;
    p->sex_split = m->sex_split;
    p->band = m->band[0] ? m->band : NULL;
    p->spread = 0.1;
    if (m->ratio && strcmp(m->unit, "percent") == 0) {
        p->model = DM_SHARE;
        p->level = 50;
        p->rate = 0.02;
    } else if (m->ratio && strcmp(m->unit, "per_1000") == 0) {
        p->model = DM_RATE;
        p->level = 20;
    } else if (m->ratio) {
        p->model = DM_EVENTS;
        p->level = 1;
        p->rate = 0.02;
    } else if (strcmp(m->unit, "count") == 0) {
        p->model = DM_COUNT;
        p->rate = 0.001;
        p->offset = 1;
    } else if (strcmp(m->unit, "sek") == 0) {
        p->model = DM_AMOUNT;
        p->rate = 50;
    } else {
        p->model = DM_VALUE;
        p->level = m->has_min && m->has_max ? (m->min + m->max) / 2 : m->has_min ? m->min + 10 : 10;
    }
}

void demo_profile_pick(struct demo_measure *m)
{
    for (const struct demo_profile *p = demo_profiles; p->slug; p++) {
        if (strcmp(p->slug, m->slug) != 0)
            continue;
        if (strcmp(p->unit, m->unit) == 0 && p->period == m->period && p->ratio == m->ratio) {
            m->prof = *p;
            /* The breakdown follows the definition; the figures add up either way. */
            m->prof.sex_split = m->sex_split;
            return;
        }
        break;
    }
    generic_profile(m);
}

void demo_measure_from_profile(struct demo_measure *m, const struct demo_profile *p)
{
    memset(m, 0, sizeof *m);
    snprintf(m->slug, sizeof m->slug, "%s", p->slug);
    snprintf(m->unit, sizeof m->unit, "%s", p->unit);
    snprintf(m->direction, sizeof m->direction, "none");
    snprintf(m->band, sizeof m->band, "%s", p->band ? p->band : "");
    m->period = p->period;
    m->ratio = p->ratio;
    m->sex_split = p->sex_split;
    m->by_municipality = 1;
    m->scale = unit_scale(p->unit);
    m->prof = *p;
}

/* ---- random draws ---- */

#define DEMO_SEED 0x4c47564f2d44454dULL /* "LGVO-DEM": fixed, so runs are reproducible */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void demo_rng_seed(struct demo_rng *r, const char *slug, int principal_id, struct date day,
                   char sex, const char *stream, int salt)
{
    char key[256];
    int n = snprintf(key, sizeof key, "%s|%d|%04d-%02d-%02d|%c|%s|%d", slug, principal_id, day.year,
                     day.month, day.day, sex, stream, salt);
    uint64_t h = fnv(0xcbf29ce484222325ULL ^ DEMO_SEED, key, n > 0 ? (size_t)n : 0);
    r->state = h;
    splitmix(&r->state);
}

double demo_uniform(struct demo_rng *r)
{
    return (double)(splitmix(&r->state) >> 11) * 0x1p-53;
}

double demo_normal(struct demo_rng *r)
{
    double s = 0;
    for (int i = 0; i < 12; i++)
        s += demo_uniform(r);
    return s - 6.0;
}

double demo_sqrt(double x)
{
    if (!(x > 0) || !isfinite(x))
        return 0.0;
    int e;
    double m = frexp(x, &e); /* x = m 2^e, 0.5 <= m < 1 */
    if (e % 2) {
        m *= 2.0;
        e--;
    }
    double y = (1.0 + m) / 2.0;
    for (int i = 0; i < 8; i++)
        y = (y + m / y) / 2.0;
    return ldexp(y, e / 2);
}

/* e^x for x <= 0 (the Poisson draw's only use): x = k ln 2 + r, |r| <= ln 2 / 2. */
static double demo_exp_neg(double x)
{
    const double ln2 = 0.69314718055994530942;
    double kf = x / ln2;
    long k = (long)(kf < 0 ? kf - 0.5 : kf + 0.5);
    double rr = x - (double)k * ln2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 20; i++) {
        term *= rr / i;
        sum += term;
    }
    return ldexp(sum, (int)k);
}

double demo_round(double x, int decimals)
{
    double f = 1.0;
    for (int i = 0; i < decimals; i++)
        f *= 10.0;
    double y = x * f;
    long long n = (long long)(y < 0 ? y - 0.5 : y + 0.5);
    return (double)n / f;
}

long demo_poisson(struct demo_rng *r, double mean)
{
    if (!(mean > 0))
        return 0;
    if (mean > 30) {
        double v = demo_round(mean + demo_sqrt(mean) * demo_normal(r), 0);
        return v < 0 ? 0 : (long)v;
    }
    /* Knuth: multiply uniforms until the product falls below e^-mean. */
    double limit = demo_exp_neg(-mean), prod = demo_uniform(r);
    long k = 0;
    while (prod > limit) {
        k++;
        prod *= demo_uniform(r);
    }
    return k;
}

long demo_binomial(struct demo_rng *r, long n, double p)
{
    if (n <= 0 || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    if (n <= 200) {
        long k = 0;
        for (long i = 0; i < n; i++)
            k += demo_uniform(r) < p;
        return k;
    }
    double mean = (double)n * p, sd = demo_sqrt(mean * (1.0 - p));
    double v = demo_round(mean + sd * demo_normal(r), 0);
    return v < 0 ? 0 : v > (double)n ? n : (long)v;
}
