/* vu.h — internals of the vaxa-upp plugin, shared by its source files (hidden symbols: the
 * only exported one is lgvo_plugin in plugin.c).
 *
 *   vu_util.c      allocation, numbers, dates, periods, JSON pointers, caller, principals
 *   vu_fields.c    strict readers for the members of an input row (row-precise errors)
 *   vu_ingest.c    the write path shared by every POST: shape, duplicates, can_write,
 *                  derived values through host->push_values, storing, host->push_reply
 *   vu_grid.c      small-number suppression over linked tables (primary, shares, totals)
 *   hvb.c          the joint HVB Fyrbylund: placement reasons, occupancy, half-year reports
 *   checks.c       health and dental checks of children placed outside their homes
 *   youth.c        youth health (ungdomshälsa)
 *   sip.c          coordinated individual plans (SIP) and reports of concern
 *   grants.c       state grants, national agreement on mental health and suicide prevention
 *   overview.c     GET /overview
 *
 * Ownership follows lgvo/plugin.h: "borrowed", "stolen", "caller frees". */
#ifndef VU_H
#define VU_H

#include "lgvo/plugin.h"

#include <stddef.h>

#define VU_AREA "vaxa-upp"
#define VU_SLUG "vaxa-upp"
#define VU_FIRST_YEAR 2000
#define VU_MAX_ROWS 1000        /* input rows per POST */
#define VU_MAX_COUNT 1000000LL  /* a count of people or days in one row */
#define VU_MAX_SEK 1000000000000LL
#define VU_NONE ((size_t)-1)

/* The host table, set in init and never changed afterwards. */
extern const lgvo_host *vu_host;

/* ---- vu_util.c ---- */

/* Allocation that aborts on failure (as the host does): never returns NULL. */
void *vu_alloc(size_t count, size_t size);
void *vu_grow(void *p, size_t count, size_t size);

/* Decimal text of n into buf (at least 24 bytes); returns buf. */
const char *vu_itoa(char *buf, long long n);

/* Today (UTC) as year, month, day. */
void vu_today(int *year, int *month, int *day);
int vu_current_year(void);
/* Days in half-year 1 or 2 of year. */
int vu_days_in_half(int year, int half);

/* Reporting periods: 'H' (half, 1-2), 'T' (tertial, 1-3), 'Q' (quarter, 1-4). */
int vu_period_parts(char type);
/* Parses "2025H1"-style text of type. Returns 0, or -1 when it is not such a period. */
int vu_period_parse(const char *text, char type, int *year, int *part);
/* The first month of part of a period type. */
int vu_period_first_month(char type, int part);
/* Formats "2025H1" into out (at least 8 bytes); returns out. */
const char *vu_period_format(char *out, char type, int year, int part);

/* Parses "YYYY-MM-DD" (a real date). Returns 0 or -1. */
int vu_date_parse(const char *text, int *year, int *month, int *day);
/* Compares two dates given as y, m, d: <0, 0, >0. */
int vu_date_cmp(int y1, int m1, int d1, int y2, int m2, int d2);

/* Appends key to out (size outlen) as a JSON Pointer token (~ and / escaped), cut to at most
 * 60 bytes at a character boundary. */
void vu_pointer_token(char *out, size_t outlen, const char *key);

/* The caller: principal id (0 when none) and whether it sees every principal's figures. */
struct vu_viewer {
    int principal_id;
    int sees_all;       /* county_admin */
    const char *subject; /* borrowed for the handler call; may be NULL */
};
void vu_viewer_get(lgvo_request *req, struct vu_viewer *out);

/* The principals, in their sort order, read from core.principals in the request's
 * transaction. Free with vu_principals_free. */
struct vu_principal {
    int id;
    char slug[48];
    char name[96];
    int is_region;
};
struct vu_principals {
    struct vu_principal *items;
    size_t count;
};
/* Returns 0, or -1 after the host replied. */
int vu_principals_load(lgvo_request *req, struct vu_principals *out);
void vu_principals_free(struct vu_principals *ps);
/* Index of principal id, or VU_NONE. */
size_t vu_principals_index(const struct vu_principals *ps, int id);

/* Reads ?year= (required, VU_FIRST_YEAR..9999). Returns 0, or -1 after replying 400. */
int vu_query_year(lgvo_request *req, int *year);

/* Replies 400 invalid_query for one parameter. */
void vu_reply_bad_query(lgvo_request *req, const char *name, const char *message);

/* Replies with body (stolen); a NULL body (json_pack refused a text) becomes a 500 reply. */
void vu_reply(lgvo_request *req, int status, json_t *body /* stolen */);

/* ---- vu_fields.c: strict readers over one input row ---- */

