/* Wrong: serves att-aldras, which refuse-area-first.so (same folder) already serves. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Second", .slug = "refuse-area-second", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
