/* The access gate; see access.h. */
#include "auth/access.h"

#include "http/req.h"

int access_check(struct req *r)
{
    if (r->route->access == ACCESS_PUBLIC)
        return 0;
    req_set_header(r, "WWW-Authenticate", "Bearer");
    reply_error(r, 401, NULL, "this resource needs a bearer token");
    return -1;
}
