/* The HTTP server: Ulfius on libmicrohttpd with our own router as the single entry point.
 * Every request goes through server.c's dispatcher: request id, body limit, routing (404/405),
 * authentication and authorisation for the route's declared access, the handler, the end of
 * the transaction, common headers and one log line. */
#ifndef LGVO_HTTP_SERVER_H
#define LGVO_HTTP_SERVER_H

struct app;
struct server;

/* Starts listening on app->cfg.listen. Returns NULL with err on failure. */
struct server *server_start(struct app *app, char *err, unsigned long errlen);
/* Stops accepting, waits up to the shutdown timeout for open requests, then stops. */
void server_stop(struct server *srv);

#endif
