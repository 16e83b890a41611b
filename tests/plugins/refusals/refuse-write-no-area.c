/* Wrong: a write route that does not say for which area. */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    return host->route("POST", "/things", LGVO_ACCESS_WRITE_AREA, NULL, refusal_handler, NULL,
                       "addThing");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Write without area", .slug = "refuse-write-no-area", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
