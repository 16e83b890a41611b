/* The composition root: everything a request handler may reach, created once in main and
 * read-only while serving (except the atomics). */
#ifndef LGVO_APP_H
#define LGVO_APP_H

#include "config.h"
#include "http/router.h"
#include "plugin/loader.h"

#include <stdatomic.h>

struct pool;
struct refdata;
struct listener;
struct keyring;
struct revocations;
struct token_service;
struct hash_gate;
struct measures;
struct read_cache;

struct app {
    struct config cfg;
    struct pool *pool;
    struct router router;
    struct refdata *refdata;   /* principals and areas, in memory */
    struct listener *listener; /* LISTEN/NOTIFY thread */
    struct keyring *keys;
    struct revocations *revoked;
    struct token_service *tokens;
    struct hash_gate *hashes;  /* bounds concurrent password hashes */
    struct measures *measures; /* measure definitions, in memory */
    struct plugins plugins;    /* loaded area plugins */
    atomic_llong values_version; /* bumped by every write of values; part of ETags */
    json_t *openapi;           /* the merged OpenAPI document */
    struct read_cache *read_cache; /* rendered reads, valid for one data version */
    atomic_int draining;      /* set on SIGTERM/SIGINT: readiness turns 503 */
    atomic_int open_requests; /* requests received and not yet answered */
    char version[64];
    long expected_migrations; /* migration files known at start-up, all components */
};

#endif
