/* Reading values: GET /api/v1/values (filters, keyset pagination, JSON or CSV), GET
 * /api/v1/measures/{slug}/series (one principal's points in period order plus the county
 * total), GET /api/v1/values/history. Any authenticated caller may read; counts from 1 to 4
 * of restricted measures are shown only to their own principal and county_admin (others get
 * null with "suppressed": true; zero is shown), and so is anything derived from them.
 * Responses carry an ETag built from the data version their rows were read at, so an
 * unchanged read is a 304 (without a query when this copy has written or heard of nothing
 * since). */
#include "app.h"
#include "auth/authz.h"
#include "core/measures.h"
#include "core/period.h"
#include "core/read_cache.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/params.h"
#include "http/req.h"
#include "util/b64url.h"
#include "util/mem.h"
#include "util/strbuf.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

/* The suppression rule, as SQL over v (core.values) and m (core.measures); $1 is the caller's
 * principal id and $2 'true' when the caller sees everything. Never NULL (absent numbers). */
#define SUPPRESSED                                                                                \
    "coalesce(m.restricted AND NOT $2::boolean AND v.principal_id <> $1::int AND ("               \
    "v.numerator BETWEEN 1 AND 4 OR v.denominator BETWEEN 1 AND 4"                                \
    " OR (m.unit = 'count' AND v.value BETWEEN 1 AND 4)), false)"

static int wants_csv(struct req *r);

/* W/"<data version>-<fingerprint of the URL, the representation (JSON or CSV) and what the
 * caller may see>". */
static void make_etag(struct req *r, long long version, char etag[64])
{
    char input[1024];
    snprintf(input, sizeof input, "%s|%d|%d|%s", r->http->http_url, r->who.principal_id,
             authz_is_county_admin(&r->who), wants_csv(r) ? "csv" : "json");
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(input, strlen(input), md, &n, EVP_sha256(), NULL);
    snprintf(etag, 64, "W/\"%lld-%02x%02x%02x%02x%02x%02x\"", version, md[0], md[1], md[2], md[3],
             md[4], md[5]);
}

static int client_has(struct req *r, const char *etag)
{
    const char *inm = req_header(r, "If-None-Match");
    return inm && (strstr(inm, etag + 2) || strcmp(inm, "*") == 0);
}

/* Conditional and cached reads. The version in an ETag or a cache entry is the committed
 * version read in the same statement (snapshot) as the data it labels (core.values_state,
 * schema/0009), so one ETag always stands for one answer. This copy's own number (raised by
 * a local write before it commits, by NOTIFY for other copies' writes) is used only to
 * recognise them without a query: when a client's ETag or a cache entry carries it, nothing
 * was written since. Returns 1 after replying (304, or from the cache); key is filled for
 * read_cache_store. */
static int answered_early(struct req *r, unsigned char key[32])
{
    char etag[64];
    req_set_header(r, "Cache-Control", "private, no-cache");
    req_set_header(r, "Vary", "Accept");
    long long version = atomic_load(&r->app->values_version);
    make_etag(r, version, etag);
    if (client_has(r, etag)) {
        req_set_header(r, "ETag", etag);
        reply_empty(r, 304);
        return 1;
    }
    if (read_cache_reply(r->app->read_cache, r, version, key)) {
        req_set_header(r, "ETag", etag);
        return 1;
    }
    return 0;
}

/* After the query: sets the ETag of the version the data was read at; 1 after replying 304
 * when the client has that. */
static int not_modified(struct req *r, long long version)
{
    char etag[64];
    make_etag(r, version, etag);
    req_set_header(r, "ETag", etag);
    if (client_has(r, etag)) {
        reply_empty(r, 304);
        return 1;
    }
    return 0;
}

/* Wraps a query so that it also returns the committed data version of its own snapshot, as
 * its last column, in at least one row (all other columns NULL when the query has no rows). */
#define WITH_VERSION(query, order)                                                                \
    "SELECT d.*, st.version FROM core.values_state st LEFT JOIN LATERAL (" query ") d ON true"    \
    " ORDER BY " order

static void caller_params(struct req *r, char me[16])
{
    snprintf(me, 16, "%d", r->who.principal_id);
}

/* Replies with body (stolen) and, when cacheable, keeps it for the data version the read
 * started at (a write during the read makes the entry stale at once). The cache keeps bodies
 * only: answers with headers of their own (X-Next-Cursor) are not cacheable. */
