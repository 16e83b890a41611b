/* `lgvo-api demo-data`: plausible demo series for every indicator, principal and period of the
 * last five years, with a few planted signals, in one transaction. Never run implicitly; it
 * refuses a database that holds real data. See usage() and cli_demo.h. */
#include "cli.h"
#include "cli_demo.h"

#include "util/mem.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: lgvo-api demo-data [--as-of YYYY-MM-DD] [--help]\n"
            "\n"
            "Loads demo values into a database that holds no real data: for every indicator\n"
            "measure, every principal that reports it (the county totals are derived from them,\n"
            "as the API derives them) and every complete period of the five years before the\n"
            "as-of date (default: today, UTC): 60 months, 20 quarters, 15 tertials, 5 years or\n"
            "about 261 weeks. Figures follow the principals' populations (core.population; the\n"
            "missing figures are added from built-in approximations), with random noise from a\n"
            "fixed seed: the same as-of date gives the same data.\n"
            "\n"
            "Planted signals (the rest is noise, checked with the signal charts):\n"
            "  att-aldras.readmissions-30d, linkoping: a shift to a lower (better) share over the\n"
            "    last 12 complete months, with a PDSA cycle whose 'do' starts on the first day of\n"
            "    the first of them; GET /api/v1/measures/att-aldras.readmissions-30d/signals\n"
            "    ?principal=linkoping gives verdict \"signal\" with signal points from that month on.\n"
            "  nara-vard.readmissions-30d, norrkoping: a shift to a higher (worse) share over the\n"
            "    last 10 complete months.\n"
            "  nara-vard.discharge-delay-mean-days, motala: one month far above the rest, 20\n"
            "    months before the last complete one.\n"
            "\n"
            "Demo rows are marked (updated_by and request_id \"" DEMO_ACTOR "\"; the PDSA cycle's\n"
            "plan_by). A value written any other way (a push through the API or a plugin) makes\n"
            "the command refuse: exit code 1, nothing written. Run again on a demo-only database,\n"
            "it replaces the demo data: afterwards the database holds exactly what a first run\n"
            "with the same as-of date writes; unchanged values are left alone (no history rows,\n"
            "no new data version), so a second run on the same day changes nothing. Values in\n"
            "locked periods are not touched. Everything happens in one transaction; running\n"
            "servers see the new data at once (NOTIFY lgvo_values).\n"
            "\n"
            "The plugins define their measures when the server starts: start it once before\n"
            "this command, or only the core's seeded measures get values.\n"
            "\n"
            "Prints one JSON line: {\"as_of\", \"measures\", \"principals\", \"values\", \"created\",\n"
            "\"updated\", \"deleted\", \"unchanged\", \"locked\", \"population_added\", \"planted\":\n"
            "[{\"measure\", \"principal\", \"kind\", \"direction\", \"from\", \"to\", \"pdsa\"}]}.\n");
}

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lgvo-api: demo-data: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* Runs sql; 0, or -1 with err. *out (when given) receives a tuples result the caller clears. */
static int exec_sql(PGconn *pg, const char *sql, int n, const char *const *params, PGresult **out,
                    char *err, size_t errlen)
{
    PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(r));
        size_t len = strlen(err);
        while (len && err[len - 1] == '\n')
            err[--len] = '\0';
        PQclear(r);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

/* One number from a one-row result. */
static long long exec_count(PGconn *pg, const char *sql, int n, const char *const *params,
                            int column, char *err, size_t errlen)
{
    PGresult *r = NULL;
    if (exec_sql(pg, sql, n, params, &r, err, errlen) != 0)
        return -1;
    long long v = PQntuples(r) ? atoll(PQgetvalue(r, 0, column)) : 0;
    PQclear(r);
    return v;
}

