/* Reading and checking a need's members (POST and PATCH /needs). See digi.h. */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AREAS 16

static const char *const kinds[] = {"need", "obstacle", NULL};
static const char *const statuses[] = {"proposed", "prioritised", "in_test", "solved", "dropped", "merged", NULL};
static const char *const create_fields[] = {"kind", "title", "description", "areas", "principals",
                                            "raised_by", NULL};
static const char *const patch_fields[] = {"kind", "title", "description", "areas", "principals",
                                           "status", NULL};

/* areas: 1 to MAX_AREAS slugs, no repeats (their existence is checked against the database). */
static json_t *read_areas(json_t *errors, json_t *v, int required)
{
    if (!v) {
        if (required)
            dg_error(errors, "/areas", "missing", "is required: the areas of responsibility the need concerns (e.g. [\"att-aldras\"])");
        return NULL;
    }
    if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > MAX_AREAS) {
        dg_error(errors, "/areas", "wrong_type", "must be an array of 1 to %d area slugs", MAX_AREAS);
        return NULL;
    }
    json_t *out = json_array();
    size_t i, before = json_array_size(errors);
    json_t *item;
    json_array_foreach(v, i, item) {
        char path[32];
        snprintf(path, sizeof path, "/areas/%zu", i);
        const char *s = json_string_value(item);
        int repeated = 0;
        size_t j;
        json_t *seen;
        json_array_foreach(out, j, seen)
            repeated |= s && strcmp(json_string_value(seen), s) == 0;
        if (!s || strlen(s) > 64)
            dg_error(errors, path, "unknown_area", "must be an area slug (GET /api/v1/areas)");
        else if (repeated)
            dg_error(errors, path, "duplicate", "names %s twice", s);
        else
            json_array_append_new(out, json_string(s));
    }
    if (json_array_size(errors) != before) {
        json_decref(out);
        return NULL;
    }
    return out;
}

void dg_need_read(json_t *errors, json_t *body, int create, struct dg_need_input *in)
{
    memset(in, 0, sizeof *in);
    dg_unknown_members(errors, "", body, create ? create_fields : patch_fields);
    in->kind = dg_enum(errors, json_object_get(body, "kind"), "/kind", kinds, create);
    in->title = dg_text(errors, json_object_get(body, "title"), "/title", 200, create, 0);
    json_t *d = json_object_get(body, "description");
    in->has_description = d != NULL;
    in->description = dg_text(errors, d, "/description", 4000, 0, 1);
    in->areas = read_areas(errors, json_object_get(body, "areas"), create);
    in->principals = dg_principal_list(errors, json_object_get(body, "principals"), "/principals", 0);
    if (create) {
        json_t *r = json_object_get(body, "raised_by");
        struct dg_principal p;
        if (r && dg_principal(json_string_value(r), &p) != 0)
            dg_error(errors, "/raised_by", "unknown_principal", "must be a principal (slug or official code)");
        else
            in->raised_by = json_string_value(r);
    } else {
        in->status = dg_enum(errors, json_object_get(body, "status"), "/status", statuses, 0);
    }
}

int dg_need_check_areas(lgvo_request *req, json_t *errors, struct dg_need_input *in)
{
    if (!in->areas)
        return 0;
    char *list = dg_dump(in->areas); /* freed below */
    const char *params[] = {list};
    /* The positions (from 0) of the slugs that name no area. */
    lgvo_result *res = dg_host->sql(
        req,
        "SELECT (x.n - 1)::text, x.slug FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(slug, n)"
        " WHERE NOT EXISTS (SELECT 1 FROM core.areas a WHERE a.slug = x.slug) ORDER BY x.n",
        1, params);
    free(list);
    if (!res)
        return -1;
    for (int i = 0; i < dg_host->result_rows(res); i++) {
        char path[32];
        snprintf(path, sizeof path, "/areas/%s", dg_host->result_value(res, i, 0));
        dg_error(errors, path, "unknown_area", "is not an area of responsibility (GET /api/v1/areas)");
    }
    dg_host->result_free(res);
    return 0;
}

void dg_need_input_free(struct dg_need_input *in)
{
    json_decref(in->areas);
    json_decref(in->principals);
    in->areas = in->principals = NULL;
}