static void reply_cached_json(struct req *r, const unsigned char key[32], long long version,
                              json_t *body, int cacheable)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    size_t len = strlen(text);
    if (cacheable)
        read_cache_store(r->app->read_cache, key, version, "application/json; charset=utf-8", text, len);
    reply_raw(r, 200, "application/json; charset=utf-8", text, len);
}

static int wants_csv(struct req *r)
{
    const char *accept = req_header(r, "Accept");
    return accept && strstr(accept, "text/csv") && !strstr(accept, "application/json");
}

/* Period bounds of from/to query parameters (any period type). */
static void period_bound(struct query_params *q, const char *name, int end, char out[11])
{
    const char *v = query_text(q, name, 16);
    out[0] = '\0';
    if (!v)
        return;
    struct period p;
    if (period_parse(v, &p) != 0) {
        query_problem(q, name, "must be a period such as 2025, 2025H1, 2025T1, 2025Q1, 2025-03 or 2025-W09");
        return;
    }
    date_format(end ? p.end : p.start, out);
}

/* Cursor: base64url("measure_id,principal_id,period_start,sex"). */
static int parse_cursor(const char *c, char parts[4][16])
{
    size_t n = 0;
    unsigned char *raw = b64url_decode(c, strlen(c), &n);
    if (!raw)
        return -1;
    char *text = xstrndup((char *)raw, n);
    free(raw);
    char tail = 0;
    int got = sscanf(text, "%15[0-9],%15[0-9],%15[0-9-],%1[TKM]%c", parts[0], parts[1], parts[2], parts[3], &tail);
    free(text);
    /* Only what this endpoint makes: ids within their columns' types, a real date. */
    struct date d;
    if (got != 4 || strlen(parts[0]) > 10 || strtoll(parts[0], NULL, 10) > 2147483647 ||
        strlen(parts[1]) > 5 || strtol(parts[1], NULL, 10) > 32767 || date_parse(parts[2], &d) != 0)
        return -1;
    return 0;
}

static char *make_cursor(const char *m, const char *p, const char *start, const char *sex)
{
    char text[96];
    snprintf(text, sizeof text, "%s,%s,%s,%s", m, p, start, sex);
    return b64url_encode((const unsigned char *)text, strlen(text));
}

static void csv_cell(struct strbuf *b, const char *s, int isnull)
{
    if (isnull)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        strbuf_adds(b, s);
        return;
    }
    strbuf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            strbuf_add(b, "\"", 1);
        strbuf_add(b, p, 1);
    }
    strbuf_add(b, "\"", 1);
}

/* A number column: integer when it has no fraction, else real; null for SQL NULL. */
static json_t *number(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return json_null();
    const char *s = PQgetvalue(res, row, col);
    return strpbrk(s, ".eE") ? json_real(strtod(s, NULL)) : json_integer(strtoll(s, NULL, 10));
}

