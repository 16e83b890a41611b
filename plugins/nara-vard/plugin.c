/* Area plugin "Nära vård och kompetensförsörjning" (nara-vard): Local care and staffing: short-term and local-care beds, discharge delays, falls, costs per patient, the joint primary-care plan and staffing. */
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
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getNaraVardPlugin");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Nära vård och kompetensförsörjning",
    .slug = "nara-vard",
    .version = "0.1.0",
    .description = "Local care and staffing: short-term and local-care beds, discharge delays, falls, costs per patient, the joint primary-care plan and staffing.",
    .area = "nara-vard",
    .migrations_dir = "nara-vard/migrations",
    .openapi_path = "nara-vard/openapi.json",
    .init = init,
};
