/* Measure definitions held in memory (reloaded on NOTIFY lgvo_measures), the plugins'
 * definitions made through the host, and GET /api/v1/measures[/{slug}]. */
#ifndef LGVO_CORE_MEASURES_H
#define LGVO_CORE_MEASURES_H

#include "core/period.h"
#include "lgvo/plugin.h"

#include <libpq-fe.h>
#include <stddef.h>

struct measure {
    int id;
    char slug[96];
    int area_id;
    char area[32];
    char kind[12];   /* indicator | milestone | text */
    char unit[16];
    enum period_type period_type;
    char direction[20];
    int ratio;       /* numerator and denominator required; value derived */
    double scale;    /* value = numerator / denominator * scale (100 for percent, 1000 per 1,000) */
    int has_min, has_max;
    double min, max;
    int sex_split;
    int by_region, by_municipality;
    int on_behalf;
    int restricted;
};

struct measures;

struct measures *measures_create(void); /* caller frees */
void measures_destroy(struct measures *ms);

/* Checks a plugin's definition (its slug must start with "<area>.") and queues it for
 * measures_sync. Returns 0 or -1 with err. */
int measures_define(struct measures *ms, const char *area, const lgvo_measure_def *def, char *err,
                    size_t errlen);
/* Writes queued definitions to core.measures (create or update). Returns 0 or -1 with err. */
int measures_sync(struct measures *ms, PGconn *pg, char *err, size_t errlen);
/* Replaces the in-memory copy with the database's. Returns 0 or -1 with err. */
int measures_load(struct measures *ms, PGconn *pg, char *err, size_t errlen);

/* Copies the measure with this slug into *out; 0 or -1. */
int measures_get(struct measures *ms, const char *slug, struct measure *out);
int measures_get_by_id(struct measures *ms, int id, struct measure *out);
/* Rendered JSON: one measure (slug) or the list filtered by area/kind (NULL = any).
 * Caller frees; NULL when slug is unknown. */
char *measures_json(struct measures *ms, const char *slug, const char *area, const char *kind,
                    size_t *len);

struct app;
int measure_routes(struct app *app, char *err, size_t errlen);

#endif
