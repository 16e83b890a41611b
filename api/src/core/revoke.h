/* Revoking access tokens and refresh-token families in the database. The trigger on
 * core.revocations NOTIFYs every running copy, which updates its in-memory set. */
#ifndef LGVO_CORE_REVOKE_H
#define LGVO_CORE_REVOKE_H

struct req;

/* kind: "jti" (one token), "sid" (a login family, also revoking its refresh tokens) or "sub"
 * (every token of a subject issued before now + delay_s seconds; with end_sessions, a user's
 * refresh tokens too, so that only a new login helps). Runs on the request's connection
 * (inside its transaction when one is open). Returns 0, or -1 after replying. */
int revoke_tokens(struct req *r, const char *kind, const char *value, int delay_s,
                  int end_sessions);

#endif
