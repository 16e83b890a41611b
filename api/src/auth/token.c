/* Access tokens; see token.h. */
#include "auth/token.h"

#include "auth/keys.h"
#include "auth/revocation.h"
#include "config.h"
#include "core/refdata.h"
#include "util/clock.h"
#include "util/mem.h"

#include <errno.h>
#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define CACHE_STRIPES 64

struct cached {
    unsigned char digest[32];
    int used;
    struct identity who;
    int64_t not_before;
};

struct token_service {
    struct keyring *keys;
    struct revocations *revoked;
    struct refdata *refdata;
    char *issuer;
    char *audience;
    int ttl;
    struct cached *cache;
    size_t cache_mask; /* cache size - 1 (a power of two); no cache when cache is NULL */
    pthread_mutex_t stripes[CACHE_STRIPES];
};

struct token_service *token_service_create(const struct config *cfg, struct keyring *keys,
                                           struct revocations *revoked, struct refdata *refdata)
{
    struct token_service *ts = xcalloc(1, sizeof *ts);
    ts->keys = keys;
    ts->revoked = revoked;
    ts->refdata = refdata;
    ts->issuer = xstrdup(cfg->jwt_issuer);
    ts->audience = xstrdup(cfg->jwt_audience);
    ts->ttl = cfg->access_token_ttl_s;
    if (cfg->token_cache_size > 0) {
        size_t n = 1;
        while (n < (size_t)cfg->token_cache_size)
            n *= 2;
        ts->cache = xcalloc(n, sizeof *ts->cache);
        ts->cache_mask = n - 1;
    }
    for (int i = 0; i < CACHE_STRIPES; i++)
        pthread_mutex_init(&ts->stripes[i], NULL);
    return ts;
}

void token_service_destroy(struct token_service *ts)
{
    if (!ts)
        return;
    for (int i = 0; i < CACHE_STRIPES; i++)
        pthread_mutex_destroy(&ts->stripes[i]);
    free(ts->cache);
    free(ts->issuer);
    free(ts->audience);
    free(ts);
}

int token_ttl(const struct token_service *ts)
{
    return ts->ttl;
}

static void new_uuid(char out[40])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != sizeof b)
        abort(); /* the kernel's CSPRNG does not fail after boot */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

char *token_issue(struct token_service *ts, const struct token_claims *c, int64_t *expires_at,
                  char jti[40])
{
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt) != 0)
        return NULL;
    int64_t now = clock_wall_us() / 1000000;
    new_uuid(jti);
    json_t *roles = json_array();
    for (unsigned bit = 1; bit <= ROLE_COUNTY_ADMIN; bit <<= 1)
        if (c->roles & bit)
            json_array_append_new(roles, json_string(role_name(bit)));
    json_t *areas = json_array();
    for (int i = 0; i < c->area_count; i++)
        json_array_append_new(areas, json_string(c->areas[i]));
    json_t *claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:o, s:o}", "iss",
                               ts->issuer, "aud", ts->audience, "sub", c->subject, "iat",
                               (json_int_t)now, "nbf", (json_int_t)now, "exp",
                               (json_int_t)(now + ts->ttl), "jti", jti, "principal", c->principal,
                               "roles", roles, "areas", areas);
    if (c->sid)
        json_object_set_new(claims, "sid", json_string(c->sid));
    char *text = json_dumps(claims, JSON_COMPACT);
    json_decref(claims);
    char *token = NULL;
    if (jwt_add_grants_json(jwt, text) == 0)
        token = keyring_sign(ts->keys, jwt);
    free(text);
    jwt_free(jwt);
    *expires_at = now + ts->ttl;
    return token;
}

