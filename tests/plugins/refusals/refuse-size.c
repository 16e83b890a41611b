/* Wrong: a descriptor size smaller than ABI 1.0's. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .struct_size = 16,
    .name = "Too small", .slug = "refuse-size", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
