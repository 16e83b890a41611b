/* The audit trail (core.audit): who did what to what, when, from where, under which request.
 * Never pass secrets in target or details. */
#ifndef LGVO_CORE_AUDIT_H
#define LGVO_CORE_AUDIT_H

#include <jansson.h>
#include <stddef.h>

struct req;
struct app;

struct audit_event {
    const char *action;          /* e.g. "login.failure", "user.create" */
    const char *actor;           /* NULL = the caller's subject */
    const char *actor_principal; /* NULL = the caller's principal */
    const char *principal;       /* slug of the principal the event concerns, or NULL */
    const char *target;          /* e.g. "user:<id>", or NULL */
    json_t *details;             /* stolen; may be NULL */
};

/* Writes one row on the request's database connection, inside its transaction when one is
 * open (so it commits or rolls back with the change it records). Returns 0, or -1 after
 * replying with the database error. */
int audit_write(struct req *r, const struct audit_event *e);

int audit_routes(struct app *app, char *err, size_t errlen);

#endif
