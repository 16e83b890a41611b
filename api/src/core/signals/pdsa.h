/* PDSA annotations of a signal chart: the Plan-Do-Study-Act cycles (core.pdsa_cycles, owned
 * by the work-plan module) that tested changes measured by the chart's measure, so that a
 * front end can mark on the chart when each change was introduced. */
#ifndef LGVO_CORE_SIGNALS_PDSA_H
#define LGVO_CORE_SIGNALS_PDSA_H

#include "core/measures.h"
#include "core/period.h"
#include "core/refdata.h"

#include <jansson.h>

struct req;

/* The annotations for measure m and principal p (NULL: the county chart) over the dates
 * from..to of the chart's points (has_range 0 when the chart has no points): the cycles whose
 * plan names the measure, with the principal among their participants (any, for the county),
 * as workplan_pdsa_for_measure gives them. Returns a new array the caller owns, or NULL after
 * replying (a database error). */
json_t *signals_pdsa_annotations(struct req *r, const struct measure *m, const struct principal *p,
                                 int has_range, struct date from, struct date to);

#endif
