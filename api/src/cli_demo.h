/* The parts of `lgvo-api demo-data` (cli_demo*.c), shared between its files only:
 *   cli_demo.c             the command: options, refusal, the one transaction, the summary
 *   cli_demo_model.c       what a measure's figures look like (profiles) and the random draws
 *   cli_demo_series.c      periods, planted signals, series checked with the signal charts
 *   cli_demo_population.c  population figures: built-in approximations into core.population
 *   cli_demo_pdsa.c        the PDSA cycle that goes with the documented shift
 * Nothing here is used by the server. */
#ifndef LGVO_CLI_DEMO_H
#define LGVO_CLI_DEMO_H

#include "core/period.h"
#include "util/strbuf.h"

#include <libpq-fe.h>
#include <stdint.h>

/* Who writes and how the rows are recognised: core.values.updated_by and request_id,
 * core.value_history.changed_by, core.pdsa_cycles.plan_by, core.population.updated_by. A real
 * write always names a "user:…" or "client:…" subject, so this marker cannot be mistaken. */
#define DEMO_ACTOR "demo-data"
#define DEMO_MAX_PRINCIPALS 64 /* principal ids are below this */
#define DEMO_YEARS 5

enum demo_band { BAND_0_17, BAND_18_64, BAND_65_79, BAND_80, BAND_ALL, DEMO_BANDS };

/* ---- population (cli_demo_population.c) ---- */

struct demo_population {
    int first_year, nyears;
    /* [principal id][year - first_year][sex T/K/M][band]; 0 = unknown */
    long counts[DEMO_MAX_PRINCIPALS][DEMO_YEARS + 3][3][DEMO_BANDS];
};

/* Adds the built-in figures (Statistics Sweden, rounded, 2023, moved by a yearly growth) for
 * every principal, sex and band of first_year..first_year+nyears-1 that core.population lacks,
 * then reads every figure of those years back into *pop (the database's own win). Returns the
 * number of rows added, or -1 with err. */
long demo_population_load(PGconn *pg, struct demo_population *pop, char *err, size_t errlen);
/* Inhabitants of principal id in year, sex ('T', 'K', 'M') and a measure's age band ("80+",
 * "65+", "0-20", "13-17", ..., NULL for all ages). */
double demo_population_of(const struct demo_population *pop, int principal_id, int year, char sex,
                          const char *band);

/* ---- measures and their profiles (cli_demo_model.c) ---- */

enum demo_model {
    DM_SHARE,     /* ratio: events of a population-driven count (binomial) */
    DM_SUBSET,    /* DM_SHARE bounded by src1's numerator (48 h readmissions within 30 days') */
    DM_RATE,      /* ratio per 1,000: events (Poisson) over the population */
    DM_EVENTS,    /* ratio: a Poisson amount per unit of a population-driven count (days/patient) */
    DM_OCCUPANCY, /* ratio: occupied over src1's places (a decimal numerator) */
    DM_COUNT,     /* count: Poisson, proportional to the population, plus an offset */
    DM_STOCK,     /* count: a stock that stays as it is (places available) */
    DM_AMOUNT,    /* an amount proportional to the population (kronor) */
    DM_USE_SHARE, /* ratio: a binomial share of src1's amount plus a carry-over (kronor used) */
    DM_VALUE,     /* any other value: the level (or population x rate) with a little noise */
    DM_QUOTIENT,  /* value: src1's value / src2's value (no noise of its own) */
    DM_SUM,       /* ratio: src1 + src2, numerators and denominators */
    DM_NUM_OF,    /* count: src1's numerator */
};

struct demo_profile {
    const char *slug;
    /* The definition the profile is written for; a measure defined otherwise gets the generic
     * profile of its unit. */
    const char *unit;
    enum period_type period;
    int ratio;
    int sex_split;
    enum demo_model model;
    const char *band;   /* the population the figures follow (NULL: all ages) */
    double level;       /* share in the unit, rate per 1,000 per year, value or multiplier */
    double rate;        /* counts per inhabitant per year (denominators, events, kronor) */
    double offset;      /* DM_COUNT: added to the mean */
    double spread;      /* relative variation of the level between principals */
    const char *den_key; /* measures with the same key share their denominators */
    const char *src1, *src2;
};

