/* PDSA cycles: the phases, reading and validating a phase's body, and the cycle as JSON. */
#ifndef LGVO_CORE_WORKPLAN_PDSA_H
#define LGVO_CORE_WORKPLAN_PDSA_H

#include "core/workplan/sql.h"
#include "http/body.h"

#include <jansson.h>

struct app;

enum pdsa_phase { PDSA_PLAN = 0, PDSA_DO, PDSA_STUDY, PDSA_ACT };
#define PDSA_PHASES 4

/* "plan", "do", "study", "act"; and back (-1 when unknown). */
const char *pdsa_phase_name(enum pdsa_phase p);
int pdsa_phase_parse(const char *name);

struct pdsa_plan {
    const char *change, *prediction;
    json_t *measures; /* borrowed: measure slugs */
    char starts_on[11], ends_on[11];
};
struct pdsa_do {
    const char *what_happened;
    char started_on[11], ended_on[11];
};
struct pdsa_study {
    const char *findings;
    json_t *values;   /* owned: [{measure, principal, period, sex}], canonical */
};
struct pdsa_act {
    const char *decision; /* adopt | adapt | abandon */
    const char *next;
};
union pdsa_input {
    struct pdsa_plan plan;
    struct pdsa_do do_;
    struct pdsa_study study;
    struct pdsa_act act;
};

/* Reads the phase object b["<phase>"] (present: checked by the caller) into *in. Problems go
 * to b with paths like /do/what_happened and messages that say what the phase is missing. */
void pdsa_read_phase(struct app *app, struct body *b, enum pdsa_phase phase, union pdsa_input *in);
void pdsa_input_free(enum pdsa_phase phase, union pdsa_input *in);

/* A cycle as JSON (alias c; L: the language parameter). */
#define WP_PDSA_PLAN_MEASURES(c, L)                                                              \
    "(SELECT coalesce(json_agg(json_build_object('slug', u.slug, 'defined', d.id IS NOT NULL,"  \
    " 'title', " WP_LANG(L, "d.title", "d.title_en") ") ORDER BY u.n), '[]')"                     \
    " FROM unnest(" c ".plan_measures) WITH ORDINALITY AS u(slug, n)"                              \
    " LEFT JOIN core.measures d ON d.slug = u.slug)"

/* The measure values a study refers to, with what they hold now. */
#define WP_PDSA_STUDY_VALUES(c)                                                                   \
    "(SELECT coalesce(json_agg(json_build_object('measure', e.x ->> 'measure',"                  \
    " 'principal', e.x ->> 'principal', 'period', e.x ->> 'period', 'sex', e.x ->> 'sex',"         \
    " 'found', v.measure_id IS NOT NULL, 'value', v.value, 'numerator', v.numerator,"             \
    " 'denominator', v.denominator, 'achieved', v.achieved, 'achieved_on', v.achieved_on,"         \
    " 'text', v.text, 'comment', v.comment) ORDER BY e.n), '[]')"                                  \
    " FROM jsonb_array_elements(" c ".study_values) WITH ORDINALITY AS e(x, n)"                     \
    " LEFT JOIN core.measures d ON d.slug = e.x ->> 'measure'"                                     \
    " LEFT JOIN core.principals pv ON pv.slug = e.x ->> 'principal'"                               \
    " LEFT JOIN core.values v ON v.measure_id = d.id AND v.principal_id = pv.id"                   \
    "  AND v.period = e.x ->> 'period' AND v.sex = e.x ->> 'sex')"

#define WP_PDSA_JSON_WITH(c, L, extra)                                                            \
    "json_build_object('id', " c ".id, 'title', " c ".title, 'phase', " c ".phase,"              \
    " 'status', CASE WHEN " c ".phase = 'act' THEN 'closed' ELSE 'open' END,"                     \
    " 'next_phase', CASE " c ".phase WHEN 'plan' THEN 'do' WHEN 'do' THEN 'study'"                 \
    "  WHEN 'study' THEN 'act' END,"                                                              \
    " 'activity', (SELECT json_build_object('id', a.id, 'key', a.key,"                           \
    "  'title', " WP_LANG(L, "a.title", "a.title_en") ","                                         \
    "  'area', (SELECT slug FROM core.areas WHERE id = a.area_id),"                                \
    "  'period', (SELECT slug FROM core.workplan_periods WHERE id = a.period_id))"                 \
    "  FROM core.workplan_activities a WHERE a.id = " c ".activity_id),"                          \
    " 'started_by', (SELECT slug FROM core.principals WHERE id = " c ".principal_id),"             \
    " 'principals', (SELECT coalesce(json_agg(x.slug ORDER BY x.sort_order), '[]')"               \
    "  FROM core.pdsa_participants pp JOIN core.principals x ON x.id = pp.principal_id"            \
    "  WHERE pp.cycle_id = " c ".id),"                                                            \
    " 'predecessor', " c ".predecessor_id,"                                                       \
    " 'successor', (SELECT s.id FROM core.pdsa_cycles s WHERE s.predecessor_id = " c ".id),"       \
    " 'plan', json_build_object('change', " c ".plan_change, 'prediction', " c ".plan_prediction," \
    "  'measures', " WP_PDSA_PLAN_MEASURES(c, L) ", 'starts_on', " c ".plan_starts_on,"            \
    "  'ends_on', " c ".plan_ends_on, 'at', " c ".plan_at, 'by', " c ".plan_by),"                 \
    " 'do', CASE WHEN " c ".do_at IS NULL THEN NULL ELSE json_build_object("                     \
    "  'what_happened', " c ".do_happened, 'started_on', " c ".do_started_on,"                    \
    "  'ended_on', " c ".do_ended_on, 'at', " c ".do_at, 'by', " c ".do_by) END,"                 \
    " 'study', CASE WHEN " c ".study_at IS NULL THEN NULL ELSE json_build_object("               \
    "  'findings', " c ".study_findings, 'values', " WP_PDSA_STUDY_VALUES(c) ","                  \
    "  'at', " c ".study_at, 'by', " c ".study_by) END,"                                          \
    " 'act', CASE WHEN " c ".act_at IS NULL THEN NULL ELSE json_build_object("                   \
    "  'decision', " c ".act_decision, 'next', " c ".act_next, 'at', " c ".act_at,"               \
    "  'by', " c ".act_by) END,"                                                                  \
    " 'created_at', " c ".created_at, 'updated_at', " c ".updated_at" extra ")"
#define WP_PDSA_JSON(c, L) WP_PDSA_JSON_WITH(c, L, "")

/* Replies with the cycle (and the chain it belongs to) in lang; 404 when there is none. */
struct req;
void pdsa_reply(struct req *r, const char *id, const char *lang, int status);

#endif
