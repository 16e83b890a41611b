/* Area plugin "Digitalisering" (digitalisering): Digitalisation: the joint list of needs and obstacles, prioritisation rounds, tests of joint solutions, the baseline mapping and the value compass. */
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
    return host->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getDigitaliseringPlugin");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Digitalisering",
    .slug = "digitalisering",
    .version = "0.1.0",
    .description = "Digitalisation: the joint list of needs and obstacles, prioritisation rounds, tests of joint solutions, the baseline mapping and the value compass.",
    .area = "digitalisering",
    .migrations_dir = "digitalisering/migrations",
    .openapi_path = "digitalisering/openapi.json",
    .init = init,
};