struct demo_measure {
    int id;       /* core.measures.id; 0 for a profile's measure the database does not define */
    char slug[96];
    char unit[16];
    char direction[20];
    char band[16];
    enum period_type period;
    int ratio, sex_split, by_region, by_municipality, on_behalf;
    double scale;
    int has_min, has_max;
    double min, max;
    struct demo_profile prof; /* a copy: built-in or generic */
};

/* The built-in profiles, NULL-slug terminated. */
extern const struct demo_profile demo_profiles[];
/* Fills m->prof: the built-in profile of m->slug when it fits m's definition, else a generic
 * one for m's unit. */
void demo_profile_pick(struct demo_measure *m);
/* A measure that only a profile defines (a source of a measure the database has). */
void demo_measure_from_profile(struct demo_measure *m, const struct demo_profile *p);

/* ---- deterministic random draws (cli_demo_model.c) ---- */

struct demo_rng {
    uint64_t state;
};

/* A stream for a key: the same key gives the same numbers on every run and machine. */
void demo_rng_seed(struct demo_rng *r, const char *slug, int principal_id, struct date day,
                   char sex, const char *stream, int salt);
double demo_uniform(struct demo_rng *r); /* [0, 1) */
double demo_normal(struct demo_rng *r);  /* mean 0, sd 1 (sum of 12 uniforms) */
long demo_poisson(struct demo_rng *r, double mean);
long demo_binomial(struct demo_rng *r, long n, double p);
double demo_sqrt(double x);
double demo_round(double x, int decimals);

/* ---- generation (cli_demo_series.c) ---- */

enum demo_plant_kind { PLANT_SHIFT, PLANT_OUTLIER };

struct demo_plant {
    const char *measure, *principal;
    enum demo_plant_kind kind;
    int back;       /* periods before the last complete one where it starts (or is) */
    double factor;  /* on the level */
    int pdsa;       /* the documented shift, with its PDSA cycle */
    /* resolved */
    int measure_index, principal_id;
    struct period from;
    int found;      /* both exist: the plant is written */
};

struct demo_principal {
    int id;
    char slug[48];
    int region;
};

/* One figure: ratio measures have numerator and denominator, others value. skip: no row. */
struct demo_value {
    int skip;
    double value, numerator, denominator;
};

struct demo_ctx {
    struct date as_of;
    struct demo_measure *measures; /* owned: the database's indicators, then profile-only sources */
    int nmeasures, ndb;
    struct demo_principal principals[DEMO_MAX_PRINCIPALS];
    int nprincipals;
    const struct demo_population *pop; /* borrowed */
    struct period *periods[PERIOD_WEEK + 1]; /* owned: per type, oldest first */
    int nperiods[PERIOD_WEEK + 1];
    int *salts; /* owned: [measure][principal id], -1 = not chosen yet */
    struct demo_plant *plants; /* owned copy of the built-in plants */
    int nplants;
    int failed; /* a planted signal could not be drawn: err says which */
    char err[256];
};

/* Sets up periods, plants and salts for ctx->measures (already loaded). Returns 0, or -1 with
 * err (a planted signal that could not be drawn). */
int demo_series_prepare(struct demo_ctx *ctx, char *err, size_t errlen);
void demo_ctx_free(struct demo_ctx *ctx);
/* Whether principal p reports measure m (the county totals are derived, see values_read.c). */
int demo_reports(const struct demo_measure *m, const struct demo_principal *p);
/* Appends the COPY lines (text format) of every value of measure index mi to out: measure id,
 * principal id, period, start, end, sex, value, numerator, denominator, scale. Returns the
 * number of rows, or -1 with err. */
long demo_series_copy(struct demo_ctx *ctx, int mi, struct strbuf *out, char *err, size_t errlen);

/* ---- the PDSA cycle (cli_demo_pdsa.c) ---- */

/* Creates (or keeps, when an identical one exists) the demo's PDSA cycle for plant and
 * removes other demo cycles. Returns the cycle id (> 0), or -1 with err. */
long long demo_pdsa_plant(PGconn *pg, const struct demo_ctx *ctx, const struct demo_plant *plant,
                          char *err, size_t errlen);

#endif
