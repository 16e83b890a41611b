/* A cache of rendered read responses, valid for one data version: any write of values bumps
 * the version (core.values_version, heard by every copy through NOTIFY), so an entry is never
 * served after the data it shows changed. Keys include what the caller may see (principal,
 * county_admin), because suppression depends on it. Bounded: a fixed number of slots and a
 * size limit per entry. */
#ifndef LGVO_CORE_READ_CACHE_H
#define LGVO_CORE_READ_CACHE_H

#include <stddef.h>

struct read_cache;
struct req;

struct read_cache *read_cache_create(int slots); /* caller frees; NULL when slots == 0 */
void read_cache_destroy(struct read_cache *c);

/* Replies from the cache when it holds this request's answer for data version `version` (the
 * one the caller puts in the ETag: read once, so that a write in between cannot pair an older
 * ETag with a newer answer); returns 1 then, else 0 (key is filled for read_cache_store). */
int read_cache_reply(struct read_cache *c, struct req *r, long long version, unsigned char key[32]);
/* Keeps a copy of an answer computed at data version `version`. */
void read_cache_store(struct read_cache *c, const unsigned char key[32], long long version,
                      const char *content_type, const char *body, size_t len);

#endif
