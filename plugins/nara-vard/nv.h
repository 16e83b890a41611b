/* nara-vard: declarations shared by the plugin's source files. Everything here is internal to
 * the .so (hidden visibility); the only exported symbol is lgvo_plugin in plugin.c.
 *
 * Ownership follows lgvo/plugin.h: "borrowed" (do not free), "stolen" (the callee takes it),
 * "caller frees" (with the named function). */
#ifndef NARA_VARD_NV_H
#define NARA_VARD_NV_H

#include "lgvo/plugin.h"

#include <stddef.h>

#define NV_AREA "nara-vard"
#define NV_MAX_ROWS 10000   /* source rows per request */
#define NV_COMMENT_MAX 2000 /* characters, as core.values.comment */
#define NV_FIRST_YEAR 2000  /* as the core: periods start in 2000 */

/* The host table, set once in init and read-only afterwards (borrowed for the plugin's life). */
extern const lgvo_host *nv_host;

/* ---------------------------------------------------------------- dates and periods (nv_period.c) */

typedef struct nv_date {
    int y, m, d;
} nv_date;

typedef enum nv_period_type { NV_WEEK, NV_MONTH, NV_QUARTER, NV_TERTIAL, NV_YEAR, NV_HALF } nv_period_type;

typedef struct nv_period {
    nv_period_type type;
    int year, n;        /* n: week, month, quarter or tertial number; 0 for a year */
    nv_date start, end; /* first and last day */
    char text[16];      /* canonical form: 2025-W09, 2025-03, 2025Q1, 2025T1, 2025, 2025H1 */
    char start_text[11], end_text[11];
} nv_period;

/* Parses the canonical form of a period of type. Returns 0, or -1 (malformed or impossible,
 * e.g. 2025-W53). */
int nv_period_parse(nv_period_type type, const char *s, nv_period *out);
/* The period of type that starts in year (type NV_YEAR) or n-th of the year. Returns 0/-1. */
int nv_period_make(nv_period_type type, int year, int n, nv_period *out);
/* A period of any type (as the core accepts in ?from= and ?to=). Returns 0 or -1. */
int nv_period_parse_any(const char *s, nv_period *out);
const char *nv_period_example(nv_period_type type);
const char *nv_period_name(nv_period_type type);
nv_date nv_today(void); /* UTC, as the core */
int nv_date_cmp(nv_date a, nv_date b);
void nv_date_format(nv_date d, char out[11]);

/* ---------------------------------------------------------------- a batch of input rows (nv_input.c) */

/* One POST of rows: {"<collection>": [ … ]}. The checks record errors by row; the rows that
 * pass become "clean" JSON objects that the area code turns into derived values and stores. */
typedef struct nv_batch {
    lgvo_request *req;      /* borrowed for the handler call */
    const char *collection; /* e.g. "reports"; static string */
    json_t *rows;           /* the input array, borrowed from the body */
    size_t count;
    json_t *errors;         /* [{"index","path","code","message"}]; owned until push */
    unsigned char *bad;     /* per row: an error was recorded; owned */
    json_t *clean;          /* per row: the checked row, or null; owned */
    int *principal_id;      /* per row: the principal named (0 when unknown); owned */
    char (*principal)[48];  /* per row: its slug ("" when unknown); owned */
    json_t *values;         /* derived values for host->push_values; owned */
    lgvo_push_result push;  /* filled by nv_batch_push */
    int pushed;             /* push.push is pending (push_reply must run) */
} nv_batch;

/* Reads the body {"<collection>": [...]} (nothing else); refuses ?mode=replace unless
 * replace_ok (the endpoint then deletes its own rows of the slice with nv_batch_replace).
 * Returns 0, or -1 after replying (400/413/415). On 0 the caller must call nv_batch_free. */
int nv_batch_open(nv_batch *b, lgvo_request *req, const char *collection, int replace_ok);
void nv_batch_free(nv_batch *b);

