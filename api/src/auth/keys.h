/* Signing keys for access tokens. ES256 (default) or RS256 key pairs live in
 * core.signing_keys (or one key in LGVO_JWT_KEY_FILE); HS256 uses LGVO_JWT_HS256_SECRET only
 * when configured explicitly. Every key has a kid (the RFC 7638 thumbprint of its public
 * JWK); the newest active key of the configured algorithm signs, all known keys verify, and
 * their public halves are published as a JWKS. Rotation inserts a row; the NOTIFY it raises
 * makes every running copy reload (see db/listener.h). */
#ifndef LGVO_AUTH_KEYS_H
#define LGVO_AUTH_KEYS_H

#include <jansson.h>
#include <jwt.h>
#include <libpq-fe.h>
#include <stddef.h>

struct config;
struct keyring;

struct keyring *keyring_create(const struct config *cfg); /* caller frees (keyring_destroy) */
void keyring_destroy(struct keyring *kr);

/* (Re)loads the keys: from the key file or the HS256 secret, else from the database, creating
 * the first key there when none of the configured algorithm exists. Returns 0 or -1 + err. */
int keyring_load(struct keyring *kr, PGconn *pg, char *err, size_t errlen);

/* Adds a new signing key of the configured algorithm to the database; writes its kid.
 * Returns 0 or -1 with err. Not available with a key file or HS256. */
int keyring_rotate(const struct config *cfg, PGconn *pg, char kid[64], char *err, size_t errlen);

/* Signs jwt (its grants already set): sets alg and the kid header and encodes.
 * Returns the token (caller frees) or NULL. */
char *keyring_sign(struct keyring *kr, jwt_t *jwt);

/* Checks a token's header and signature: the kid must be known and the header's alg must be
 * that key's algorithm (so "none" and HS256-with-a-public-key never pass). On success *out is
 * the decoded token (caller jwt_free's). Returns 0, or -1 with a reason. */
int keyring_verify(struct keyring *kr, const char *token, jwt_t **out, const char **why);

/* {"keys":[…]} with the public keys; caller frees. */
char *keyring_jwks(struct keyring *kr, size_t *len);
/* [{kid, alg, created, active}] from the database, for `lgvo-api keys list`; caller decrefs. */
json_t *keyring_list(PGconn *pg, char *err, size_t errlen);

#endif
