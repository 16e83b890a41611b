/* The set-based write of a push; see values_write.h. */
#include "core/values_write.h"

#include "app.h"
#include "db/pool.h"
#include "http/req.h"
#include "log.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <string.h>

/* COPY text format: backslash escapes for the characters that delimit it; \N is NULL. */
static void copy_field(struct strbuf *b, const char *s)
{
    if (!s) {
        strbuf_add(b, "\\N", 2);
        return;
    }
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
        if (!esc)
            continue;
        strbuf_add(b, run, (size_t)(p - run));
        strbuf_adds(b, esc);
        run = p + 1;
    }
    strbuf_adds(b, run);
}

static void copy_row(struct strbuf *b, const struct push_row *r)
{
    char start[11], end[11], scale[32];
    date_format(r->period.start, start);
    date_format(r->period.end, end);
    snprintf(scale, sizeof scale, "%g", r->m.scale);
    char sex[2] = {r->sex, 0};
    strbuf_addf(b, "%zu\t%d\t%d\t", r->index, r->m.id, r->p.id);
    const char *cells[] = {r->period_text, start, end, sex, r->value, r->numerator, r->denominator,
                           r->achieved < 0 ? NULL : r->achieved ? "t" : "f",
                           r->achieved_on[0] ? r->achieved_on : NULL, r->text, r->comment,
                           r->m.ratio ? "t" : "f", scale, r->del ? "t" : "f"};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (i)
            strbuf_add(b, "\t", 1);
        copy_field(b, cells[i]);
    }
    strbuf_add(b, "\n", 1);
}

static enum write_result failed(struct req *r, PGresult *res)
{
    enum db_error kind = db_classify(r->db, res);
    if (kind == DB_RETRY) {
        PQclear(res);
        return WRITE_RETRY;
    }
    reply_db_error(r, res);
    PQclear(res);
    return WRITE_FAILED;
}

static enum write_result exec(struct req *r, const char *sql, int n, const char *const *params,
                              PGresult **out)
{
    PGresult *res = db_exec(r->db, sql, n, params);
    if (!db_ok(res))
        return failed(r, res);
    if (out)
        *out = res;
    else
        PQclear(res);
    return WRITE_DONE;
}

static enum write_result copy_rows(struct req *r, struct push_rows *rows)
{
    enum write_result w = exec(r,
                               "CREATE TEMP TABLE push_rows (idx integer, measure_id integer,"
                               " principal_id smallint, period text, period_start date, period_end date,"
                               " sex char(1), value numeric, numerator numeric, denominator numeric,"
                               " achieved boolean, achieved_on date, text text, comment text,"
                               " ratio boolean, scale numeric, del boolean) ON COMMIT DROP",
                               0, NULL, NULL);
    if (w != WRITE_DONE)
        return w;
    PGconn *pg = db_conn_pg(r->db);
    PGresult *res = PQexec(pg, "COPY push_rows FROM STDIN");
    if (PQresultStatus(res) != PGRES_COPY_IN)
        return failed(r, res);
    PQclear(res);
    struct strbuf b;
    strbuf_init(&b);
    int ok = 1;
    for (size_t i = 0; i < rows->count && ok; i++) {
        if (rows->items[i].bad)
            continue;
        copy_row(&b, &rows->items[i]);
        if (b.len > 256 * 1024) {
            ok = PQputCopyData(pg, b.data, (int)b.len) == 1;
            b.len = 0;
        }
    }
    if (ok && b.len)
        ok = PQputCopyData(pg, b.data, (int)b.len) == 1;
    strbuf_free(&b);
    PQputCopyEnd(pg, ok ? NULL : "client failure");
    enum write_result result = WRITE_DONE;
    while ((res = PQgetResult(pg)) != NULL) {
        if (result == WRITE_DONE && PQresultStatus(res) != PGRES_COMMAND_OK) {
            result = failed(r, res);
            continue;
        }
        PQclear(res);
    }
    return result;
}

/* Allows writing the principals of the rows (each approved by the shared write decision). */
static enum write_result allow_principals(struct req *r, struct push_rows *rows)
{
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < rows->count; i++) {
        const struct push_row *row = &rows->items[i];
        if (row->bad || row->p.id < 0 || row->p.id > 255 || seen[row->p.id]++)
            continue;
        if (req_allow_write(r, row->p.id) != 0)
            return WRITE_FAILED;
    }
    return WRITE_DONE;
}

