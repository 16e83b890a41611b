/* Reading a measure's series as one caller may see it, and the choice of chart; see
 * signals.h. */
#include "core/signals/signals.h"

#include "auth/authz.h"
#include "db/pool.h"
#include "http/req.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sig_series_free(struct sig_series *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}

struct sig_row *sig_series_add(struct sig_series *s)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->rows = xrealloc(s->rows, (size_t)s->cap * sizeof *s->rows);
    }
    struct sig_row *row = &s->rows[s->count++];
    memset(row, 0, sizeof *row);
    return row;
}

void sig_row_set(struct sig_row *row, const struct measure *m, int has_value, double value,
                 int has_ratio, double numerator, double denominator, int suppressed)
{
    row->suppressed = suppressed;
    if (suppressed)
        return;
    if (m->ratio) {
        row->has_ratio = has_ratio;
        row->numerator = has_ratio ? numerator : 0.0;
        row->denominator = has_ratio ? denominator : 0.0;
        row->has_value = has_ratio && denominator > 0;
        row->value = row->has_value ? numerator * m->scale / denominator : 0.0;
        return;
    }
    row->has_value = has_value;
    row->value = has_value ? value : 0.0;
}

void sig_row_fill(struct sig_row *row, const struct measure *m, const char *value,
                  const char *numerator, const char *denominator, int suppressed)
{
    sig_row_set(row, m, value != NULL, value ? strtod(value, NULL) : 0.0, numerator && denominator,
                numerator ? strtod(numerator, NULL) : 0.0, denominator ? strtod(denominator, NULL) : 0.0,
                suppressed);
}

/* Columns: period, period_start, period_end, value, numerator, denominator, suppressed. */
static void collect_rows(const PGresult *res, const struct measure *m, struct sig_series *out)
{
    for (int i = 0; i < PQntuples(res); i++) {
        struct sig_row *row = sig_series_add(out);
        snprintf(row->period, sizeof row->period, "%s", PQgetvalue(res, i, 0));
        date_parse(PQgetvalue(res, i, 1), &row->start);
        date_parse(PQgetvalue(res, i, 2), &row->end);
        const char *cell[3];
        for (int c = 0; c < 3; c++)
            cell[c] = PQgetisnull(res, i, 3 + c) ? NULL : PQgetvalue(res, i, 3 + c);
        sig_row_fill(row, m, cell[0], cell[1], cell[2], PQgetvalue(res, i, 6)[0] == 't');
    }
}

static PGresult *query_principal(struct req *r, const struct measure *m, const struct principal *p,
                                 const char *sex, const char *from, const char *to)
{
    char me[16], mid[16], pid[16];
    snprintf(me, sizeof me, "%d", r->who.principal_id);
    snprintf(mid, sizeof mid, "%d", m->id);
    snprintf(pid, sizeof pid, "%d", p->id);
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", mid, pid, sex,
                            from[0] ? from : NULL, to[0] ? to : NULL};
    return req_sql(
        r,
        "SELECT v.period, v.period_start::text, v.period_end::text,"
        " CASE WHEN s.hide THEN NULL ELSE v.value END, CASE WHEN s.hide THEN NULL ELSE v.numerator END,"
        " CASE WHEN s.hide THEN NULL ELSE v.denominator END, s.hide "
        "FROM core.values v JOIN core.measures m ON m.id = v.measure_id,"
        " LATERAL (SELECT " SIGNALS_SUPPRESSED " AS hide) s "
        "WHERE v.measure_id = $3::int AND v.principal_id = $4::int AND v.sex = $5"
        " AND ($6::date IS NULL OR v.period_start >= $6::date) AND ($7::date IS NULL OR v.period_end <= $7::date) "
        "ORDER BY v.period_start",
        7, params);
}

/* The county: like the series endpoint, the municipalities' rows (or the region's own when
 * the region alone reports the measure), summed; but a point to which any suppressed value
 * contributes is suppressed as a whole. */
