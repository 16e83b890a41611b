/* Work-plan periods: GET /api/v1/workplan/periods lists them; POST (county_admin) starts a new
 * period, by default as a copy of the latest one ("copy_from": a period slug, or null for an
 * empty plan): the goal, the diagrams with their live sub-goals, activities, measure items and
 * links, and the primary-care plan. Copies remember what they were copied from. */
#include "app.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/sql.h"
#include "http/req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD_JSON                                                                               \
    "json_build_object('slug', p.slug, 'title', " WP_LANG("$1", "p.title", "p.title_en") ","     \
    " 'starts_on', p.starts_on, 'ends_on', p.ends_on, 'reference', p.reference,"                  \
    " 'copied_from', (SELECT slug FROM core.workplan_periods o WHERE o.id = p.copied_from),"       \
    " 'current', p.id = (SELECT id FROM core.workplan_periods ORDER BY (starts_on <= current_date) DESC," \
    "  CASE WHEN starts_on <= current_date THEN starts_on END DESC, starts_on LIMIT 1),"          \
    " 'counts', json_build_object("                                                              \
    "  'sub_goals', (SELECT count(*) FROM core.workplan_subgoals x WHERE x.period_id = p.id AND x.retired_at IS NULL)," \
    "  'activities', (SELECT count(*) FROM core.workplan_activities x WHERE x.period_id = p.id AND x.retired_at IS NULL)," \
    "  'measure_items', (SELECT count(*) FROM core.workplan_measure_items x WHERE x.period_id = p.id AND x.retired_at IS NULL))," \
    " 'created_at', p.created_at, 'created_by', p.created_by)"

void workplan_list_periods(struct req *r, void *ctx)
{
    (void)ctx;
    struct query_params q;
    query_params_init(&q, r);
    const char *lang = workplan_query_lang(&q);
    if (query_params_failed(&q))
        return;
    const char *params[] = {lang};
    PGresult *res = req_sql_ok(r,
                                 "SELECT json_build_object('items', coalesce(json_agg(" PERIOD_JSON
                                 " ORDER BY p.starts_on), '[]'))::text FROM core.workplan_periods p",
                                 1, params);
    if (res)
        workplan_reply_row(r, res, 200, "no periods");
}

/* Copies the plan of period $2 into the new period $1, in this order (later steps find the
 * copies of earlier ones through copied_from). */
