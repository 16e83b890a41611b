/* Wrong: the magic number. */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .magic = UINT64_C(0x0123456789ABCDEF),
    .name = "Wrong magic", .slug = "refuse-magic", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
