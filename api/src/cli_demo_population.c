/* Population figures for the demo: counts and rates follow the principals' populations. The
 * built-in figures are Statistics Sweden's for 2023, rounded, split into the core's age bands
 * with rounded shares and moved by a yearly growth; they go into core.population only where
 * it has no figure (marked updated_by = DEMO_ACTOR), so figures a county_admin has put are
 * used as they are. See cli_demo.h. */
#include "cli_demo.h"

#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builtin {
    const char *slug;
    long total;          /* 2023 */
    double young, old, oldest; /* shares 0-17, 65-79, 80+ (18-64 is the rest) */
    double growth;       /* per year */
};

// clang-format off
static const struct builtin builtins[] = {
    {"boxholm", 5560, 0.20, 0.17, 0.075, -0.002},  {"finspang", 21900, 0.20, 0.165, 0.07, 0.0},
    {"kinda", 10000, 0.20, 0.18, 0.075, 0.001},    {"linkoping", 167400, 0.215, 0.125, 0.048, 0.009},
    {"mjolby", 28700, 0.22, 0.15, 0.06, 0.006},    {"motala", 44000, 0.21, 0.16, 0.065, 0.003},
    {"norrkoping", 145000, 0.22, 0.14, 0.055, 0.006}, {"soderkoping", 14800, 0.20, 0.20, 0.075, 0.006},
    {"vadstena", 7400, 0.17, 0.21, 0.10, 0.001},   {"valdemarsvik", 7700, 0.17, 0.21, 0.09, -0.003},
    {"ydre", 3700, 0.19, 0.20, 0.085, -0.002},     {"atvidaberg", 11700, 0.21, 0.17, 0.07, 0.002},
    {"odeshog", 5400, 0.20, 0.19, 0.08, 0.0},
};
// clang-format on

static const char *const band_names[DEMO_BANDS] = {"0-17", "18-64", "65-79", "80+", "all"};
/* Share of women per band (more women among the oldest). */
static const double women[DEMO_BANDS] = {0.486, 0.49, 0.51, 0.585, 0.5};
static const char sexes[] = "TKM";

static long rounded(double x)
{
    return (long)(x + 0.5);
}

/* One municipality's figures for a year: [sex][band], T = K + M and all = the sum of bands. */
static void builtin_year(const struct builtin *b, int year, long out[3][DEMO_BANDS])
{
    double total = (double)b->total;
    for (int y = 2023; y < year; y++)
        total *= 1.0 + b->growth;
    for (int y = year; y < 2023; y++)
        total /= 1.0 + b->growth;
    long n = rounded(total);
    long band[DEMO_BANDS];
    band[BAND_0_17] = rounded(total * b->young);
    band[BAND_65_79] = rounded(total * b->old);
    band[BAND_80] = rounded(total * b->oldest);
    band[BAND_18_64] = n - band[BAND_0_17] - band[BAND_65_79] - band[BAND_80];
    memset(out, 0, 3 * DEMO_BANDS * sizeof out[0][0]);
    for (int k = 0; k < BAND_ALL; k++) {
        out[0][k] = band[k];
        out[1][k] = rounded((double)band[k] * women[k]);
        out[2][k] = band[k] - out[1][k];
        for (int s = 0; s < 3; s++)
            out[s][BAND_ALL] += out[s][k];
    }
}

/* The built-in rows as JSON for jsonb_to_recordset: municipalities by slug, the region (the
 * county totals) as their sum. */
static char *builtin_json(int first_year, int nyears)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add(&b, "[", 1);
    int first = 1;
    size_t nb = sizeof builtins / sizeof builtins[0];
    for (int y = first_year; y < first_year + nyears; y++) {
        long county[3][DEMO_BANDS] = {{0}};
        for (size_t i = 0; i <= nb; i++) {
            long f[3][DEMO_BANDS];
            const char *slug = i < nb ? builtins[i].slug : NULL;
            if (slug) {
                builtin_year(&builtins[i], y, f);
                for (int s = 0; s < 3; s++)
                    for (int k = 0; k < DEMO_BANDS; k++)
                        county[s][k] += f[s][k];
            } else {
                memcpy(f, county, sizeof f);
            }
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < DEMO_BANDS; k++) {
                    strbuf_addf(&b, "%s{\"principal\":\"%s\",\"kind\":\"%s\",\"year\":%d,\"sex\":\"%c\","
                                    "\"age_band\":\"%s\",\"population\":%ld}",
                                first ? "" : ",", slug ? slug : "", slug ? "municipality" : "region", y,
                                sexes[s], band_names[k], f[s][k]);
                    first = 0;
                }
            }
        }
    }
    strbuf_add(&b, "]", 1);
    return strbuf_steal(&b, NULL);
}

