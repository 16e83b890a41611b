/* Wrong: registers the same route twice (the second differs only in its parameter's name). */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    if (host->route("GET", "/things/:id", LGVO_ACCESS_AUTHENTICATED, NULL, refusal_handler, NULL,
                    "getThing") != 0)
        return 1;
    return host->route("GET", "/things/:name", LGVO_ACCESS_AUTHENTICATED, NULL, refusal_handler,
                       NULL, "getThingByName");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Route twice", .slug = "refuse-route-twice", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
