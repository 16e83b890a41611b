/* Validated JSON request bodies for resource endpoints. Each body_* call reads one member and
 * records a problem (a 422 detail with a JSON-pointer path) when it has the wrong type or
 * value; body_failed replies 422 with every problem at once, unknown members included, so a
 * typo in a client is never silently ignored. */
#ifndef LGVO_HTTP_BODY_H
#define LGVO_HTTP_BODY_H

#include <jansson.h>
#include <stddef.h>

struct req;

#define BODY_MAX_KNOWN 64

struct body {
    struct req *r;
    json_t *obj;    /* borrowed from the request */
    json_t *errors; /* owned; NULL until the first problem */
    int nknown;
    const char *known[BODY_MAX_KNOWN];
};

/* Parses the request body as a JSON object. Returns 0, or -1 after replying 400/415. */
int body_open(struct body *b, struct req *r);
/* 1 when the member is present (null counts as present). */
int body_has(struct body *b, const char *name);
/* A string of minlen..maxlen characters without control characters; NULL when absent (a
 * problem when required). */
const char *body_string(struct body *b, const char *name, int required, size_t minlen,
                        size_t maxlen);
/* A boolean; def when absent. */
int body_bool(struct body *b, const char *name, int def);
/* An array of distinct strings (at most max); borrowed; NULL when absent. */
json_t *body_string_array(struct body *b, const char *name, int required, size_t max);
void body_problem(struct body *b, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Replies 422 with the problems (and unknown members) and returns 1; else 0. */
int body_failed(struct body *b);

#endif