static void list_values(struct req *r, void *ctx)
{
    (void)ctx;
    static const char *const sexes[] = {"T", "K", "M", NULL};
    struct query_params q;
    query_params_init(&q, r);
    const char *measure = query_text(&q, "measure", 96);
    const char *principal = query_text(&q, "principal", 48);
    const char *area = query_text(&q, "area", 32);
    const char *sex = query_enum(&q, "sex", sexes, NULL);
    const char *since = query_timestamp(&q, "updated_since");
    char from[11], to[11];
    period_bound(&q, "from", 0, from);
    period_bound(&q, "to", 1, to);
    long limit = query_int(&q, "limit", 1, 1000, 100);
    const char *cursor = query_text(&q, "cursor", 200);
    char cur[4][16] = {{0}};
    if (cursor && parse_cursor(cursor, cur) != 0)
        query_problem(&q, "cursor", "is not a cursor returned by this endpoint");
    if (query_params_failed(&q))
        return;
    unsigned char key[32];
    if (answered_early(r, key))
        return;
    char me[16], lim[24];
    caller_params(r, me);
    snprintf(lim, sizeof lim, "%ld", limit + 1);
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", measure, principal,
                            area, sex, from[0] ? from : NULL, to[0] ? to : NULL, since,
                            cursor ? cur[0] : NULL, cursor ? cur[1] : NULL, cursor ? cur[2] : NULL,
                            cursor ? cur[3] : NULL, lim};
    PGresult *res = req_sql(
        r,
        WITH_VERSION(
        "SELECT m.slug, p.slug, v.period, v.sex,"
        " CASE WHEN s.hide THEN NULL ELSE v.value END, CASE WHEN s.hide THEN NULL ELSE v.numerator END,"
        " CASE WHEN s.hide THEN NULL ELSE v.denominator END, v.achieved, v.achieved_on, v.text, v.comment,"
        " to_char(v.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), v.updated_by,"
        " s.hide, v.measure_id, v.principal_id, v.period_start "
        "FROM core.values v JOIN core.measures m ON m.id = v.measure_id"
        " JOIN core.principals p ON p.id = v.principal_id JOIN core.areas a ON a.id = m.area_id,"
        " LATERAL (SELECT " SUPPRESSED " AS hide) s "
        "WHERE ($3::text IS NULL OR m.slug = $3) AND ($4::text IS NULL OR p.slug = $4 OR p.code = $4)"
        " AND ($5::text IS NULL OR a.slug = $5) AND ($6::text IS NULL OR v.sex = $6)"
        " AND ($7::date IS NULL OR v.period_start >= $7::date) AND ($8::date IS NULL OR v.period_end <= $8::date)"
        " AND ($9::timestamptz IS NULL OR v.updated_at >= $9::timestamptz)"
        " AND ($10::int IS NULL OR (v.measure_id, v.principal_id, v.period_start, v.sex)"
        "  > ($10::int, $11::smallint, $12::date, $13::char(1)))"
        " ORDER BY v.measure_id, v.principal_id, v.period_start, v.sex LIMIT $14::int",
        "d.measure_id, d.principal_id, d.period_start, d.sex"),
        14, params);
    if (!res)
        return;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return;
    }
    long long version = PQntuples(res) ? atoll(PQgetvalue(res, 0, 17)) : 0;
    if (not_modified(r, version)) {
        PQclear(res);
        return;
    }
    int n = PQntuples(res);
    if (n == 1 && PQgetisnull(res, 0, 0))
        n = 0;
    int more = n > limit;
    if (more)
        n = (int)limit;
    char *next = more ? make_cursor(PQgetvalue(res, n - 1, 14), PQgetvalue(res, n - 1, 15),
                                    PQgetvalue(res, n - 1, 16), PQgetvalue(res, n - 1, 3))
                      : NULL;
    if (next)
        req_set_header(r, "X-Next-Cursor", next);
    static const char *const names[] = {"measure", "principal", "period", "sex", "value", "numerator",
                                        "denominator", "achieved", "achieved_on", "text", "comment",
                                        "updated_at", "updated_by", "suppressed"};
    struct strbuf b;
    strbuf_init(&b);
    if (wants_csv(r)) {
        for (int c = 0; c < 14; c++)
            strbuf_addf(&b, "%s%s", c ? "," : "", names[c]);
        strbuf_add(&b, "\r\n", 2);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 14; c++) {
                if (c)
                    strbuf_add(&b, ",", 1);
                const char *v = PQgetvalue(res, i, c);
                if (c == 7 || c == 13)
                    v = PQgetisnull(res, i, c) ? "" : v[0] == 't' ? "true" : "false";
                csv_cell(&b, v, PQgetisnull(res, i, c) && c != 13);
            }
            strbuf_add(&b, "\r\n", 2);
        }
        PQclear(res);
        size_t len = 0;
        char *out = strbuf_steal(&b, &len);
        if (!next) /* the cursor is in a header the cache does not keep */
            read_cache_store(r->app->read_cache, key, version, "text/csv; charset=utf-8", out, len);
        free(next);
        reply_raw(r, 200, "text/csv; charset=utf-8", out, len);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        for (int c = 0; c < 14; c++) {
            json_t *v;
            const char *s = PQgetvalue(res, i, c);
            if (c >= 4 && c <= 6)
                v = number(res, i, c);
            else if (PQgetisnull(res, i, c))
                v = json_null();
            else if (c == 7 || c == 13)
                v = json_boolean(s[0] == 't');
            else
                v = json_string(s);
            json_object_set_new(o, names[c], v);
        }
        json_array_append_new(items, o);
    }
    PQclear(res);
    reply_cached_json(r, key, version,
                      json_pack("{s:o, s:o}", "items", items, "next_cursor", next ? json_string(next) : json_null()),
                      next == NULL);
    free(next);
    strbuf_free(&b);
}

