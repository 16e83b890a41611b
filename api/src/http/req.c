/* Request context and replies; see req.h. */
#include "http/req.h"

#include "app.h"
#include "db/pool.h"
#include "log.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

static const struct {
    int status;
    const char *code;
} status_codes[] = {
    {400, "bad_request"},       {401, "unauthorized"},
    {403, "forbidden"},         {404, "not_found"},
    {405, "method_not_allowed"}, {406, "not_acceptable"},
    {409, "conflict"},          {413, "payload_too_large"},
    {415, "unsupported_media_type"}, {422, "validation_failed"},
    {429, "too_many_requests"}, {500, "internal_error"},
    {503, "service_unavailable"},
};

const char *error_code_for_status(int status)
{
    for (size_t i = 0; i < sizeof status_codes / sizeof status_codes[0]; i++)
        if (status_codes[i].status == status)
            return status_codes[i].code;
    return status >= 500 ? "internal_error" : "bad_request";
}

int request_id_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n >= 1 && n <= 128;
}

char *error_body(int status, const char *code, const char *message, json_t *details,
                 const char *request_id, size_t *len)
{
    /* Messages may quote client input; Jansson refuses invalid UTF-8, so scrub it. */
    char *clean = xstrdup(message);
    utf8_scrub(clean);
    message = clean;
    json_t *list = details ? json_incref(details) : json_array();
    json_t *err = json_pack("{s:i, s:s, s:s, s:o}", "status", status, "code",
                            code ? code : error_code_for_status(status), "message", message,
                            "details", list);
    json_t *body = json_pack("{s:o, s:s}", "error", err, "request_id", request_id);
    char *out = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    free(clean);
    if (len)
        *len = strlen(out);
    return out;
}

const char *req_param(struct req *r, const char *name)
{
    for (int i = 0; i < r->params.count; i++)
        if (strcmp(r->params.name[i], name) == 0)
            return r->params.value[i];
    return NULL;
}

const char *req_query(struct req *r, const char *name)
{
    return u_map_get(r->http->map_url, name);
}

const char *req_header(struct req *r, const char *name)
{
    return u_map_get_case(r->http->map_header, name);
}

const void *req_raw_body(struct req *r, size_t *len)
{
    *len = r->http->binary_body_length;
    return r->http->binary_body;
}

static int is_json_type(const char *ctype)
{
    if (!ctype)
        return 0;
    size_t n = strcspn(ctype, ";");
    while (n && ctype[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp(ctype, "application/json", 16) == 0) ||
           (n > 5 && strncasecmp(ctype + n - 5, "+json", 5) == 0);
}

json_t *req_body_json(struct req *r)
{
    if (r->body)
        return r->body;
    size_t len = 0;
    const char *raw = req_raw_body(r, &len);
    if (!is_json_type(req_header(r, "Content-Type"))) {
        reply_error(r, 415, NULL, "send the body as application/json");
        return NULL;
    }
    if (!raw || len == 0) {
        reply_error(r, 400, "invalid_json", "the request body is empty; expected a JSON document");
        return NULL;
    }
    json_error_t jerr;
    r->body = json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!r->body) {
        reply_error(r, 400, "invalid_json", "the body is not valid JSON: %s (line %d, column %d)",
                    jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    return r->body;
}

struct db_conn *req_db(struct req *r)
{
    if (r->db)
        return r->db;
    enum pool_result pr = pool_acquire(r->app->pool, &r->db);
    if (pr == POOL_OK)
        return r->db;
    r->db = NULL;
    req_set_header(r, "Retry-After", "1");
    if (pr == POOL_TIMEOUT)
        reply_error(r, 503, "busy", "all database connections are busy; retry shortly");
    else
        reply_error(r, 503, "database_unavailable",
                    "the database is unavailable; retry shortly");
    return NULL;
}

PGresult *req_sql(struct req *r, const char *sql, int nparams, const char *const *params)
{
    struct db_conn *c = req_db(r);
    if (!c)
        return NULL;
    PGresult *res = db_exec(c, sql, nparams, params);
    if (!res) {
        reply_db_error(r, NULL);
        return NULL;
    }
    return res;
}

PGresult *req_stmt(struct req *r, struct db_stmt *stmt, const char *const *params)
{
    struct db_conn *c = req_db(r);
    if (!c)
        return NULL;
    PGresult *res = db_exec_stmt(c, stmt, params);
    if (!res) {
        reply_db_error(r, NULL);
        return NULL;
    }
    return res;
}

PGresult *req_sql_ok(struct req *r, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = req_sql(r, sql, nparams, params);
    if (res && !db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return NULL;
    }
    return res;
}

json_t *req_sql_json(struct req *r, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = req_sql_ok(r, sql, nparams, params);
    if (!res)
        return NULL;
    json_error_t jerr;
    json_t *out = PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), JSON_DECODE_ANY, &jerr) : NULL;
    PQclear(res);
    if (!out)
        reply_error(r, 500, NULL, "internal error: the database's answer was not JSON");
    return out;
}

