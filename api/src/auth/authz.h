/* The one decision on writes, used by every write path (the core's and the plugins'): may this
 * caller write this principal's data in this area? */
#ifndef LGVO_AUTH_AUTHZ_H
#define LGVO_AUTH_AUTHZ_H

#include "auth/identity.h"

enum write_decision {
    WRITE_ALLOWED = 0,
    WRITE_NOT_REPORTER,     /* no reporter (or county_admin) role */
    WRITE_AREA_NOT_GRANTED, /* reporter without a grant for the area */
    WRITE_OTHER_PRINCIPAL,  /* the data belongs to another principal */
    WRITE_REGION_ONLY,      /* reported by the region on behalf of every municipality */
};

struct write_target {
    int principal_id;  /* whose data it is */
    int area_id;       /* the area of responsibility it belongs to (1-based) */
    int on_behalf;     /* the region reports it for every municipality (e.g. hospital data) */
};

/* county_admin writes anything. A reporter writes its own principal's data in the areas it
 * was granted; data reported on behalf of every municipality only the region writes. */
enum write_decision authz_write(const struct identity *who, const struct write_target *target);

/* A sentence for the 403 message. */
const char *authz_message(enum write_decision d);

/* Route-level rules (auth/access.c): 1 when who holds the right. */
int authz_is_county_admin(const struct identity *who);
int authz_is_org_admin_of(const struct identity *who, int principal_id);
int authz_has_area(const struct identity *who, int area_id);

#endif
