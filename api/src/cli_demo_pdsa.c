/* The PDSA cycle that explains the documented shift: under the measure's work-plan activity
 * (the live one of the latest work-plan period, else any live activity of the measure's area),
 * started by the planted principal, with the measure in its plan and "do" starting on the
 * first day of the shift's first period. It is a completed cycle (adopted), as a test that
 * worked would be. Demo cycles are recognised by plan_by = DEMO_ACTOR. See cli_demo.h. */
#include "cli_demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char title[] = "Uppföljande samtal efter utskrivning (demo)";
static const char change[] =
    "En sjuksköterska ringer alla utskrivna patienter 80 år och äldre inom två dagar efter "
    "hemgång och stämmer av läkemedel, hemtjänst och uppföljande besök.";
static const char prediction[] =
    "Färre återinläggningar inom 30 dagar: andelen sjunker tydligt under seriens median och "
    "stannar där.";
static const char happened[] =
    "Samtalen infördes för alla utskrivna 80+ från första dagen; hemtjänsten fick en direkt "
    "kontaktväg till vårdcentralen.";
static const char findings[] =
    "Andelen återinläggningar inom 30 dagar låg under medianen varje månad från starten (demodata).";
static const char next[] =
    "Arbetssättet införs som rutin; nästa cykel prövar det för utskrivna 65-79 år.";

/* The activity of the cycle: its id, or -1 with err. */
static long long activity_id(PGconn *pg, const struct demo_measure *m, char *err, size_t errlen)
{
    const char *params[] = {m->slug};
    PGresult *r = PQexecParams(
        pg,
        "SELECT a.id FROM core.measures m JOIN core.workplan_activities a ON a.area_id = m.area_id"
        " JOIN core.workplan_periods wp ON wp.id = a.period_id"
        " WHERE m.slug = $1 AND a.retired_at IS NULL"
        " ORDER BY a.key = m.activity DESC, wp.starts_on DESC, a.position LIMIT 1",
        1, NULL, params, NULL, NULL, 0);
    long long id = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        snprintf(err, errlen, "cannot read the work plan's activities: %s", PQresultErrorMessage(r));
    else if (PQntuples(r) == 0)
        snprintf(err, errlen, "no live work-plan activity in the area of %s for the demo's PDSA cycle",
                 m->slug);
    else
        id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return id;
}

long long demo_pdsa_plant(PGconn *pg, const struct demo_ctx *ctx, const struct demo_plant *plant,
                          char *err, size_t errlen)
{
    const struct demo_measure *m = &ctx->measures[plant->measure_index];
    long long act = activity_id(pg, m, err, errlen);
    if (act < 0)
        return -1;
    /* Do runs three periods; study and act follow a month later each. */
    struct period last;
    period_add(&plant->from, 2, &last);
    char aid[24], pid[16], start[11], end[11], values[256];
    snprintf(aid, sizeof aid, "%lld", act);
    snprintf(pid, sizeof pid, "%d", plant->principal_id);
    date_format(plant->from.start, start);
    date_format(last.end, end);
    char period[16];
    period_format(&plant->from, period, sizeof period);
    snprintf(values, sizeof values,
             "[{\"measure\":\"%s\",\"principal\":\"%s\",\"period\":\"%s\",\"sex\":\"T\"}]", m->slug,
             plant->principal, period);
    const char *params[] = {aid, pid, title, change, prediction, m->slug, start, end,
                            happened, findings, values, next, DEMO_ACTOR};
    /* Other demo cycles go (a run on another day plants its shift elsewhere); an identical one
     * stays, with its id. */
    const char *same[] = {DEMO_ACTOR, aid, pid, title, start, m->slug};
    static const char *const removals[] = {
        "DELETE FROM core.pdsa_participants WHERE cycle_id IN (SELECT id FROM core.pdsa_cycles"
        " WHERE plan_by = $1 AND NOT (activity_id = $2::bigint AND principal_id = $3::smallint"
        " AND title = $4 AND do_started_on = $5::date AND plan_measures = ARRAY[$6]))",
        "DELETE FROM core.pdsa_cycles WHERE plan_by = $1 AND NOT (activity_id = $2::bigint"
        " AND principal_id = $3::smallint AND title = $4 AND do_started_on = $5::date"
        " AND plan_measures = ARRAY[$6])",
    };
    PGresult *r = NULL;
    for (size_t i = 0; i < sizeof removals / sizeof removals[0]; i++) {
        r = PQexecParams(pg, removals[i], 6, NULL, same, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, errlen, "cannot replace the demo's PDSA cycle: %s", PQresultErrorMessage(r));
            PQclear(r);
            return -1;
        }
        PQclear(r);
    }
    r = PQexecParams(
        pg,
        "WITH kept AS (SELECT id FROM core.pdsa_cycles WHERE plan_by = $13 AND activity_id = $1::bigint"
        "  AND principal_id = $2::smallint AND title = $3 AND do_started_on = $7::date"
        "  AND plan_measures = ARRAY[$6]),"
        " made AS (INSERT INTO core.pdsa_cycles (activity_id, principal_id, title, phase, plan_change,"
        "  plan_prediction, plan_measures, plan_starts_on, plan_ends_on, plan_at, plan_by,"
        "  do_happened, do_started_on, do_ended_on, do_at, do_by, study_findings, study_values,"
        "  study_at, study_by, act_decision, act_next, act_at, act_by, created_at, updated_at)"
        "  SELECT $1::bigint, $2::smallint, $3, 'act', $4, $5, ARRAY[$6], $7::date, $8::date,"
        "   $7::date - 14, $13, $9, $7::date, $8::date, $7::date, $13, $10, $11::jsonb,"
        "   $8::date + 14, $13, 'adopt', $12, $8::date + 30, $13, $7::date - 14, $8::date + 30"
        "  WHERE NOT EXISTS (SELECT 1 FROM kept) RETURNING id),"
        " part AS (INSERT INTO core.pdsa_participants (cycle_id, principal_id, joined_at, joined_by)"
        "  SELECT id, $2::smallint, $7::date - 14, $13 FROM made)"
        " SELECT id FROM made UNION ALL SELECT id FROM kept",
        13, NULL, params, NULL, NULL, 0);
    long long id = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        snprintf(err, errlen, "cannot create the demo's PDSA cycle: %s", PQresultErrorMessage(r));
    else
        id = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return id;
}
