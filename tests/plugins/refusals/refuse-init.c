/* Wrong at run time: init fails (and says why through host->log first). */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    host->log(LGVO_LOG_ERROR, "refuse-init: the frobnicator is not configured");
    return 1;
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Init fails", .slug = "refuse-init", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
