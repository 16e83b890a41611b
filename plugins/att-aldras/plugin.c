/* Area plugin "Att åldras" (att-aldras): Ageing: hospital statistics for people aged 80 and over by municipality of residence, the county networks (palliative care, cognitive decline, frail elderly) and the area overview. */
#include "lgvo/plugin.h"
#include "plugin_common.h"

static const lgvo_host *host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    plugin_reply_about(host, req, &lgvo_plugin);
}

static int init(const lgvo_host *h, void **state)
{
    host = h;
    *state = NULL;
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getAttAldrasPlugin");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Att åldras",
    .slug = "att-aldras",
    .version = "0.1.0",
    .description = "Ageing: hospital statistics for people aged 80 and over by municipality of residence, the county networks (palliative care, cognitive decline, frail elderly) and the area overview.",
    .area = "att-aldras",
    .migrations_dir = "att-aldras/migrations",
    .openapi_path = "att-aldras/openapi.json",
    .init = init,
};
