/* Wrong: the slug (upper case and an underscore). */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Bad slug", .slug = "Not_Valid", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
};
