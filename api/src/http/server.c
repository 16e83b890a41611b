/* HTTP server and the request dispatcher; see server.h. */
#include "http/server.h"

#include "app.h"
#include "auth/access.h"
#include "db/pool.h"
#include "http/cors.h"
#include "http/req.h"
#include "log.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <ulfius.h>
#include <unistd.h>

struct server {
    struct _u_instance inst;
    struct app *app;
};

/* Request ids: 128 random bits from a per-thread generator seeded by the kernel. */
static void new_request_id(char out[33])
{
    static _Thread_local uint64_t s[2];
    if (!s[0] && !s[1]) {
        if (getrandom(s, sizeof s, 0) != sizeof s || (!s[0] && !s[1]))
            s[0] = (uint64_t)clock_wall_us() | 1;
    }
    for (int half = 0; half < 2; half++) {
        /* xorshift128+ */
        uint64_t a = s[0], b = s[1];
        s[0] = b;
        a ^= a << 23;
        s[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
        snprintf(out + 16 * half, 17, "%016llx", (unsigned long long)(s[1] + b));
    }
}

static int body_too_large(struct req *r)
{
    long long max = r->app->cfg.max_body_bytes;
    const char *cl = req_header(r, "Content-Length");
    if (cl && strtoll(cl, NULL, 10) > max)
        return 1;
    /* Ulfius stops reading at max_post_body_size (max + 1) without telling us. */
    return (long long)r->http->binary_body_length > max;
}

/* A path is malformed when it has control characters, a bad percent-escape or an encoded
 * NUL, or is not UTF-8 once decoded. */
static int path_malformed(const char *path)
{
    size_t n = strlen(path);
    char *decoded = xmalloc(n + 1), *o = decoded;
    int bad = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p && !bad; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            bad = 1;
        } else if (*p == '%') {
            if (!isxdigit(p[1]) || !isxdigit(p[2]) || (p[1] == '0' && p[2] == '0')) {
                bad = 1;
            } else {
                char hex[3] = {(char)p[1], (char)p[2], 0};
                *o++ = (char)strtol(hex, NULL, 16);
                p += 2;
            }
        } else {
            *o++ = (char)*p;
        }
    }
    bad = bad || !utf8_valid(decoded, (size_t)(o - decoded));
    free(decoded);
    return bad;
}

static void route_request(struct req *r)
{
    const char *query = strchr(r->http->http_url, '?');
    if (query && (strstr(query, "%00") || strchr(query, '\x7f'))) {
        reply_error(r, 400, NULL, "the query string holds an encoded NUL or DEL character");
        return;
    }
    if (path_malformed(r->path)) {
        reply_error(r, 400, NULL, "the request path is malformed (bad percent-encoding, control characters or not UTF-8)");
        return;
    }
    char allow[128];
    const struct route *route = NULL;
    switch (router_match(&r->app->router, r->method, r->path, &route, &r->params, allow,
                         sizeof allow)) {
    case MATCH_NOT_FOUND:
        reply_error(r, 404, NULL, "no resource at %s", r->path);
        return;
    case MATCH_WRONG_METHOD:
        req_set_header(r, "Allow", allow);
        if (strcmp(r->method, "OPTIONS") == 0) {
            /* Preflights carry no token: answered here, before authentication. */
            cors_headers(r, 1, allow);
            reply_empty(r, 204);
            return;
        }
        reply_error(r, 405, NULL, "%s is not allowed on %s; allowed: %s", r->method, r->path,
                    allow);
        return;
    case MATCH_FOUND:
        break;
    }
    r->route = route;
    if (access_check(r) != 0)
        return; /* access_check replied 401/403/503 */
    route->fn(r, route->ctx);
    if (!r->status) {
        log_msg(LOG_ERROR, "handler for %s %s returned without a reply", route->method,
                route->pattern);
        reply_error(r, 500, NULL, "internal error; quote request id %s when reporting it", r->id);
    }
}

/* Ends the transaction: commit on success, roll back otherwise. A failed commit replaces the
 * reply, so nothing is acknowledged that was not stored. */
static void finish_transaction(struct req *r)
{
    if (!r->in_tx)
        return;
    r->in_tx = 0;
    if (r->status >= 400 || r->rollback) {
        PQclear(db_exec(r->db, "ROLLBACK", 0, NULL));
        return;
    }
    PGresult *res = db_exec(r->db, "COMMIT", 0, NULL);
    if (!db_ok(res))
        reply_db_error(r, res);
    PQclear(res);
}

