/* lgvo-api: configuration → database pool → migrations → keys and reference data → routes →
 * serve. Subcommands: serve (default), migrate, version, user add, client add, keys. */
#include "app.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "auth/revocation.h"
#include "auth/token.h"
#include "cli.h"
#include "config.h"
#include "core/audit.h"
#include "core/measures.h"
#include "core/read_cache.h"
#include "core/refdata.h"
#include "core/routes.h"
#include "db/listener.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "http/server.h"
#include "log.h"
#include "plugin/host.h"
#include "plugin/loader.h"
#include "plugin/openapi.h"
#include "util/clock.h"
#include "util/mem.h"

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
    fprintf(out,
            "usage: lgvo-api [command]\n"
            "  serve       apply pending migrations (unless LGVO_AUTO_MIGRATE=false) and serve (default)\n"
            "  migrate     apply pending migrations and exit\n"
            "  version     print the version\n"
            "  user add --principal SLUG --username NAME --role ROLE [--area SLUG]... --password-stdin\n"
            "  client add --principal SLUG --name NAME --role reader|reporter [--area SLUG]...\n"
            "  keys rotate | keys list\n"
            "  demo-data   load demo series (only into a database without real pushes)\n"
            "Configuration comes from LGVO_* environment variables (see README.md).\n");
}

/* Connects for start-up work, waiting up to 30 s for a database that is still starting. */
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

/* Applies (or, with apply == 0, only checks) the migrations of every component. */
static int migrate_all(struct app *app, PGconn *pg, int apply)
{
    char err[1024];
    if (apply) {
        if (migrate_apply(pg, "core", app->cfg.schema_dir, NULL, err, sizeof err) < 0) {
            log_msg(LOG_ERROR, "%s", err);
            return -1;
        }
    } else if (migrate_check(pg, "core", app->cfg.schema_dir, err, sizeof err) != 1) {
        log_msg(LOG_ERROR, "%s (run `lgvo-api migrate`)", err);
        return -1;
    }
    struct migration_set files = {0};
    if (migrate_scan(app->cfg.schema_dir, 1, &files, err, sizeof err) == 0)
        app->expected_migrations += (long)files.count;
    migration_set_free(&files);
    return 0;
}