static const char *const copy_steps[] = {
    "INSERT INTO core.workplan_goals (period_id, key, title, title_en, paragraphs, paragraphs_en,"
    " target_year, adopted_by, adopted_by_en, context, context_en)"
    " SELECT $1::int, key, title, title_en, paragraphs, paragraphs_en, target_year, adopted_by,"
    " adopted_by_en, context, context_en FROM core.workplan_goals WHERE period_id = $2::int",

    "INSERT INTO core.workplan_diagrams (period_id, area_id, goal_id, title, title_en, appendix,"
    " goal_paragraphs, goal_variant_note, headings, header_points, measures_label, link_notes)"
    " SELECT $1::int, d.area_id, ng.id, d.title, d.title_en, d.appendix, d.goal_paragraphs,"
    " d.goal_variant_note, d.headings, d.header_points, d.measures_label, d.link_notes"
    " FROM core.workplan_diagrams d JOIN core.workplan_goals og ON og.id = d.goal_id"
    " JOIN core.workplan_goals ng ON ng.period_id = $1::int AND ng.key = og.key"
    " WHERE d.period_id = $2::int",

    "INSERT INTO core.workplan_subgoals (period_id, area_id, key, position, title, title_en, parts, copied_from)"
    " SELECT $1::int, area_id, key, position, title, title_en, parts, id FROM core.workplan_subgoals"
    " WHERE period_id = $2::int AND retired_at IS NULL",

    "INSERT INTO core.workplan_activities (period_id, area_id, key, position, title, title_en,"
    " subgoal_id, link_basis, link_note, deadline_text, deadline_kind, deadline_term, deadline_year,"
    " window_from, window_to, window_proposed, deadline_note, related_agreements, responsible_refs,"
    " details, notes, copied_from)"
    " SELECT $1::int, a.area_id, a.key, a.position, a.title, a.title_en, ns.id,"
    " CASE WHEN ns.id IS NULL THEN NULL ELSE a.link_basis END, a.link_note, a.deadline_text,"
    " a.deadline_kind, a.deadline_term, a.deadline_year, a.window_from, a.window_to,"
    " a.window_proposed, a.deadline_note, a.related_agreements, a.responsible_refs, a.details,"
    " a.notes, a.id FROM core.workplan_activities a"
    " LEFT JOIN core.workplan_subgoals ns ON ns.period_id = $1::int AND ns.copied_from = a.subgoal_id"
    " WHERE a.period_id = $2::int AND a.retired_at IS NULL",

    "INSERT INTO core.workplan_measure_items (period_id, area_id, key, position, title, title_en,"
    " link_basis, link_note, classification_note, proposed_definition, notes, copied_from)"
    " SELECT $1::int, area_id, key, position, title, title_en, link_basis, link_note,"
    " classification_note, proposed_definition, notes, id FROM core.workplan_measure_items"
    " WHERE period_id = $2::int AND retired_at IS NULL",

    "INSERT INTO core.workplan_item_activities (measure_item_id, activity_id, period_id, area_id)"
    " SELECT nm.id, na.id, $1::int, nm.area_id FROM core.workplan_item_activities l"
    " JOIN core.workplan_measure_items nm ON nm.period_id = $1::int AND nm.copied_from = l.measure_item_id"
    " JOIN core.workplan_activities na ON na.period_id = $1::int AND na.copied_from = l.activity_id"
    " WHERE l.period_id = $2::int AND l.retired_at IS NULL",

    "INSERT INTO core.workplan_item_subgoals (measure_item_id, subgoal_id, period_id, area_id)"
    " SELECT nm.id, ns.id, $1::int, nm.area_id FROM core.workplan_item_subgoals l"
    " JOIN core.workplan_measure_items nm ON nm.period_id = $1::int AND nm.copied_from = l.measure_item_id"
    " JOIN core.workplan_subgoals ns ON ns.period_id = $1::int AND ns.copied_from = l.subgoal_id"
    " WHERE l.period_id = $2::int AND l.retired_at IS NULL",

    "INSERT INTO core.workplan_item_measures (measure_item_id, measure_slug, position)"
    " SELECT nm.id, l.measure_slug, l.position FROM core.workplan_item_measures l"
    " JOIN core.workplan_measure_items om ON om.id = l.measure_item_id AND om.period_id = $2::int"
    " JOIN core.workplan_measure_items nm ON nm.period_id = $1::int AND nm.copied_from = om.id"
    " WHERE l.retired_at IS NULL",

    "INSERT INTO core.primary_care_plans SELECT (jsonb_populate_record(NULL::core.primary_care_plans,"
    " to_jsonb(pc) || jsonb_build_object('period_id', $1::int))).*"
    " FROM core.primary_care_plans pc WHERE pc.period_id = $2::int",

    "INSERT INTO core.primary_care_principles (period_id, position, title, title_en)"
    " SELECT $1::int, position, title, title_en FROM core.primary_care_principles WHERE period_id = $2::int",

    "INSERT INTO core.primary_care_areas (period_id, slug, position, title, title_en, need, need_en,"
    " description, description_en) SELECT $1::int, slug, position, title, title_en, need, need_en,"
    " description, description_en FROM core.primary_care_areas WHERE period_id = $2::int",

    "INSERT INTO core.primary_care_activities (period_id, key, position, title, title_en, area_slug,"
    " link_basis, link_note) SELECT $1::int, key, position, title, title_en, area_slug, link_basis,"
    " link_note FROM core.primary_care_activities WHERE period_id = $2::int",
};

/* "2026-2027" → the years; 0 or -1. */
static int period_years(const char *slug, int *from, int *to)
{
    if (!slug || strlen(slug) != 9 || slug[4] != '-')
        return -1;
    for (int i = 0; i < 9; i++)
        if (i != 4 && (slug[i] < '0' || slug[i] > '9'))
            return -1;
    *from = atoi(slug);
    *to = atoi(slug + 5);
    return *from >= 1900 && *to >= *from && *to <= *from + 10 ? 0 : -1;
}

