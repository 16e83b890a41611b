/* Write decisions; see authz.h. Pure: no I/O, unit-tested over every principal and role. */
#include "auth/authz.h"

int authz_is_county_admin(const struct identity *who)
{
    return (who->roles & ROLE_COUNTY_ADMIN) != 0;
}

int authz_is_org_admin_of(const struct identity *who, int principal_id)
{
    return authz_is_county_admin(who) ||
           ((who->roles & ROLE_ORG_ADMIN) && who->principal_id == principal_id);
}

int authz_has_area(const struct identity *who, int area_id)
{
    return area_id >= 1 && area_id <= 64 && (who->area_mask >> (area_id - 1)) & 1;
}

enum write_decision authz_write(const struct identity *who, const struct write_target *t)
{
    if (authz_is_county_admin(who))
        return WRITE_ALLOWED;
    if (!(who->roles & ROLE_REPORTER))
        return WRITE_NOT_REPORTER;
    if (!authz_has_area(who, t->area_id))
        return WRITE_AREA_NOT_GRANTED;
    if (t->on_behalf)
        return who->principal_is_region ? WRITE_ALLOWED : WRITE_REGION_ONLY;
    return who->principal_id == t->principal_id ? WRITE_ALLOWED : WRITE_OTHER_PRINCIPAL;
}

const char *authz_message(enum write_decision d)
{
    switch (d) {
    case WRITE_ALLOWED: return "allowed";
    case WRITE_NOT_REPORTER: return "writing data needs the reporter role";
    case WRITE_AREA_NOT_GRANTED: return "you have no write grant for this area";
    case WRITE_OTHER_PRINCIPAL: return "you may write only your own principal's data";
    case WRITE_REGION_ONLY:
        return "only the region reports this data (on behalf of every municipality)";
    }
    return "forbidden";
}
