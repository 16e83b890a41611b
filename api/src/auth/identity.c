/* Role names; see identity.h. */
#include "auth/identity.h"

#include <string.h>

static const struct {
    unsigned bit;
    const char *name;
} roles[] = {
    {ROLE_READER, "reader"},
    {ROLE_REPORTER, "reporter"},
    {ROLE_ORG_ADMIN, "org_admin"},
    {ROLE_COUNTY_ADMIN, "county_admin"},
};

unsigned role_parse(const char *name)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].bit;
    return 0;
}

const char *role_name(unsigned role_bit)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].bit == role_bit)
            return roles[i].name;
    return "?";
}
