/* SQL fragments that render work-plan items as JSON (json_build_object members, kept in this
 * order), shared by the diagram, the item reads and the edit replies, so that an item looks
 * the same everywhere.
 * Arguments are SQL text: the table alias and the parameter holding the language ('sv' or
 * 'en'), e.g. WP_SUBGOAL_FIELDS("s", "$3"). */
#ifndef LGVO_CORE_WORKPLAN_SQL_H
#define LGVO_CORE_WORKPLAN_SQL_H

/* The Swedish or the English text. */
#define WP_LANG(L, sv, en) "CASE WHEN " L " = 'en' THEN " en " ELSE " sv " END"

#define WP_RETIRED(x)                                                                             \
    "CASE WHEN " x ".retired_at IS NULL THEN NULL ELSE json_build_object('at', " x ".retired_at," \
    " 'by', " x ".retired_by, 'reason', " x ".retire_reason) END"

/* How a link was decided: {basis, note} (the note explains an unlinked item too). */
#define WP_LINK(x)                                                                                \
    "CASE WHEN " x ".link_basis IS NULL AND " x ".link_note IS NULL THEN NULL"                    \
    " ELSE json_build_object('basis', " x ".link_basis, 'note', " x ".link_note) END"

/* Shown unless retired, or retired ones are asked for (R: a boolean parameter). */
#define WP_VISIBLE(x, R) "(" x ".retired_at IS NULL OR " R "::boolean)"

#define WP_SUBGOAL_FIELDS(s, L)                                                                   \
    "'id', " s ".id, 'key', " s ".key, 'position', " s ".position,"                               \
    " 'title', " WP_LANG(L, s ".title", s ".title_en") ","                                        \
    " 'parts', (SELECT coalesce(json_agg(json_build_object('key', e.x ->> 'key', 'title', "      \
    WP_LANG(L, "e.x ->> 'title'", "e.x ->> 'title_en'") ") ORDER BY e.n), '[]')"                   \
    "  FROM jsonb_array_elements(" s ".parts) WITH ORDINALITY AS e(x, n)),"                        \
    " 'retired', " WP_RETIRED(s)

#define WP_ACTIVITY_FIELDS(a, L)                                                                  \
    "'id', " a ".id, 'key', " a ".key, 'position', " a ".position,"                               \
    " 'title', " WP_LANG(L, a ".title", a ".title_en") ", 'sub_goal_id', " a ".subgoal_id,"       \
    " 'link', " WP_LINK(a) ","                                                                    \
    " 'deadline', CASE WHEN " a ".deadline_text IS NULL AND " a ".window_from IS NULL THEN NULL"   \
    "  ELSE json_build_object('text', " a ".deadline_text, 'kind', " a ".deadline_kind,"         \
    "  'term', " a ".deadline_term, 'year', " a ".deadline_year, 'from', " a ".window_from,"       \
    "  'to', " a ".window_to, 'derived', " a ".window_proposed, 'note', " a ".deadline_note) END," \
    " 'related_agreements', to_json(" a ".related_agreements),"                                  \
    " 'responsible', to_json(" a ".responsible_refs), 'details', " a ".details,"                 \
    " 'retired', " WP_RETIRED(a)

/* The measure definitions an item links to, by slug; defined: false for a slug no one has
 * defined (yet). */
#define WP_ITEM_MEASURES(m, L)                                                                    \
    "(SELECT coalesce(json_agg(json_build_object('slug', l.measure_slug, 'defined', d.id IS NOT NULL," \
    " 'title', " WP_LANG(L, "d.title", "d.title_en") ", 'kind', d.kind, 'unit', d.unit,"          \
    " 'period_type', d.period_type, 'reported_by', d.reported_by) ORDER BY l.position, l.id), '[]')" \
    " FROM core.workplan_item_measures l LEFT JOIN core.measures d ON d.slug = l.measure_slug"     \
    " WHERE l.measure_item_id = " m ".id AND l.retired_at IS NULL)"

#define WP_ITEM_FIELDS(m, L)                                                                      \
    "'id', " m ".id, 'key', " m ".key, 'position', " m ".position,"                               \
    " 'title', " WP_LANG(L, m ".title", m ".title_en") ", 'link', " WP_LINK(m) ","                \
    " 'classification_note', " m ".classification_note,"                                          \
    " 'sub_goal_ids', (SELECT coalesce(json_agg(l.subgoal_id ORDER BY l.subgoal_id), '[]')"       \
    "  FROM core.workplan_item_subgoals l WHERE l.measure_item_id = " m ".id AND l.retired_at IS NULL)," \
    " 'activity_ids', (SELECT coalesce(json_agg(l.activity_id ORDER BY l.activity_id), '[]')"     \
    "  FROM core.workplan_item_activities l WHERE l.measure_item_id = " m ".id AND l.retired_at IS NULL)," \
    " 'measures', " WP_ITEM_MEASURES(m, L) ", 'retired', " WP_RETIRED(m)

/* An activity's PDSA cycles per participating principal (a joint cycle counts for each). */
#define WP_PDSA_SUMMARY(a)                                                                        \
    "(SELECT coalesce(json_agg(q.summary ORDER BY q.sort), '[]') FROM ("                         \
    " SELECT pr.sort_order AS sort, json_build_object('principal', pr.slug, 'cycles', count(*),"  \
    "  'open', count(*) FILTER (WHERE c.phase <> 'act'), 'closed', count(*) FILTER (WHERE c.phase = 'act')," \
    "  'items', json_agg(json_build_object('id', c.id, 'title', c.title, 'phase', c.phase,"      \
    "   'status', CASE WHEN c.phase = 'act' THEN 'closed' ELSE 'open' END, 'decision', c.act_decision," \
    "   'predecessor', c.predecessor_id, 'updated_at', c.updated_at) ORDER BY c.id)) AS summary"   \
    " FROM core.pdsa_participants pp JOIN core.pdsa_cycles c ON c.id = pp.cycle_id"               \
    " JOIN core.principals pr ON pr.id = pp.principal_id"                                          \
    " WHERE c.activity_id = " a ".id GROUP BY pr.id) q)"

/* Every change to an item, oldest first. */
#define WP_HISTORY(type, x)                                                                       \
    "(SELECT coalesce(json_agg(json_build_object('operation', h.operation, 'at', h.changed_at," \
    " 'by', h.changed_by, 'principal', h.changed_by_principal, 'request_id', h.request_id,"       \
    " 'old', h.old, 'new', h.new) ORDER BY h.id), '[]')"                                           \
    " FROM core.workplan_history h WHERE h.item_type = '" type "' AND h.item_id = " x ".id)"

/* Both texts, for editors. */
#define WP_TITLES(x) "json_build_object('sv', " x ".title, 'en', " x ".title_en)"

#define WP_STAMPS(x)                                                                              \
    "'created_at', " x ".created_at, 'created_by', " x ".created_by, 'updated_at', " x ".updated_at," \
    " 'updated_by', " x ".updated_by, 'copied_from', " x ".copied_from"

#endif
