/* Wrong: its OpenAPI fragment (operation-id.openapi.json) reuses the operationId of the
 * conformance plugin's GET /api/v1/conformance; the test loads the two together. */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, refusal_handler, NULL,
                       "getConformancePlugin");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Borrowed operationId", .slug = "refuse-operation-id", .version = "1.0.0",
    .area = "att-aldras", .init = init,
    .openapi_path = "refuse-operation-id/operation-id.openapi.json",
};
