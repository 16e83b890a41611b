/* The JSON of a computed chart; see signals.h. */
#include "core/signals/signals.h"

#include <math.h>

json_t *sig_number(double v)
{
    if (!isfinite(v))
        return json_null();
    double mag = v < 0 ? -v : v;
    if (mag < 9007199254740992.0 && v == (double)(json_int_t)v)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *maybe_number(int has, double v)
{
    return has ? sig_number(v) : json_null();
}

static json_t *maybe_bool(int has, int v)
{
    return has ? json_boolean(v) : json_null();
}

/* A run rule: its value (null without useful observations), limit and signal (null with
 * too few useful observations to judge). */
static json_t *rule_json(int useful, int sufficient, int value, int limit, int signal)
{
    return json_pack("{s:o, s:o, s:o}", "value", useful ? json_integer(value) : json_null(),
                     "limit", sufficient ? json_integer(limit) : json_null(), "signal",
                     maybe_bool(sufficient, signal));
}

json_t *sig_rules_json(const struct spc_phase *ph)
{
    struct spc_phase none = {0};
    if (!ph)
        ph = &none;
    const struct runs_result *u = &ph->runs;
    return json_pack("{s:o, s:o, s:{s:i, s:b}}", "longest_run",
                     rule_json(u->useful, u->sufficient, u->longest_run, u->longest_run_limit,
                               u->longest_run_signal),
                     "crossings",
                     rule_json(u->useful, u->sufficient, u->crossings, u->crossings_limit,
                               u->crossings_signal),
                     "outside_limits", "count", ph->outside, "signal", ph->outside > 0);
}

static json_t *point_json(const struct sig_row *row, const struct spc_out *o)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "period", row->period,
                     "value", maybe_number(o->has_value, o->value),
                     "numerator", maybe_number(row->has_ratio, row->numerator),
                     "denominator", maybe_number(row->has_ratio, row->denominator),
                     "centre", maybe_number(o->has_centre, o->centre),
                     "lcl", maybe_number(o->has_limits, o->lcl),
                     "ucl", maybe_number(o->has_limits, o->ucl),
                     "signal", o->signal, "suppressed", row->suppressed);
}

json_t *sig_points_json(const struct sig_series *s, const struct spc_result *res)
{
    json_t *points = json_array();
    for (int i = 0; i < s->count && i < res->npoints; i++)
        json_array_append_new(points, point_json(&s->rows[i], &res->points[i]));
    return points;
}

json_t *sig_phases_json(const struct sig_series *s, const struct spc_result *res)
{
    json_t *phases = json_array();
    for (int k = 0; k < res->nphases; k++) {
        const struct spc_phase *ph = &res->phases[k];
        json_array_append_new(
            phases, json_pack("{s:s, s:s, s:s, s:o, s:i, s:o, s:s}", "from", s->rows[ph->first].period,
                              "to", s->rows[ph->last].period, "baseline_to",
                              s->rows[ph->baseline_last].period, "centre",
                              maybe_number(ph->has_centre, ph->centre), "useful_observations",
                              ph->runs.useful, "rules", sig_rules_json(ph), "verdict",
                              spc_verdict_name(ph->verdict)));
    }
    return phases;
}
