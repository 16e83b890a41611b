/* Wrong: a reserved descriptor field is not NULL. */
#include "refusal.h"

static int something;

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Reserved field", .slug = "refuse-reserved-field", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
    .reserved = {[2] = &something},
};