static void series(struct req *r, void *ctx)
{
    (void)ctx;
    static const char *const sexes[] = {"T", "K", "M", NULL};
    struct measure m;
    const char *slug = req_param(r, "slug");
    if (measures_get(r->app->measures, slug, &m) != 0) {
        reply_error(r, 404, NULL, "no measure '%s'", slug);
        return;
    }
    struct query_params q;
    query_params_init(&q, r);
    const char *principal = query_text(&q, "principal", 48);
    const char *sex = query_enum(&q, "sex", sexes, "T");
    char from[11], to[11];
    period_bound(&q, "from", 0, from);
    period_bound(&q, "to", 1, to);
    struct principal p = {0};
    if (principal && refdata_principal(r->app->refdata, principal, &p) != 0)
        query_problem(&q, "principal", "is not a principal slug or code");
    if (query_params_failed(&q))
        return;
    unsigned char key[32];
    if (answered_early(r, key))
        return;
    char me[16], mid[16], pid[16];
    caller_params(r, me);
    snprintf(mid, sizeof mid, "%d", m.id);
    snprintf(pid, sizeof pid, "%d", p.id);
    /* A county total is hidden from a caller as soon as any contribution is hidden from it:
     * with one hidden, subtraction recovers it; with several, measures that share a
     * denominator (e.g. two shares of the same children) can still give one away.
     * County totals come from the municipalities' rows, or from the region's own rows when the
     * measure is reported by the region alone. */
    int from_region = m.by_region && !m.by_municipality && !m.on_behalf;
    char scale[32];
    snprintf(scale, sizeof scale, "%g", m.scale);
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", mid,
                            principal ? pid : NULL, sex, from[0] ? from : NULL, to[0] ? to : NULL,
                            from_region ? "region" : "municipality", scale};
    static struct db_stmt series_stmt = {
        .nparams = 9,
        .sql =
        WITH_VERSION(
        "SELECT 0 AS part, v.period, CASE WHEN s.hide THEN NULL ELSE v.value END,"
        " CASE WHEN s.hide THEN NULL ELSE v.numerator END, CASE WHEN s.hide THEN NULL ELSE v.denominator END,"
        " s.hide, v.achieved, v.achieved_on, v.text, NULL::bigint, v.period_start "
        "FROM core.values v JOIN core.measures m ON m.id = v.measure_id,"
        " LATERAL (SELECT " SUPPRESSED " AS hide) s "
        "WHERE v.measure_id = $3::int AND v.principal_id = $4::int AND v.sex = $5"
        " AND ($6::date IS NULL OR v.period_start >= $6::date) AND ($7::date IS NULL OR v.period_end <= $7::date) "
        "UNION ALL "
        "SELECT 1, c.period,"
        " CASE WHEN c.hidden > 0 THEN NULL WHEN m.ratio THEN trim_scale(round(c.num * $9::numeric / nullif(c.den, 0), 6))"
        "  WHEN m.unit = 'count' OR $8 = 'region' THEN c.total END,"
        " CASE WHEN c.hidden > 0 OR NOT m.ratio THEN NULL ELSE c.num END,"
        " CASE WHEN c.hidden > 0 OR NOT m.ratio THEN NULL ELSE c.den END,"
        " c.hidden > 0, NULL, NULL, NULL, c.reporting, c.period_start "
        "FROM core.measures m, LATERAL (SELECT v.period, v.period_start, sum(v.numerator) AS num,"
        "  sum(v.denominator) AS den, sum(v.value) AS total, count(*) AS reporting,"
        "  count(*) FILTER (WHERE " SUPPRESSED ") AS hidden"
        "  FROM core.values v JOIN core.principals pr ON pr.id = v.principal_id"
        "  WHERE v.measure_id = m.id AND v.sex = $5 AND pr.kind = $8"
        "  AND ($6::date IS NULL OR v.period_start >= $6::date) AND ($7::date IS NULL OR v.period_end <= $7::date)"
        "  GROUP BY v.period, v.period_start) c "
        "WHERE m.id = $3::int AND m.kind = 'indicator'",
        "d.part, d.period_start"),
    };
    PGresult *res = req_stmt(r, &series_stmt, params);
    if (!res)
        return;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return;
    }
    long long version = PQntuples(res) ? atoll(PQgetvalue(res, 0, 11)) : 0;
    if (not_modified(r, version)) {
        PQclear(res);
        return;
    }
    json_t *points = json_array(), *county = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, 0))
            continue; /* no points at all: the row that only carries the version */
        int part = atoi(PQgetvalue(res, i, 0));
        json_t *pt = json_pack("{s:s, s:o, s:o, s:o, s:b}", "period", PQgetvalue(res, i, 1), "value",
                               number(res, i, 2), "numerator", number(res, i, 3), "denominator",
                               number(res, i, 4), "suppressed", PQgetvalue(res, i, 5)[0] == 't');
        if (part == 0) {
            if (strcmp(m.kind, "milestone") == 0) {
                json_object_set_new(pt, "achieved", PQgetisnull(res, i, 6) ? json_null() : json_boolean(PQgetvalue(res, i, 6)[0] == 't'));
                json_object_set_new(pt, "achieved_on", PQgetisnull(res, i, 7) ? json_null() : json_string(PQgetvalue(res, i, 7)));
            } else if (strcmp(m.kind, "text") == 0) {
                json_object_set_new(pt, "text", PQgetisnull(res, i, 8) ? json_null() : json_string(PQgetvalue(res, i, 8)));
            }
            json_array_append_new(points, pt);
        } else {
            json_object_set_new(pt, "principals", json_integer(atoi(PQgetvalue(res, i, 9))));
            json_array_append_new(county, pt);
        }
    }
    PQclear(res);
    reply_cached_json(r, key, version,
                      json_pack("{s:s, s:s?, s:s, s:s, s:s, s:o, s:o}", "measure", m.slug, "principal",
                                principal ? p.slug : NULL, "sex", sex, "unit", m.unit, "period_type",
                                period_type_name(m.period_type), "points", points, "county", county),
                      1);
}

