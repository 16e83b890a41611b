/* lgvo-api: configuration → database pool → migrations → routes → serve.
 * Subcommands: serve (default), migrate, version. */
#include "app.h"
#include "config.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "db/listener.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "http/server.h"
#include "log.h"
#include "util/clock.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LGVO_VERSION
#define LGVO_VERSION "0.0.0"
#endif

static const char *env_get(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: lgvo-api [serve | migrate | version]\n"
                 "  serve    apply pending migrations (unless LGVO_AUTO_MIGRATE=false) and serve\n"
                 "  migrate  apply pending migrations and exit\n"
                 "  version  print the version\n"
                 "Configuration comes from LGVO_* environment variables (see README.md).\n");
}

/* Connects for migrations, waiting up to 30 s for a database that is still starting. */
static PGconn *connect_for_startup(struct app *app)
{
    char err[512] = "";
    int64_t deadline = clock_mono_us() + 30 * 1000000LL;
    int logged = 0;
    for (;;) {
        PGconn *pg = pool_connect_direct(app->pool, err, sizeof err);
        if (pg)
            return pg;
        if (clock_mono_us() > deadline) {
            log_msg(LOG_ERROR, "cannot connect to the database (LGVO_DATABASE_URL): %s", err);
            return NULL;
        }
        if (!logged++)
            log_msg(LOG_WARN, "waiting for the database: %s", err);
        usleep(500000);
    }
}

/* Applies (or, with apply == 0, only checks) the migrations of every component; when
 * serving, also loads the reference data. */
static int prepare_database(struct app *app, int apply, int load_refdata)
{
    PGconn *pg = connect_for_startup(app);
    if (!pg)
        return -1;
    char err[1024];
    int rc = 0;
    struct migration_set files = {0};
    if (apply) {
        int n = migrate_apply(pg, "core", app->cfg.schema_dir, NULL, err, sizeof err);
        if (n < 0) {
            log_msg(LOG_ERROR, "%s", err);
            rc = -1;
        }
    } else if (migrate_check(pg, "core", app->cfg.schema_dir, err, sizeof err) != 1) {
        log_msg(LOG_ERROR, "%s (run `lgvo-api migrate`)", err);
        rc = -1;
    }
    if (rc == 0 && migrate_scan(app->cfg.schema_dir, 1, &files, err, sizeof err) == 0)
        app->expected_migrations += (long)files.count;
    if (rc == 0 && load_refdata && refdata_load(app->refdata, pg, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        rc = -1;
    }
    migration_set_free(&files);
    PQfinish(pg);
    return rc;
}

static int register_routes(struct app *app)
{
    char err[512];
    if (health_routes(app, err, sizeof err) != 0 || reference_routes(app, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        return -1;
    }
    return 0;
}

static void on_refdata_changed(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    char err[512];
    if (refdata_load(app->refdata, pg, err, sizeof err) != 0)
        log_msg(LOG_ERROR, "reloading reference data: %s", err);
    else if (payload)
        log_msg(LOG_INFO, "reloaded reference data (%s changed)", payload);
}

static int serve(struct app *app)
{
    /* Signals are taken synchronously by this thread; every other thread inherits the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (prepare_database(app, app->cfg.auto_migrate, 1) != 0 || register_routes(app) != 0)
        return 1;
    listener_add(app->listener, "lgvo_refdata", on_refdata_changed, app);
    if (listener_start(app->listener) != 0) {
        log_msg(LOG_ERROR, "cannot start the change listener");
        return 1;
    }
    char err[256];
    struct server *srv = server_start(app, err, sizeof err);
    if (!srv) {
        log_msg(LOG_ERROR, "%s", err);
        return 1;
    }
    log_msg(LOG_INFO, "lgvo-api %s listening on %s (%s, %d database connections)", app->version,
            app->cfg.listen,
            app->cfg.http_threads ? "thread pool" : "thread per connection",
            app->cfg.db_pool_size);
    int sig = 0;
    sigwait(&stop, &sig);
    log_msg(LOG_INFO, "received %s: draining", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(srv);
    listener_destroy(app->listener);
    app->listener = NULL;
    log_msg(LOG_INFO, "stopped");
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "serve";
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("lgvo-api %s\n", LGVO_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0) {
        fprintf(stderr, "lgvo-api: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }

    static struct app app;
    char err[512];
    if (config_load(&app.cfg, env_get, NULL, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "configuration: %s", err);
        config_free(&app.cfg);
        return 1;
    }
    log_set_level((enum log_level)app.cfg.log_level);
    snprintf(app.version, sizeof app.version, "%s", LGVO_VERSION);
    router_init(&app.router);
    struct pool_options po = {
        .url = app.cfg.database_url,
        .size = app.cfg.db_pool_size,
        .acquire_timeout_ms = app.cfg.db_acquire_timeout_ms,
        .statement_timeout_ms = app.cfg.db_statement_timeout_ms,
    };
    app.pool = pool_create(&po);
    app.refdata = refdata_create();
    app.listener = listener_create(app.pool);

    int rc;
    if (strcmp(cmd, "migrate") == 0)
        rc = prepare_database(&app, 1, 0) == 0 ? 0 : 1;
    else
        rc = serve(&app);

    listener_destroy(app.listener);
    refdata_destroy(app.refdata);
    pool_destroy(app.pool);
    router_free(&app.router);
    config_free(&app.cfg);
    return rc;
}
