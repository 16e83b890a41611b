/* What the work-plan handlers share: ids and item references, the language and period of a
 * request, replies of JSON built by SQL, nested-body validation and the audit call. */
#ifndef LGVO_CORE_WORKPLAN_COMMON_H
#define LGVO_CORE_WORKPLAN_COMMON_H

#include "core/period.h"
#include "http/body.h"
#include "http/params.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

struct req;

/* A work-plan period (core.workplan_periods). */
struct workplan_period {
    int id;
    char slug[16];
    char starts_on[11];
    char ends_on[11];
};

/* 1 when s is a positive decimal id (at most 15 digits). */
int workplan_is_id(const char *s);

/* ?lang=sv|en (default sv); returns "sv" or "en". */
const char *workplan_query_lang(struct query_params *q);
/* ?period=YYYY-YYYY; NULL when absent (a problem when malformed). */
const char *workplan_query_period(struct query_params *q);

/* Finds a period by slug, or the current one when slug is NULL (the latest that has started,
 * else the earliest). Returns 0, or -1 after replying (404 for an unknown slug, 503, …). */
int workplan_period_resolve(struct req *r, const char *slug, struct workplan_period *out);

/* Replies with the JSON text in row 0, column 0 of res (status), or 404 with not_found when
 * there is no row. Clears res. */
void workplan_reply_row(struct req *r, PGresult *res, int status, const char *not_found);

/* Writes an audit event (details stolen). Returns 0, or -1 after replying. */
int workplan_audit(struct req *r, const char *action, const char *principal, const char *target,
                   json_t *details);

/* ---- request bodies, on top of http/body.h ---- */

/* 1 when the member is present and JSON null (marks it known). */
int workplan_body_null(struct body *b, const char *name);
/* An integer in [min, max]; def when absent. *present (may be NULL) says whether it was there. */
long workplan_body_int(struct body *b, const char *name, int required, long min, long max,
                       long def, int *present);
/* A date "YYYY-MM-DD" into *out. Returns 1 when read, 0 when absent (a problem when
 * required), -1 when invalid (a problem is recorded). */
int workplan_body_date(struct body *b, const char *name, int required, struct date *out);
/* An item reference: a positive integer id or a key string; returns its text form in out
 * (at least 64 bytes) and 1, 0 when absent, -1 when malformed (a problem is recorded). */
int workplan_body_ref(struct body *b, const char *name, char *out, size_t outlen);
/* An array of item references (ids or keys), at most max; returns a new JSON array of strings
 * (caller decrefs), or NULL when absent or malformed (a problem is recorded). */
json_t *workplan_body_refs(struct body *b, const char *name, size_t max);
/* Opens the object member `name` as a nested body. Returns 1 when present, 0 when absent (a
 * problem when required), -1 when not an object (a problem is recorded). */
int workplan_body_object(struct body *b, const char *name, int required, struct body *child);
/* Closes a nested body: its unknown members and problems move into b under the JSON pointer
 * prefix (e.g. "/plan", "/values/3"). */
void workplan_body_close(struct body *b, const char *pointer, struct body *child);
/* Records a problem at a JSON pointer (body_problem takes a member name and escapes it). */
void workplan_body_problem_at(struct body *b, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