static int dispatch(const struct _u_request *http, struct _u_response *resp, void *user)
{
    struct app *app = user;
    struct req r;
    memset(&r, 0, sizeof r);
    r.http = http;
    r.resp = resp;
    r.app = app;
    r.start_us = clock_mono_us();
    r.method = http->http_verb;
    r.path = http->url_path;

    const char *rid = req_header(&r, "X-Request-Id");
    if (rid && request_id_valid(rid))
        snprintf(r.id, sizeof r.id, "%s", rid);
    else
        new_request_id(r.id);

    if (body_too_large(&r))
        reply_error(&r, 413, NULL, "the request body exceeds the limit of %lld bytes",
                    app->cfg.max_body_bytes);
    else
        route_request(&r);

    finish_transaction(&r);
    if (r.db)
        pool_release(app->pool, r.db);

    req_set_header(&r, "X-Request-Id", r.id);
    if (!r.resp->map_header || !u_map_has_key_case(r.resp->map_header, "Access-Control-Allow-Methods"))
        cors_headers(&r, 0, NULL);
    if (atomic_load(&app->draining))
        req_set_header(&r, "Connection", "close");

    struct log_request_line line = {
        .request_id = r.id,
        .method = r.method,
        .path = r.path,
        .status = r.status,
        .duration_us = clock_mono_us() - r.start_us,
        .principal = r.who.kind ? r.who.principal : NULL,
        .subject = r.who.kind ? r.who.subject : NULL,
    };
    log_request(&line);

    path_params_free(&r.params);
    json_decref(r.body);
    return U_CALLBACK_COMPLETE;
}

/* Counting open requests lets shutdown wait until every answer has been sent. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    struct app *app = cls;
    (void)con;
    void *con_info = ulfius_uri_logger(NULL, uri);
    if (con_info)
        atomic_fetch_add(&app->open_requests, 1);
    return con_info;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct app *app = cls;
    if (*con_cls)
        atomic_fetch_sub(&app->open_requests, 1);
    mhd_request_completed(NULL, con, con_cls, toe);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_msg(LOG_WARN, "http: %s", msg);
}

struct server *server_start(struct app *app, char *err, unsigned long errlen)
{
    struct server *srv = xcalloc(1, sizeof *srv);
    srv->app = app;
    struct config *cfg = &app->cfg;
    if (ulfius_init_instance(&srv->inst, ntohs(cfg->listen_addr.sin_port), &cfg->listen_addr,
                             NULL) != U_OK) {
        snprintf(err, errlen, "cannot initialise the HTTP server");
        free(srv);
        return NULL;
    }
    srv->inst.max_post_body_size = (size_t)cfg->max_body_bytes + 1;
    srv->inst.check_utf8 = 0; /* never drop parameters silently; validate where they are used */
    ulfius_set_default_endpoint(&srv->inst, dispatch, app);

    unsigned int flags = MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (cfg->http_threads == 0)
        flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    else
        flags |= MHD_USE_EPOLL_INTERNAL_THREAD;

    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_error, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, app},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, app},
        {MHD_OPTION_SOCK_ADDR, 0, &cfg->listen_addr},
        {MHD_OPTION_CONNECTION_LIMIT, cfg->http_max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg->http_connection_timeout_s, NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
        /* Larger read buffers hand bodies over in bigger pieces (Ulfius grows the body with
         * each piece); 32 KiB, the default, made multi-megabyte pushes slow to receive. */
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 256 * 1024, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_INCREMENT, 64 * 1024, NULL},
        {cfg->http_threads ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         cfg->http_threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    if (ulfius_start_framework_with_mhd_options(&srv->inst, flags, ops) != U_OK) {
        snprintf(err, errlen, "cannot listen on %s (is the address in use?)", cfg->listen);
        ulfius_clean_instance(&srv->inst);
        free(srv);
        return NULL;
    }
    return srv;
}

void server_stop(struct server *srv)
{
    if (!srv)
        return;
    struct app *app = srv->app;
    atomic_store(&app->draining, 1);
    MHD_socket listen_fd = MHD_quiesce_daemon(srv->inst.mhd_daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    int64_t deadline = clock_mono_us() + (int64_t)app->cfg.shutdown_timeout_s * 1000000;
    while (atomic_load(&app->open_requests) > 0 && clock_mono_us() < deadline)
        usleep(10000);
    int left = atomic_load(&app->open_requests);
    if (left > 0)
        log_msg(LOG_WARN, "shutdown timeout: %d request(s) still open", left);
    ulfius_stop_framework(&srv->inst);
    ulfius_clean_instance(&srv->inst);
    free(srv);
}
