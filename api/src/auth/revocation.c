/* Revocation set; see revocation.h. An open-addressing hash table of "kind:value" keys,
 * rebuilt on resynchronisation; entries older than the longest token lifetime are pruned when
 * the table grows. */
#include "auth/revocation.h"

#include "util/clock.h"
#include "util/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct entry {
    char *key;          /* "jti:…", "sid:…", "sub:…"; NULL = empty slot */
    int64_t revoked_at; /* seconds */
};

struct table {
    struct entry *slots;
    size_t cap, used;
};

struct revocations {
    pthread_rwlock_t lock;
    struct table t;
    int forget_after_s;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->slots[i].key);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static struct entry *find_slot(struct table *t, const char *key)
{
    size_t i = hash(key) & (t->cap - 1);
    while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static void table_put(struct table *t, char *key, int64_t revoked_at);

static void table_grow(struct table *t, int64_t forget_before)
{
    struct table old = *t;
    t->cap = old.cap ? old.cap * 2 : 256;
    t->used = 0;
    t->slots = xcalloc(t->cap, sizeof *t->slots);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.slots[i].key)
            continue;
        if (old.slots[i].revoked_at < forget_before)
            free(old.slots[i].key); /* every token it could match has expired */
        else
            table_put(t, old.slots[i].key, old.slots[i].revoked_at);
    }
    free(old.slots);
}

/* Steals key. */
static void table_put(struct table *t, char *key, int64_t revoked_at)
{
    struct entry *e = find_slot(t, key);
    if (e->key) {
        free(key);
        if (revoked_at > e->revoked_at)
            e->revoked_at = revoked_at;
        return;
    }
    e->key = key;
    e->revoked_at = revoked_at;
    t->used++;
}

static void put(struct revocations *rv, struct table *t, char *key, int64_t revoked_at)
{
    if ((t->used + 1) * 2 > t->cap)
        table_grow(t, clock_wall_us() / 1000000 - rv->forget_after_s);
    table_put(t, key, revoked_at);
}

struct revocations *revocations_create(int forget_after_s)
{
    struct revocations *rv = xcalloc(1, sizeof *rv);
    pthread_rwlock_init(&rv->lock, NULL);
    rv->forget_after_s = forget_after_s;
    return rv;
}

void revocations_destroy(struct revocations *rv)
{
    if (!rv)
        return;
    table_free(&rv->t);
    pthread_rwlock_destroy(&rv->lock);
    free(rv);
}

int revocations_load(struct revocations *rv, PGconn *pg)
{
    PGresult *r = PQexec(pg, "SELECT kind || ':' || value, extract(epoch FROM revoked_at)::bigint "
                             "FROM core.revocations WHERE forget_after > now()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    struct table fresh = {0};
    for (int i = 0; i < PQntuples(r); i++)
        put(rv, &fresh, xstrdup(PQgetvalue(r, i, 0)), strtoll(PQgetvalue(r, i, 1), NULL, 10));
    PQclear(r);
    pthread_rwlock_wrlock(&rv->lock);
    struct table old = rv->t;
    rv->t = fresh;
    pthread_rwlock_unlock(&rv->lock);
    table_free(&old);
    return 0;
}

void revocations_apply(struct revocations *rv, const char *payload)
{
    /* "kind:epoch:value" */
    const char *c1 = strchr(payload, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || c1 - payload != 3)
        return;
    int64_t at = strtoll(c1 + 1, NULL, 10);
    char *key = xasprintf("%.3s:%s", payload, c2 + 1);
    pthread_rwlock_wrlock(&rv->lock);
    put(rv, &rv->t, key, at);
    pthread_rwlock_unlock(&rv->lock);
}

static int lookup(struct revocations *rv, const char *kind, const char *value, int64_t *at)
{
    if (!value || !*value || !rv->t.cap)
        return 0;
    char key[160];
    snprintf(key, sizeof key, "%s:%s", kind, value);
    struct entry *e = find_slot(&rv->t, key);
    if (!e->key)
        return 0;
    *at = e->revoked_at;
    return 1;
}

int revocations_check(struct revocations *rv, const char *jti, const char *sid,
                      const char *sub, int64_t iat)
{
    int64_t at = 0;
    pthread_rwlock_rdlock(&rv->lock);
    int revoked = lookup(rv, "jti", jti, &at) || lookup(rv, "sid", sid, &at) ||
                  (lookup(rv, "sub", sub, &at) && iat < at);
    pthread_rwlock_unlock(&rv->lock);
    return revoked;
}
