/* libpq connection pool; see pool.h. */
#include "db/pool.h"

#include "log.h"
#include "util/clock.h"
#include "util/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* After a failed connection attempt, checkouts fail fast for this long before trying again. */
#define RECONNECT_BACKOFF_US 200000
#define MAX_PREPARED 256

struct db_conn {
    PGconn *pg;
    struct pool *pool;
    int statements; /* run since checkout; a dead connection is retried only before the first */
    unsigned char prepared[MAX_PREPARED / 8];
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db_conn *conns;
    int size;
    int *idle;
    int nidle;
    int acquire_timeout_ms;
    char *url;
    char options[64];
    atomic_llong retry_after_us;
    atomic_int healthy;
    pthread_mutex_t err_mu;
    char last_error[256];
};

static atomic_int next_stmt_id;

static void set_error(struct pool *p, const char *msg)
{
    pthread_mutex_lock(&p->err_mu);
    snprintf(p->last_error, sizeof p->last_error, "%s", msg);
    /* libpq messages end with a newline; the log line should not. */
    size_t n = strlen(p->last_error);
    while (n && (p->last_error[n - 1] == '\n' || p->last_error[n - 1] == ' '))
        p->last_error[--n] = '\0';
    pthread_mutex_unlock(&p->err_mu);
}

struct pool *pool_create(const struct pool_options *opts)
{
    struct pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->err_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    p->size = opts->size;
    p->acquire_timeout_ms = opts->acquire_timeout_ms;
    p->url = xstrdup(opts->url);
    snprintf(p->options, sizeof p->options, "-c statement_timeout=%d -c jit=off", opts->statement_timeout_ms);
    p->conns = xcalloc((size_t)p->size, sizeof *p->conns);
    p->idle = xcalloc((size_t)p->size, sizeof *p->idle);
    for (int i = 0; i < p->size; i++) {
        p->conns[i].pool = p;
        p->idle[i] = p->size - 1 - i;
    }
    p->nidle = p->size;
    atomic_store(&p->healthy, 1);
    return p;
}

void pool_destroy(struct pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->size; i++)
        if (p->conns[i].pg)
            PQfinish(p->conns[i].pg);
    free(p->conns);
    free(p->idle);
    free(p->url);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->err_mu);
    free(p);
}

/* PostgreSQL notices (e.g. "schema already exists, skipping") go to the debug log instead
 * of libpq's default plain-text stderr output. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    if (!log_enabled(LOG_DEBUG))
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", message);
    msg[strcspn(msg, "\n")] = '\0';
    log_msg(LOG_DEBUG, "postgresql: %s", msg);
}

static PGconn *connect_with(struct pool *p)
{
    /* The URL's own settings win over our defaults (it comes later with expand_dbname),
     * except the statement timeout and application name, which the service owns. */
    const char *keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "dbname", "application_name", "options", NULL};
    const char *vals[] = {"2", "10", "5", "3", p->url, "lgvo-api", p->options, NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    PQsetNoticeProcessor(pg, on_notice, NULL);
    return pg;
}

PGconn *pool_connect_direct(struct pool *p, char *err, size_t errlen)
{
    PGconn *pg = connect_with(p);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(pg));
        size_t n = strlen(err);
        while (n && err[n - 1] == '\n')
            err[--n] = '\0';
        PQfinish(pg);
        return NULL;
    }
    return pg;
}

/* (Re)opens c's connection. Returns 0 or -1 (the pool is then marked down for a moment). */
static int reconnect(struct db_conn *c)
{
    struct pool *p = c->pool;
    if (c->pg)
        PQfinish(c->pg);
    memset(c->prepared, 0, sizeof c->prepared);
    c->pg = connect_with(p);
    if (PQstatus(c->pg) == CONNECTION_OK) {
        if (!atomic_exchange(&p->healthy, 1))
            log_msg(LOG_INFO, "database connection restored");
        return 0;
    }
    set_error(p, PQerrorMessage(c->pg));
    PQfinish(c->pg);
    c->pg = NULL;
    atomic_store(&p->retry_after_us, clock_mono_us() + RECONNECT_BACKOFF_US);
    if (atomic_exchange(&p->healthy, 0)) {
        char msg[256];
        pool_last_error(p, msg, sizeof msg);
        log_msg(LOG_ERROR, "database unavailable: %s", msg);
    }
    return -1;
}

static void put_back(struct pool *p, struct db_conn *c)
{
    pthread_mutex_lock(&p->mu);
    p->idle[p->nidle++] = (int)(c - p->conns);
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

enum pool_result pool_acquire(struct pool *p, struct db_conn **out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += p->acquire_timeout_ms / 1000;
    deadline.tv_nsec += (long)(p->acquire_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&p->mu);
    while (p->nidle == 0) {
        if (pthread_cond_timedwait(&p->cv, &p->mu, &deadline) == ETIMEDOUT && p->nidle == 0) {
            pthread_mutex_unlock(&p->mu);
            return POOL_TIMEOUT;
        }
    }
    struct db_conn *c = &p->conns[p->idle[--p->nidle]];
    pthread_mutex_unlock(&p->mu);

    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        if (clock_mono_us() < atomic_load(&p->retry_after_us) || reconnect(c) != 0) {
            put_back(p, c);
            return POOL_DOWN;
        }
    }
    c->statements = 0;
    *out = c;
    return POOL_OK;
}

