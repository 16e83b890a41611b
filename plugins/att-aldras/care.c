/* Yearly care contacts per care level, for people aged 80+ and for the whole population, by
 * municipality of residence:
 *
 *   POST /api/v1/att-aldras/care-levels   {"reports":[{year, municipality, care_level,
 *        contacts_80, contacts_all}]}
 *   GET  /api/v1/att-aldras/care-levels?municipality=&year=&care_level=
 *
 * The population comes from the core's population figures (host->population; PUT
 * /api/v1/population fills them, age bands '80+' and 'all', sex T). Per row three shared
 * values are derived and written through host->push_values: contacts per 1,000 inhabitants
 * 80+, per 1,000 inhabitants of all ages, and the ratio of the two. Primary and specialist
 * care are the region's data (on behalf of every municipality); municipal health care is each
 * municipality's own. A year without population figures is refused with a row error saying
 * so. */
#include "aldras.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION "reports"

struct level {
    const char *name;   /* care_level in the request */
    const char *m80, *mall, *mratio;
    int on_behalf;      /* the region reports it for every municipality */
};

static const struct level levels[] = {
    {"primary", AA_AREA ".care-primary-80", AA_AREA ".care-primary-all", AA_AREA ".care-primary-ratio", 1},
    {"specialist", AA_AREA ".care-specialist-80", AA_AREA ".care-specialist-all",
     AA_AREA ".care-specialist-ratio", 1},
    {"municipal", AA_AREA ".care-municipal-80", AA_AREA ".care-municipal-all",
     AA_AREA ".care-municipal-ratio", 0},
};
#define NLEVELS (sizeof levels / sizeof levels[0])

static const char *const row_fields[] = {"year", "municipality", "care_level", "contacts_80",
                                         "contacts_all", NULL};

struct crow {
    size_t index;
    int ok;
    struct aa_principal muni;
    int year;
    const struct level *level;
    long long c80, call;
    long pop80, popall;
};

/* ---- checks of one row ---- */

static int check_year(json_t *errors, struct crow *r, json_t *obj, struct aa_date today)
{
    json_t *v = json_object_get(obj, "year");
    if (!v || json_is_null(v)) {
        aa_row_error(errors, COLLECTION, r->index, "year", "missing", "year is required (e.g. 2025)");
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1000 || json_integer_value(v) > 9999) {
        aa_row_error(errors, COLLECTION, r->index, "year", "invalid_year", "must be a year such as 2025 (a number)");
        return -1;
    }
    r->year = (int)json_integer_value(v);
    if (r->year < AA_FIRST_YEAR) {
        aa_row_error(errors, COLLECTION, r->index, "year", "period_too_early", "years start in %d", AA_FIRST_YEAR);
        return -1;
    }
    if (r->year > today.year) {
        aa_row_error(errors, COLLECTION, r->index, "year", "future_period",
                     "%d has not started yet; no future years", r->year);
        return -1;
    }
    return 0;
}

static int check_level(json_t *errors, struct crow *r, json_t *obj)
{
    json_t *v = json_object_get(obj, "care_level");
    const char *s = json_string_value(v);
    if (!v || json_is_null(v)) {
        aa_row_error(errors, COLLECTION, r->index, "care_level", "missing",
                     "care_level is required: primary, specialist or municipal");
        return -1;
    }
    for (size_t i = 0; s && i < NLEVELS; i++)
        if (strcmp(s, levels[i].name) == 0)
            r->level = &levels[i];
    if (!r->level) {
        aa_row_error(errors, COLLECTION, r->index, "care_level", "invalid_care_level",
                     "must be primary (primärvård), specialist (specialiserad vård) or municipal "
                     "(kommunal hälso- och sjukvård)");
        return -1;
    }
    return 0;
}