/* Refuses a database with real data. Returns 0, or -1 with the reason in err. */
static int refuse_real_data(PGconn *pg, char *err, size_t errlen)
{
    const char *params[] = {DEMO_ACTOR};
    PGresult *r = NULL;
    if (exec_sql(pg,
                 "SELECT (SELECT count(*) FROM core.values WHERE updated_by <> $1),"
                 " EXISTS (SELECT 1 FROM core.value_history WHERE changed_by <> $1)",
                 1, params, &r, err, errlen) != 0)
        return -1;
    long long real = atoll(PQgetvalue(r, 0, 0));
    int history = PQgetvalue(r, 0, 1)[0] == 't';
    PQclear(r);
    if (real > 0)
        snprintf(err, errlen,
                 "the database holds %lld value(s) not written by demo-data (real pushes): refusing; "
                 "nothing was written (demo data goes only into a database without real data)",
                 real);
    else if (history)
        snprintf(err, errlen,
                 "the value history records writes not made by demo-data (real pushes): refusing; "
                 "nothing was written (demo data goes only into a database without real data)");
    return real > 0 || history ? -1 : 0;
}

static int load_principals(PGconn *pg, struct demo_ctx *ctx, char *err, size_t errlen)
{
    PGresult *r = NULL;
    if (exec_sql(pg, "SELECT id, slug, kind = 'region' FROM core.principals ORDER BY sort_order", 0,
                 NULL, &r, err, errlen) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int id = atoi(PQgetvalue(r, i, 0));
        if (id < 0 || id >= DEMO_MAX_PRINCIPALS || ctx->nprincipals == DEMO_MAX_PRINCIPALS) {
            snprintf(err, errlen, "principal id %d is out of the demo's range", id);
            rc = -1;
            break;
        }
        struct demo_principal *p = &ctx->principals[ctx->nprincipals++];
        p->id = id;
        snprintf(p->slug, sizeof p->slug, "%s", PQgetvalue(r, i, 1));
        p->region = PQgetvalue(r, i, 2)[0] == 't';
    }
    PQclear(r);
    return rc;
}

/* The indicators; returns how many the plugins define, or -1 with err. */
static int load_measures(PGconn *pg, struct demo_ctx *ctx, char *err, size_t errlen)
{
    PGresult *r = NULL;
    if (exec_sql(pg,
                 "SELECT id, slug, unit, period_type, direction, coalesce(age_band, ''), ratio, min, max,"
                 " sex_split, 'region' = ANY (reported_by), 'municipality' = ANY (reported_by),"
                 " on_behalf, defined_by <> 'core' FROM core.measures WHERE kind = 'indicator' ORDER BY id",
                 0, NULL, &r, err, errlen) != 0)
        return -1;
    int n = PQntuples(r), plugins = 0;
    ctx->measures = xcalloc(n ? (size_t)n : 1, sizeof *ctx->measures);
    for (int i = 0; i < n; i++) {
        struct demo_measure *m = &ctx->measures[i];
        m->id = atoi(PQgetvalue(r, i, 0));
        snprintf(m->slug, sizeof m->slug, "%s", PQgetvalue(r, i, 1));
        snprintf(m->unit, sizeof m->unit, "%s", PQgetvalue(r, i, 2));
        m->period = period_type_parse(PQgetvalue(r, i, 3));
        snprintf(m->direction, sizeof m->direction, "%s", PQgetvalue(r, i, 4));
        snprintf(m->band, sizeof m->band, "%s", PQgetvalue(r, i, 5));
        m->ratio = PQgetvalue(r, i, 6)[0] == 't';
        m->has_min = !PQgetisnull(r, i, 7);
        m->min = m->has_min ? strtod(PQgetvalue(r, i, 7), NULL) : 0;
        m->has_max = !PQgetisnull(r, i, 8);
        m->max = m->has_max ? strtod(PQgetvalue(r, i, 8), NULL) : 0;
        m->sex_split = PQgetvalue(r, i, 9)[0] == 't';
        m->by_region = PQgetvalue(r, i, 10)[0] == 't';
        m->by_municipality = PQgetvalue(r, i, 11)[0] == 't';
        m->on_behalf = PQgetvalue(r, i, 12)[0] == 't';
        plugins += PQgetvalue(r, i, 13)[0] == 't';
        m->scale = strcmp(m->unit, "percent") == 0    ? 100.0
                   : strcmp(m->unit, "per_1000") == 0 ? 1000.0
                                                      : 1.0;
        demo_profile_pick(m);
    }
    PQclear(r);
    ctx->nmeasures = ctx->ndb = n;
    return plugins;
}