/* Loads what every request relies on: reference data, signing keys, revocations. */
static int load_state(struct app *app, PGconn *pg)
{
    char err[512];
    if (refdata_load(app->refdata, pg, err, sizeof err) != 0 ||
        keyring_load(app->keys, pg, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        return -1;
    }
    if (revocations_load(app->revoked, pg) != 0) {
        log_msg(LOG_ERROR, "cannot read core.revocations");
        return -1;
    }
    if (measures_load(app->measures, pg, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        return -1;
    }
    PGresult *r = PQexec(pg, "SELECT version FROM core.values_state");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        atomic_store(&app->values_version, atoll(PQgetvalue(r, 0, 0)));
    PQclear(r);
    return 0;
}

/* PostgreSQL superusers (and BYPASSRLS roles) are not subject to row-level security. */
static void warn_if_privileged(PGconn *pg)
{
    PGresult *r = PQexec(pg, "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't')
        log_msg(LOG_WARN, "LGVO_DATABASE_URL connects as a superuser or BYPASSRLS role: row-level "
                          "security is not enforced; use an ordinary role that owns the database");
    PQclear(r);
}

/* Loads, migrates and initialises the area plugins; their routes and measures are registered
 * during init. */
static int start_plugins(struct app *app, PGconn *pg)
{
    char err[1024];
    if (plugins_open(&app->plugins, app->cfg.plugin_dir, app->cfg.plugins, err, sizeof err) != 0 ||
        plugins_migrate(&app->plugins, pg, &app->expected_migrations, err, sizeof err) != 0)
        goto fail;
    json_t *map = json_object();
    for (int i = 0; i < app->plugins.count; i++)
        json_object_set_new(map, app->plugins.items[i].desc->area,
                            json_string(app->plugins.items[i].desc->slug));
    refdata_set_area_plugins(app->refdata, map);
    json_decref(map);
    if (refdata_load(app->refdata, pg, err, sizeof err) != 0 ||
        plugins_check_areas(&app->plugins, app, err, sizeof err) != 0 ||
        plugins_init(&app->plugins, app, err, sizeof err) != 0 ||
        measures_sync(app->measures, pg, err, sizeof err) != 0 ||
        measures_load(app->measures, pg, err, sizeof err) != 0)
        goto fail;
    if (openapi_build(app, app->cfg.openapi_dir, err, sizeof err) != 0)
        goto fail;
    return 0;
fail:
    log_msg(LOG_ERROR, "%s", err);
    return -1;
}

static int register_routes(struct app *app)
{
    char err[512];
    if (health_routes(app, err, sizeof err) != 0 || reference_routes(app, err, sizeof err) != 0 ||
        auth_routes(app, err, sizeof err) != 0 || account_routes(app, err, sizeof err) != 0 ||
        audit_routes(app, err, sizeof err) != 0 || measure_routes(app, err, sizeof err) != 0 ||
        values_push_route(app, err, sizeof err) != 0 ||
        values_read_routes(app, err, sizeof err) != 0 || lock_routes(app, err, sizeof err) != 0 ||
        population_routes(app, err, sizeof err) != 0 || openapi_routes(app, err, sizeof err) != 0 ||
        workplan_routes(app, err, sizeof err) != 0 || signal_routes(app, err, sizeof err) != 0 ||
        static_routes(app, err, sizeof err) != 0) {
        log_msg(LOG_ERROR, "%s", err);
        return -1;
    }
    return 0;
}

/* Change notifications from any copy of the service (see db/listener.h). */
static void on_refdata_changed(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    char err[512];
    if (refdata_load(app->refdata, pg, err, sizeof err) != 0)
        log_msg(LOG_ERROR, "reloading reference data: %s", err);
    else if (payload)
        log_msg(LOG_INFO, "reloaded reference data (%s changed)", payload);
}

static void on_keys_changed(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    char err[512];
    if (keyring_load(app->keys, pg, err, sizeof err) != 0)
        log_msg(LOG_ERROR, "reloading signing keys: %s", err);
    else if (payload)
        log_msg(LOG_INFO, "reloaded signing keys");
}

static void on_measures_changed(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    char err[512];
    (void)payload;
    if (measures_load(app->measures, pg, err, sizeof err) != 0)
        log_msg(LOG_ERROR, "reloading measures: %s", err);
}

/* The data version only grows; a resynchronisation reads it from the sequence. */
static void on_values_changed(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    long long n = 0;
    if (payload) {
        n = atoll(payload);
    } else {
        /* (Re)connected: writes missed meanwhile have moved the stored version, so taking it
         * as it is catches up. One more than that would never match the versions reads carry
         * in their snapshots, and nothing would be served from the read cache until the next
         * write. */
        PGresult *r = PQexec(pg, "SELECT version FROM core.values_state");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            n = atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    long long cur = atomic_load(&app->values_version);
    while (n > cur && !atomic_compare_exchange_weak(&app->values_version, &cur, n))
        ;
}

static void on_revocation(void *ctx, PGconn *pg, const char *payload)
{
    struct app *app = ctx;
    if (payload)
        revocations_apply(app->revoked, payload);
    else if (revocations_load(app->revoked, pg) != 0)
        log_msg(LOG_ERROR, "reloading revocations failed");
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

    PGconn *pg = connect_for_startup(app);
    if (!pg)
        return 1;
    int ok = migrate_all(app, pg, app->cfg.auto_migrate) == 0 && load_state(app, pg) == 0 &&
             register_routes(app) == 0 && start_plugins(app, pg) == 0;
    if (ok)
        warn_if_privileged(pg);
    PQfinish(pg);
    if (!ok)
        return 1;
    listener_add(app->listener, "lgvo_refdata", on_refdata_changed, app);
    listener_add(app->listener, "lgvo_keys", on_keys_changed, app);
    listener_add(app->listener, "lgvo_revocation", on_revocation, app);
    listener_add(app->listener, "lgvo_measures", on_measures_changed, app);
    listener_add(app->listener, "lgvo_values", on_values_changed, app);
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
    plugins_close(&app->plugins);
    host_free();
    listener_destroy(app->listener);
    app->listener = NULL;
    log_msg(LOG_INFO, "stopped");
    return 0;
}

/* Subcommands that work on a migrated database and exit. */
static int run_tool(struct app *app, const char *cmd, int argc, char **argv)
{
    PGconn *pg = connect_for_startup(app);
    if (!pg)
        return 1;
    int rc = migrate_all(app, pg, 1) == 0 ? 0 : 1;
    if (rc == 0 && strcmp(cmd, "user") == 0)
        rc = cli_user(app, pg, argc, argv);
    else if (rc == 0 && strcmp(cmd, "client") == 0)
        rc = cli_client(app, pg, argc, argv);
    else if (rc == 0 && strcmp(cmd, "keys") == 0)
        rc = cli_keys(app, pg, argc, argv);
    else if (rc == 0 && strcmp(cmd, "demo-data") == 0)
        rc = cli_demo_data(app, pg, argc, argv);
    PQfinish(pg);
    return rc;
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
    static const char *const commands[] = {"serve", "migrate", "user", "client", "keys", "demo-data"};
    int known = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        known |= strcmp(cmd, commands[i]) == 0;
    if (!known) {
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
    app.keys = keyring_create(&app.cfg);
    app.revoked = revocations_create(app.cfg.access_token_ttl_s + 2 * TOKEN_LEEWAY_S);
    app.tokens = token_service_create(&app.cfg, app.keys, app.revoked, app.refdata);
    app.measures = measures_create();
    app.read_cache = read_cache_create(app.cfg.read_cache_size);
    int need_hashes = strcmp(cmd, "serve") == 0 || strcmp(cmd, "user") == 0;
    app.hashes = need_hashes ? hash_gate_create(app.cfg.max_concurrent_hashes,
                                                app.cfg.password_opslimit,
                                                app.cfg.password_memlimit_kib)
                             : NULL;
    int rc;
    if (need_hashes && !app.hashes) {
        log_msg(LOG_ERROR, "cannot initialise password hashing (libsodium)");
        rc = 1;
    } else if (strcmp(cmd, "serve") == 0) {
        rc = serve(&app);
    } else if (strcmp(cmd, "migrate") == 0) {
        PGconn *pg = connect_for_startup(&app);
        rc = pg && migrate_all(&app, pg, 1) == 0 ? 0 : 1;
        PQfinish(pg);
    } else {
        rc = run_tool(&app, cmd, argc - 2, argv + 2);
    }

    listener_destroy(app.listener);
    plugins_close(&app.plugins);
    host_free();
    json_decref(app.openapi);
    measures_destroy(app.measures);
    read_cache_destroy(app.read_cache);
    hash_gate_destroy(app.hashes);
    token_service_destroy(app.tokens);
    revocations_destroy(app.revoked);
    keyring_destroy(app.keys);
    refdata_destroy(app.refdata);
    pool_destroy(app.pool);
    router_free(&app.router);
    static_files_free();
    config_free(&app.cfg);
    return rc;
}
