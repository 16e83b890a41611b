/* Internal declarations of the digitalisering plugin (Digitalisering). Everything here has
 * hidden visibility: the plugin exports only lgvo_plugin (plugin.c).
 *
 * Files:
 *   plugin.c       descriptor, init (routes, measures), the validate hook, GET /
 *   measures.c     the area's measure definitions (host->define_measure)
 *   util.c         error lists, JSON input, the caller, replies from SQL
 *   dates.c        dates and periods
 *   text.c         texts: length, personal identity numbers, JSON pointer segments
 *   needs.c        GET/POST /needs, GET/PATCH /needs/:id (the gross list)
 *   needs_input.c  reading and checking a need's members (POST and PATCH)
 *   merge.c        POST /needs/:id/merge (duplicates into one item)
 *   rounds.c       GET/POST /rounds, GET/PATCH /rounds/:id (prioritisation rounds)
 *   ballots.c      PUT/GET /rounds/:id/ballots/:principal
 *   borda.c        the Borda count with its tie-breaks (pure, no I/O)
 *   result.c       GET /rounds/:id/result
 *   trials.c       GET/POST /tests, GET/PATCH /tests/:id (tests of joint solutions)
 *   initiatives.c  GET/POST /initiatives, DELETE /initiatives/:id (the baseline mapping)
 *   initiatives_input.c, initiatives.h   reading and checking the rows of a mapping push
 *   compass.c      GET/PUT /value-compass (the vital few)
 */
#ifndef DIGITALISERING_H
#define DIGITALISERING_H

#include "lgvo/plugin.h"

#include <jansson.h>
#include <stddef.h>

#define DG_AREA "digitalisering"
#define DG_FIRST_YEAR 2000
#define DG_M_INITIATIVES DG_AREA ".initiatives-ongoing"
#define DG_M_TESTS_RUN DG_AREA ".tests-run"

/* The host table, set once in init; valid until shutdown. */
extern const lgvo_host *dg_host;

/* ---- measures.c ---- */

/* Defines the area's measures through host->define_measure. Returns 0 or -1. */
int dg_define_measures(const lgvo_host *host);

/* ---- util.c: errors ---- */

