/* Query-string parameters, validated. Each query_* call reads one parameter and records a
 * problem (400 detail) when it is malformed; query_params_failed then replies 400 with every
 * problem at once, including parameters the handler does not know (typos are not ignored). */
#ifndef LGVO_HTTP_PARAMS_H
#define LGVO_HTTP_PARAMS_H

#include <jansson.h>

struct req;

#define QUERY_MAX_KNOWN 24

struct query_params {
    struct req *r;
    json_t *errors; /* owned; NULL until the first problem */
    int nknown;
    const char *known[QUERY_MAX_KNOWN];
    int allow_unknown; /* other parameters belong to someone else (a plugin route) */
};

void query_params_init(struct query_params *q, struct req *r);
/* Text of at most maxlen bytes without control characters; NULL when absent. */
const char *query_text(struct query_params *q, const char *name, size_t maxlen);
/* A date (YYYY-MM-DD) or an RFC 3339 date-time; NULL when absent. */
const char *query_timestamp(struct query_params *q, const char *name);
/* An integer within [min, max]; def when absent. */
long query_int(struct query_params *q, const char *name, long min, long max, long def);
/* true/false; def when absent. */
int query_bool(struct query_params *q, const char *name, int def);
/* One of the allowed values (NULL-terminated list); def when absent. */
const char *query_enum(struct query_params *q, const char *name, const char *const *allowed,
                       const char *def);
/* Records a problem found by the handler itself. */
void query_problem(struct query_params *q, const char *name, const char *message);
/* When any problem was recorded, replies 400 with them as details and returns 1. */
int query_params_failed(struct query_params *q);

#endif
