/* Reading a push: the JSON body {"values":[…]} or a CSV body with a header row, into rows,
 * and the checks of each row (everything but the database: measure, principal, period, sex,
 * kind-specific fields, ranges, the shared write decision and duplicates). Problems become row
 * errors that name the field. */
#ifndef LGVO_CORE_VALUES_INPUT_H
#define LGVO_CORE_VALUES_INPUT_H

#include "core/values_push.h"

struct app;
struct identity;

/* Parses a JSON body. Returns 0; -1 with a message in err when the body is not a JSON object
 * with a "values" array (400); -2 when it has more than max_rows rows (413). */
int values_parse_json(const char *body, size_t len, size_t max_rows, struct push_rows *rows,
                      struct push_errors *e, char *err, size_t errlen);
/* Reads rows from a JSON array of value objects (as in {"values":[…]}). */
void values_rows_from_array(json_t *values, struct push_rows *rows, struct push_errors *e);
/* Parses a CSV body (RFC 4180, header row). Same return codes. */
int values_parse_csv(const char *body, size_t len, size_t max_rows, struct push_rows *rows,
                     struct push_errors *e, char *err, size_t errlen);

/* Checks every row that parsed; sets bad/forbidden and records errors. */
void values_check_rows(struct app *app, const struct identity *who, struct push_rows *rows,
                       struct push_errors *e);

/* Shortest decimal text that reads back as d (caller provides 32 bytes). */
void number_text(double d, char out[32]);

#endif
