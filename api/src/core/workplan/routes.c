/* The work plan: driver diagrams, PDSA cycles, agreements (issue in progress). Registers the
 * work-plan routes. */
#include "app.h"
#include "core/routes.h"

int workplan_routes(struct app *app, char *err, size_t errlen)
{
    (void)app;
    (void)err;
    (void)errlen;
    return 0;
}
