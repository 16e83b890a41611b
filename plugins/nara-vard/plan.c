/* The joint primary-care plan ("Gemensam plan för primärvård i Östergötland", Bilaga 6) and
 * the area's driver diagram.
 *
 *   GET  /primary-care-plan          the plan: prioritised areas, activities, simple
 *                                    principles, focus shifts, the status vocabulary
 *   POST /primary-care-plan/status   {"reports":[{principal, tertial, activity, status,
 *                                    comment?}]}  write:nara-vard; each principal its own
 *   GET  /primary-care-plan/status   ?tertial=2025T1  the principal × activity grid
 *   GET  /driver-diagram             the shared goal, sub-goals, activities and measures
 *
 * status: not_started | planned | ongoing | implemented | evaluated. */
#include "nv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static const char *const ROW_FIELDS[] = {"principal", "tertial", "activity", "status", "comment", NULL};

struct lists {
    nv_codes activities;
    nv_codes statuses;
};

/* ---------------------------------------------------------------- POST /primary-care-plan/status */

static void check_row(nv_batch *b, size_t i, const struct lists *l, char key[64])
{
    json_t *row = json_array_get(b->rows, i);
    if (nv_check_object(b, i, row, "", ROW_FIELDS) < 0)
        return;
    int id = 0;
    char slug[48];
    nv_period tertial;
    const char *activity = NULL, *status = NULL, *comment = NULL;
    int who = nv_get_principal(b, i, row, "", "principal", NULL, &id, slug);
    int when = nv_get_period(b, i, row, "", "tertial", NV_TERTIAL, &tertial);
    int what = nv_get_enum(b, i, row, "", "activity", 1, l->activities.list, &activity);
    int ok = nv_get_enum(b, i, row, "", "status", 1, l->statuses.list, &status) == 1;
    ok &= nv_get_string(b, i, row, "", "comment", 0, NV_COMMENT_MAX, &comment) >= 0;
    if (who == 1 && when == 1 && what == 1)
        snprintf(key, 64, "%d|%s|%s", id, tertial.start_text, activity);
    if (!ok || who != 1 || when != 1 || what != 1 || b->bad[i])
        return;
    json_t *clean = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s?}", "principal", slug, "principal_id",
                              id, "tertial", tertial.text, "tertial_start", tertial.start_text,
                              "activity_id", activity, "status", status, "comment", comment);
    if (clean)
        json_array_set_new(b->clean, i, clean);
}

/* The records to store: one per kept row (caller owns; nv_batch_store steals it). */
static json_t *records(const nv_batch *b)
{
    json_t *out = json_array();
    for (size_t i = 0; i < b->count; i++)
        if (nv_kept(b, i))
            json_array_append(out, json_array_get(b->clean, i));
    return out;
}

static const char STORE_SQL[] =
    "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(principal_id smallint,"
    "  tertial text, tertial_start date, activity_id text, status text, comment text)),"
    " up AS (INSERT INTO nara_vard.plan_status AS s (principal_id, tertial, tertial_start,"
    "  activity_id, status, comment, updated_by)"
    "  SELECT principal_id, tertial, tertial_start, activity_id, status, comment, $2 FROM input"
    "  ORDER BY tertial_start, principal_id, activity_id"
    "  ON CONFLICT (tertial_start, principal_id, activity_id) DO UPDATE SET"
    "   status = EXCLUDED.status, comment = EXCLUDED.comment, updated_at = now(),"
    "   updated_by = EXCLUDED.updated_by"
    "  WHERE (s.status, s.comment) IS DISTINCT FROM (EXCLUDED.status, EXCLUDED.comment)"
    "  RETURNING (xmax = 0) AS inserted) "
    "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),"
    " (SELECT count(*) FROM input) - count(*) FROM up";

static int load_lists(lgvo_request *req, struct lists *l)
{
    memset(l, 0, sizeof *l);
    if (nv_codes_load(req, "SELECT id FROM nara_vard.plan_activities ORDER BY ord", &l->activities) != 0)
        return -1;
    return nv_codes_load(req, "SELECT status FROM nara_vard.plan_statuses ORDER BY ord", &l->statuses);
}

