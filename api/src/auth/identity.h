/* Who is calling: filled from a verified access token by the access gate (auth/access.c). */
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

struct identity {
    enum identity_kind kind;
    char subject[80];        /* "user:<uuid>" or "client:<client_id>" */
    char principal[48];      /* principal slug */
    int principal_id;
    int principal_is_region;
    unsigned roles;          /* enum role bits */
    uint64_t area_mask;      /* bit (area id - 1) for each granted area */
    char jti[40];
    char sid[40];            /* login family of a user's token; empty for clients */
    int64_t issued_at;       /* seconds since the epoch */
    int64_t expires_at;
};

/* Role names as used in tokens and the API: "reader", "reporter", "org_admin",
 * "county_admin". role_parse returns 0 for an unknown name. */
unsigned role_parse(const char *name);
const char *role_name(unsigned role_bit);

#endif
