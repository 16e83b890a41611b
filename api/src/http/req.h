/* The request context handed to every handler, and the ways to answer. A handler reads the
 * request through req_* and answers with exactly one reply_* call; the dispatcher then ends the
 * request's transaction (commit when the status is below 400, else roll back), returns the
 * database connection, sets the common headers and writes the log line. */
#ifndef LGVO_HTTP_REQ_H
#define LGVO_HTTP_REQ_H

#include "auth/identity.h"
#include "http/router.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

struct _u_request;
struct _u_response;
struct app;
struct db_conn;
struct db_stmt;

struct req {
    const struct _u_request *http; /* borrowed from Ulfius */
    struct _u_response *resp;      /* borrowed from Ulfius */
    struct app *app;
    const struct route *route;     /* NULL for 404/405 */
    struct path_params params;
    const char *method;
    const char *path;
    char id[129];
    int64_t start_us;
    json_t *body;                  /* parsed JSON body, owned */
    struct db_conn *db;            /* checked out lazily, returned by the dispatcher */
    int in_tx;
    int rollback;                  /* roll back even on success (dry runs) */
    int status;                    /* 0 until a reply is set */
    struct identity who;
};

/* Reading the request. All returned pointers are borrowed for the request's lifetime. */
const char *req_param(struct req *r, const char *name);  /* path parameter */
const char *req_query(struct req *r, const char *name);  /* query parameter */
const char *req_header(struct req *r, const char *name); /* case-insensitive */
const void *req_raw_body(struct req *r, size_t *len);
/* The body parsed as a JSON object or array (duplicate keys rejected). On a missing or
 * malformed body, replies 400/415 and returns NULL. */
json_t *req_body_json(struct req *r);

/* The request's database connection, checked out on first use. On failure replies 503
 * (with Retry-After) and returns NULL. */
struct db_conn *req_db(struct req *r);
/* Starts the request's transaction (once) and sets the caller's principal for row-level
 * security. Returns 0, or -1 after replying. */
int req_begin(struct req *r);
/* Allows writing rows of principal_id in this transaction (row-level security), after the
 * shared write decision approved it. Returns 0, or -1 after replying. */
int req_allow_write(struct req *r, int principal_id);
/* Runs parameterised SQL on the request's connection. NULL means a reply was already sent
 * (503); otherwise the caller PQclear's the result and checks it (see reply_db_error). */
PGresult *req_sql(struct req *r, const char *sql, int nparams, const char *const *params);
/* The same for a statement prepared once per connection (for hot reads whose planning costs
 * more than their execution). */
PGresult *req_stmt(struct req *r, struct db_stmt *stmt, const char *const *params);
/* req_sql that also answers a failed statement (reply_db_error): returns only successful
 * results (caller PQclear's), NULL after replying. */
PGresult *req_sql_ok(struct req *r, const char *sql, int nparams, const char *const *params);
/* For a query that builds its answer as JSON text in one cell: the parsed value (caller
 * decrefs), or NULL after replying (database unavailable or error). */
json_t *req_sql_json(struct req *r, const char *sql, int nparams, const char *const *params);

/* Answering. */
void req_set_header(struct req *r, const char *name, const char *value);
void reply_json(struct req *r, int status, json_t *body);                   /* steals body */
void reply_raw(struct req *r, int status, const char *content_type, char *body, size_t len);
                                                                             /* steals body */
void reply_empty(struct req *r, int status);
void reply_error(struct req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* details: an array of {"path","message",...} objects; stolen (may be NULL). */
void reply_error_details(struct req *r, int status, const char *code, json_t *details,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Maps a failed database result to 503/409/422/500 and replies. Does not PQclear. */
void reply_db_error(struct req *r, const PGresult *res);

/* The standard error body: {"error":{"status","code","message","details"},"request_id"}.
 * details is borrowed and may be NULL (then []). Returns a string the caller frees. */
char *error_body(int status, const char *code, const char *message, json_t *details,
                 const char *request_id, size_t *len);
const char *error_code_for_status(int status);

/* 1 when s is an acceptable client-supplied X-Request-Id: 1-128 of [A-Za-z0-9._-]. */
int request_id_valid(const char *s);

#endif
