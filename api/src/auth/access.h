/* The one gate every request passes before its handler: it authenticates the caller when the
 * route is not public and checks the route's declared access rule. */
#ifndef LGVO_AUTH_ACCESS_H
#define LGVO_AUTH_ACCESS_H

struct req;

/* Returns 0 when the handler may run; otherwise replies (401/403/503) and returns -1. */
int access_check(struct req *r);

#endif
