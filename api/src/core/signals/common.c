/* Request helpers shared by the signal endpoints; see signals.h. */
#include "core/signals/signals.h"

#include "app.h"
#include "auth/authz.h"
#include "http/params.h"
#include "http/req.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

int sig_etag_check(struct req *r, char etag[64])
{
    char input[1024];
    snprintf(input, sizeof input, "%s|%d|%d", r->http->http_url, r->who.principal_id,
             authz_is_county_admin(&r->who));
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(input, strlen(input), md, &n, EVP_sha256(), NULL);
    snprintf(etag, 64, "W/\"%lld-%02x%02x%02x%02x%02x%02x\"",
             (long long)atomic_load(&r->app->values_version), md[0], md[1], md[2], md[3], md[4], md[5]);
    req_set_header(r, "Cache-Control", "private, no-cache");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && (strstr(inm, etag + 2) || strcmp(inm, "*") == 0)) {
        req_set_header(r, "ETag", etag);
        reply_empty(r, 304);
        return 1;
    }
    return 0;
}

int sig_query_period(struct query_params *q, const char *name, struct period *out)
{
    const char *v = query_text(q, name, 16);
    if (!v)
        return 0;
    if (period_parse(v, out) != 0) {
        query_problem(q, name, "must be a period such as 2025, 2025H1, 2025T1, 2025Q1, 2025-03 or 2025-W09");
        return 0;
    }
    return 1;
}