static int band_index(const char *name)
{
    for (int k = 0; k < DEMO_BANDS; k++)
        if (strcmp(name, band_names[k]) == 0)
            return k;
    return -1;
}

long demo_population_load(PGconn *pg, struct demo_population *pop, char *err, size_t errlen)
{
    long added = -1;
    char from[16], to[16];
    snprintf(from, sizeof from, "%d", pop->first_year);
    snprintf(to, sizeof to, "%d", pop->first_year + pop->nyears - 1);
    char *rows = builtin_json(pop->first_year, pop->nyears);
    const char *params[] = {rows, DEMO_ACTOR};
    PGresult *r = PQexecParams(
        pg,
        "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal text, kind text,"
        "  year int, sex char(1), age_band text, population int)),"
        " ins AS (INSERT INTO core.population (principal_id, year, sex, age_band, population, updated_by)"
        "  SELECT p.id, x.year, x.sex, x.age_band, x.population, $2 FROM x JOIN core.principals p"
        "   ON (x.kind = 'municipality' AND p.slug = x.principal) OR (x.kind = 'region' AND p.kind = 'region')"
        "  ON CONFLICT (principal_id, year, sex, age_band) DO NOTHING RETURNING 1)"
        " SELECT count(*) FROM ins",
        2, NULL, params, NULL, NULL, 0);
    free(rows);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot add population figures: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *range[] = {from, to};
    r = PQexecParams(pg,
                     "SELECT principal_id, year, sex, age_band, population FROM core.population"
                     " WHERE year BETWEEN $1::int AND $2::int",
                     2, NULL, range, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.population: %s", PQresultErrorMessage(r));
        goto out;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        int id = atoi(PQgetvalue(r, i, 0)), y = atoi(PQgetvalue(r, i, 1)) - pop->first_year;
        const char *s = strchr(sexes, PQgetvalue(r, i, 2)[0]);
        int k = band_index(PQgetvalue(r, i, 3));
        if (id < 0 || id >= DEMO_MAX_PRINCIPALS || y < 0 || y >= pop->nyears || !s || !*s || k < 0)
            continue;
        pop->counts[id][y][s - sexes][k] = atol(PQgetvalue(r, i, 4));
    }
    added = n;
out:
    PQclear(r);
    return added;
}

static double band_count(const struct demo_population *pop, int id, int y, int s, enum demo_band k)
{
    return (double)pop->counts[id][y][s][k];
}

double demo_population_of(const struct demo_population *pop, int principal_id, int year, char sex,
                          const char *band)
{
    if (principal_id < 0 || principal_id >= DEMO_MAX_PRINCIPALS || pop->nyears < 1)
        return 0;
    int y = year - pop->first_year;
    y = y < 0 ? 0 : y >= pop->nyears ? pop->nyears - 1 : y;
    const char *s = strchr(sexes, sex);
    int si = s && *s ? (int)(s - sexes) : 0;
    int id = principal_id;
    double young = band_count(pop, id, y, si, BAND_0_17);
    double adult = band_count(pop, id, y, si, BAND_18_64);
    if (!band || !*band)
        return band_count(pop, id, y, si, BAND_ALL);
    int k = band_index(band);
    if (k >= 0)
        return band_count(pop, id, y, si, (enum demo_band)k);
    /* Bands the core keeps no figures for, from those it does (one-year cohorts of about the
     * same size within a band). */
    if (strcmp(band, "65+") == 0)
        return band_count(pop, id, y, si, BAND_65_79) + band_count(pop, id, y, si, BAND_80);
    if (strcmp(band, "0-20") == 0)
        return young * 21.0 / 18.0;
    if (strcmp(band, "13-17") == 0)
        return young * 5.0 / 18.0;
    if (strcmp(band, "18-21") == 0 || strcmp(band, "22-25") == 0)
        return adult * 4.0 / 47.0;
    if (strcmp(band, "13-25") == 0)
        return young * 5.0 / 18.0 + adult * 8.0 / 47.0;
    return band_count(pop, id, y, si, BAND_ALL);
}
