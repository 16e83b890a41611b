/* Agreements (överenskommelser och avtal): how they are read from the database, and what the
 * date arithmetic (agreement_dates.h) makes of them as of a date: the term in force through
 * automatic renewals, the next notice date, and the follow-ups due. */
#ifndef LGVO_CORE_WORKPLAN_AGREEMENTS_H
#define LGVO_CORE_WORKPLAN_AGREEMENTS_H

#include "core/workplan/agreement_dates.h"
#include "core/workplan/sql.h"

#include <jansson.h>
#include <libpq-fe.h>

/* The text in the language, falling back to Swedish. */
#define AG_LANG(L, sv, en) "CASE WHEN " L " = 'en' THEN coalesce(" en ", " sv ") ELSE " sv " END"

/* Columns read by agreement_row_read (alias a, language parameter L). */
#define AGREEMENT_COLUMNS(L)                                                                      \
    "json_build_object('id', a.id, 'key', a.key, 'title', " AG_LANG(L, "a.title", "a.title_en") "," \
    " 'kind', a.kind, 'kind_en', CASE a.kind WHEN 'överenskommelse' THEN 'agreement'"              \
    "  WHEN 'avtal' THEN 'contract' WHEN 'ramavtal' THEN 'framework agreement' ELSE 'rules' END,"  \
    " 'parties', (SELECT coalesce(json_agg(pr.slug ORDER BY pr.sort_order), '[]')"                \
    "  FROM core.principals pr WHERE pr.id = ANY (a.parties)), 'parties_text', a.parties_text,"   \
    " 'validity_text', a.validity_text, 'valid_from', a.valid_from, 'valid_to', a.valid_to,"      \
    " 'original_end_date', a.original_end_date, 'extension_text', a.extension_text,"             \
    " 'end_condition', " AG_LANG(L, "a.end_condition_text", "a.end_condition_en") ","             \
    " 'end_text', " AG_LANG(L, "a.end_text", "a.end_text_en") ","                                 \
    " 'renewal', CASE WHEN a.renewal_years IS NULL THEN NULL ELSE json_build_object("            \
    "  'automatic', true, 'years', a.renewal_years, 'text', a.renewal_text) END,"                 \
    " 'notice', CASE WHEN a.notice_months IS NULL AND a.notice_text IS NULL THEN NULL"             \
    "  ELSE json_build_object('months', a.notice_months, 'rule', a.notice_rule,"                 \
    "  'text', a.notice_text, 'written', a.notice_written, 'period_text', a.notice_period_text,"  \
    "  'given_on', a.notice_given_on) END,"                                                       \
    " 'revision_text', a.revision_text, 'termination_text', a.termination_text,"                 \
    " 'follow_up', json_build_object('text', " AG_LANG(L, "a.follow_up_text", "a.follow_up_en") "," \
    "  'questions', to_json(a.follow_up_questions), 'tracked_from', a.follow_up_from),"          \
    " 'responsible', json_build_object('text', " AG_LANG(L, "a.responsible_text", "a.responsible_en") "," \
    "  'refs', to_json(a.responsible_refs),"                                                     \
    "  'area', (SELECT slug FROM core.areas WHERE id = a.responsible_area_id)),"                  \
    " 'related_activities', to_json(a.related_activities), 'details', a.details,"                \
    " 'notes', to_json(a.notes), 'source', a.source, 'retired', " WP_RETIRED("a") ")::text,"     \
    " a.valid_from, a.valid_to, a.renewal_years, a.notice_months, a.notice_rule, a.notice_given_on," \
    " a.follow_up_from, (SELECT coalesce(json_agg(json_build_object('id', s.id,"               \
    "  'position', s.position, 'cadence', s.cadence, 'every_months', s.every_months,"             \
    "  'anchor', s.anchor, 'due_on', s.due_on, 'what', " AG_LANG(L, "s.what", "s.what_en") ","     \
    "  'by', to_json(s.by_text), 'when_text', s.when_text) ORDER BY s.position), '[]')"          \
    "  FROM core.agreement_schedules s WHERE s.agreement_id = a.id)::text,"                       \
    " (SELECT coalesce(json_agg(json_build_object('schedule_id', f.schedule_id, 'due_on', f.due_on)), '[]')" \
    "  FROM core.agreement_follow_ups f WHERE f.agreement_id = a.id AND f.due_on IS NOT NULL)::text," \
    " a.key, " AG_LANG(L, "a.title", "a.title_en")
#define AGREEMENT_NCOLUMNS 12

struct agreement_row {
    json_t *doc;       /* owned: the agreement as JSON */
    struct agreement_terms terms;
    struct date follow_up_from;
    json_t *schedules; /* owned */
    json_t *closed;    /* owned: reported follow-ups [{schedule_id, due_on}] */
    char key[96];
    char *title;       /* owned */
};

/* Reads row i of a result selected with AGREEMENT_COLUMNS. Returns 0, or -1 when the stored
 * terms are inconsistent (the row is still filled and must be freed). */
int agreement_row_read(PGresult *res, int i, struct agreement_row *out);
void agreement_row_free(struct agreement_row *row);

/* What the agreement's dates are as of the date: {state, current_end, term, next_notice_date,
 * notice_ends, earliest_end, notice_assumed, final_end}. A new object (caller decrefs). */
json_t *agreement_status_json(const struct agreement_row *row, struct date as_of);
/* The open (unreported) scheduled follow-ups from the tracking date on: all those due on or
 * before *until, or (until NULL) the first open one of each schedule. Sorted by due date; a
 * new array (caller decrefs). */
json_t *agreement_open_follow_ups(const struct agreement_row *row, struct date as_of,
                                  const struct date *until);
/* 1 when due is a scheduled date of the schedule (a JSON object as in AGREEMENT_COLUMNS). */
int agreement_schedule_has(json_t *schedule, struct date due);
/* The first open scheduled date of the schedule on or after the tracking date; 0 or -1. */
int agreement_schedule_next_open(const struct agreement_row *row, json_t *schedule,
                                 struct date *out);

/* Replies with one agreement (id or key) as GET /api/v1/agreements/{id} shows it. */
struct req;
void agreement_reply(struct req *r, const char *ref, const char *lang, struct date as_of, int status);

#endif
