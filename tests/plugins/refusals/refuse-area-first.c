/* Serves att-aldras; refuse-area-second.so, in the same folder, serves it too. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "First", .slug = "refuse-area-first", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
