/* Reading and checking the rows of POST /initiatives. See initiatives.c. */
#include "digi.h"
#include "initiatives.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"principal", "name", "area", "category", "status", "started_on",
                                     "ended_on", "description", NULL};
static const char *const categories[] = {"digital-safety-alarms", "video-communication", "home-monitoring",
                                         "mobile-working", "e-services", NULL};
static const char *const statuses[] = {"planned", "ongoing", "ended", NULL};

/* Moves the problems of one row (path-only errors) into errors with the row's index. */
static void with_index(json_t *errors, json_t *row_errors, size_t index)
{
    size_t i;
    json_t *e;
    json_array_foreach(row_errors, i, e) {
        json_object_set_new(e, "index", json_integer((json_int_t)index));
        json_array_append(errors, e);
    }
}

/* The dates of a row, given its status. Problems go to errs. */
static void read_dates(json_t *errs, json_t *row, const char *base, const char *status, char started[11],
                       char ended[11])
{
    char path[96];
    struct dg_date s = {0, 0, 0}, e;
    int planned = status && strcmp(status, "planned") == 0, has_end = status && strcmp(status, "ended") == 0;
    json_t *sv = json_object_get(row, "started_on"), *ev = json_object_get(row, "ended_on");
    snprintf(path, sizeof path, "%s/started_on", base);
    if (dg_date_member(errs, sv, path, planned, status && !planned, &s) == 0)
        dg_format_date(s, started);
    snprintf(path, sizeof path, "%s/ended_on", base);
    if (ev && !json_is_null(ev) && !has_end) {
        dg_error(errs, path, "not_ended", "only an ended initiative has ended_on");
    } else if (dg_date_member(errs, ev, path, 0, has_end, &e) == 0) {
        if (started[0] && dg_date_cmp(e, s) < 0)
            dg_error(errs, path, "before_start", "must not be before started_on");
        else
            dg_format_date(e, ended);
    }
}

/* One row: appends {index, principal_id, principal, name, area, category, status, started_on,
 * ended_on, description} to out when valid. */
static void read_row(json_t *errors, json_t *row, size_t index, const struct dg_who *w, json_t *out)
{
    char base[48];
    snprintf(base, sizeof base, "/initiatives/%zu", index);
    json_t *errs = json_array();
    if (!json_is_object(row)) {
        dg_error(errs, base, "wrong_type", "each initiative is an object");
        goto out;
    }
    dg_unknown_members(errs, base, row, fields);
    char path[96], started[11] = "", ended[11] = "";
    struct dg_principal p;
    json_t *pv = json_object_get(row, "principal");
    snprintf(path, sizeof path, "%s/principal", base);
    if (dg_principal(pv ? json_string_value(pv) : w->principal, &p) != 0)
        dg_error(errs, path, "unknown_principal", "must be a principal (slug or official code)");
    snprintf(path, sizeof path, "%s/name", base);
    const char *name = dg_text(errs, json_object_get(row, "name"), path, 200, 1, 0);
    snprintf(path, sizeof path, "%s/area", base);
    const char *area = dg_text(errs, json_object_get(row, "area"), path, 64, 1, 0);
    snprintf(path, sizeof path, "%s/category", base);
    const char *category = dg_enum(errs, json_object_get(row, "category"), path, categories, 1);
    snprintf(path, sizeof path, "%s/status", base);
    const char *status = dg_enum(errs, json_object_get(row, "status"), path, statuses, 1);
    snprintf(path, sizeof path, "%s/description", base);
    const char *description = dg_text(errs, json_object_get(row, "description"), path, 2000, 0, 1);
    read_dates(errs, row, base, status, started, ended);
    if (json_array_size(errs))
        goto out;
    json_array_append_new(out, json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "index",
                                         (json_int_t)index, "principal_id", p.id, "principal", p.slug, "name",
                                         name, "area", area, "category", category, "status", status,
                                         "started_on", started[0] ? started : NULL, "ended_on",
                                         ended[0] ? ended : NULL, "description", description));
out:
    with_index(errors, errs, index);
    json_decref(errs);
}

json_t *dg_initiative_rows(json_t *errors, json_t *rows, const struct dg_who *w)
{
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        read_row(errors, row, i, w, out);
    return out;
}

int dg_initiative_check(lgvo_request *req, json_t *errors, json_t *rows)
{
    char *list = dg_dump(rows); /* freed below */
    const char *params[] = {list};
    lgvo_result *res = dg_host->sql(
        req,
        "WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb)"
        "  AS x(index integer, principal_id smallint, principal text, name text, area text))"
        " SELECT x.index::text, 'area', x.area FROM x"
        "  WHERE NOT EXISTS (SELECT 1 FROM core.areas a WHERE a.slug = x.area)"
        " UNION ALL"
        " SELECT d.index::text, 'name', d.principal FROM (SELECT x.index, x.principal, row_number() OVER"
        "  (PARTITION BY x.principal_id, lower(x.name) ORDER BY x.index) AS k FROM x) d WHERE d.k > 1"
        " ORDER BY 1",
        1, params);
    free(list);
    if (!res)
        return -1;
    for (int r = 0; r < dg_host->result_rows(res); r++) {
        size_t index = (size_t)strtoul(dg_host->result_value(res, r, 0), NULL, 10);
        if (strcmp(dg_host->result_value(res, r, 1), "area") == 0)
            dg_row_error(errors, "initiatives", index, "area", "unknown_area",
                         "is not an area of responsibility (GET /api/v1/areas)");
        else
            dg_row_error(errors, "initiatives", index, "name", "duplicate_row",
                         "an earlier row names the same initiative of %s (names are compared without case)",
                         dg_host->result_value(res, r, 2));
    }
    dg_host->result_free(res);
    return 0;
}
