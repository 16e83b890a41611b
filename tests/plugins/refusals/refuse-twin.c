/* Built twice into one folder (refuse-twin-1.so, refuse-twin-2.so): two plugins, one slug. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Twin", .slug = "twin", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
