/* A fixed-size pool of libpq connections. A connection is checked out by exactly one thread
 * at a time; broken connections are replaced on the next checkout, so the service recovers
 * by itself when PostgreSQL comes back. While PostgreSQL is unreachable, checkouts fail fast
 * (POOL_DOWN) instead of queueing behind connection attempts. */
#ifndef LGVO_DB_POOL_H
#define LGVO_DB_POOL_H

#include <libpq-fe.h>
#include <stddef.h>

struct pool;
struct db_conn;

struct pool_options {
    const char *url;          /* libpq URL or key=value string; borrowed for the call */
    int size;
    int acquire_timeout_ms;   /* wait for a free connection at most this long */
    int statement_timeout_ms; /* 0 = none */
};

enum pool_result { POOL_OK = 0, POOL_TIMEOUT = -1, POOL_DOWN = -2 };

struct pool *pool_create(const struct pool_options *opts); /* caller frees with pool_destroy */
void pool_destroy(struct pool *p);

/* Checks out a connection (*out is borrowed until pool_release). */
enum pool_result pool_acquire(struct pool *p, struct db_conn **out);
/* Returns a connection; an open or failed transaction is rolled back, a broken connection is
 * closed and reopened on a later checkout. */
void pool_release(struct pool *p, struct db_conn *c);

/* Opens a new standalone connection with the pool's settings (caller PQfinish'es). Used for
 * migrations and LISTEN. Returns NULL and writes the reason into err on failure. */
PGconn *pool_connect_direct(struct pool *p, char *err, size_t errlen);

/* 1 while the last connection attempt succeeded; the reason of the last failure otherwise. */
int pool_healthy(struct pool *p);
void pool_last_error(struct pool *p, char *out, size_t outlen);

PGconn *db_conn_pg(struct db_conn *c);

/* A statement prepared once per connection on first use. Define as static with the SQL text;
 * `id` starts at 0 and is assigned on first use. */
struct db_stmt {
    const char *sql;
    int nparams;
    int id;
};

/* Runs SQL with text parameters. When the connection turns out to be dead on the first
 * statement after checkout, reconnects once and retries, so a PostgreSQL restart costs no
 * failed request. Returns NULL when the database is unavailable; otherwise a result the
 * caller PQclear's (check its status). */
PGresult *db_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params);
PGresult *db_exec_stmt(struct db_conn *c, struct db_stmt *stmt, const char *const *params);

enum db_error {
    DB_OK = 0,
    DB_UNAVAILABLE,  /* connection lost or cannot connect: 503 */
    DB_CONFLICT,     /* unique violation: 409 */
    DB_RETRY,        /* serialization failure or deadlock: retry the transaction */
    DB_TIMEOUT,      /* statement timeout: 503 */
    DB_FORBIDDEN,    /* row-level security refused the row: 403 */
    DB_INVALID,      /* data exception / check violation: 422 */
    DB_FAILED        /* anything else: 500 */
};
/* Classifies a result (NULL counts as unavailable). */
enum db_error db_classify(struct db_conn *c, const PGresult *r);
int db_ok(const PGresult *r);

#endif
