/* The revocation set: token ids (jti), login families (sid) and subjects (sub) whose tokens
 * issued up to a moment are no longer valid. Loaded from core.revocations and kept current by
 * NOTIFY lgvo_revocation, so checking a token never queries the database. */
#ifndef LGVO_AUTH_REVOCATION_H
#define LGVO_AUTH_REVOCATION_H

#include <libpq-fe.h>
#include <stdint.h>

struct revocations;

struct revocations *revocations_create(int forget_after_s); /* caller frees */
void revocations_destroy(struct revocations *rv);
/* Replaces the set with the database's unexpired rows. Returns 0 or -1. */
int revocations_load(struct revocations *rv, PGconn *pg);
/* Applies one notification payload "kind:revoked_at_epoch:value". */
void revocations_apply(struct revocations *rv, const char *payload);
/* 1 when a token (issued at iat, with these ids; sid may be empty) is revoked. */
int revocations_check(struct revocations *rv, const char *jti, const char *sid,
                      const char *sub, int64_t iat);

#endif