/* The history of changes. An entry of a restricted measure hides both sides (old and new)
 * from others when either is a count of 1 to 4, so that a sequence of changes reveals no
 * suppressed figure; other entries are shown as GET /api/v1/values shows the values. */
static void history(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *measure = query_text(&q, "measure", 96);
    const char *principal = query_text(&q, "principal", 48);
    const char *period = query_text(&q, "period", 16);
    long limit = query_int(&q, "limit", 1, 1000, 100);
    long cursor = query_int(&q, "cursor", 1, 9223372036854775807L, 0);
    if (query_params_failed(&q))
        return;
    char me[16], lim[24], cur[24];
    caller_params(r, me);
    snprintf(lim, sizeof lim, "%ld", limit + 1);
    snprintf(cur, sizeof cur, "%ld", cursor);
    const char *params[] = {me, authz_is_county_admin(&r->who) ? "true" : "false", measure, principal,
                            period, cursor ? cur : NULL, lim};
    json_t *items = req_sql_json(
        r,
        "SELECT coalesce(json_agg(row_to_json(t) ORDER BY t.id), '[]')::text FROM ("
        " SELECT h.id, m.slug AS measure, p.slug AS principal, h.period, h.sex, h.operation,"
        "  CASE WHEN hide THEN NULL ELSE h.old END AS old, CASE WHEN hide THEN NULL ELSE h.new END AS new,"
        "  hide AS suppressed,"
        "  to_char(h.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS changed_at,"
        "  h.changed_by, h.changed_by_principal, h.request_id"
        " FROM core.value_history h JOIN core.measures m ON m.id = h.measure_id"
        " JOIN core.principals p ON p.id = h.principal_id,"
        " LATERAL (SELECT coalesce(m.restricted AND NOT $2::boolean AND h.principal_id <> $1::int AND EXISTS ("
        "  SELECT 1 FROM (VALUES (h.old), (h.new)) x (j) WHERE (x.j->>'numerator')::numeric BETWEEN 1 AND 4"
        "  OR (x.j->>'denominator')::numeric BETWEEN 1 AND 4"
        "  OR (m.unit = 'count' AND (x.j->>'value')::numeric BETWEEN 1 AND 4)), false) AS hide) s"
        " WHERE ($3::text IS NULL OR m.slug = $3) AND ($4::text IS NULL OR p.slug = $4 OR p.code = $4)"
        " AND ($5::text IS NULL OR h.period = $5) AND ($6::bigint IS NULL OR h.id > $6::bigint)"
        " ORDER BY h.id LIMIT $7::int) t",
        7, params);
    if (!items)
        return;
    json_t *next = json_null();
    if ((long)json_array_size(items) > limit) {
        json_array_remove(items, (size_t)limit);
        next = json_sprintf("%" JSON_INTEGER_FORMAT,
                            json_integer_value(json_object_get(json_array_get(items, (size_t)limit - 1), "id")));
    }
    reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

int values_read_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/values", .fn = list_values,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listValues"},
        {.method = "GET", .pattern = "/api/v1/values/history", .fn = history,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listValueHistory"},
        {.method = "GET", .pattern = "/api/v1/measures/:slug/series", .fn = series,
         .access = ACCESS_AUTHENTICATED, .operation_id = "getSeries"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
