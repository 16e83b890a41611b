/* Argon2id passwords with bounded concurrency; see password.h. */
#include "auth/password.h"

#include "util/mem.h"

#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

struct hash_gate {
    sem_t slots;
    unsigned long long opslimit;
    size_t memlimit;
    char dummy[PASSWORD_HASH_MAX]; /* a hash of a random password, for unknown usernames */
};

static int enter(struct hash_gate *g)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    while (sem_timedwait(&g->slots, &deadline) != 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

struct hash_gate *hash_gate_create(int max, int opslimit, int memlimit_kib)
{
    if (sodium_init() < 0)
        return NULL;
    struct hash_gate *g = xcalloc(1, sizeof *g);
    sem_init(&g->slots, 0, (unsigned)max);
    g->opslimit = (unsigned long long)opslimit;
    g->memlimit = (size_t)memlimit_kib * 1024;
    char random_pw[33];
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(random_pw, sizeof random_pw, raw, sizeof raw);
    if (crypto_pwhash_str(g->dummy, random_pw, strlen(random_pw), g->opslimit, g->memlimit) != 0) {
        sem_destroy(&g->slots);
        free(g);
        return NULL;
    }
    return g;
}

void hash_gate_destroy(struct hash_gate *g)
{
    if (!g)
        return;
    sem_destroy(&g->slots);
    free(g);
}

const char *password_policy_error(const char *password)
{
    size_t n = strlen(password), chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)password[i] & 0xC0) != 0x80; /* count code points */
    if (chars < PASSWORD_MIN_LENGTH)
        return "the password must be at least 12 characters long";
    if (n > PASSWORD_MAX_LENGTH)
        return "the password must be at most 1024 bytes long";
    return NULL;
}

enum pw_result password_hash(struct hash_gate *g, const char *password,
                             char out[PASSWORD_HASH_MAX])
{
    if (enter(g) != 0)
        return PW_BUSY;
    int rc = crypto_pwhash_str(out, password, strlen(password), g->opslimit, g->memlimit);
    sem_post(&g->slots);
    return rc == 0 ? PW_OK : PW_ERROR;
}

enum pw_result password_verify(struct hash_gate *g, const char *hash, const char *password,
                               int *needs_rehash)
{
    *needs_rehash = 0;
    if (enter(g) != 0)
        return PW_BUSY;
    const char *h = hash ? hash : g->dummy;
    int rc = crypto_pwhash_str_verify(h, password, strlen(password));
    sem_post(&g->slots);
    if (!hash || rc != 0)
        return PW_WRONG;
    *needs_rehash = crypto_pwhash_str_needs_rehash(hash, g->opslimit, g->memlimit) != 0;
    return PW_OK;
}
