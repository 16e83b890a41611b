/* Population reference data for rates per 1,000 inhabitants: per principal (the region's rows
 * are the county totals), year, sex (T/K/M) and age band (0-17, 18-64, 65-79, 80+, all).
 *   PUT /api/v1/population (county_admin) {"rows":[{principal, year, sex, age_band, population}]}
 *   GET /api/v1/population?principal=&year=&age_band= */
#include "core/population.h"

#include "app.h"
#include "core/audit.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "db/pool.h"
#include "http/body.h"
#include "http/params.h"
#include "http/req.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

static const char *const age_bands[] = {"0-17", "18-64", "65-79", "80+", "all", NULL};

int population_lookup(struct req *r, int principal_id, int year, const char *sex,
                      const char *age_band, long *out)
{
    char pid[16], y[16];
    snprintf(pid, sizeof pid, "%d", principal_id);
    snprintf(y, sizeof y, "%d", year);
    const char *params[] = {pid, y, sex ? sex : "T", age_band ? age_band : "all"};
    PGresult *res = req_sql_ok(r,
                            "SELECT population FROM core.population WHERE principal_id = $1::smallint"
                            " AND year = $2::int AND sex = $3 AND age_band = $4",
                            4, params);
    if (!res)
        return -1;
    int found = PQntuples(res) == 1;
    if (found)
        *out = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return found;
}

static void put_population(struct req *r, void *ctx)
{
    (void)ctx;
    json_t *body = req_body_json(r);
    if (!body)
        return;
    json_t *rows = json_object_get(body, "rows");
    if (!json_is_object(body) || !json_is_array(rows) || json_object_size(body) != 1) {
        reply_error(r, 400, "invalid_json", "the body must be {\"rows\":[{principal, year, sex, age_band, population}]}");
        return;
    }
    json_t *errors = json_array(), *clean = json_array();
    json_t *seen = json_object(); /* "principal_id year sex age_band" -> the first row's index */
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        char path[64];
        struct principal p;
        const char *ps = json_string_value(json_object_get(row, "principal"));
        json_t *year = json_object_get(row, "year"), *pop = json_object_get(row, "population");
        const char *sex = json_string_value(json_object_get(row, "sex"));
        const char *band = json_string_value(json_object_get(row, "age_band"));
        const char *problem = NULL, *field = NULL;
        int band_ok = 0;
        for (int b = 0; band && age_bands[b]; b++)
            band_ok |= strcmp(band, age_bands[b]) == 0;
        if (!json_is_object(row) || json_object_size(row) > 5)
            problem = "each row has exactly principal, year, sex, age_band and population", field = "";
        else if (!ps || refdata_principal(r->app->refdata, ps, &p) != 0)
            problem = "unknown principal", field = "principal";
        else if (!json_is_integer(year) || json_integer_value(year) < 1900 || json_integer_value(year) > 2200)
            problem = "must be a year", field = "year";
        else if (!sex || (strcmp(sex, "T") && strcmp(sex, "K") && strcmp(sex, "M")))
            problem = "must be T, K or M", field = "sex";
        else if (!band_ok)
            problem = "must be one of 0-17, 18-64, 65-79, 80+, all", field = "age_band";
        else if (!json_is_integer(pop) || json_integer_value(pop) < 0 || json_integer_value(pop) > 100000000)
            problem = "must be a non-negative whole number", field = "population";
        char key[64], repeat[96];
        if (!problem) {
            snprintf(key, sizeof key, "%d %" JSON_INTEGER_FORMAT " %s %s", p.id, json_integer_value(year), sex, band);
            json_t *first = json_object_get(seen, key);
            if (first) {
                snprintf(repeat, sizeof repeat, "repeats row %" JSON_INTEGER_FORMAT " (same principal, year, sex and age band)",
                         json_integer_value(first));
                problem = repeat, field = "";
            } else {
                json_object_set_new(seen, key, json_integer((json_int_t)i));
            }
        }
        if (problem) {
            snprintf(path, sizeof path, "/rows/%zu%s%s", i, *field ? "/" : "", field);
            json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "index", (json_int_t)i, "path", path, "message", problem));
            continue;
        }
        json_array_append_new(clean, json_pack("{s:i, s:O, s:s, s:s, s:O}", "principal_id", p.id, "year", year,
                                               "sex", sex, "age_band", band, "population", pop));
    }
    json_decref(seen);
    if (json_array_size(errors)) {
        json_decref(clean);
        reply_error_details(r, 422, "validation_failed", errors, "%zu row(s) are invalid; nothing was written",
                            json_array_size(errors));
        return;
    }
    json_decref(errors);
    char *text = json_dumps(clean, JSON_COMPACT);
    json_decref(clean);
    if (req_begin(r) != 0) {
        free(text);
        return;
    }
    const char *params[] = {text, r->who.subject};
    PGresult *res = req_sql(
        r,
        "WITH up AS (INSERT INTO core.population AS p (principal_id, year, sex, age_band, population, updated_by)"
        " SELECT principal_id, year, sex, age_band, population, $2 FROM jsonb_to_recordset($1::jsonb)"
        "  AS x(principal_id smallint, year int, sex char(1), age_band text, population int)"
        " ON CONFLICT (principal_id, year, sex, age_band) DO UPDATE SET population = EXCLUDED.population,"
        "  updated_at = now(), updated_by = EXCLUDED.updated_by"
        " WHERE p.population IS DISTINCT FROM EXCLUDED.population RETURNING (xmax = 0) AS inserted)"
        " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
        2, params);
    free(text);
    if (!res)
        return;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return;
    }
    long created = atol(PQgetvalue(res, 0, 0)), updated = atol(PQgetvalue(res, 0, 1));
    PQclear(res);
    long unchanged = (long)json_array_size(rows) - created - updated;
    struct audit_event e = {.action = "population.put",
                            .details = json_pack("{s:i, s:i}", "created", (int)created, "updated", (int)updated)};
    if (audit_write(r, &e) != 0)
        return;
    reply_json(r, 200, json_pack("{s:i, s:i, s:i}", "created", (int)created, "updated", (int)updated,
                                 "unchanged", (int)unchanged));
}

static void get_population(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *principal = query_text(&q, "principal", 48);
    long year = query_int(&q, "year", 1900, 2200, 0);
    const char *band = query_enum(&q, "age_band", age_bands, NULL);
    if (query_params_failed(&q))
        return;
    char y[16];
    snprintf(y, sizeof y, "%ld", year);
    const char *params[] = {principal, year ? y : NULL, band};
    json_t *items = req_sql_json(
        r,
        "SELECT coalesce(json_agg(json_build_object('principal', pr.slug, 'year', p.year, 'sex', p.sex,"
        " 'age_band', p.age_band, 'population', p.population) ORDER BY pr.sort_order, p.year, p.age_band, p.sex), '[]')::text"
        " FROM core.population p JOIN core.principals pr ON pr.id = p.principal_id"
        " WHERE ($1::text IS NULL OR pr.slug = $1 OR pr.code = $1) AND ($2::int IS NULL OR p.year = $2::int)"
        " AND ($3::text IS NULL OR p.age_band = $3)",
        3, params);
    if (!items)
        return;
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

int population_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/api/v1/population", .fn = get_population,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listPopulation"},
        {.method = "PUT", .pattern = "/api/v1/population", .fn = put_population,
         .access = ACCESS_COUNTY_ADMIN, .operation_id = "putPopulation"},
    };
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