static void check_row(json_t *errors, size_t i, json_t *obj, struct aa_date today, struct crow *r)
{
    r->index = i;
    if (!json_is_object(obj)) {
        aa_row_error(errors, COLLECTION, i, NULL, "wrong_type", "each report must be a JSON object");
        return;
    }
    int bad = aa_unknown_fields(errors, COLLECTION, i, obj, row_fields) > 0;
    bad |= check_year(errors, r, obj, today) != 0;
    bad |= aa_municipality_field(errors, COLLECTION, i, obj, &r->muni) != 0;
    bad |= check_level(errors, r, obj) != 0;
    int counts_ok = aa_count_field(errors, COLLECTION, i, obj, "contacts_80", AA_MAX_COUNT, &r->c80) == 0;
    counts_ok &= aa_count_field(errors, COLLECTION, i, obj, "contacts_all", AA_MAX_COUNT, &r->call) == 0;
    if (counts_ok && r->c80 > r->call) {
        aa_row_error(errors, COLLECTION, i, "contacts_80", "exceeds_contacts_all",
                     "the contacts of people aged 80+ (%lld) are part of all contacts (%lld) and cannot exceed them",
                     r->c80, r->call);
        bad = 1;
    }
    r->ok = !bad && counts_ok;
}

/* ---- duplicates ---- */

static int key_cmp(const void *a, const void *b)
{
    const struct crow *x = *(const struct crow *const *)a, *y = *(const struct crow *const *)b;
    if (x->muni.id != y->muni.id)
        return x->muni.id < y->muni.id ? -1 : 1;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int check_duplicates(json_t *errors, struct crow *rows, size_t n)
{
    struct crow **order = calloc(n + 1, sizeof *order); /* freed below */
    if (!order)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].ok)
            order[k++] = &rows[i];
    qsort(order, k, sizeof *order, key_cmp);
    for (size_t j = 1; j < k; j++) {
        struct crow *a = order[j - 1], *b = order[j];
        if (a->muni.id != b->muni.id || a->year != b->year || a->level != b->level)
            continue;
        aa_row_error(errors, COLLECTION, b->index, NULL, "duplicate_row",
                     "repeats municipality, year and care level of row %zu", a->index);
        b->ok = 0;
        order[j] = a; /* later repeats name the first row too */
    }
    free(order);
    return 0;
}

/* ---- population ---- */

/* The population of r's municipality and year in band (sex T). Looks in rows before r first.
 * Returns 1 with *out, 0 when missing, -1 after the host replied. */
static int population(lgvo_request *req, const struct crow *rows, const struct crow *r, int all,
                      long *out)
{
    for (const struct crow *p = rows; p < r; p++) {
        if (p->ok && p->muni.id == r->muni.id && p->year == r->year) {
            *out = all ? p->popall : p->pop80;
            return 1;
        }
    }
    return aa_host->population(req, r->muni.slug, r->year, "T", all ? "all" : "80+", out);
}

/* Looks up both bands for every row that passed. Returns 0, or -1 after the host replied. */
static int check_population(lgvo_request *req, json_t *errors, struct crow *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct crow *r = &rows[i];
        if (!r->ok)
            continue;
        int has80 = population(req, rows, r, 0, &r->pop80);
        int hasall = has80 < 0 ? -1 : population(req, rows, r, 1, &r->popall);
        if (has80 < 0 || hasall < 0)
            return -1;
        if (!has80 || !hasall) {
            aa_row_error(errors, COLLECTION, i, "year", "population_missing",
                         "there are no population figures for %s in %d (age band %s, sex T), so no rates "
                         "per 1,000 can be derived; the county secretariat adds them with PUT /api/v1/population",
                         r->muni.name, r->year, !has80 && !hasall ? "80+ and all" : !has80 ? "80+" : "all");
            r->ok = 0;
        } else if (r->pop80 <= 0 || r->popall <= 0) {
            aa_row_error(errors, COLLECTION, i, "year", "population_zero",
                         "the population figure of %s in %d (age band %s) is 0, so no rate per 1,000 can be derived",
                         r->muni.name, r->year, r->pop80 <= 0 ? "80+" : "all");
            r->ok = 0;
        }
    }
    return 0;
}

/* ---- derived values ---- */