static void post_status(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_batch b;
    struct lists lists;
    char (*keys)[64] = NULL;
    json_t *stored = NULL;
    if (nv_batch_open(&b, req, "reports", 0) != 0)
        return;
    if (load_lists(req, &lists) != 0)
        goto out;
    keys = calloc(b.count + 1, sizeof *keys);
    if (!keys) {
        nv_host->reply_error(req, 500, NULL, "out of memory", NULL);
        goto out;
    }
    for (size_t i = 0; i < b.count; i++)
        check_row(&b, i, &lists, keys[i]);
    nv_check_duplicates(&b, keys, "principal, tertial, activity");
    /* No shared measure is derived; the push still gives modes, dry runs and idempotency. */
    if (nv_batch_approve(&b, 0) != 0 || nv_batch_push(&b) != 0)
        goto out;
    if (nv_batch_store(&b, 0, STORE_SQL, records(&b), &stored) != 0)
        goto out;
    nv_batch_reply(&b, json_pack("{s:o}", "stored", stored));
out:
    free(keys);
    nv_codes_free(&lists.activities);
    nv_codes_free(&lists.statuses);
    nv_batch_free(&b);
}

/* ---------------------------------------------------------------- GET /primary-care-plan/status */

/* One statement: the grid (every principal × every activity, unreported cells null), per
 * activity the count of principals in each status, and the vocabularies. Joins only (no
 * correlated subqueries), so that the plan stays small whatever the estimates. */
static const char GRID_SQL[] =
    "WITH s AS (SELECT principal_id, activity_id, status, comment, updated_at"
    "  FROM nara_vard.plan_status WHERE tertial_start = $1::date),"
    " cells AS MATERIALIZED (SELECT p.id AS pid, p.slug, p.name, p.kind, p.sort_order,"
    "  a.id AS activity, a.ord, s.status, s.comment, s.updated_at"
    "  FROM core.principals p CROSS JOIN nara_vard.plan_activities a"
    "  LEFT JOIN s ON s.principal_id = p.id AND s.activity_id = a.id),"
    " rows AS (SELECT sort_order, json_build_object('principal', slug, 'name', name, 'kind', kind,"
    "  'reported', count(status), 'cells', json_agg(json_build_object('activity', activity,"
    "  'status', status, 'comment', comment, 'updated_at', " TS("updated_at") ") ORDER BY ord)) AS j"
    "  FROM cells GROUP BY pid, slug, name, kind, sort_order),"
    " tally AS (SELECT activity, status, count(*) AS n FROM cells GROUP BY activity, status),"
    " counts AS (SELECT a.id, a.ord, json_object_agg(st.status, coalesce(t.n, 0) ORDER BY st.ord) AS counts,"
    "  coalesce(max(u.n), 0) AS not_reported"
    "  FROM nara_vard.plan_activities a CROSS JOIN nara_vard.plan_statuses st"
    "  LEFT JOIN tally t ON t.activity = a.id AND t.status = st.status"
    "  LEFT JOIN tally u ON u.activity = a.id AND u.status IS NULL"
    "  GROUP BY a.id, a.ord) "
    "SELECT json_build_object('tertial', $2::text,"
    " 'statuses', (SELECT json_agg(json_build_object('status', status, 'title', title, 'title_en', title_en)"
    "  ORDER BY ord) FROM nara_vard.plan_statuses),"
    " 'activities', (SELECT json_agg(json_build_object('id', id, 'order', ord, 'title', title,"
    "  'title_en', title_en, 'area', area_slug) ORDER BY ord) FROM nara_vard.plan_activities),"
    " 'principals', (SELECT json_agg(j ORDER BY sort_order) FROM rows),"
    " 'summary', (SELECT json_agg(json_build_object('activity', id, 'counts', counts,"
    "  'not_reported', not_reported) ORDER BY ord) FROM counts))::text";

static void get_grid(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_query q;
    nv_period t;
    int has = 0;
    nv_query_init(&q, req);
    nv_query_period(&q, "tertial", NV_TERTIAL, &t, &has);
    if (!has && !q.errors) {
        q.errors = json_pack("[{s:s, s:s}]", "path", "query.tertial", "message",
                             "is required (a tertial such as 2025T1)");
    }
    if (nv_query_failed(&q))
        return;
    const char *params[] = {t.start_text, t.text};
    nv_reply_query_json(req, GRID_SQL, 2, params);
}

/* ---------------------------------------------------------------- GET /primary-care-plan */

