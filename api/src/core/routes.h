/* Registration of the core's routes. Each *_routes function adds its resource's routes to
 * the router and returns 0, or -1 with err. */
#ifndef LGVO_CORE_ROUTES_H
#define LGVO_CORE_ROUTES_H

#include <stddef.h>

struct app;

int health_routes(struct app *app, char *err, size_t errlen);
int reference_routes(struct app *app, char *err, size_t errlen);
int auth_routes(struct app *app, char *err, size_t errlen);
int account_routes(struct app *app, char *err, size_t errlen);
int values_push_route(struct app *app, char *err, size_t errlen);
int values_read_routes(struct app *app, char *err, size_t errlen);
int lock_routes(struct app *app, char *err, size_t errlen);
int population_routes(struct app *app, char *err, size_t errlen);
int workplan_routes(struct app *app, char *err, size_t errlen);
int signal_routes(struct app *app, char *err, size_t errlen);
int static_routes(struct app *app, char *err, size_t errlen);
void static_files_free(void);

#endif
