/* The database side of a push: COPY of the checked rows into a temporary table, the period
 * locks, then one set-based upsert (and, in replace mode, one delete), all in the request's
 * transaction. History is written by triggers on core.values (schema/0008). */
#ifndef LGVO_CORE_VALUES_WRITE_H
#define LGVO_CORE_VALUES_WRITE_H

#include "core/period.h"
#include "core/values_push.h"

struct req;

struct write_counts {
    long created, updated, unchanged, deleted;
};

/* The slice a replace push owns: periods within [from.start, to.end]. */
struct replace_slice {
    struct period from, to;
};

enum write_result {
    WRITE_DONE = 0,
    WRITE_FAILED = -1, /* replied already (database error) */
    WRITE_LOCKED = -2, /* rows in locked periods: marked in rows/errors; nothing written */
    WRITE_RETRY = -3,  /* deadlock or serialization failure: roll back and try again */
};

/* Writes the rows that are not bad. With partial set, rows in locked periods are rejected
 * (marked bad) and the rest written; otherwise any locked row stops the write. */
enum write_result values_write(struct req *r, struct push_rows *rows, struct push_errors *e,
                               const struct replace_slice *slice, int partial,
                               struct write_counts *out);

#endif
