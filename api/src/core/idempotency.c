/* Idempotency keys; see idempotency.h. */
#include "core/idempotency.h"

#include "db/pool.h"
#include "http/req.h"
#include "util/mem.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

static int key_valid(const char *key)
{
    size_t n = strlen(key);
    if (n < 1 || n > 200)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
            return 0;
    return 1;
}

/* SHA-256 over what makes two requests the same: method, URL with query, content type, body. */
static void fingerprint(struct req *r, char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    const char *ctype = req_header(r, "Content-Type");
    const char *parts[] = {r->method, "\n", r->http->http_url, "\n", ctype ? ctype : "", "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
    size_t len = 0;
    const void *body = req_raw_body(r, &len);
    if (body)
        EVP_DigestUpdate(ctx, body, len);
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

enum idem_result idempotency_begin(struct req *r, const char *key, char sha[65])
{
    if (!key_valid(key)) {
        reply_error(r, 400, "invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces");
        return IDEM_DONE;
    }
    fingerprint(r, sha);
    if (req_begin(r) != 0)
        return IDEM_DONE;
    const char *subject = r->who.kind ? r->who.subject : "anonymous";
    const char *params[] = {subject, key};
    /* Two requests with the same key wait for each other here. */
    PGresult *res = req_sql(r, "SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 7))", 2, params);
    if (!res)
        return IDEM_DONE;
    int ok = db_ok(res);
    if (!ok)
        reply_db_error(r, res);
    PQclear(res);
    if (!ok)
        return IDEM_DONE;
    res = req_sql(r, "SELECT request_sha256, status, response FROM core.idempotency_keys"
                     " WHERE subject = $1 AND key = $2 AND created_at >= now() - interval '24 hours'",
                  2, params);
    if (!res)
        return IDEM_DONE;
    if (!db_ok(res)) {
        reply_db_error(r, res);
        PQclear(res);
        return IDEM_DONE;
    }
    enum idem_result result = IDEM_NEW;
    if (PQntuples(res) == 1) {
        if (strcmp(PQgetvalue(res, 0, 0), sha) != 0) {
            reply_error(r, 409, "idempotency_key_reused",
                        "this Idempotency-Key was already used for a different request; use a new key");
        } else {
            size_t len = (size_t)PQgetlength(res, 0, 2);
            req_set_header(r, "Idempotent-Replayed", "true");
            reply_raw(r, atoi(PQgetvalue(res, 0, 1)), "application/json; charset=utf-8",
                      xstrndup(PQgetvalue(res, 0, 2), len), len);
        }
        result = IDEM_REPLAYED;
        if (r->status == 409)
            result = IDEM_DONE;
    }
    PQclear(res);
    return result;
}

int idempotency_store(struct req *r, const char *key, const char *sha, int status,
                      const char *body)
{
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    const char *params[] = {r->who.kind ? r->who.subject : "anonymous", key, sha, code, body};
    /* Keys are kept for 24 hours: long enough for any retry, short enough not to pile up. */
    PGresult *res = req_sql(r,
                            "WITH gone AS (DELETE FROM core.idempotency_keys"
                            " WHERE subject = $1 AND created_at < now() - interval '24 hours')"
                            " INSERT INTO core.idempotency_keys (subject, key, request_sha256, status, response)"
                            " VALUES ($1, $2, $3, $4::int, $5)",
                            5, params);
    if (!res)
        return -1;
    int ok = db_ok(res);
    if (!ok)
        reply_db_error(r, res);
    PQclear(res);
    return ok ? 0 : -1;
}
