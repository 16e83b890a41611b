/* Area plugin "Växa upp och mitt i livet" (vaxa-upp): Growing up and mid-life: children placed outside their homes, the joint HVB Fyrbylund, youth health, coordinated individual plans (SIP) and state grants. */
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
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getVaxaUppPlugin");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Växa upp och mitt i livet",
    .slug = "vaxa-upp",
    .version = "0.1.0",
    .description = "Growing up and mid-life: children placed outside their homes, the joint HVB Fyrbylund, youth health, coordinated individual plans (SIP) and state grants.",
    .area = "vaxa-upp",
    .migrations_dir = "vaxa-upp/migrations",
    .openapi_path = "vaxa-upp/openapi.json",
    .init = init,
};
