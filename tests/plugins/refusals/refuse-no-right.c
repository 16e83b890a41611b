/* Wrong: a route without a required right (access 0). */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    return host->route("GET", "/open", (lgvo_access)0, NULL, refusal_handler, NULL, "getOpen");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "No right", .slug = "refuse-no-right", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