/* COPY of every value into the temporary table demo_rows. Returns the row count or -1. */
static long copy_values(PGconn *pg, struct demo_ctx *ctx, char *err, size_t errlen)
{
    if (exec_sql(pg,
                 "CREATE TEMP TABLE demo_rows (measure_id integer, principal_id smallint, period text,"
                 " period_start date, period_end date, sex char(1), value numeric, numerator numeric,"
                 " denominator numeric, scale numeric) ON COMMIT DROP",
                 0, NULL, NULL, err, errlen) != 0)
        return -1;
    PGresult *r = PQexec(pg, "COPY demo_rows FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        snprintf(err, errlen, "cannot copy the values: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    struct strbuf b;
    strbuf_init(&b);
    long rows = 0;
    int ok = 1;
    for (int i = 0; i < ctx->ndb && ok; i++) {
        long n = demo_series_copy(ctx, i, &b, err, errlen);
        ok = n >= 0;
        if (ok && b.len && PQputCopyData(pg, b.data, (int)b.len) != 1) {
            snprintf(err, errlen, "cannot copy the values: %s", PQerrorMessage(pg));
            ok = 0;
        }
        rows += n > 0 ? n : 0;
        b.len = 0;
    }
    strbuf_free(&b);
    if (ok && PQputCopyEnd(pg, NULL) != 1) {
        snprintf(err, errlen, "cannot copy the values: %s", PQerrorMessage(pg));
        ok = 0;
    } else if (!ok) {
        PQputCopyEnd(pg, "demo-data failed");
    }
    while ((r = PQgetResult(pg)) != NULL) {
        if (ok && PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, errlen, "cannot copy the values: %s", PQresultErrorMessage(r));
            ok = 0;
        }
        PQclear(r);
    }
    return ok ? rows : -1;
}

struct write_counts {
    long long locked, deleted, created, updated, stored;
};

/* Locked periods are left alone; demo values the new set does not have go; the rest is
 * upserted, writing only what changed (the history triggers record it). */
static int write_values(PGconn *pg, struct write_counts *c, char *err, size_t errlen)
{
    const char *params[] = {DEMO_ACTOR};
#define LOCKED(t)                                                                                   \
    "EXISTS (SELECT 1 FROM core.period_locks l WHERE (l.measure_id IS NULL OR l.measure_id = " t   \
    ".measure_id) AND (l.period = " t ".period OR " t ".period_end <= l.up_to))"
    c->locked = exec_count(pg, "WITH gone AS (DELETE FROM demo_rows d WHERE " LOCKED("d")
                               " RETURNING 1) SELECT count(*) FROM gone",
                           0, NULL, 0, err, errlen);
    if (c->locked < 0)
        return -1;
    c->deleted = exec_count(pg,
                            "WITH gone AS (DELETE FROM core.values v WHERE v.updated_by = $1"
                            " AND NOT " LOCKED("v") " AND NOT EXISTS (SELECT 1 FROM demo_rows d"
                            "  WHERE d.measure_id = v.measure_id AND d.principal_id = v.principal_id"
                            "  AND d.period_start = v.period_start AND d.sex = v.sex) RETURNING 1)"
                            " SELECT count(*) FROM gone",
                            1, params, 0, err, errlen);
#undef LOCKED
    if (c->deleted < 0)
        return -1;
    PGresult *r = NULL;
    if (exec_sql(pg,
                 "WITH up AS ("
                 " INSERT INTO core.values AS v (measure_id, principal_id, period, period_start, period_end,"
                 "  sex, value, numerator, denominator, updated_by, request_id)"
                 " SELECT measure_id, principal_id, period, period_start, period_end, sex,"
                 "  CASE WHEN numerator IS NOT NULL THEN trim_scale(round(numerator * scale / denominator, 6))"
                 "   ELSE value END, numerator, denominator, $1, $1"
                 " FROM demo_rows ORDER BY measure_id, principal_id, period_start, sex"
                 " ON CONFLICT (measure_id, principal_id, period_start, sex) DO UPDATE SET"
                 "  period = EXCLUDED.period, period_end = EXCLUDED.period_end, value = EXCLUDED.value,"
                 "  numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,"
                 "  achieved = NULL, achieved_on = NULL, text = NULL, comment = NULL, updated_at = now(),"
                 "  updated_by = EXCLUDED.updated_by, updated_by_principal = NULL,"
                 "  request_id = EXCLUDED.request_id"
                 " WHERE (v.value, v.numerator, v.denominator, v.achieved, v.achieved_on, v.text, v.comment)"
                 "  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, NULL::boolean,"
                 "  NULL::date, NULL::text, NULL::text)"
                 " RETURNING (xmax = 0) AS inserted) "
                 "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
                 " (SELECT count(*) FROM demo_rows) FROM up",
                 1, params, &r, err, errlen) != 0)
        return -1;
    c->created = atoll(PQgetvalue(r, 0, 0));
    c->updated = atoll(PQgetvalue(r, 0, 1));
    c->stored = atoll(PQgetvalue(r, 0, 2));
    PQclear(r);
    return 0;
}