/* (c80 / pop80) / (call / popall), rounded half up to 6 decimals, exactly. */
static double ratio_of(const struct crow *r)
{
    unsigned __int128 num = (unsigned __int128)r->c80 * (unsigned long)r->popall * 1000000u;
    unsigned __int128 den = (unsigned __int128)(unsigned long)r->pop80 * (unsigned long long)r->call;
    unsigned __int128 q = (2 * num + den) / (2 * den);
    return (double)(q / 1000000u) + (double)(unsigned long)(q % 1000000u) / 1e6;
}

static json_t *rate(const struct crow *r, const char *measure, long long num, long den)
{
    char year[8];
    snprintf(year, sizeof year, "%d", r->year);
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "measure", measure, "principal", r->muni.slug,
                     "period", year, "numerator", (json_int_t)num, "denominator", (json_int_t)den,
                     "source", (json_int_t)r->index);
}

static json_t *derive(const struct crow *rows, size_t n)
{
    json_t *values = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct crow *r = &rows[i];
        if (!r->ok)
            continue;
        json_array_append_new(values, rate(r, r->level->m80, r->c80, r->pop80));
        json_array_append_new(values, rate(r, r->level->mall, r->call, r->popall));
        if (r->call <= 0)
            continue; /* no contacts at all: no ratio */
        char year[8];
        snprintf(year, sizeof year, "%d", r->year);
        json_array_append_new(values, json_pack("{s:s, s:s, s:s, s:f, s:I}", "measure", r->level->mratio,
                                                "principal", r->muni.slug, "period", year, "value",
                                                ratio_of(r), "source", (json_int_t)r->index));
    }
    return values;
}

/* ---- storing the plugin's rows ---- */

static int kept(const struct crow *r, const lgvo_push_result *out)
{
    return r->ok && !(out->rejected && out->rejected[r->index]);
}

/* Approves each municipality × level kind of the rows to keep for row-level security.
 * Returns 0, or -1 after the host replied. */
static int approve(lgvo_request *req, const struct crow *rows, size_t n, const lgvo_push_result *out)
{
    unsigned char seen[256][2];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < n; i++) {
        const struct crow *r = &rows[i];
        int behalf = r->level ? r->level->on_behalf : 0;
        if (!kept(r, out) || r->muni.id < 0 || r->muni.id > 255 || seen[r->muni.id][behalf])
            continue;
        seen[r->muni.id][behalf] = 1;
        if (!aa_host->can_write(req, r->muni.slug, AA_AREA, behalf))
            return -1;
    }
    return 0;
}

/* The rows to keep as JSON for jsonb_to_recordset. Caller frees (free). */
static char *rows_json(const struct crow *rows, size_t n, const lgvo_push_result *out)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct crow *r = &rows[i];
        if (kept(r, out))
            json_array_append_new(list, json_pack("{s:i, s:i, s:s, s:I, s:I, s:I, s:I}", "principal_id",
                                                  r->muni.id, "year", r->year, "care_level", r->level->name,
                                                  "contacts_80", (json_int_t)r->c80, "contacts_all",
                                                  (json_int_t)r->call, "population_80", (json_int_t)r->pop80,
                                                  "population_all", (json_int_t)r->popall));
    }
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    return text;
}

