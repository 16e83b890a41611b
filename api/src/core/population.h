/* Population reference data; see population.c. */
#ifndef LGVO_CORE_POPULATION_H
#define LGVO_CORE_POPULATION_H

struct req;

/* The population of a principal for a year, sex and age band, within the request's
 * transaction. Returns 1 with *out, 0 when there is no such figure, -1 after replying. */
int population_lookup(struct req *r, int principal_id, int year, const char *sex,
                      const char *age_band, long *out);

#endif