void pool_release(struct pool *p, struct db_conn *c)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK) {
        PGTransactionStatusType ts = PQtransactionStatus(c->pg);
        if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
            PQclear(PQexec(c->pg, "ROLLBACK"));
        if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
            PQfinish(c->pg);
            c->pg = NULL;
        }
    } else if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    put_back(p, c);
}

int pool_healthy(struct pool *p)
{
    return atomic_load(&p->healthy);
}

void pool_last_error(struct pool *p, char *out, size_t outlen)
{
    pthread_mutex_lock(&p->err_mu);
    snprintf(out, outlen, "%s", p->last_error[0] ? p->last_error : "unknown error");
    pthread_mutex_unlock(&p->err_mu);
}

PGconn *db_conn_pg(struct db_conn *c)
{
    return c->pg;
}

int db_ok(const PGresult *r)
{
    if (!r)
        return 0;
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN;
}

/* True when r failed because the connection is gone and a fresh connection may succeed. */
static int lost_connection(struct db_conn *c, const PGresult *r)
{
    if (PQstatus(c->pg) != CONNECTION_OK)
        return 1;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* admin_shutdown, crash_shutdown, cannot_connect_now */
    return state && (strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
                     strcmp(state, "57P03") == 0);
}

static int ensure_prepared(struct db_conn *c, struct db_stmt *s, char *name, size_t namelen)
{
    int id = __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);
    if (id == 0) {
        int fresh = atomic_fetch_add(&next_stmt_id, 1) + 1;
        int expected = 0;
        if (__atomic_compare_exchange_n(&s->id, &expected, fresh, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            id = fresh;
        else
            id = expected;
    }
    if (id >= MAX_PREPARED)
        return -1; /* beyond the cache: run unnamed */
    snprintf(name, namelen, "lgvo_s%d", id);
    if (c->prepared[id / 8] & (1u << (id % 8)))
        return 1;
    PGresult *r = PQprepare(c->pg, name, s->sql, s->nparams, NULL);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
        return -2;
    c->prepared[id / 8] |= (unsigned char)(1u << (id % 8));
    return 1;
}

static PGresult *run_once(struct db_conn *c, const char *sql, struct db_stmt *stmt, int n,
                          const char *const *params)
{
    if (stmt) {
        char name[32];
        int prep = ensure_prepared(c, stmt, name, sizeof name);
        if (prep == 1)
            return PQexecPrepared(c->pg, name, n, params, NULL, NULL, 0);
        if (prep == -2 && PQstatus(c->pg) != CONNECTION_OK)
            return NULL;
        sql = stmt->sql;
    }
    return PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
}

static PGresult *run(struct db_conn *c, const char *sql, struct db_stmt *stmt, int n,
                     const char *const *params)
{
    if (!c->pg && reconnect(c) != 0)
        return NULL;
    PGresult *r = run_once(c, sql, stmt, n, params);
    if (!db_ok(r) && c->statements == 0 && lost_connection(c, r)) {
        PQclear(r);
        if (reconnect(c) != 0)
            return NULL;
        r = run_once(c, sql, stmt, n, params);
    }
    c->statements++;
    if (!db_ok(r) && PQstatus(c->pg) != CONNECTION_OK) {
        set_error(c->pool, PQerrorMessage(c->pg));
        PQclear(r);
        return NULL;
    }
    return r;
}

PGresult *db_exec(struct db_conn *c, const char *sql, int nparams, const char *const *params)
{
    return run(c, sql, NULL, nparams, params);
}

PGresult *db_exec_stmt(struct db_conn *c, struct db_stmt *stmt, const char *const *params)
{
    return run(c, NULL, stmt, stmt->nparams, params);
}

enum db_error db_classify(struct db_conn *c, const PGresult *r)
{
    if (!r)
        return DB_UNAVAILABLE;
    if (db_ok(r))
        return DB_OK;
    if (c && lost_connection(c, r))
        return DB_UNAVAILABLE;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (!state)
        return DB_FAILED;
    if (strcmp(state, "23505") == 0)
        return DB_CONFLICT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return DB_RETRY;
    if (strcmp(state, "57014") == 0)
        return DB_TIMEOUT;
    if (strcmp(state, "42501") == 0)
        return DB_FORBIDDEN;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
        return DB_INVALID;
    if (strncmp(state, "08", 2) == 0)
        return DB_UNAVAILABLE;
    return DB_FAILED;
}