/* Rows in locked periods. Marks them; returns how many. */
static long find_locked(struct req *r, struct push_rows *rows, struct push_errors *e,
                        enum write_result *w)
{
    PGresult *res = NULL;
    *w = exec(r,
              "SELECT DISTINCT ON (p.idx) p.idx, l.locked_by, coalesce(l.period, 'up to ' || l.up_to),"
              " to_char(l.locked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
              "FROM push_rows p JOIN core.period_locks l ON (l.measure_id IS NULL OR l.measure_id = p.measure_id)"
              " AND (l.period = p.period OR p.period_end <= l.up_to) ORDER BY p.idx, l.id",
              0, NULL, &res);
    if (*w != WRITE_DONE)
        return 0;
    long n = PQntuples(res);
    for (long i = 0; i < n; i++) {
        size_t idx = (size_t)strtoul(PQgetvalue(res, (int)i, 0), NULL, 10);
        char msg[320];
        snprintf(msg, sizeof msg, "the period %s of this measure is locked (%s, by %s on %s)",
                 rows->items[idx].period_text, PQgetvalue(res, (int)i, 2), PQgetvalue(res, (int)i, 1),
                 PQgetvalue(res, (int)i, 3));
        push_row_error(e, idx, "period", "period_locked", msg);
        rows->items[idx].locked = 1;
    }
    PQclear(res);
    return n;
}

static enum write_result upsert(struct req *r, struct write_counts *out)
{
    const char *params[] = {r->who.kind ? r->who.subject : "anonymous",
                            r->who.kind ? r->who.principal : NULL, r->id};
    PGresult *res = NULL;
    enum write_result w = exec(
        r,
        "WITH up AS ("
        " INSERT INTO core.values AS v (measure_id, principal_id, period, period_start, period_end,"
        "  sex, value, numerator, denominator, achieved, achieved_on, text, comment, updated_by,"
        "  updated_by_principal, request_id)"
        " SELECT measure_id, principal_id, period, period_start, period_end, sex,"
        "  CASE WHEN ratio THEN trim_scale(round(numerator * scale / denominator, 6)) ELSE value END,"
        "  numerator, denominator, achieved, achieved_on, text, comment, $1, $2, $3"
        " FROM push_rows WHERE NOT del ORDER BY measure_id, principal_id, period_start, sex"
        " ON CONFLICT (measure_id, principal_id, period_start, sex) DO UPDATE SET"
        "  period = EXCLUDED.period, period_end = EXCLUDED.period_end, value = EXCLUDED.value,"
        "  numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,"
        "  achieved = EXCLUDED.achieved, achieved_on = EXCLUDED.achieved_on, text = EXCLUDED.text,"
        "  comment = EXCLUDED.comment, updated_at = now(), updated_by = EXCLUDED.updated_by,"
        "  updated_by_principal = EXCLUDED.updated_by_principal, request_id = EXCLUDED.request_id"
        " WHERE (v.value, v.numerator, v.denominator, v.achieved, v.achieved_on, v.text, v.comment)"
        "  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator,"
        "  EXCLUDED.achieved, EXCLUDED.achieved_on, EXCLUDED.text, EXCLUDED.comment)"
        " RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
        " (SELECT count(*) FROM push_rows WHERE NOT del) FROM up",
        3, params, &res);
    if (w != WRITE_DONE)
        return w;
    out->created = atol(PQgetvalue(res, 0, 0));
    out->updated = atol(PQgetvalue(res, 0, 1));
    out->unchanged = atol(PQgetvalue(res, 0, 2)) - out->created - out->updated;
    PQclear(res);
    return WRITE_DONE;
}

/* Rows sent with "delete": true remove the stored value of their key (a value that no longer
 * holds, e.g. a share whose denominator became 0). A key with nothing stored is unchanged. */
static enum write_result delete_marked(struct req *r, struct write_counts *out)
{
    PGresult *res = NULL;
    enum write_result w = exec(r,
                               "WITH gone AS (DELETE FROM core.values v USING push_rows p"
                               " WHERE p.del AND v.measure_id = p.measure_id AND v.principal_id = p.principal_id"
                               " AND v.period_start = p.period_start AND v.sex = p.sex RETURNING 1)"
                               " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM push_rows WHERE del)",
                               0, NULL, &res);
    if (w != WRITE_DONE)
        return w;
    long deleted = atol(PQgetvalue(res, 0, 0));
    out->deleted += deleted;
    out->unchanged += atol(PQgetvalue(res, 0, 1)) - deleted;
    PQclear(res);
    return WRITE_DONE;
}