int req_begin(struct req *r)
{
    if (r->in_tx)
        return 0;
    struct db_conn *c = req_db(r);
    if (!c)
        return -1;
    PGresult *res = db_exec(c, "BEGIN", 0, NULL);
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    r->in_tx = 1;
    /* Row-level security (schema/0005): whose rows this transaction may write. A reporter
     * starts with its own principal; the shared write decision adds others it approves. */
    char writable[16] = "";
    if (r->who.roles & ROLE_COUNTY_ADMIN)
        snprintf(writable, sizeof writable, "*");
    else if (r->who.roles & ROLE_REPORTER)
        snprintf(writable, sizeof writable, "%d", r->who.principal_id);
    const char *params[] = {writable, r->who.kind ? r->who.subject : "anonymous",
                            r->who.kind ? r->who.principal : "", r->id};
    res = db_exec(c,
                  "SELECT set_config('lgvo.writable', $1, true), set_config('lgvo.actor', $2, true),"
                  " set_config('lgvo.actor_principal', $3, true), set_config('lgvo.request_id', $4, true)",
                  4, params);
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

int req_allow_write(struct req *r, int principal_id)
{
    if (req_begin(r) != 0)
        return -1;
    if (r->who.roles & ROLE_COUNTY_ADMIN)
        return 0; /* already '*' */
    char pid[16];
    snprintf(pid, sizeof pid, "%d", principal_id);
    const char *params[] = {pid};
    PGresult *res = db_exec(r->db,
                            "SELECT set_config('lgvo.writable', concat_ws(',', nullif("
                            "current_setting('lgvo.writable', true), ''), $1::text), true)",
                            1, params);
    int ok = db_ok(res);
    if (!ok)
        reply_db_error(r, res);
    PQclear(res);
    return ok ? 0 : -1;
}

void req_set_header(struct req *r, const char *name, const char *value)
{
    u_map_put(r->resp->map_header, name, value);
}

static void set_body(struct req *r, int status, const char *ctype, char *body, size_t len)
{
    struct _u_response *resp = r->resp;
    free(resp->binary_body);
    resp->binary_body = body;
    resp->binary_body_length = len;
    resp->status = status;
    r->status = status;
    if (ctype)
        u_map_put(resp->map_header, "Content-Type", ctype);
}

void reply_raw(struct req *r, int status, const char *content_type, char *body, size_t len)
{
    set_body(r, status, content_type, body, len);
}

void reply_json(struct req *r, int status, json_t *body)
{
    if (!body) {
        /* A handler (a plugin's, say) built no body: an internal error, not a crash. */
        log_msg(LOG_ERROR, "request %s: reply without a JSON body", r->id);
        reply_error(r, 500, NULL, "internal error; quote request id %s when reporting it", r->id);
        return;
    }
    /* 15 significant digits: 81.8 prints as 81.8, not 81.799999999999997. */
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(body);
    set_body(r, status, "application/json; charset=utf-8", text, strlen(text));
}

void reply_empty(struct req *r, int status)
{
    set_body(r, status, NULL, NULL, 0);
}

static void reply_error_v(struct req *r, int status, const char *code, json_t *details,
                          const char *fmt, va_list ap)
{
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    size_t len = 0;
    char *body = error_body(status, code, message, details, r->id, &len);
    json_decref(details);
    set_body(r, status, "application/json; charset=utf-8", body, len);
}

void reply_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(r, status, code, NULL, fmt, ap);
    va_end(ap);
}

void reply_error_details(struct req *r, int status, const char *code, json_t *details,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply_error_v(r, status, code, details, fmt, ap);
    va_end(ap);
}

void reply_db_error(struct req *r, const PGresult *res)
{
    switch (db_classify(r->db, res)) {
    case DB_UNAVAILABLE:
    case DB_TIMEOUT:
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "database_unavailable", "the database is unavailable; retry shortly");
        return;
    case DB_RETRY:
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 503, "conflict_retry",
                    "the write collided with a concurrent one; retry the request");
        return;
    case DB_CONFLICT:
        reply_error(r, 409, NULL, "the resource already exists");
        return;
    case DB_FORBIDDEN:
        reply_error(r, 403, NULL, "you may not write this principal's data");
        return;
    case DB_INVALID:
        reply_error(r, 422, NULL, "the database refused the data: %s",
                    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        return;
    case DB_OK:
    case DB_FAILED:
        break;
    }
    log_msg(LOG_ERROR, "request %s: database error: %s", r->id,
            res ? PQresultErrorMessage(res) : "no result");
    reply_error(r, 500, NULL, "internal error; quote request id %s when reporting it", r->id);
}
