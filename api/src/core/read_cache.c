/* Versioned read cache; see read_cache.h. Direct-mapped slots under striped locks, like the
 * token cache: a hit costs one hash of the URL and one copy of the body. */
#include "core/read_cache.h"

#include "app.h"
#include "auth/authz.h"
#include "http/req.h"
#include "util/mem.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <ulfius.h>

#define STRIPES 64
#define MAX_ENTRY_BYTES (256 * 1024)

struct slot {
    unsigned char key[32];
    long long version;
    char content_type[48];
    char *body;
    size_t len;
};

struct read_cache {
    struct slot *slots;
    size_t mask;
    pthread_mutex_t stripes[STRIPES];
};

struct read_cache *read_cache_create(int slots)
{
    if (slots <= 0)
        return NULL;
    struct read_cache *c = xcalloc(1, sizeof *c);
    size_t n = 1;
    while (n < (size_t)slots)
        n *= 2;
    c->slots = xcalloc(n, sizeof *c->slots);
    c->mask = n - 1;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&c->stripes[i], NULL);
    return c;
}

void read_cache_destroy(struct read_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        free(c->slots[i].body);
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&c->stripes[i]);
    free(c->slots);
    free(c);
}

static void make_key(struct req *r, unsigned char key[32])
{
    const char *accept = req_header(r, "Accept");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, r->http->http_url, strlen(r->http->http_url));
    int who[2] = {r->who.principal_id, authz_is_county_admin(&r->who)};
    EVP_DigestUpdate(ctx, who, sizeof who);
    if (accept)
        EVP_DigestUpdate(ctx, accept, strlen(accept));
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx, key, &n);
    EVP_MD_CTX_free(ctx);
}

static size_t index_of(const struct read_cache *c, const unsigned char key[32])
{
    size_t i;
    memcpy(&i, key, sizeof i);
    return i & c->mask;
}

int read_cache_reply(struct read_cache *c, struct req *r, long long version, unsigned char key[32])
{
    if (!c)
        return 0;
    make_key(r, key);
    size_t i = index_of(c, key);
    pthread_mutex_t *m = &c->stripes[i % STRIPES];
    char *copy = NULL;
    size_t len = 0;
    char ctype[48];
    pthread_mutex_lock(m);
    struct slot *s = &c->slots[i];
    if (s->body && s->version == version && memcmp(s->key, key, 32) == 0) {
        copy = xstrndup(s->body, s->len);
        len = s->len;
        memcpy(ctype, s->content_type, sizeof ctype);
    }
    pthread_mutex_unlock(m);
    if (!copy)
        return 0;
    reply_raw(r, 200, ctype, copy, len);
    return 1;
}

void read_cache_store(struct read_cache *c, const unsigned char key[32], long long version,
                      const char *content_type, const char *body, size_t len)
{
    if (!c || len > MAX_ENTRY_BYTES)
        return;
    char *copy = xstrndup(body, len);
    size_t i = index_of(c, key);
    pthread_mutex_t *m = &c->stripes[i % STRIPES];
    pthread_mutex_lock(m);
    struct slot *s = &c->slots[i];
    char *old = s->body;
    memcpy(s->key, key, 32);
    s->version = version;
    snprintf(s->content_type, sizeof s->content_type, "%s", content_type);
    s->body = copy;
    s->len = len;
    pthread_mutex_unlock(m);
    free(old);
}
