/* PDSA cycles that test a change measured by a given measure, for charts that mark when
 * changes were tried (e.g. the signals module's annotations). */
#ifndef LGVO_CORE_WORKPLAN_PDSA_MEASURES_H
#define LGVO_CORE_WORKPLAN_PDSA_MEASURES_H

#include "core/period.h"

#include <jansson.h>

struct req;

/* The cycles whose plan names the measure slug, of the principal (principal_id 0: any
 * principal, for the county), whose time overlaps from..to (has_range 0: any time): a new
 * array (caller decrefs) of {id, title, phase, status, decision, activity, principals,
 * starts_on, do_started_on, ends_on}, oldest first. A cycle runs from its planned start (else its do start,
 * else the day it was recorded) to its do end (else its planned end; null while open).
 * Returns NULL after replying when the database fails. */
json_t *workplan_pdsa_for_measure(struct req *r, const char *slug, int principal_id,
                                  int has_range, struct date from, struct date to);

#endif