static enum write_result delete_slice(struct req *r, const struct replace_slice *s,
                                      struct write_counts *out)
{
    char from[11], to[11];
    date_format(s->from.start, from);
    date_format(s->to.end, to);
    const char *params[] = {from, to};
    /* Rows the push does not mention, within the slice, in locked periods: refuse. */
    PGresult *res = NULL;
    enum write_result w = exec(
        r,
        "SELECT v.period, l.locked_by FROM core.values v"
        " JOIN (SELECT DISTINCT measure_id, principal_id FROM push_rows) s USING (measure_id, principal_id)"
        " JOIN core.period_locks l ON (l.measure_id IS NULL OR l.measure_id = v.measure_id)"
        "  AND (l.period = v.period OR v.period_end <= l.up_to)"
        " WHERE v.period_start >= $1::date AND v.period_end <= $2::date"
        " AND NOT EXISTS (SELECT 1 FROM push_rows p WHERE p.measure_id = v.measure_id"
        "  AND p.principal_id = v.principal_id AND p.period_start = v.period_start AND p.sex = v.sex)"
        " LIMIT 1",
        2, params, &res);
    if (w != WRITE_DONE)
        return w;
    if (PQntuples(res) > 0) {
        reply_error(r, 409, "period_locked",
                    "replace would delete a value in the locked period %s (locked by %s)",
                    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
        PQclear(res);
        return WRITE_FAILED;
    }
    PQclear(res);
    w = exec(r,
             "WITH gone AS (DELETE FROM core.values v"
             " USING (SELECT DISTINCT measure_id, principal_id FROM push_rows) s"
             " WHERE v.measure_id = s.measure_id AND v.principal_id = s.principal_id"
             " AND v.period_start >= $1::date AND v.period_end <= $2::date"
             " AND NOT EXISTS (SELECT 1 FROM push_rows p WHERE p.measure_id = v.measure_id"
             "  AND p.principal_id = v.principal_id AND p.period_start = v.period_start AND p.sex = v.sex)"
             " RETURNING 1) SELECT count(*) FROM gone",
             2, params, &res);
    if (w != WRITE_DONE)
        return w;
    out->deleted += atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return WRITE_DONE;
}

enum write_result values_write(struct req *r, struct push_rows *rows, struct push_errors *e,
                               const struct replace_slice *slice, int partial,
                               struct write_counts *out)
{
    memset(out, 0, sizeof *out);
    if (req_begin(r) != 0)
        return WRITE_FAILED;
    enum write_result w = allow_principals(r, rows);
    if (w == WRITE_DONE)
        w = copy_rows(r, rows);
    if (w != WRITE_DONE)
        return w;
    long locked = find_locked(r, rows, e, &w);
    if (w != WRITE_DONE)
        return w;
    if (locked > 0) {
        if (!partial)
            return WRITE_LOCKED;
        w = exec(r, "DELETE FROM push_rows p WHERE EXISTS (SELECT 1 FROM core.period_locks l"
                    " WHERE (l.measure_id IS NULL OR l.measure_id = p.measure_id)"
                    " AND (l.period = p.period OR p.period_end <= l.up_to))",
                 0, NULL, NULL);
        if (w != WRITE_DONE)
            return w;
    }
    w = upsert(r, out);
    if (w == WRITE_DONE)
        w = delete_marked(r, out);
    if (w == WRITE_DONE && slice)
        w = delete_slice(r, slice, out);
    if (w == WRITE_DONE && (out->created || out->updated || out->deleted)) {
        /* Readers' ETags change. The version is stored in this transaction (core.values_state,
         * schema/0009), so a reader sees it together with the rows it belongs to; the row lock
         * makes versions commit in order. This copy raises its own number at once (its readers
         * then go to the database until the write is visible), others hear it by NOTIFY. */
        PGresult *res = NULL;
        w = exec(r, "WITH v AS (UPDATE core.values_state SET version = nextval('core.values_version')"
                    " RETURNING version AS n) SELECT n, pg_notify('lgvo_values', n::text) FROM v",
                 0, NULL, &res);
        if (w == WRITE_DONE) {
            /* Not for a request that will be rolled back (a dry run): nothing changes, and this
             * copy's readers would query the database until the next real write. */
            long long n = PQntuples(res) == 1 && !r->rollback ? atoll(PQgetvalue(res, 0, 0)) : 0;
            long long cur = atomic_load(&r->app->values_version);
            while (n > cur && !atomic_compare_exchange_weak(&r->app->values_version, &cur, n))
                ;
            PQclear(res);
        }
    }
    return w;
}
