/* Access tokens: issuing (claims → signed JWT) and verifying (JWT → identity). libjwt 1.10
 * checks no claims, so verification checks them all here: algorithm and kid (auth/keys.c),
 * signature, exp and nbf with 30 s leeway, iss, aud, the principal and roles, and the
 * revocation set. Verified tokens are cached by SHA-256 so that a client reusing its token
 * costs one hash and one lookup per request; time and revocation are checked on every use. */
#ifndef LGVO_AUTH_TOKEN_H
#define LGVO_AUTH_TOKEN_H

#include "auth/identity.h"

#include <stdint.h>

struct config;
struct keyring;
struct refdata;
struct revocations;
struct token_service;

#define TOKEN_LEEWAY_S 30

struct token_service *token_service_create(const struct config *cfg, struct keyring *keys,
                                           struct revocations *revoked,
                                           struct refdata *refdata); /* caller frees */
void token_service_destroy(struct token_service *ts);

struct token_claims {
    enum identity_kind kind;
    const char *subject;   /* "user:<uuid>" / "client:<client_id>" */
    const char *principal; /* slug */
    unsigned roles;
    const char *const *areas; /* area slugs */
    int area_count;
    const char *sid;       /* login family (users), or NULL */
};

/* Signs a new access token. Returns it (caller frees) with its expiry and jti, or NULL. */
char *token_issue(struct token_service *ts, const struct token_claims *claims,
                  int64_t *expires_at, char jti[40]);

/* Verifies a bearer token into *who. Returns 0, or -1 with a reason for the client. */
int token_verify(struct token_service *ts, const char *token, struct identity *who,
                 const char **why);

/* The lifetime of access tokens in seconds. */
int token_ttl(const struct token_service *ts);

#endif
