/* Wrong: the descriptor is not exported (no LGVO_PLUGIN_EXPORT; the build hides every symbol). */
#include "refusal.h"

const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "No symbol", .slug = "refuse-no-symbol", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
