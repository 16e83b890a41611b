/* Token revocation in the database; see revoke.h. */
#include "core/revoke.h"

#include "app.h"
#include "auth/token.h"
#include "db/pool.h"
#include "http/req.h"

#include <stdio.h>
#include <string.h>

int revoke_tokens(struct req *r, const char *kind, const char *value, int delay_s,
                  int end_sessions)
{
    /* A "sub" row revokes the tokens whose iat (whole seconds) is below revoked_at, so
     * revoked_at is rounded up to the next whole second: a token issued earlier in the
     * current second is revoked too (its iat equals the current second). The row is forgotten
     * once every token it could match has expired. */
    char delay[16], forget[16];
    snprintf(delay, sizeof delay, "%d", delay_s);
    snprintf(forget, sizeof forget, "%d", token_ttl(r->app->tokens) + 2 * TOKEN_LEEWAY_S + delay_s);
    const char *params[] = {kind, value, delay, forget};
    PGresult *res = req_sql(r,
                            "INSERT INTO core.revocations (kind, value, revoked_at, forget_after) "
                            "VALUES ($1, $2, date_trunc('second', now()) + make_interval(secs => $3::int + 1),"
                            " now() + make_interval(secs => $4::int)) "
                            "ON CONFLICT (kind, value) DO UPDATE SET"
                            " revoked_at = greatest(core.revocations.revoked_at, EXCLUDED.revoked_at),"
                            " forget_after = greatest(core.revocations.forget_after, EXCLUDED.forget_after)",
                            4, params);
    if (!res)
        return -1;
    int ok = db_ok(res);
    if (!ok)
        reply_db_error(r, res);
    PQclear(res);
    if (ok && strcmp(kind, "sid") == 0) {
        const char *p[] = {value};
        res = req_sql(r,
                      "UPDATE core.refresh_tokens SET revoked_at = now() "
                      "WHERE family_id = $1::uuid AND revoked_at IS NULL",
                      1, p);
        if (!res)
            return -1;
        ok = db_ok(res);
        if (!ok)
            reply_db_error(r, res);
        PQclear(res);
    }
    if (ok && end_sessions && strcmp(kind, "sub") == 0 && strncmp(value, "user:", 5) == 0) {
        const char *p[] = {value + 5};
        res = req_sql(r,
                      "UPDATE core.refresh_tokens SET revoked_at = now() "
                      "WHERE user_id = $1::uuid AND revoked_at IS NULL",
                      1, p);
        if (!res)
            return -1;
        ok = db_ok(res);
        if (!ok)
            reply_db_error(r, res);
        PQclear(res);
    }
    return ok ? 0 : -1;
}
