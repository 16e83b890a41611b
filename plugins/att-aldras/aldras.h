/* Internal declarations of the att-aldras plugin (Att åldras). Everything here has hidden
 * visibility: the plugin exports only lgvo_plugin (plugin.c).
 *
 * Files:
 *   plugin.c      descriptor, init (routes, measures), the validate hook, GET /
 *   measures.c    the area's measure definitions (host->define_measure)
 *   util.c        small helpers: error lists, JSON fields, dates and periods, principals
 *   hospital.c    POST/GET /hospital-reports (the region's monthly push, derived shares)
 *   care.c        POST/GET /care-levels (yearly contacts per care level, rates per 1,000)
 *   networks.c    GET/POST/PATCH /networks (county networks, representatives, follow-up)
 *   overview.c    GET /overview (municipalities against the county)
 */
#ifndef ATT_ALDRAS_H
#define ATT_ALDRAS_H

#include "lgvo/plugin.h"

#include <jansson.h>
#include <stddef.h>

#define AA_AREA "att-aldras"
#define AA_REGION "region-ostergotland"
#define AA_FIRST_YEAR 2000
#define AA_MAX_ROWS 20000          /* source rows per push request (more: 413) */
#define AA_MAX_COUNT 1000000000LL  /* upper bound of any count */

/* The host table, set once in init; valid until shutdown. */
extern const lgvo_host *aa_host;

/* Measure slugs derived by the plugin. */
#define AA_M_READM_48H AA_AREA ".readmissions-48h"
#define AA_M_READM_30D AA_AREA ".readmissions-30d"
#define AA_M_ED_NOT_ADMITTED AA_AREA ".ed-visits-not-admitted"

/* ---- measures.c ---- */

/* Defines every measure of the area through host->define_measure. Returns 0 or -1. */
int aa_define_measures(const lgvo_host *host);
/* 1 when numerator and denominator of slug are counts of people or events (whole numbers):
 * the readmission and emergency-visit shares and the care-level rates. */
int aa_measure_counts(const char *slug);

/* ---- util.c: row errors ---- */

/* Appends {"index","path","code","message"} to errors (a JSON array, borrowed) for source row
 * index of collection; field may be NULL (the whole row). */
void aa_row_error(json_t *errors, const char *collection, size_t index, const char *field,
                  const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Appends {"path","code","message"} (path is a JSON pointer such as "/title"). */
void aa_error(json_t *errors, const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Query-string problems, answered as the core answers them: 400 invalid_query with details
 * [{"path":"query.<name>","message"}]. aa_query_problem creates *problems on first use;
 * aa_query_failed replies when there are problems (and frees them) and returns 1. */
void aa_query_problem(json_t **problems, const char *name, const char *message);
int aa_query_failed(lgvo_request *req, json_t *problems);

/* ---- util.c: JSON input ---- */

/* A JSON pointer segment for an object key: ~ and / escaped (RFC 6901), control characters
 * as ?, at most 120 bytes, cut between characters. */
void aa_pointer_segment(const char *key, char out[128]);
/* Reports every member of obj not in allowed (NULL-terminated) as unknown_field at
 * <base>/<name> (base "" for the body itself); with index >= 0 the error also carries
 * "index". Returns the number of unknown members. */
int aa_unknown_members(json_t *errors, const char *base, long index, json_t *obj,
                       const char *const *allowed);
/* The same for row index of collection (base "/<collection>/<index>"). */
int aa_unknown_fields(json_t *errors, const char *collection, size_t index, json_t *obj,
                      const char *const *allowed);
/* Reads a required whole number in [0, max] from obj[field]. Returns 0 with *out, or -1 after
 * recording the error. */
int aa_count_field(json_t *errors, const char *collection, size_t index, json_t *obj,
                   const char *field, long long max, long long *out);
/* Parses the whole body {"<collection>":[…]} (nothing else). Returns the array (borrowed from
 * the body), or NULL after replying 400/413/415. */
json_t *aa_body_rows(lgvo_request *req, const char *collection);

/* ---- util.c: dates and periods ---- */

struct aa_date {
    int year, month, day;
};

struct aa_date aa_today(void);
int aa_date_cmp(struct aa_date a, struct aa_date b);
/* "YYYY-MM-DD" (a real calendar day). Returns 0 or -1. */
int aa_parse_date(const char *s, struct aa_date *out);
/* "YYYY-MM". Returns 0 with the first day of the month, or -1. */
int aa_parse_month(const char *s, struct aa_date *out);
/* Any period form of the core (2025, 2025H1, 2025T1, 2025Q1, 2025-03, 2025-W09): its first
 * and last day. Returns 0 or -1. */
int aa_period_bounds(const char *s, struct aa_date *start, struct aa_date *end);
void aa_format_date(struct aa_date d, char out[11]);

/* ---- util.c: principals and callers ---- */

struct aa_principal {
    int id;
    char slug[48];
    char name[96];
    int is_municipality;
};

/* Looks a principal up by slug or code (copies what the host lends). Returns 0 or -1. */
int aa_principal(const char *slug_or_code, struct aa_principal *out);
/* Reads obj["municipality"]: one of the 13 municipalities (slug or kommunkod). Returns 0, or
 * -1 after recording the error (missing, not_a_municipality). */
int aa_municipality_field(json_t *errors, const char *collection, size_t index, json_t *obj,
                          struct aa_principal *out);
/* 1 when the caller is a county_admin. */
int aa_is_county_admin(lgvo_request *req);

/* ---- util.c: text ---- */

/* 1 when s contains something that looks like a Swedish personal identity number or
 * coordination number (10 or 12 digits, optional - or + before the last four, a plausible
 * date, a valid check digit). */
int aa_has_personal_number(const char *s);
/* Number of UTF-8 characters in s. */
size_t aa_chars(const char *s);
/* A JSON number from a numeric text cell (NULL → null). New reference. */
json_t *aa_number(const char *text);

/* ---- derived pushes (hospital.c, care.c) ---- */

/* The counts of the plugin's own rows in a push answer. */
struct aa_counts {
    long created, updated, unchanged, deleted;
};

/* ---- route handlers ---- */

void aa_hospital_push(lgvo_request *req, void *ctx);
void aa_hospital_list(lgvo_request *req, void *ctx);
void aa_care_push(lgvo_request *req, void *ctx);
void aa_care_list(lgvo_request *req, void *ctx);
void aa_networks_list(lgvo_request *req, void *ctx);
void aa_network_get(lgvo_request *req, void *ctx);
void aa_network_create(lgvo_request *req, void *ctx);
void aa_network_patch(lgvo_request *req, void *ctx);
void aa_overview(lgvo_request *req, void *ctx);

/* ---- shared read helper ---- */

/* Runs sql (which returns one text cell of JSON) and replies 200 with it, or with status 404
 * and message when the cell is NULL. */
void aa_reply_sql_json(lgvo_request *req, const char *sql, int nparams, const char *const *params,
                       const char *not_found);

#endif
