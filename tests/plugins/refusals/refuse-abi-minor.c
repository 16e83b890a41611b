/* Wrong: needs a newer minor version of the ABI than the host provides. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .abi_minor = LGVO_PLUGIN_ABI_MINOR + 1,
    .name = "Next minor", .slug = "refuse-abi-minor", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
