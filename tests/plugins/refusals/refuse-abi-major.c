/* Wrong: built for the next major version of the ABI. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .abi_major = LGVO_PLUGIN_ABI_MAJOR + 1,
    .name = "Next major", .slug = "refuse-abi-major", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
