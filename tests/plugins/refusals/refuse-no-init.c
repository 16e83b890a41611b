/* Wrong: no init function. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "No init", .slug = "refuse-no-init", .version = "1.0.0",
    .area = "att-aldras",
};
