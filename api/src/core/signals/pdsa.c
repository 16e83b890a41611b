/* PDSA annotations of a signal chart; see pdsa.h. */
#include "core/signals/pdsa.h"

#include "http/req.h"

json_t *signals_pdsa_annotations(struct req *r, const struct measure *m, const struct principal *p,
                                 int has_range, struct date from, struct date to)
{
    (void)r;
    (void)m;
    (void)p;
    (void)has_range;
    (void)from;
    (void)to;
    /* To be wired by the work-plan module: the cycles whose plan_measures name m->slug, of
     * principal p (or any, for the county), overlapping from..to. */
    return json_array();
}