static int upsert(lgvo_request *req, const char *rows, long total, struct aa_counts *c)
{
    lgvo_caller who = {.struct_size = sizeof who};
    aa_host->caller(req, &who);
    const char *params[] = {rows, who.subject ? who.subject : "unknown", aa_host->request_id(req)};
    lgvo_result *res = aa_host->sql(
        req,
        "WITH up AS (INSERT INTO att_aldras.care_contacts AS c (principal_id, year, care_level,"
        "  contacts_80, contacts_all, population_80, population_all, updated_by, request_id)"
        " SELECT x.principal_id, x.year, x.care_level, x.contacts_80, x.contacts_all, x.population_80,"
        "  x.population_all, $2, $3"
        " FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint, year integer, care_level text,"
        "  contacts_80 bigint, contacts_all bigint, population_80 integer, population_all integer)"
        " ORDER BY 1, 2, 3"
        " ON CONFLICT (principal_id, year, care_level) DO UPDATE SET contacts_80 = EXCLUDED.contacts_80,"
        "  contacts_all = EXCLUDED.contacts_all, population_80 = EXCLUDED.population_80,"
        "  population_all = EXCLUDED.population_all, updated_at = now(), updated_by = EXCLUDED.updated_by,"
        "  request_id = EXCLUDED.request_id"
        " WHERE (c.contacts_80, c.contacts_all, c.population_80, c.population_all) IS DISTINCT FROM"
        "  (EXCLUDED.contacts_80, EXCLUDED.contacts_all, EXCLUDED.population_80, EXCLUDED.population_all)"
        " RETURNING (xmax = 0) AS inserted)"
        " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
        3, params);
    if (!res)
        return -1;
    c->created = atol(aa_host->result_value(res, 0, 0));
    c->updated = atol(aa_host->result_value(res, 0, 1));
    c->unchanged = total - c->created - c->updated;
    aa_host->result_free(res);
    return 0;
}

/* ?mode=replace&from=&to=: the years within the slice of the municipality × care level pairs
 * in the push that the push does not mention are deleted (as the core deletes their values). */
static int replace_slice(lgvo_request *req, const char *rows, struct aa_counts *c)
{
    const char *mode = aa_host->query(req, "mode");
    struct aa_date from_start, from_end, to_start, to_end;
    if (!mode || strcmp(mode, "replace") != 0)
        return 0;
    if (aa_period_bounds(aa_host->query(req, "from"), &from_start, &from_end) != 0 ||
        aa_period_bounds(aa_host->query(req, "to"), &to_start, &to_end) != 0)
        return 0; /* cannot happen: push_values refused such a push */
    char from[11], to[11];
    aa_format_date(from_start, from);
    aa_format_date(to_end, to);
    const char *params[] = {rows, from, to};
    lgvo_result *res = aa_host->sql(
        req,
        "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint, year integer,"
        "  care_level text)),"
        " gone AS (DELETE FROM att_aldras.care_contacts c"
        " WHERE (c.principal_id, c.care_level) IN (SELECT principal_id, care_level FROM x)"
        " AND make_date(c.year, 1, 1) >= $2::date AND make_date(c.year, 12, 31) <= $3::date"
        " AND NOT EXISTS (SELECT 1 FROM x WHERE x.principal_id = c.principal_id AND x.year = c.year"
        "  AND x.care_level = c.care_level) RETURNING 1) SELECT count(*) FROM gone",
        3, params);
    if (!res)
        return -1;
    c->deleted = atol(aa_host->result_value(res, 0, 0));
    aa_host->result_free(res);
    return 0;
}

static int store(lgvo_request *req, const struct crow *rows, size_t n, const lgvo_push_result *out,
                 struct aa_counts *c)
{
    long total = 0;
    for (size_t i = 0; i < n; i++)
        total += kept(&rows[i], out);
    if (approve(req, rows, n, out) != 0)
        return -1;
    char *text = rows_json(rows, n, out); /* freed below */
    int rc = total ? upsert(req, text, total, c) : 0;
    if (rc == 0)
        rc = replace_slice(req, text, c);
    free(text);
    return rc;
}

/* ---- the routes ---- */

/* Reads and checks every row, population included. Returns the rows (caller frees), or NULL
 * after replying. */
static struct crow *read_rows(lgvo_request *req, json_t *list, json_t *errors)
{
    size_t n = json_array_size(list);
    int replied = 0;
    struct crow *rows = calloc(n + 1, sizeof *rows); /* the caller's on success */
    if (!rows)
        goto fail;
    struct aa_date today = aa_today();
    for (size_t i = 0; i < n; i++)
        check_row(errors, i, json_array_get(list, i), today, &rows[i]);
    if (check_duplicates(errors, rows, n) != 0)
        goto fail;
    replied = check_population(req, errors, rows, n) != 0; /* the host replied */
    if (replied)
        goto fail;
    return rows;
fail:
    free(rows);
    if (!replied)
        aa_host->reply_error(req, 500, NULL, "internal error: out of memory", NULL);
    return NULL;
}