void workplan_create_period(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *slug = body_string(&b, "slug", 1, 9, 9);
    const char *title = body_string(&b, "title", 0, 1, 200);
    const char *title_en = body_string(&b, "title_en", 0, 1, 200);
    const char *reference = body_string(&b, "reference", 0, 1, 100);
    struct date starts, ends;
    int has_starts = workplan_body_date(&b, "starts_on", 0, &starts);
    int has_ends = workplan_body_date(&b, "ends_on", 0, &ends);
    int copy_null = workplan_body_null(&b, "copy_from");
    const char *copy_from = copy_null ? NULL : body_string(&b, "copy_from", 0, 9, 9);
    int from_year = 0, to_year = 0;
    if (slug && period_years(slug, &from_year, &to_year) != 0)
        body_problem(&b, "slug", "must be the years the plan covers, like 2026-2027");
    if (body_failed(&b))
        return;
    char starts_on[11], ends_on[11], dtitle[64], dtitle_en[64];
    if (has_starts == 1)
        date_format(starts, starts_on);
    else
        snprintf(starts_on, sizeof starts_on, "%04d-01-01", from_year);
    if (has_ends == 1)
        date_format(ends, ends_on);
    else
        snprintf(ends_on, sizeof ends_on, "%04d-12-31", to_year);
    if (strcmp(ends_on, starts_on) < 0) {
        reply_error(r, 422, NULL, "ends_on (%s) is before starts_on (%s)", ends_on, starts_on);
        return;
    }
    snprintf(dtitle, sizeof dtitle, "Arbetsplan %s", slug);
    snprintf(dtitle_en, sizeof dtitle_en, "Work plan %s", slug);
    if (req_begin(r) != 0)
        return;
    /* The source: the period named, or the latest one. */
    char source_id[16] = "", source[16] = "";
    if (!copy_null) {
        const char *params[] = {copy_from};
        PGresult *res = req_sql_ok(r,
                                     "SELECT id, slug FROM core.workplan_periods"
                                     " WHERE $1::text IS NULL OR slug = $1 ORDER BY starts_on DESC LIMIT 1",
                                     1, params);
        if (!res)
            return;
        if (PQntuples(res) > 0) {
            snprintf(source_id, sizeof source_id, "%s", PQgetvalue(res, 0, 0));
            snprintf(source, sizeof source, "%s", PQgetvalue(res, 0, 1));
        }
        PQclear(res);
        if (copy_from && !source_id[0]) {
            reply_error_details(r, 422, "validation_failed",
                                json_pack("[{s:s, s:s}]", "path", "/copy_from", "message", "no such period"),
                                "no work-plan period '%s' to copy", copy_from);
            return;
        }
    }
    const char *params[] = {slug, title ? title : dtitle, title_en ? title_en : dtitle_en, starts_on,
                            ends_on, reference, source_id[0] ? source_id : NULL};
    PGresult *res = req_sql_ok(
        r,
        "INSERT INTO core.workplan_periods (slug, title, title_en, starts_on, ends_on, reference, copied_from)"
        " SELECT $1, $2, $3, $4::date, $5::date, $6, $7::int"
        " WHERE NOT EXISTS (SELECT 1 FROM core.workplan_periods"
        "  WHERE daterange(starts_on, ends_on, '[]') && daterange($4::date, $5::date, '[]'))"
        " RETURNING id",
        7, params);
    if (!res)
        return;
    if (PQntuples(res) == 0) {
        reply_error(r, 409, NULL, "the period %s (%s to %s) overlaps an existing one", slug, starts_on, ends_on);
        PQclear(res);
        return;
    }
    char id[16];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (size_t i = 0; source_id[0] && i < sizeof copy_steps / sizeof copy_steps[0]; i++) {
        const char *p2[] = {id, source_id};
        res = req_sql_ok(r, copy_steps[i], 2, p2);
        if (!res)
            return;
        PQclear(res);
    }
    char target[48];
    snprintf(target, sizeof target, "workplan_period:%s", slug);
    json_t *details = json_pack("{s:s, s:s, s:s}", "slug", slug, "starts_on", starts_on, "ends_on", ends_on);
    if (source_id[0])
        json_object_set_new(details, "copied_from", json_string(source));
    if (workplan_audit(r, "workplan.period.create", NULL, target, details) != 0)
        return;
    const char *p3[] = {"sv", id};
    res = req_sql_ok(r, "SELECT " PERIOD_JSON "::text FROM core.workplan_periods p WHERE p.id = $2::int", 2, p3);
    if (res)
        workplan_reply_row(r, res, 201, "no period");
}