static PGresult *query_county(struct req *r, const struct measure *m, const char *sex,
                              const char *from, const char *to)
{
    char me[16], mid[16];
    snprintf(me, sizeof me, "%d", r->who.principal_id);
    snprintf(mid, sizeof mid, "%d", m->id);
    int from_region = m->by_region && !m->by_municipality && !m->on_behalf;
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", mid, sex,
                            from[0] ? from : NULL, to[0] ? to : NULL,
                            from_region ? "region" : "municipality"};
    return req_sql(
        r,
        "SELECT c.period, c.period_start::text, c.period_end::text,"
        " CASE WHEN c.hidden THEN NULL WHEN m.unit = 'count' OR $7 = 'region' THEN c.total END,"
        " CASE WHEN c.hidden OR NOT m.ratio THEN NULL ELSE c.num END,"
        " CASE WHEN c.hidden OR NOT m.ratio THEN NULL ELSE c.den END, c.hidden "
        "FROM core.measures m, LATERAL (SELECT v.period, v.period_start, v.period_end,"
        "  sum(v.value) AS total, sum(v.numerator) AS num, sum(v.denominator) AS den,"
        "  bool_or(" SIGNALS_SUPPRESSED ") AS hidden"
        "  FROM core.values v JOIN core.principals pr ON pr.id = v.principal_id"
        "  WHERE v.measure_id = m.id AND v.sex = $4 AND pr.kind = $7"
        "  AND ($5::date IS NULL OR v.period_start >= $5::date) AND ($6::date IS NULL OR v.period_end <= $6::date)"
        "  GROUP BY v.period, v.period_start, v.period_end) c "
        "WHERE m.id = $3::int ORDER BY c.period_start",
        7, params);
}

int sig_series_load(struct req *r, const struct measure *m, const struct principal *p,
                    const char *sex, const char *from, const char *to, struct sig_series *out)
{
    PGresult *res = p ? query_principal(r, m, p, sex, from, to) : query_county(r, m, sex, from, to);
    if (!res)
        return -1;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return -1;
    }
    collect_rows(res, m, out);
    PQclear(res);
    return 0;
}

enum spc_chart sig_chart_auto(const struct measure *m, const char **reason)
{
    if (m->ratio && strcmp(m->unit, "percent") == 0) {
        *reason = "a share in percent (numerator of denominator): P chart for proportions";
        return SPC_P;
    }
    if (m->ratio) {
        *reason = "a rate with a denominator (not a percentage): U chart for rates";
        return SPC_U;
    }
    if (strcmp(m->unit, "count") == 0) {
        *reason = "a count without a denominator: C chart for counts";
        return SPC_C;
    }
    *reason = "individual values without a denominator that are not counts: I chart";
    return SPC_I;
}

const char *sig_chart_unfit(const struct measure *m, enum spc_chart chart)
{
    switch (chart) {
    case SPC_P:
        return m->ratio && strcmp(m->unit, "percent") == 0
                   ? NULL
                   : "a P chart needs a share in percent with numerator and denominator";
    case SPC_U:
        return m->ratio ? NULL : "a U chart needs a rate with numerator and denominator";
    case SPC_C:
        return !m->ratio && strcmp(m->unit, "count") == 0 ? NULL
                                                          : "a C chart needs counts (unit count)";
    case SPC_RUN:
    case SPC_I:
        break;
    }
    return NULL;
}

struct spc_point *sig_points(const struct sig_series *s)
{
    struct spc_point *pts = xcalloc(s->count ? (size_t)s->count : 1, sizeof *pts); /* caller frees */
    for (int i = 0; i < s->count; i++) {
        const struct sig_row *row = &s->rows[i];
        pts[i].usable = !row->suppressed && row->has_value;
        pts[i].value = row->value;
        pts[i].numerator = row->numerator;
        pts[i].denominator = row->denominator;
    }
    return pts;
}

const char *sig_direction(const struct measure *m, int side)
{
    if (side == 0)
        return "unknown";
    if (strcmp(m->direction, "higher_is_better") == 0)
        return side > 0 ? "better" : "worse";
    if (strcmp(m->direction, "lower_is_better") == 0)
        return side > 0 ? "worse" : "better";
    return "unknown";
}
