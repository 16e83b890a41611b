/* LISTEN/NOTIFY thread; see listener.h. */
#include "db/listener.h"

#include "db/pool.h"
#include "log.h"
#include "util/mem.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHANNELS 8
#define RETRY_MS 500

struct channel {
    char name[64];
    listener_fn fn;
    void *ctx;
};

struct listener {
    struct pool *pool;
    struct channel channels[MAX_CHANNELS];
    int count;
    pthread_t thread;
    int started;
    int wake[2]; /* self-pipe: written to stop the thread */
    atomic_int stop;
};

struct listener *listener_create(struct pool *pool)
{
    struct listener *l = xcalloc(1, sizeof *l);
    l->pool = pool;
    l->wake[0] = l->wake[1] = -1;
    return l;
}

void listener_add(struct listener *l, const char *channel, listener_fn fn, void *ctx)
{
    if (l->count == MAX_CHANNELS)
        abort(); /* a programming error, found at start-up */
    struct channel *c = &l->channels[l->count++];
    snprintf(c->name, sizeof c->name, "%s", channel);
    c->fn = fn;
    c->ctx = ctx;
}

static int subscribe(struct listener *l, PGconn *pg)
{
    for (int i = 0; i < l->count; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "LISTEN %s", l->channels[i].name);
        PGresult *r = PQexec(pg, sql);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            return -1;
    }
    for (int i = 0; i < l->count; i++)
        l->channels[i].fn(l->channels[i].ctx, pg, NULL);
    return 0;
}

/* Waits for notifications until the connection fails or the listener stops. */
static void serve_connection(struct listener *l, PGconn *pg)
{
    while (!atomic_load(&l->stop)) {
        struct pollfd fds[2] = {{PQsocket(pg), POLLIN, 0}, {l->wake[0], POLLIN, 0}};
        int n = poll(fds, 2, 1000);
        if (n < 0)
            continue;
        if (fds[1].revents)
            return;
        if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK)
            return;
        PGnotify *note;
        while ((note = PQnotifies(pg)) != NULL) {
            for (int i = 0; i < l->count; i++)
                if (strcmp(note->relname, l->channels[i].name) == 0)
                    l->channels[i].fn(l->channels[i].ctx, pg, note->extra);
            PQfreemem(note);
        }
    }
}

static void *run(void *arg)
{
    struct listener *l = arg;
    int failures = 0;
    while (!atomic_load(&l->stop)) {
        char err[256];
        PGconn *pg = pool_connect_direct(l->pool, err, sizeof err);
        if (pg && subscribe(l, pg) == 0) {
            if (failures)
                log_msg(LOG_INFO, "change listener reconnected");
            failures = 0;
            serve_connection(l, pg);
        } else if (!failures++) {
            log_msg(LOG_WARN, "change listener cannot connect: %s", pg ? "LISTEN failed" : err);
        }
        if (pg)
            PQfinish(pg);
        if (atomic_load(&l->stop))
            break;
        struct pollfd wait = {l->wake[0], POLLIN, 0};
        poll(&wait, 1, RETRY_MS);
    }
    return NULL;
}

int listener_start(struct listener *l)
{
    if (pipe2(l->wake, O_CLOEXEC) != 0)
        return -1;
    if (pthread_create(&l->thread, NULL, run, l) != 0)
        return -1;
    l->started = 1;
    return 0;
}

void listener_destroy(struct listener *l)
{
    if (!l)
        return;
    if (l->started) {
        atomic_store(&l->stop, 1);
        (void)!write(l->wake[1], "x", 1);
        pthread_join(l->thread, NULL);
    }
    if (l->wake[0] >= 0) {
        close(l->wake[0]);
        close(l->wake[1]);
    }
    free(l);
}