/* The errors of a write, [{"index","path","code","message"}] (owned by the struct). */
struct vu_errors {
    json_t *list;
    const char *collection; /* borrowed: the input array's name */
};
/* Records an error for row index; member and key (may be NULL) form the path
 * "/<collection>/<index>[/<member>][/<key>]": member is one of the plugin's own names (it may
 * span levels, "visits/13-17"), key comes from the input and is escaped as a JSON Pointer
 * token. */
void vu_error(struct vu_errors *e, size_t index, const char *member, const char *key,
              const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* One input row being read. */
struct vu_row {
    struct vu_errors *e;
    size_t index;
    json_t *obj;  /* borrowed: the row's object */
    int bad;      /* set by every error recorded through the readers below */
};
void vu_row_error(struct vu_row *r, const char *member, const char *key, const char *code,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Refuses members not in allowed (NULL-terminated): unknown_field. */
void vu_only_members(struct vu_row *r, const char *const *allowed);

/* A required count: a JSON integer 0..max. Returns 0 with *out, or -1 (error recorded). */
int vu_count(struct vu_row *r, const char *member, long long max, long long *out);
/* The same for one key of a member object (path /member/key). */
int vu_count_in(struct vu_row *r, const char *member, const char *key, json_t *v, long long max,
                long long *out);

/* A required or optional string of 1..max characters (no control characters except newlines
 * and tabs). *out is borrowed from the row (NULL when absent and optional). Returns 0, or -1. */
int vu_text(struct vu_row *r, const char *member, size_t max, int required, const char **out);
/* The same checks for a value v at /member/key. */
int vu_text_value(struct vu_row *r, const char *member, const char *key, json_t *v, size_t max,
                  const char **out);
/* An optional array of distinct strings (1..max_chars characters each, at most max_items),
 * each one of allowed (NULL-terminated) unless allowed is NULL. *out is the array (borrowed)
 * or NULL when absent. Returns 0, or -1. */
int vu_string_list(struct vu_row *r, const char *member, size_t max_items, size_t max_chars,
                   const char *const *allowed, json_t **out);

/* The principal (slug or official code). kinds: "municipality" or NULL (any). Returns 0 with
 * *out filled (strings copied), or -1. */
struct vu_who {
    int id;
    char slug[48];
};
int vu_principal(struct vu_row *r, const char *member, const char *kinds, struct vu_who *out);

/* A period of type ('H', 'T', 'Q') that has started and is not before VU_FIRST_YEAR. */
int vu_period(struct vu_row *r, const char *member, char type, int *year, int *part);
/* A year (JSON integer) VU_FIRST_YEAR..this year. */
int vu_year(struct vu_row *r, const char *member, int *year);

/* A breakdown object {key: count}: keys must be in keys[0..nkeys), each at most once
 * (JSON objects cannot repeat keys: the host rejects duplicate keys); counts are added into
 * out[k]. Missing keys count as zero. An unknown key is reported by unknown(ctx, r, member,
 * key), or as unknown_key when unknown is NULL. When sum is not NULL it receives the total.
 * Returns 0, or -1 when the member is missing, not an object, or any entry is bad. */
typedef void (*vu_unknown_key)(void *ctx, struct vu_row *r, const char *member, const char *key);
int vu_breakdown(struct vu_row *r, const char *member, const char *const *keys, size_t nkeys,
                 long long max, long long *out, long long *sum, vu_unknown_key unknown, void *ctx);

/* Records sum_mismatch at member when sum != expected. */
void vu_check_sum(struct vu_row *r, const char *member, long long sum, long long expected,
                  const char *what_parts, const char *what_total);

/* ---- vu_ingest.c: the shared write path ---- */

/* The first member of every parsed row struct. */
struct vu_head {
    struct vu_who who; /* the principal whose data the row is (id 0 when unknown) */
    int ok;            /* no error recorded for the row */
};

/* Who writes, for updated_by and request_id columns (borrowed for the handler call). */
struct vu_writer {
    const char *subject;
    const char *request_id;
    int sees_all;
};

struct vu_dataset {
    const char *collection; /* the input array's member name, e.g. "occupancy" */
    size_t row_size;        /* sizeof the parsed row (starts with struct vu_head) */
    /* Reads and checks one input row into row (zeroed); errors through r. */
    void (*parse)(struct vu_row *r, void *row, void *ctx);
    /* 1 when two rows have the same key (only called for rows that parsed). */
    int (*same_key)(const void *a, const void *b);
    /* Optional: checks between a row and the earlier rows of the push or stored data (run
     * after every principal was approved). Returns 0, or -1 after the host replied. */
    int (*relate)(lgvo_request *req, struct vu_row *r, void *row, const void *rows, size_t n,
                  void *ctx);
    /* Optional: appends the row's derived values ({"measure",…,"source": index}). */
    void (*derive)(const void *row, size_t index, json_t *values);
    /* Stores a row that was not rejected. Returns 0, or -1 after the host replied. */
    int (*store)(lgvo_request *req, const void *row, const struct vu_writer *w, void *ctx);
    /* Optional: extra members of the answer (caller frees), given the stored rows. */
    json_t *(*extra)(lgvo_request *req, const void *rows, size_t n, const unsigned char *stored,
                     void *ctx);
};

/* Handles a POST of ds: replies in every case. ctx is handed to the dataset's functions. */
void vu_ingest(lgvo_request *req, const struct vu_dataset *ds, void *ctx);

/* A derived value row for host->push_values (caller frees). */
json_t *vu_value_count(const char *measure, const char *principal, const char *period,
                       long long value, size_t source);
json_t *vu_value_ratio(const char *measure, const char *principal, const char *period,
                       long long numerator, long long denominator, size_t source);
json_t *vu_value_real(const char *measure, const char *principal, const char *period,
                      double value, size_t source);

/* Shared SQL parameter texts for a row (valid until the row's store returns). */
struct vu_params {
    char buf[24][24];
    int n;
};
const char *vu_param_int(struct vu_params *p, long long v);

/* ---- vu_grid.c: small numbers ---- */

/* A grid of figures shown to one caller: cells (figures), relations (sums: a total and its
 * parts), and the rows the core publishes through /api/v1/values for the same figures. */
struct vu_grid;
struct vu_grid *vu_grid_new(const struct vu_viewer *viewer);
void vu_grid_free(struct vu_grid *g);
/* Adds a cell owned by principal owner (0: a county total); restricted: a count of people or
 * days (1-4 are hidden from others). Returns its index. */
size_t vu_cell(struct vu_grid *g, int owner, long long value, int present, int restricted);
void vu_cell_set(struct vu_grid *g, size_t cell, long long value);
/* A relation total = Σ parts (cells may be absent; they are left out). */
void vu_relation(struct vu_grid *g, size_t total, const size_t *parts, size_t nparts);
/* A row the core publishes: a (and b, or VU_NONE), shown by the core unless a or b is 1-4
 * for the caller. Returns the row's index. */
size_t vu_core_row(struct vu_grid *g, size_t a, size_t b);
/* The core's county total of rows [first, first+count): a (and b) are shown by the core
 * unless exactly one of those rows is hidden. */
void vu_core_county(struct vu_grid *g, size_t a, size_t b, size_t first, size_t count);
size_t vu_core_rows(const struct vu_grid *g);
/* Applies the rule for the grid's caller (no-op for county_admin). */
void vu_grid_suppress(struct vu_grid *g);
/* {"value": n|null, "suppressed": bool} (caller frees). */
json_t *vu_cell_json(const struct vu_grid *g, size_t cell);
/* {"value": percent|null, "suppressed": bool}: suppressed when either cell is. */
json_t *vu_share_json(const struct vu_grid *g, size_t numerator, size_t denominator);

/* A table over the grid: records (principal p or the county, slot s) × columns c, where the
 * slots are the periods of a year and, optionally, the year itself ("annual"). */
struct vu_col {
    const char *name;
    int snapshot; /* the annual value is the last period's (e.g. ongoing at the end) */
    int core;     /* the core publishes the periods' values of this column (plain counts) */
};
struct vu_group {
    size_t total;   /* column of the total */
    size_t first;   /* first part column */
    size_t nparts;
    size_t stride;  /* columns between parts (0 means 1) */
};
struct vu_table {
    struct vu_grid *g;
    size_t nprin;   /* principals; index nprin is the county */
    size_t nperiod; /* periods of the year */
    size_t nslot;   /* nperiod (+1 when annual) */
    int annual;
    size_t ncol;
    const struct vu_col *cols;
    const struct vu_group *groups;
    size_t ngroups;
    size_t base;    /* first cell */
};
/* Creates the cells (absent, zero) of every record. owners[p]: principal ids. */
void vu_table_init(struct vu_table *t, struct vu_grid *g, const int *owners, size_t nprin,
                   size_t nperiod, int annual, const struct vu_col *cols, size_t ncol,
                   const struct vu_group *groups, size_t ngroups);
size_t vu_tcell(const struct vu_table *t, size_t p, size_t s, size_t c);
/* Sets a principal's period value (marks the record present). */
void vu_table_put(struct vu_table *t, size_t p, size_t s, size_t c, long long v);
/* Computes the annual and county cells and adds the relations and core rows. */
void vu_table_finish(struct vu_table *t);
/* 1 when the record (p, s) has data. */
int vu_table_present(const struct vu_table *t, size_t p, size_t s);

/* ---- the datasets (routes registered in plugin.c) ---- */

void vu_hvb_reasons_get(lgvo_request *req, void *ctx);
void vu_hvb_reason_put(lgvo_request *req, void *ctx);
void vu_hvb_occupancy_post(lgvo_request *req, void *ctx);
void vu_hvb_occupancy_get(lgvo_request *req, void *ctx);
void vu_hvb_reports_post(lgvo_request *req, void *ctx);
void vu_hvb_reports_get(lgvo_request *req, void *ctx);
void vu_checks_post(lgvo_request *req, void *ctx);
void vu_checks_get(lgvo_request *req, void *ctx);
void vu_youth_post(lgvo_request *req, void *ctx);
void vu_youth_get(lgvo_request *req, void *ctx);
void vu_sip_post(lgvo_request *req, void *ctx);
void vu_sip_get(lgvo_request *req, void *ctx);
void vu_concern_post(lgvo_request *req, void *ctx);
void vu_concern_get(lgvo_request *req, void *ctx);
void vu_grants_post(lgvo_request *req, void *ctx);
void vu_grants_get(lgvo_request *req, void *ctx);
void vu_overview_get(lgvo_request *req, void *ctx);

/* Sections shared by the dataset GETs and the overview. Each loads one year's data, builds
 * its grid for the caller and renders per principal (index into ps) and the county.
 * Returns NULL after the host replied (database error). Caller frees with *_free. */
struct vu_hvb_view;
struct vu_hvb_view *vu_hvb_view_load(lgvo_request *req, const struct vu_principals *ps,
                                     const struct vu_viewer *viewer, int year);
json_t *vu_hvb_annual_json(const struct vu_hvb_view *v, size_t p); /* p: index or ps->count (county); NULL when absent */
json_t *vu_hvb_summary_json(const struct vu_hvb_view *v);
void vu_hvb_view_free(struct vu_hvb_view *v);

struct vu_checks_view;
struct vu_checks_view *vu_checks_view_load(lgvo_request *req, const struct vu_principals *ps,
                                           const struct vu_viewer *viewer, int year);
json_t *vu_checks_json(const struct vu_checks_view *v, size_t p);
void vu_checks_view_free(struct vu_checks_view *v);

struct vu_sip_view;
struct vu_sip_view *vu_sip_view_load(lgvo_request *req, const struct vu_principals *ps,
                                     const struct vu_viewer *viewer, int year);
json_t *vu_sip_json(const struct vu_sip_view *v, size_t p);
void vu_sip_view_free(struct vu_sip_view *v);

struct vu_concern_view;
struct vu_concern_view *vu_concern_view_load(lgvo_request *req, const struct vu_principals *ps,
                                             const struct vu_viewer *viewer, int year);
json_t *vu_concern_json(const struct vu_concern_view *v, size_t p);
void vu_concern_view_free(struct vu_concern_view *v);

struct vu_youth_view;
struct vu_youth_view *vu_youth_view_load(lgvo_request *req, const struct vu_principals *ps,
                                         const struct vu_viewer *viewer, int year);
json_t *vu_youth_json(const struct vu_youth_view *v, size_t p);
void vu_youth_view_free(struct vu_youth_view *v);

struct vu_grants_view;
struct vu_grants_view *vu_grants_view_load(lgvo_request *req, const struct vu_principals *ps,
                                           int year);
json_t *vu_grants_json(const struct vu_grants_view *v, size_t p);
void vu_grants_view_free(struct vu_grants_view *v);

/* The measures this plugin derives (defined in plugin.c). */
#define VU_M_HEALTH_SHARE VU_AREA ".placed-health-exam-share"
#define VU_M_DENTAL_SHARE VU_AREA ".placed-dental-assessment-share"
#define VU_M_YOUTH_13_17 VU_AREA ".youth-health-visits-13-17"
#define VU_M_YOUTH_18_21 VU_AREA ".youth-health-visits-18-21"
#define VU_M_YOUTH_22_25 VU_AREA ".youth-health-visits-22-25"
#define VU_M_YOUTH_FTE VU_AREA ".youth-health-fte"
#define VU_M_SIP VU_AREA ".sip-initiated" /* seeded by the core */
#define VU_M_CONCERN VU_AREA ".concern-reports"
#define VU_M_GRANT_GRANTED VU_AREA ".state-grant-granted"
#define VU_M_GRANT_USED VU_AREA ".state-grant-used"
#define VU_M_GRANT_USE_SHARE VU_AREA ".state-grant-use-share"

#endif