static const char PLAN_SQL[] =
    "SELECT json_build_object('id', p.id, 'title', p.title, 'title_en', p.title_en,"
    " 'motto', p.motto, 'motto_en', p.motto_en, 'parties', p.parties, 'parties_en', p.parties_en,"
    " 'prioritised_areas', (SELECT json_agg(json_build_object('slug', a.slug, 'order', a.ord,"
    "  'title', a.title, 'title_en', a.title_en, 'need', a.need, 'need_en', a.need_en,"
    "  'description', a.description, 'description_en', a.description_en,"
    "  'activities', coalesce((SELECT json_agg(x.id ORDER BY x.ord) FROM nara_vard.plan_activities x"
    "   WHERE x.area_slug = a.slug), '[]'::json)) ORDER BY a.ord) FROM nara_vard.plan_areas a),"
    " 'activities_heading', p.activities_heading, 'activities_heading_en', p.activities_heading_en,"
    " 'activities', (SELECT json_agg(json_build_object('id', x.id, 'order', x.ord, 'title', x.title,"
    "  'title_en', x.title_en, 'area', x.area_slug, 'link_note', x.link_note) ORDER BY x.ord)"
    "  FROM nara_vard.plan_activities x),"
    " 'simple_principles', json_build_object('title', p.principles_title, 'title_en', p.principles_title_en,"
    "  'intro', p.principles_intro, 'intro_en', p.principles_intro_en, 'lead_in', p.principles_lead_in,"
    "  'lead_in_en', p.principles_lead_in_en, 'carried_by', p.principles_carried_by,"
    "  'carried_by_en', p.principles_carried_by_en,"
    "  'items', (SELECT json_agg(json_build_object('order', ord, 'title', title, 'title_en', title_en)"
    "   ORDER BY ord) FROM nara_vard.plan_principles)),"
    " 'focus_shifts', (SELECT json_agg(json_build_object('order', ord, 'title', title, 'title_en', title_en)"
    "  ORDER BY ord) FROM nara_vard.plan_focus_shifts),"
    " 'statuses', (SELECT json_agg(json_build_object('status', status, 'title', title, 'title_en', title_en)"
    "  ORDER BY ord) FROM nara_vard.plan_statuses),"
    " 'review', p.plan_review, 'review_en', p.plan_review_en)::text "
    "FROM nara_vard.plan p";

static void get_plan(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_reply_query_json(req, PLAN_SQL, 0, NULL);
}

/* ---------------------------------------------------------------- GET /driver-diagram */

static const char DIAGRAM_SQL[] =
    "SELECT json_build_object("
    " 'goal', (SELECT json_build_object('id', id, 'title', title, 'title_en', title_en,"
    "  'target_year', target_year, 'text', text, 'text_en', text_en, 'diagram_text', diagram_text,"
    "  'adopted_by', adopted_by, 'adopted_by_en', adopted_by_en) FROM nara_vard.shared_goal),"
    " 'sub_goals', (SELECT json_agg(json_build_object('id', s.id, 'order', s.ord, 'title', s.title,"
    "  'title_en', s.title_en, 'activities', coalesce((SELECT json_agg(json_build_object('id', a.id,"
    "   'order', a.ord, 'title', a.title, 'title_en', a.title_en) ORDER BY a.ord)"
    "   FROM nara_vard.diagram_items a WHERE a.sub_goal_id = s.id), '[]'::json)) ORDER BY s.ord)"
    "  FROM nara_vard.diagram_items s WHERE s.kind = 'sub_goal'),"
    " 'measures', (SELECT json_agg(json_build_object('slug', m.slug, 'title', m.title,"
    "  'title_en', m.title_en, 'kind', m.kind, 'unit', m.unit, 'period_type', m.period_type)"
    "  ORDER BY m.slug) FROM core.measures m JOIN core.areas ar ON ar.id = m.area_id"
    "  WHERE ar.slug = 'nara-vard'))::text";

static void get_diagram(lgvo_request *req, void *ctx)
{
    (void)ctx;
    nv_reply_query_json(req, DIAGRAM_SQL, 0, NULL);
}

int nv_plan_init(const lgvo_host *h)
{
    if (h->route("GET", "/primary-care-plan", LGVO_ACCESS_AUTHENTICATED, NULL, get_plan, NULL,
                 "getNaraVardPrimaryCarePlan") != 0 ||
        h->route("POST", "/primary-care-plan/status", LGVO_ACCESS_WRITE_AREA, NV_AREA, post_status,
                 NULL, "postNaraVardPrimaryCarePlanStatus") != 0 ||
        h->route("GET", "/primary-care-plan/status", LGVO_ACCESS_AUTHENTICATED, NULL, get_grid, NULL,
                 "getNaraVardPrimaryCarePlanStatus") != 0 ||
        h->route("GET", "/driver-diagram", LGVO_ACCESS_AUTHENTICATED, NULL, get_diagram, NULL,
                 "getNaraVardDriverDiagram") != 0)
        return -1;
    return 0;
}