static const char *plant_direction(const struct demo_measure *m, const struct demo_plant *pl)
{
    int up = pl->factor > 1;
    if (strcmp(m->direction, "higher_is_better") == 0)
        return up ? "better" : "worse";
    if (strcmp(m->direction, "lower_is_better") == 0)
        return up ? "worse" : "better";
    return up ? "higher" : "lower";
}

static json_t *planted_json(const struct demo_ctx *ctx, long long pdsa_id)
{
    json_t *list = json_array();
    for (int i = 0; i < ctx->nplants; i++) {
        const struct demo_plant *pl = &ctx->plants[i];
        if (!pl->found)
            continue;
        const struct demo_measure *m = &ctx->measures[pl->measure_index];
        const struct period *pers = ctx->periods[m->period];
        char from[16], to[16];
        period_format(&pl->from, from, sizeof from);
        if (pl->kind == PLANT_SHIFT)
            period_format(&pers[ctx->nperiods[m->period] - 1], to, sizeof to);
        else
            snprintf(to, sizeof to, "%s", from);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "measure", m->slug, "principal",
                              pl->principal, "kind", pl->kind == PLANT_SHIFT ? "shift" : "outlier",
                              "direction", plant_direction(m, pl), "from", from, "to", to);
        if (pl->pdsa && pdsa_id > 0)
            json_object_set_new(o, "pdsa", json_integer(pdsa_id));
        json_array_append_new(list, o);
    }
    return list;
}

static int principals_written(const struct demo_ctx *ctx)
{
    int n = 0;
    for (int k = 0; k < ctx->nprincipals; k++) {
        int any = 0;
        for (int i = 0; i < ctx->ndb && !any; i++)
            any = demo_reports(&ctx->measures[i], &ctx->principals[k]);
        n += any;
    }
    return n;
}

