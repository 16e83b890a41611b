/* The signal endpoints' shared parts (not the statistics: those are in spc.h and runs.h).
 *   common.c  ETag and period parameters
 *   series.c  reading a measure's series for one caller (suppression applied), chart choice
 *   render.c  the JSON of a computed chart
 *   pdsa.c    PDSA annotations of a chart
 *   area.c    GET /api/v1/areas/{slug}/signals
 *   routes.c  GET /api/v1/measures/{slug}/signals, and the registration of both */
#ifndef LGVO_CORE_SIGNALS_SIGNALS_H
#define LGVO_CORE_SIGNALS_SIGNALS_H

#include "core/measures.h"
#include "core/period.h"
#include "core/refdata.h"
#include "core/signals/spc.h"

#include <jansson.h>

struct req;
struct query_params;

/* The suppression rule of values_read.c, as SQL over v (core.values) and m (a row with the
 * measure's restricted and unit); $1 is the caller's principal id and $2 'true' when the
 * caller sees everything. Counts from 1 to 4 of restricted measures are seen only by their
 * own principal and county_admin. Keep in step with values_read.c. */
#define SIGNALS_SUPPRESSED                                                                        \
    "(m.restricted AND NOT $2::boolean AND v.principal_id <> $1::int AND ("                       \
    "v.numerator BETWEEN 1 AND 4 OR v.denominator BETWEEN 1 AND 4"                                \
    " OR (m.unit = 'count' AND v.value BETWEEN 1 AND 4)))"

/* W/"<data version>-<fingerprint of the URL and what the caller may see>" into etag, as
 * values_read.c at the time of writing. Returns 1 (after replying 304 with the ETag) when the
 * client's copy is current; else 0, and the caller sends the ETag with its 200 only (an error
 * reply carries none). */
int sig_etag_check(struct req *r, char etag[64]);
/* A period query parameter of any type; 0 when absent or malformed (a problem is recorded). */
int sig_query_period(struct query_params *q, const char *name, struct period *out);

/* GET /api/v1/areas/{slug}/signals (area.c). */
void signals_area_get(struct req *r, void *ctx);

/* One period of a series as the caller may see it. */
struct sig_row {
    char period[16];
    struct date start, end;
    int suppressed;      /* no value for this caller: left out of every computation */
    int has_value;
    double value;
    int has_ratio;       /* numerator and denominator (ratio measures) */
    double numerator, denominator;
};

struct sig_series {
    struct sig_row *rows; /* owned */
    int count, cap;
};

void sig_series_free(struct sig_series *s);
/* A new zeroed row at the end; the pointer is valid until the next add. */
struct sig_row *sig_series_add(struct sig_series *s);

/* Fills a row: a value, or (ratio measures) numerator and denominator, unless the caller may
 * not see it. Ratio rows get value = numerator * scale / denominator. */
void sig_row_set(struct sig_row *row, const struct measure *m, int has_value, double value,
                 int has_ratio, double numerator, double denominator, int suppressed);
/* The same from text columns: value, numerator, denominator (NULL for none) and whether
 * the caller may not see it. Ratio rows get value = numerator * scale / denominator. */
void sig_row_fill(struct sig_row *row, const struct measure *m, const char *value,
                  const char *numerator, const char *denominator, int suppressed);

/* Reads the series of principal p (NULL: the county, summed over the municipalities, or the
 * region's own rows when the region alone reports the measure) for sex, with periods
 * starting on or after from and ending on or before to ("" for no bound). A county point to
 * which any suppressed value contributes is itself suppressed. Returns 0, or -1 after
 * replying. */
int sig_series_load(struct req *r, const struct measure *m, const struct principal *p,
                    const char *sex, const char *from, const char *to, struct sig_series *out);

/* The chart=auto choice and its reason (a static string). */
enum spc_chart sig_chart_auto(const struct measure *m, const char **reason);
/* NULL when chart suits the measure, else why not (a static string). */
const char *sig_chart_unfit(const struct measure *m, enum spc_chart chart);

/* The chart's input points, one per row; caller frees. */
struct spc_point *sig_points(const struct sig_series *s);

/* A JSON number, an integer when it is whole; null when not finite. */
json_t *sig_number(double v);

/* {"longest_run","crossings","outside_limits"} of a phase (NULL: no points at all). */
json_t *sig_rules_json(const struct spc_phase *ph);
/* The points array of a computed chart over s. */
json_t *sig_points_json(const struct sig_series *s, const struct spc_result *res);
/* The phases array: from, to, baseline_to, centre, useful_observations, rules, verdict. */
json_t *sig_phases_json(const struct sig_series *s, const struct spc_result *res);

/* "better", "worse" or "unknown" for a signal on side (+1 above the centre line, -1 below,
 * 0 neither) of a measure with its direction of improvement. */
const char *sig_direction(const struct measure *m, int side);

#endif
