/* POST /api/v1/values: validating and storing a push of measure values (JSON or CSV), in the
 * modes atomic (default), partial and replace, with dry_run and Idempotency-Key. See
 * values_input.c for the row checks and values_write.c for the set-based write. */
#ifndef LGVO_CORE_VALUES_PUSH_H
#define LGVO_CORE_VALUES_PUSH_H

#include "core/measures.h"
#include "core/period.h"
#include "core/refdata.h"

#include "lgvo/plugin.h"

#include <jansson.h>
#include <stddef.h>

/* One row of a push after parsing. Strings are owned by the row (push_rows_free). */
struct push_row {
    size_t index;        /* position in the push, from 0 */
    size_t line;         /* CSV line (header = 1); 0 for JSON */
    char *measure_in;    /* as given */
    char *principal_in;
    char *period_in;
    char *sex_in;
    int bad;             /* any error recorded */
    int forbidden;       /* refused by the write decision */
    int locked;          /* the period is locked */
    int del;             /* "delete": true — remove the stored value of this key */
    struct measure m;    /* valid when measure_ok */
    int measure_ok;
    struct principal p;  /* valid when principal_ok */
    int principal_ok;
    struct period period;
    char period_text[16];
    char sex;
    char *value;         /* numbers as text, as given (NULL = absent) */
    char *numerator;
    char *denominator;
    int achieved;        /* -1 absent */
    char achieved_on[11];
    char *text;
    char *comment;
};

struct push_rows {
    struct push_row *items;
    size_t count;
};

void push_rows_free(struct push_rows *rows);

/* The row errors of a push. */
struct push_errors {
    json_t *list;       /* [{"index","path","code","message"[,"line"]}] */
    struct push_rows *rows;
    int csv;            /* paths name CSV columns, and "line" is added */
};

/* Records an error for row index and marks the row bad. field may be NULL (the whole row). */
void push_row_error(struct push_errors *e, size_t index, const char *field, const char *code,
                    const char *message);


struct req;

/* host->push_values / host->push_reply (see lgvo/plugin.h). */
int values_push_derived(struct req *r, json_t *values, const char *collection, size_t nsources,
                        json_t *plugin_errors, lgvo_push_result *out);
void values_push_derived_reply(struct req *r, lgvo_push *push, json_t *extra);

#endif
