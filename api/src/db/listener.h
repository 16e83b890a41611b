/* A background thread holding one PostgreSQL connection that LISTENs on a few channels, so
 * that changes made by any copy of the service (revoked tokens, rotated keys, edited
 * reference data) reach every copy within a second without a query per request. After every
 * (re)connection each handler is called with payload NULL to resynchronise, because
 * notifications sent while disconnected are lost. */
#ifndef LGVO_DB_LISTENER_H
#define LGVO_DB_LISTENER_H

#include <libpq-fe.h>

struct pool;
struct listener;

/* Called on the listener thread. pg is the listener's connection, usable for queries during
 * the call; payload is NULL for a resynchronisation. */
typedef void (*listener_fn)(void *ctx, PGconn *pg, const char *payload);

struct listener *listener_create(struct pool *pool); /* caller frees with listener_destroy */
/* Adds a channel before listener_start; channel must be a plain lower-case identifier. */
void listener_add(struct listener *l, const char *channel, listener_fn fn, void *ctx);
int listener_start(struct listener *l);
void listener_destroy(struct listener *l); /* stops the thread first */

#endif
