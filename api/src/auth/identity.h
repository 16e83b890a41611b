/* Who is calling: filled from a verified access token by the authentication layer. */
#ifndef LGVO_AUTH_IDENTITY_H
#define LGVO_AUTH_IDENTITY_H

#include <stdint.h>

enum identity_kind { IDENTITY_ANONYMOUS = 0, IDENTITY_USER, IDENTITY_CLIENT };

/* Roles are a bit set; a caller may hold several. */
enum role {
    ROLE_READER = 1 << 0,
    ROLE_REPORTER = 1 << 1,
    ROLE_ORG_ADMIN = 1 << 2,
    ROLE_COUNTY_ADMIN = 1 << 3,
};

#define IDENTITY_MAX_AREAS 16

struct identity {
    enum identity_kind kind;
    char subject[64];   /* "user:<uuid>" or "client:<client_id>" */
    char principal[48]; /* principal slug */
    int principal_id;
    char principal_kind[16]; /* "region" | "municipality" */
    unsigned roles;
    int area_count;
    char areas[IDENTITY_MAX_AREAS][32];
    char jti[48];
    int64_t expires_at; /* seconds since the epoch */
};

#endif