/* Records an error for row index at "/<collection>/<index><path>" (path "" or "/…"). */
void nv_error(nv_batch *b, size_t index, const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Field readers for row index. base is the JSON path of obj inside the row ("" or "/…").
 * Each returns 1 (read, *out set), 0 (absent or null and optional), or -1 (an error was
 * recorded: missing, wrong_type, out_of_range, …). */
int nv_get_int(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name, int required,
               json_int_t min, json_int_t max, json_int_t *out);
/* A finite number; decimals: the most decimals allowed (-1 = any). text: the number as
 * text, exact for SQL (at least 32 bytes). */
int nv_get_number(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  int required, double min, double max, int decimals, double *out, char *text);
/* A string of at most max characters (optional strings may not be empty either). *out is
 * borrowed from obj. */
int nv_get_string(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  int required, size_t max, const char **out);
int nv_get_bool(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                int required, int *out);
/* One of allowed (NULL-terminated); *out points into allowed. */
int nv_get_enum(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                int required, const char *const *allowed, const char **out);
/* A period of type in canonical form, from 2000 and not in the future (has started). */
int nv_get_period(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                  nv_period_type type, nv_period *out);
/* A year as a JSON integer, from 2000 and not in the future. */
int nv_get_year(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name, int *out);
/* A principal by slug or official code; kind "municipality"/"region" or NULL for any. On 1
 * fills slug (at least 48 bytes) and *id, and remembers the principal for nv_batch_approve. */
int nv_get_principal(nv_batch *b, size_t i, json_t *obj, const char *base, const char *name,
                     const char *kind, int *id, char *slug);
/* Names the principal whose data row i is (for nv_batch_approve), e.g. the region for KPP. */
void nv_batch_set_principal(nv_batch *b, size_t i, int id, const char *slug);
/* Records unknown_field for members of obj not in allowed (NULL-terminated). Returns the
 * number of unknown members. Row index must be an object (else wrong_type, returns -1). */
int nv_check_object(nv_batch *b, size_t i, json_t *obj, const char *base,
                    const char *const *allowed);

/* Duplicate keys: key[i] is row i's key ("" to skip). Records duplicate_row on every repeat,
 * naming the first row and what the key consists of (e.g. "municipality, week"). */
void nv_check_duplicates(nv_batch *b, char (*key)[64], const char *what);

/* The shared write decision for every principal the rows name (host->can_write), also for
 * rows with other errors: a row the caller may not write makes the whole request fail.
 * Returns 0, or -1 after the host replied 403. */
int nv_batch_approve(nv_batch *b, int on_behalf);

/* Appends a derived value for source row src. measure/principal/period/sex are copied;
 * num/den are stolen (den NULL: num is the value). comment may be NULL. */
void nv_value(nv_batch *b, size_t src, const char *measure, const char *principal,
              const char *period, const char *sex, json_t *num, json_t *den, const char *comment);

/* Hands the derived values and the errors to host->push_values. Returns 0 (store the rows
 * nv_kept says, then nv_batch_reply), or -1 when the host has answered. */
int nv_batch_push(nv_batch *b);
/* Whether source row i passed the plugin's checks and was not rejected by the push. */
int nv_kept(const nv_batch *b, size_t i);
/* Approves the kept rows' principals again (a push retried after a deadlock runs in a new
 * transaction) and runs sql with $1 = records (a JSON array, stolen) and $2 = the caller's
 * subject. The statement returns one row: created, updated, unchanged[, deleted]. Fills
 * stored (stolen by nv_batch_reply) with those counts. Returns 0, or -1 when the host has
 * answered (a database error). */
int nv_batch_store(nv_batch *b, int on_behalf, const char *sql, json_t *records, json_t **stored);
/* Whether the request is ?mode=replace&from=&to= (push_values has checked the bounds): then
 * from and to are the slice's first and last day. */
int nv_replacing(const nv_batch *b, char from[11], char to[11]);
/* ?mode=replace, after storing: deletes the endpoint's records within the slice, of the kept
 * rows' principals, that the push does not mention (as the core does with their values), and
 * sets "deleted" in stored (borrowed). start: the member of the clean rows holding the period's
 * first day. sql: $1 principal ids (JSON array), $2 the kept keys [{"principal_id","start"}],
 * $3 the slice's first day, $4 its last; it returns one row with the count. Nothing to do
 * without replace. Returns 0, or -1 after the host replied. */
int nv_batch_replace(nv_batch *b, const char *start, const char *sql, json_t *stored);
/* host->push_reply with extra (stolen, may be NULL). Always frees the pending push. */
void nv_batch_reply(nv_batch *b, json_t *extra);

/* ---------------------------------------------------------------- reading (nv_output.c) */

/* Query parameters of a GET: problems are collected and answered together as the core does
 * (400 invalid_query, details [{"path":"query.<name>","message"}]). */
typedef struct nv_query {
    lgvo_request *req; /* borrowed */
    json_t *errors;    /* owned; NULL while there is none */
} nv_query;

void nv_query_init(nv_query *q, lgvo_request *req);
/* A period bound: *present 0 when absent. On success fills out. */
void nv_query_period(nv_query *q, const char *name, nv_period_type type, nv_period *out,
                     int *present);
/* A principal (slug or code) of kind (or NULL): *id 0 when absent. */
void nv_query_principal(nv_query *q, const char *name, const char *kind, int *id);
/* A year 2000..9999: 0 when absent (required: a problem when absent). */
int nv_query_year(nv_query *q, const char *name, int required);
/* Returns 1 after replying 400 when there were problems (frees them), else 0. */
int nv_query_failed(nv_query *q);

/* SET LOCAL jit = off for the request's transaction: the plugin's statements (and the host's
 * push inside the same request) are short OLTP work, and on tables without planner statistics
 * PostgreSQL's JIT compile alone takes seconds. Returns 0, or -1 after the host replied. */
int nv_no_jit(lgvo_request *req);

/* The caller (struct filled for this call). */
void nv_caller(lgvo_request *req, lgvo_caller *out);

/* A JSON value for a result cell: null, integer or real (from numeric text). New reference. */
json_t *nv_cell_number(const lgvo_result *r, int row, int col);
json_t *nv_cell_string(const lgvo_result *r, int row, int col);
json_t *nv_cell_bool(const lgvo_result *r, int row, int col);
/* Runs a query that returns one row with one column of JSON text, and replies 200 with it.
 * Used by reads that PostgreSQL shapes completely. */
void nv_reply_query_json(lgvo_request *req, const char *sql, int nparams, const char *const *params);
/* reply_json that never hands NULL to the host (500 instead). body stolen. */
void nv_reply(lgvo_request *req, int status, json_t *body);

/* A code list read from the plugin's reference tables (e.g. the plan's activity ids). */
typedef struct nv_codes {
    json_t *values;    /* the strings; owned */
    const char **list; /* NULL-terminated, borrowed from values; owned array */
} nv_codes;
/* Runs sql (one text column). Returns 0, or -1 after the host replied. nv_codes_free after. */
int nv_codes_load(lgvo_request *req, const char *sql, nv_codes *out);
void nv_codes_free(nv_codes *c);

/* ---------------------------------------------------------------- the areas */

int nv_beds_init(const lgvo_host *h);
int nv_discharge_init(const lgvo_host *h);
int nv_falls_init(const lgvo_host *h);
int nv_kpp_init(const lgvo_host *h);
int nv_plan_init(const lgvo_host *h);
int nv_staffing_init(const lgvo_host *h);

/* The validate hook's checks of this plugin's own measures (plugin.c). */
int nv_validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors);

#endif
