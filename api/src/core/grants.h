/* Rules for the roles and areas granted to a user or machine client, shared by the management
 * API and the CLI. */
#ifndef LGVO_CORE_GRANTS_H
#define LGVO_CORE_GRANTS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

/* Checks roles (array of names) and areas (array of slugs, may be NULL) for an account of the
 * given principal: known names; clients only reader/reporter; only a county_admin grants
 * county_admin; areas only with the reporter role, known, and granted to the principal.
 * Returns NULL when acceptable, else a sentence in buf. */
const char *grants_check(PGconn *pg, int principal_id, json_t *roles, json_t *areas,
                         int for_client, int granter_is_county_admin, char *buf, size_t buflen);

#endif