/* Appends {"path","code","message"} to errors (a JSON array, borrowed). */
void dg_error(json_t *errors, const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with "index" (a row of a push: path "/<collection>/<index>[/<field>]"). */
void dg_row_error(json_t *errors, const char *collection, size_t index, const char *field,
                  const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Replies 422 validation_failed with errors as details when there are any (errors is not
 * stolen). Returns 1 after replying. */
int dg_refuse(lgvo_request *req, json_t *errors);
/* Replies with status and code, one detail {"path","code","message"} (path may be NULL: no
 * details). */
void dg_reply_problem(lgvo_request *req, int status, const char *code, const char *path,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Refuses query parameters not in allowed (NULL-terminated; may be empty): adds a problem per
 * unknown name to *problems (created on first use). */
void dg_query_unknown(lgvo_request *req, json_t **problems, const char *const *allowed);
/* For routes without query parameters: replies 400 when there are any. Returns 1 after
 * replying. */
int dg_query_none(lgvo_request *req);

/* Query-string problems, answered as the core answers them: 400 invalid_query with details
 * [{"path":"query.<name>","message"}]. dg_query_problem creates *problems on first use;
 * dg_query_failed replies when there are problems (and frees them) and returns 1. */
void dg_query_problem(json_t **problems, const char *name, const char *message);
int dg_query_failed(lgvo_request *req, json_t *problems);

/* ---- util.c: JSON input ---- */

/* The body, which must be a JSON object. Returns it (borrowed), or NULL after replying. */
json_t *dg_body_object(lgvo_request *req);
/* Reports every member of obj not in allowed (NULL-terminated) as unknown_field at
 * <base>/<name> (base "" for the body itself). Returns the number of unknown members. */
int dg_unknown_members(json_t *errors, const char *base, json_t *obj, const char *const *allowed);
/* A text member: NULL when absent (an error when required) or invalid (error recorded); JSON
 * null is read as absent when nullable. Not blank, at most max characters, no personal
 * identity numbers. Borrowed from v. */
const char *dg_text(json_t *errors, json_t *v, const char *path, size_t max, int required,
                    int nullable);
/* An enumerated text member (one of values, NULL-terminated). Borrowed, or NULL as above. */
const char *dg_enum(json_t *errors, json_t *v, const char *path, const char *const *values,
                    int required);
/* A positive integer id ("12" in a path, or a JSON integer). Returns the id or 0. */
long dg_path_id(const char *text);
long dg_json_id(json_t *v);
/* A JSON member as compact text (caller frees with free), or NULL. */
char *dg_dump(json_t *v);

/* ---- util.c: the caller ---- */

struct dg_who {
    int county;            /* county_admin */
    int reporter;          /* has the reporter role */
    int org_admin;         /* has the org_admin role */
    int principal_id;      /* the caller's principal */
    char principal[48];    /* its slug */
    unsigned long long area_mask;
    char subject[160];
};
void dg_caller(lgvo_request *req, struct dg_who *out);

/* ---- util.c: principals ---- */

struct dg_principal {
    int id;
    char slug[48];
    char name[96];
    int is_region;
};
/* Looks a principal up by slug or code (copies what the host lends). Returns 0 or -1. */
int dg_principal(const char *slug_or_code, struct dg_principal *out);
/* Reads an array of principals (slugs or codes) at path: no repeats, at most 14. Returns a
 * new array of ids, or NULL (absent, or invalid with errors recorded). */
json_t *dg_principal_list(json_t *errors, json_t *v, const char *path, int required);

/* ---- util.c: answers and the audit trail ---- */

/* Sets Location: /api/v1/digitalisering<collection>/<id> (for a 201). */
void dg_location(lgvo_request *req, const char *collection, const char *id);
/* Writes an audit event "digitalisering.<action>" (target e.g. "need:3"; details stolen, may be
 * NULL). Returns 0, or -1 after the host replied. */
int dg_audit(lgvo_request *req, const char *action, const char *principal, const char *target,
             json_t *details);

/* ---- util.c: the database ---- */

/* Runs a statement whose result is not needed. Returns 0, or -1 after the host replied. */
int dg_exec(lgvo_request *req, const char *sql, int n, const char *const *params);
/* Runs sql that returns one row; copies cell (0, 0) into out (NULL cell: ""). Returns 1 with
 * a row, 0 without, -1 after the host replied. */
int dg_scalar(lgvo_request *req, const char *sql, int n, const char *const *params, char *out,
              size_t outlen);
/* Runs sql (one text cell of JSON) and replies status with it, or 404 with not_found when
 * there is no row or the cell is NULL. */
void dg_reply_sql_json(lgvo_request *req, int status, const char *sql, int nparams,
                       const char *const *params, const char *not_found);
/* Runs sql (one text cell of JSON) and returns the parsed document (caller decrefs), or NULL:
 * *replied says whether the host replied (else: no row, NULL cell). */
json_t *dg_sql_json(lgvo_request *req, const char *sql, int nparams, const char *const *params,
                    int *replied);

/* ---- dates.c ---- */

struct dg_date {
    int year, month, day;
};

struct dg_date dg_today(void);
int dg_date_cmp(struct dg_date a, struct dg_date b);
/* "YYYY-MM-DD" (a real calendar day). Returns 0 or -1. */
int dg_parse_date(const char *s, struct dg_date *out);
void dg_format_date(struct dg_date d, char out[11]);
/* A date member: "YYYY-MM-DD", from 2000 on, not after today unless future_ok. Returns 0 with
 * *out, or -1 (absent: error only when required; *out untouched). */
int dg_date_member(json_t *errors, json_t *v, const char *path, int future_ok, int required,
                   struct dg_date *out);
/* A period of the core (2025, 2025H1, 2025T1, 2025Q1, 2025-03, 2025-W09): its type ("year",
 * "half", "tertial", "quarter", "month", "week") and first day. Returns 0 or -1. */
int dg_parse_period(const char *s, const char **type, struct dg_date *start);

/* ---- text.c ---- */

size_t dg_chars(const char *s);
int dg_blank(const char *s);
/* 1 when s holds something that looks like a Swedish personal identity number or
 * coordination number (10 or 12 digits with a plausible date and a valid check digit). */
int dg_has_personal_number(const char *s);
/* A JSON pointer segment for an object key: ~ and / escaped (RFC 6901), control characters
 * as ?, at most 120 bytes, cut between characters. */
void dg_pointer_segment(const char *key, char out[128]);

/* ---- borda.c ---- */

/* The tie-break that decided the order of two needs with equal points. */
enum dg_decided { DG_BY_POINTS = 0, DG_BY_PLACE, DG_BY_ID };

struct dg_borda {
    size_t n;              /* needs */
    long *ids;             /* need ids, as given (borrowed from the caller) */
    long *points;          /* per need (index into ids) */
    long *places;          /* n × n: places[i * n + k] = ballots ranking need i at place k */
    size_t *order;         /* need indexes, first to last */
};

/* Counts ballots (each a permutation of 0..n-1: ballot[b * n + k] = the need at place k) and
 * orders the needs: points (n-1 for a first place … 0 for the last) descending, then more
 * first places, more second places, …, then the lower id. Returns 0, or -1 when memory runs
 * out. Free with dg_borda_free. */
int dg_borda_count(struct dg_borda *b, size_t n, long *ids, const size_t *ballots, size_t nballots);
void dg_borda_free(struct dg_borda *b);
/* What decided that need a (index) comes before need b (equal points or not); *place gets the
 * place (0-based) for DG_BY_PLACE. */
enum dg_decided dg_borda_decided(const struct dg_borda *b, size_t a, size_t c, size_t *place);

/* ---- route handlers ---- */

void dg_needs_list(lgvo_request *req, void *ctx);
void dg_need_get(lgvo_request *req, void *ctx);
void dg_need_create(lgvo_request *req, void *ctx);
void dg_need_patch(lgvo_request *req, void *ctx);
void dg_need_merge(lgvo_request *req, void *ctx);
void dg_rounds_list(lgvo_request *req, void *ctx);
void dg_round_get(lgvo_request *req, void *ctx);
void dg_round_create(lgvo_request *req, void *ctx);
void dg_round_patch(lgvo_request *req, void *ctx);
void dg_ballot_put(lgvo_request *req, void *ctx);
void dg_ballot_get(lgvo_request *req, void *ctx);
void dg_round_result(lgvo_request *req, void *ctx);
void dg_tests_list(lgvo_request *req, void *ctx);
void dg_test_get(lgvo_request *req, void *ctx);
void dg_test_create(lgvo_request *req, void *ctx);
void dg_test_patch(lgvo_request *req, void *ctx);
void dg_initiatives_list(lgvo_request *req, void *ctx);
void dg_initiatives_push(lgvo_request *req, void *ctx);
void dg_initiative_delete(lgvo_request *req, void *ctx);
void dg_compass_get(lgvo_request *req, void *ctx);
void dg_compass_put(lgvo_request *req, void *ctx);

/* ---- needs_input.c ---- */

/* A need's members as read from a POST or PATCH body; strings borrowed from the body, JSON
 * members owned (dg_need_input_free). */
struct dg_need_input {
    const char *kind, *title, *description, *status;
    int has_description;    /* description given (null clears it) */
    json_t *areas;          /* [area slug], or NULL */
    json_t *principals;     /* [principal id], or NULL */
    const char *raised_by;  /* POST only */
};
/* Reads the members of body; create: the members of POST (kind, title, areas required),
 * else those of PATCH. Problems go to errors. */
void dg_need_read(json_t *errors, json_t *body, int create, struct dg_need_input *in);
/* Checks that every area slug in in->areas exists (errors at /areas/<i>). Returns 0, or -1
 * after the host replied. */
int dg_need_check_areas(lgvo_request *req, json_t *errors, struct dg_need_input *in);
void dg_need_input_free(struct dg_need_input *in);

#endif
