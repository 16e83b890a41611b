/* Grant rules; see grants.h. */
#include "core/grants.h"

#include "auth/identity.h"

#include <stdio.h>
#include <string.h>

const char *grants_check(PGconn *pg, int principal_id, json_t *roles, json_t *areas,
                         int for_client, int granter_is_county_admin, char *buf, size_t buflen)
{
    if (!roles || json_array_size(roles) == 0)
        return snprintf(buf, buflen, "at least one role is required"), buf;
    unsigned bits = 0;
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v) {
        unsigned bit = role_parse(json_string_value(v));
        if (!bit)
            return snprintf(buf, buflen,
                            "unknown role \"%s\": use reader, reporter, org_admin or county_admin",
                            json_string_value(v)),
                   buf;
        bits |= bit;
    }
    if (for_client && (bits & (ROLE_ORG_ADMIN | ROLE_COUNTY_ADMIN)))
        return snprintf(buf, buflen, "a machine client can only be reader or reporter"), buf;
    if ((bits & ROLE_COUNTY_ADMIN) && !granter_is_county_admin)
        return snprintf(buf, buflen, "only a county_admin can grant county_admin"), buf;
    if (areas && json_array_size(areas) > 0 && !(bits & ROLE_REPORTER))
        return snprintf(buf, buflen, "areas are granted with the reporter role"), buf;

    char pid[16];
    snprintf(pid, sizeof pid, "%d", principal_id);
    const char *params[] = {pid};
    PGresult *r = PQexecParams(pg,
                               "SELECT a.slug, pa.principal_id IS NOT NULL FROM core.areas a"
                               " LEFT JOIN core.principal_areas pa ON pa.area_id = a.id"
                               " AND pa.principal_id = $1::smallint",
                               1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return snprintf(buf, buflen, "cannot read the areas"), buf;
    }
    const char *problem = NULL;
    json_array_foreach(areas, i, v) {
        const char *slug = json_string_value(v);
        int known = 0, granted = 0;
        for (int row = 0; row < PQntuples(r); row++) {
            if (strcmp(PQgetvalue(r, row, 0), slug) == 0) {
                known = 1;
                granted = PQgetvalue(r, row, 1)[0] == 't';
            }
        }
        if (!known) {
            snprintf(buf, buflen, "unknown area \"%s\"", slug);
            problem = buf;
            break;
        }
        if (!granted) {
            snprintf(buf, buflen, "the principal is not granted the area \"%s\"", slug);
            problem = buf;
            break;
        }
    }
    PQclear(r);
    return problem;
}
