/* Wrong: the slug "core" names the core's schema and migration component. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Core", .slug = "core", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
