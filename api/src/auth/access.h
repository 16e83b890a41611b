/* The one gate every request passes before its handler: it authenticates the caller (a Bearer
 * access token; optional on public routes, verified when present) and checks the route's
 * declared access rule. Data-level write checks use auth/authz.h in the handlers. */
#ifndef LGVO_AUTH_ACCESS_H
#define LGVO_AUTH_ACCESS_H

struct req;
struct token_service;

/* Returns 0 when the handler may run; otherwise replies (401/403) and returns -1. */
int access_check(struct req *r);

/* Replies 403 with WWW-Authenticate: Bearer error="insufficient_scope". */
void access_deny(struct req *r, const char *message);

#endif
