/* CORS for browser front ends on other origins: only the exact origins in LGVO_CORS_ORIGINS
 * get CORS headers (none by default). Preflights are answered without authentication. */
#ifndef LGVO_HTTP_CORS_H
#define LGVO_HTTP_CORS_H

struct req;

/* 1 when the request's Origin is allowed. */
int cors_allowed(struct req *r);
/* Adds the CORS headers of an allowed origin to the response (no-op otherwise). preflight:
 * also the allowed methods and request headers. */
void cors_headers(struct req *r, int preflight, const char *methods);

#endif