void aa_care_push(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *list = aa_body_rows(req, COLLECTION); /* borrowed from the body */
    if (!list)
        return;
    size_t n = json_array_size(list);
    json_t *errors = json_array(), *values = NULL;
    lgvo_push_result result = {.struct_size = sizeof result};
    struct aa_counts counts = {0, 0, 0, 0};
    struct crow *rows = read_rows(req, list, errors); /* freed at out */
    if (!rows)
        goto out;
    values = derive(rows, n);
    int rc = aa_host->push_values(req, values, COLLECTION, n, errors, &result);
    errors = NULL; /* stolen by push_values */
    if (rc != 0)
        goto out;
    if (store(req, rows, n, &result, &counts) != 0) {
        aa_host->push_reply(req, result.push, NULL); /* already answered: only frees */
        goto out;
    }
    aa_host->push_reply(req, result.push,
                        json_pack("{s:{s:I, s:I, s:I, s:I}}", "reports", "created", (json_int_t)counts.created,
                                  "updated", (json_int_t)counts.updated, "unchanged",
                                  (json_int_t)counts.unchanged, "deleted", (json_int_t)counts.deleted));
out:
    json_decref(errors);
    json_decref(values);
    free(rows);
}

/* Reads ?municipality=&year=&care_level=. Returns 0, or -1 after replying 400. */
static int list_query(lgvo_request *req, char id[16], char year[8], const char **level)
{
    json_t *problems = NULL;
    const char *muni = aa_host->query(req, "municipality"), *y = aa_host->query(req, "year");
    struct aa_principal p;
    id[0] = year[0] = '\0';
    *level = aa_host->query(req, "care_level");
    if (muni && (aa_principal(muni, &p) != 0 || !p.is_municipality))
        aa_query_problem(&problems, "municipality", "must be one of the 13 municipalities (slug or kommunkod)");
    else if (muni)
        snprintf(id, 16, "%d", p.id);
    struct aa_date a, b;
    if (y && (strlen(y) != 4 || aa_period_bounds(y, &a, &b) != 0))
        aa_query_problem(&problems, "year", "must be a year such as 2025");
    else if (y)
        snprintf(year, 8, "%s", y);
    int level_ok = !*level;
    for (size_t i = 0; *level && i < NLEVELS; i++)
        level_ok |= strcmp(*level, levels[i].name) == 0;
    if (!level_ok)
        aa_query_problem(&problems, "care_level", "must be primary, specialist or municipal");
    return aa_query_failed(req, problems) ? -1 : 0;
}

void aa_care_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char id[16], year[8];
    const char *level = NULL;
    if (list_query(req, id, year, &level) != 0)
        return;
    const char *params[] = {id[0] ? id : NULL, year[0] ? year : NULL, level};
    aa_reply_sql_json(
        req,
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
        " 'year', c.year, 'municipality', p.slug, 'care_level', c.care_level,"
        " 'contacts_80', c.contacts_80, 'contacts_all', c.contacts_all,"
        " 'population_80', c.population_80, 'population_all', c.population_all,"
        " 'per_1000_80', trim_scale(round(c.contacts_80 * 1000::numeric / c.population_80, 6)),"
        " 'per_1000_all', trim_scale(round(c.contacts_all * 1000::numeric / c.population_all, 6)),"
        " 'ratio', trim_scale(round(c.contacts_80::numeric * c.population_all"
        "   / nullif(c.population_80::numeric * c.contacts_all, 0), 6)),"
        " 'updated_at', c.updated_at)"
        " ORDER BY c.year, p.sort_order, array_position(ARRAY['primary', 'specialist', 'municipal'], c.care_level)),"
        " '[]'))::text"
        " FROM att_aldras.care_contacts c JOIN core.principals p ON p.id = c.principal_id"
        " WHERE ($1::smallint IS NULL OR c.principal_id = $1::smallint)"
        " AND ($2::integer IS NULL OR c.year = $2::integer) AND ($3::text IS NULL OR c.care_level = $3::text)",
        3, params, "no reports");
}