/* Everything inside the open transaction. Returns the summary (caller frees) or NULL with err. */
static json_t *load(PGconn *pg, struct date as_of, char *err, size_t errlen)
{
    json_t *summary = NULL;
    struct demo_ctx ctx = {.as_of = as_of};
    struct demo_population *pop = xcalloc(1, sizeof *pop);
    const char *actor[] = {DEMO_ACTOR};
    if (exec_sql(pg,
                 "SELECT set_config('lgvo.writable', '*', true), set_config('lgvo.actor', $1, true),"
                 " set_config('lgvo.actor_principal', '', true), set_config('lgvo.request_id', $1, true)",
                 1, actor, NULL, err, errlen) != 0 ||
        exec_sql(pg, "LOCK TABLE core.values IN SHARE ROW EXCLUSIVE MODE", 0, NULL, NULL, err,
                 errlen) != 0 ||
        refuse_real_data(pg, err, errlen) != 0 || load_principals(pg, &ctx, err, errlen) != 0)
        goto out;
    int plugins = load_measures(pg, &ctx, err, errlen);
    if (plugins < 0)
        goto out;
    if (ctx.ndb == 0) {
        snprintf(err, errlen, "core.measures defines no indicator");
        goto out;
    }
    if (plugins == 0)
        fprintf(stderr, "lgvo-api: demo-data: warning: only the core's seeded measures are defined; "
                        "start the server once (it registers the plugins' measures) and run demo-data "
                        "again to fill those too\n");
    pop->first_year = as_of.year - DEMO_YEARS - 1;
    pop->nyears = DEMO_YEARS + 2;
    long added = demo_population_load(pg, pop, err, errlen);
    if (added < 0)
        goto out;
    ctx.pop = pop;
    if (demo_series_prepare(&ctx, err, errlen) != 0 || copy_values(pg, &ctx, err, errlen) < 0)
        goto out;
    struct write_counts c = {0};
    if (write_values(pg, &c, err, errlen) != 0)
        goto out;
    long long pdsa_id = 0;
    for (int i = 0; i < ctx.nplants; i++)
        if (ctx.plants[i].found && ctx.plants[i].pdsa &&
            (pdsa_id = demo_pdsa_plant(pg, &ctx, &ctx.plants[i], err, errlen)) < 0)
            goto out;
    if ((c.created || c.updated || c.deleted) &&
        exec_sql(pg,
                 "WITH v AS (UPDATE core.values_state SET version = nextval('core.values_version')"
                 " RETURNING version AS n) SELECT n, pg_notify('lgvo_values', n::text) FROM v",
                 0, NULL, NULL, err, errlen) != 0)
        goto out;
    char day[11];
    date_format(as_of, day);
    summary = json_pack("{s:s, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "as_of", day,
                        "measures", ctx.ndb, "principals", principals_written(&ctx), "values",
                        (json_int_t)c.stored, "created", (json_int_t)c.created, "updated",
                        (json_int_t)c.updated, "deleted", (json_int_t)c.deleted, "unchanged",
                        (json_int_t)(c.stored - c.created - c.updated), "locked",
                        (json_int_t)c.locked, "population_added", (json_int_t)added, "planted",
                        planted_json(&ctx, pdsa_id));
    char *details = json_dumps(summary, JSON_COMPACT);
    const char *audit[] = {details};
    int audited = exec_sql(pg,
                           "INSERT INTO core.audit (actor, action, target, details)"
                           " VALUES ('cli', 'demo.load', 'values', $1::jsonb)",
                           1, audit, NULL, err, errlen);
    free(details);
    if (audited != 0) {
        json_decref(summary);
        summary = NULL;
    }
out:
    demo_ctx_free(&ctx);
    free(pop);
    return summary;
}

int cli_demo_data(struct app *app, PGconn *pg, int argc, char **argv)
{
    (void)app;
    struct date as_of = date_today();
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
            /* Periods start in 2000 and none lies in the future (as for a push). */
            if (date_parse(argv[++i], &as_of) != 0 || as_of.year < 2000 + DEMO_YEARS + 1 ||
                date_compare(as_of, date_today()) > 0)
                return fail("--as-of needs a date like 2025-06-30, from %d on and not in the "
                            "future, not '%s'",
                            2000 + DEMO_YEARS + 1, argv[i]);
            continue;
        }
        fail("unknown option %s", argv[i]);
        usage(stderr);
        return 1;
    }
    char err[1024] = "";
    PGresult *r = PQexec(pg, "BEGIN");
    int begun = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!begun)
        return fail("cannot start a transaction: %s", PQerrorMessage(pg));
    json_t *summary = load(pg, as_of, err, sizeof err);
    r = PQexec(pg, summary ? "COMMIT" : "ROLLBACK");
    int committed = summary && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (summary && !committed)
        snprintf(err, sizeof err, "cannot commit: %s", PQresultErrorMessage(r));
    PQclear(r);
    if (!committed) {
        json_decref(summary);
        return fail("%s", err);
    }
    char *text = json_dumps(summary, JSON_COMPACT);
    printf("%s\n", text);
    free(text);
    json_decref(summary);
    return 0;
}
