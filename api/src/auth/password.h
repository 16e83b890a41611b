/* Passwords: Argon2id through libsodium's crypto_pwhash_str. Each hash takes tens of MiB, so a
 * gate bounds how many run at once; callers beyond it wait up to 10 s, then get PW_BUSY. */
#ifndef LGVO_AUTH_PASSWORD_H
#define LGVO_AUTH_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN_LENGTH 12
#define PASSWORD_MAX_LENGTH 1024
#define PASSWORD_HASH_MAX 128

struct hash_gate;

/* max: concurrent hashes; opslimit/memlimit_kib: Argon2id parameters for new hashes. */
struct hash_gate *hash_gate_create(int max, int opslimit, int memlimit_kib); /* caller frees */
void hash_gate_destroy(struct hash_gate *g);

enum pw_result { PW_OK = 0, PW_WRONG, PW_BUSY, PW_ERROR };

/* Returns NULL when the password is acceptable, else a sentence saying why not. */
const char *password_policy_error(const char *password);

enum pw_result password_hash(struct hash_gate *g, const char *password,
                             char out[PASSWORD_HASH_MAX]);
/* Checks password against hash. *needs_rehash is set when the hash uses other parameters
 * than the configured ones. A NULL hash burns the same time against a dummy hash (for unknown
 * usernames) and returns PW_WRONG. */
enum pw_result password_verify(struct hash_gate *g, const char *hash, const char *password,
                               int *needs_rehash);

#endif
