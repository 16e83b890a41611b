/* PDSA annotations of a signal chart; see pdsa.h. */
#include "core/signals/pdsa.h"

#include "core/workplan/pdsa_measures.h"
#include "http/req.h"

json_t *signals_pdsa_annotations(struct req *r, const struct measure *m, const struct principal *p,
                                 int has_range, struct date from, struct date to)
{
    return workplan_pdsa_for_measure(r, m->slug, p ? p->id : 0, has_range, from, to);
}
