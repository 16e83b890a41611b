/* Wrong: its OpenAPI fragment (outside-prefix.openapi.json) describes a core path. */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, refusal_handler, NULL,
                       "getRefuseOpenapi");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "OpenAPI outside its prefix", .slug = "refuse-openapi", .version = "1.0.0",
    .area = "att-aldras", .init = init,
    .openapi_path = "refuse-openapi/outside-prefix.openapi.json",
};
