/* The baseline mapping's row reading, shared by initiatives.c and initiatives_input.c. */
#ifndef DIGITALISERING_INITIATIVES_H
#define DIGITALISERING_INITIATIVES_H

#include "digi.h"

#define DG_MAX_INITIATIVES 2000 /* rows per push (more: 413) */

/* Reads the rows of a push; problems go to errors as {index, path, code, message}. Returns a
 * new array of the valid rows: {index, principal_id, principal, name, area, category, status,
 * started_on, ended_on, description}. */
json_t *dg_initiative_rows(json_t *errors, json_t *rows, const struct dg_who *w);
/* Checks the valid rows against the database: each area exists (unknown_area at
 * /initiatives/<i>/area), no principal names an initiative twice, case aside (duplicate_row at
 * /initiatives/<i>/name). Returns 0, or -1 after the host replied. */
int dg_initiative_check(lgvo_request *req, json_t *errors, json_t *rows);

#endif