static int copy_claim(jwt_t *jwt, const char *name, char *out, size_t n)
{
    const char *v = jwt_get_grant(jwt, name);
    if (!v || !*v || strlen(v) >= n)
        return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

static int int_claim(jwt_t *jwt, const char *name, int64_t *out)
{
    errno = 0;
    long v = jwt_get_grant_int(jwt, name);
    if (errno == ENOENT || errno == EINVAL)
        return -1;
    *out = v;
    return 0;
}

/* A JSON array claim of strings; returns a new reference or NULL. */
static json_t *array_claim(jwt_t *jwt, const char *name)
{
    char *text = jwt_get_grants_json(jwt, name);
    if (!text)
        return NULL;
    json_t *v = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_array(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* Checks the claims of a verified token and builds the identity. */
static int claims_to_identity(struct token_service *ts, jwt_t *jwt, struct identity *who,
                              int64_t *nbf, const char **why)
{
    memset(who, 0, sizeof *who);
    const char *iss = jwt_get_grant(jwt, "iss");
    const char *aud = jwt_get_grant(jwt, "aud");
    if (!iss || strcmp(iss, ts->issuer) != 0)
        return *why = "the token has the wrong issuer", -1;
    if (!aud || strcmp(aud, ts->audience) != 0)
        return *why = "the token is meant for another audience", -1;
    if (int_claim(jwt, "exp", &who->expires_at) || int_claim(jwt, "iat", &who->issued_at) ||
        int_claim(jwt, "nbf", nbf))
        return *why = "the token lacks exp, iat or nbf", -1;
    if (copy_claim(jwt, "sub", who->subject, sizeof who->subject) ||
        copy_claim(jwt, "jti", who->jti, sizeof who->jti) ||
        copy_claim(jwt, "principal", who->principal, sizeof who->principal))
        return *why = "the token lacks sub, jti or principal", -1;
    copy_claim(jwt, "sid", who->sid, sizeof who->sid);
    if (strncmp(who->subject, "user:", 5) == 0)
        who->kind = IDENTITY_USER;
    else if (strncmp(who->subject, "client:", 7) == 0)
        who->kind = IDENTITY_CLIENT;
    else
        return *why = "the token's subject is not a user or client", -1;

    struct principal p;
    if (refdata_principal(ts->refdata, who->principal, &p) != 0)
        return *why = "the token names an unknown principal", -1;
    who->principal_id = p.id;
    who->principal_is_region = strcmp(p.kind, "region") == 0;

    json_t *roles = array_claim(jwt, "roles"), *areas = array_claim(jwt, "areas");
    int ok = roles && areas;
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v) {
        unsigned bit = json_is_string(v) ? role_parse(json_string_value(v)) : 0;
        ok &= bit != 0;
        who->roles |= bit;
    }
    json_array_foreach(areas, i, v) {
        struct area a;
        ok &= json_is_string(v) && refdata_area(ts->refdata, json_string_value(v), &a) == 0 &&
              a.id >= 1 && a.id <= 64;
        if (ok)
            who->area_mask |= 1ULL << (a.id - 1);
    }
    json_decref(roles);
    json_decref(areas);
    if (!ok)
        return *why = "the token has malformed roles or areas", -1;
    if (who->kind == IDENTITY_CLIENT && (who->roles & (ROLE_ORG_ADMIN | ROLE_COUNTY_ADMIN)))
        return *why = "a machine client cannot hold an admin role", -1;
    return 0;
}

/* Checks that must hold on every use, cached or not. */
static int still_valid(struct token_service *ts, const struct identity *who, int64_t nbf,
                       const char **why)
{
    int64_t now = clock_wall_us() / 1000000;
    /* The leeway goes on now's side: exp and nbf are any signed 64-bit values. */
    if (who->expires_at < now - TOKEN_LEEWAY_S)
        return *why = "the token has expired", -1;
    if (nbf > now + TOKEN_LEEWAY_S)
        return *why = "the token is not valid yet", -1;
    if (revocations_check(ts->revoked, who->jti, who->sid, who->subject, who->issued_at))
        return *why = "the token has been revoked", -1;
    return 0;
}

int token_verify(struct token_service *ts, const char *token, struct identity *who,
                 const char **why)
{
    unsigned char digest[32];
    unsigned int dlen = 0;
    struct cached *slot = NULL;
    pthread_mutex_t *stripe = NULL;
    if (ts->cache) {
        EVP_Digest(token, strlen(token), digest, &dlen, EVP_sha256(), NULL);
        size_t index;
        memcpy(&index, digest, sizeof index);
        index &= ts->cache_mask;
        slot = &ts->cache[index];
        stripe = &ts->stripes[index % CACHE_STRIPES];
        pthread_mutex_lock(stripe);
        int hit = slot->used && memcmp(slot->digest, digest, 32) == 0;
        int64_t nbf = slot->not_before;
        if (hit)
            *who = slot->who;
        pthread_mutex_unlock(stripe);
        if (hit)
            return still_valid(ts, who, nbf, why);
    }
    jwt_t *jwt = NULL;
    if (keyring_verify(ts->keys, token, &jwt, why) != 0)
        return -1;
    int64_t nbf = 0;
    int rc = claims_to_identity(ts, jwt, who, &nbf, why);
    jwt_free(jwt);
    if (rc != 0)
        return -1;
    if (slot) {
        pthread_mutex_lock(stripe);
        memcpy(slot->digest, digest, 32);
        slot->who = *who;
        slot->not_before = nbf;
        slot->used = 1;
        pthread_mutex_unlock(stripe);
    }
    return still_valid(ts, who, nbf, why);
}
