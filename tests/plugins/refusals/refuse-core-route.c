/* Wrong: the slug "values" puts the plugin's routes among the core's (POST /api/v1/values). */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    return host->route("POST", "", LGVO_ACCESS_AUTHENTICATED, NULL, refusal_handler, NULL,
                       "pushMyValues");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Values", .slug = "values", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
