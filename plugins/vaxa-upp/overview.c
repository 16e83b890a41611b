/* GET /overview?year=2025: per principal and for the county, the year's HVB occupancy, the
 * health and dental check shares of placed children, SIP, reports of concern, youth health and
 * the state grants, each section with the small-number rule applied for the caller (each
 * section is the same grid as its own GET, so the overview gives nothing away that they
 * hide). A principal without figures for a section has null there. */
#include "vu.h"

#include <stdlib.h>

struct views {
    struct vu_hvb_view *hvb;
    struct vu_checks_view *checks;
    struct vu_sip_view *sip;
    struct vu_concern_view *concern;
    struct vu_youth_view *youth;
    struct vu_grants_view *grants;
};

static void views_free(struct views *v)
{
    vu_hvb_view_free(v->hvb);
    vu_checks_view_free(v->checks);
    vu_sip_view_free(v->sip);
    vu_concern_view_free(v->concern);
    vu_youth_view_free(v->youth);
    vu_grants_view_free(v->grants);
}

/* Returns 0, or -1 after the host replied (a database error). */
static int views_load(lgvo_request *req, const struct vu_principals *ps, const struct vu_viewer *viewer,
                      int year, struct views *v)
{
    return (v->hvb = vu_hvb_view_load(req, ps, viewer, year)) &&
                   (v->checks = vu_checks_view_load(req, ps, viewer, year)) &&
                   (v->sip = vu_sip_view_load(req, ps, viewer, year)) &&
                   (v->concern = vu_concern_view_load(req, ps, viewer, year)) &&
                   (v->youth = vu_youth_view_load(req, ps, viewer, year)) &&
                   (v->grants = vu_grants_view_load(req, ps, year))
               ? 0
               : -1;
}

static json_t *or_null(json_t *j)
{
    return j ? j : json_null();
}

/* The sections of principal p (or of the county when p == ps->count). */
static json_t *sections(const struct views *v, size_t p)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "hvb", or_null(vu_hvb_annual_json(v->hvb, p)),
                     "placed_children_checks", or_null(vu_checks_json(v->checks, p)), "sip",
                     or_null(vu_sip_json(v->sip, p)), "concern_reports", or_null(vu_concern_json(v->concern, p)),
                     "youth_health", or_null(vu_youth_json(v->youth, p)), "grants",
                     or_null(vu_grants_json(v->grants, p)));
}

static json_t *overview_json(const struct views *v, const struct vu_principals *ps,
                             const struct vu_viewer *viewer, int year)
{
    json_t *list = json_array();
    for (size_t p = 0; p < ps->count; p++) {
        json_t *o = sections(v, p);
        json_object_set_new(o, "principal", json_string(ps->items[p].slug));
        json_object_set_new(o, "name", json_string(ps->items[p].name));
        json_object_set_new(o, "kind", json_string(ps->items[p].is_region ? "region" : "municipality"));
        json_object_set_new(o, "unsuppressed", json_boolean(viewer->sees_all || viewer->principal_id == ps->items[p].id));
        json_array_append_new(list, o);
    }
    return json_pack("{s:i, s:o, s:o}", "year", year, "principals", list, "county", sections(v, ps->count));
}

void vu_overview_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    int year;
    struct vu_principals ps;
    struct vu_viewer viewer;
    struct views v = {0};
    if (vu_query_year(req, &year) != 0 || vu_principals_load(req, &ps) != 0)
        return;
    vu_viewer_get(req, &viewer);
    if (views_load(req, &ps, &viewer, year, &v) == 0)
        vu_reply(req, 200, overview_json(&v, &ps, &viewer, year));
    views_free(&v);
    vu_principals_free(&ps);
}
