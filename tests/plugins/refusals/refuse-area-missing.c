/* Wrong: serves an area that does not exist (and its migrations do not add it). */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "No area", .slug = "refuse-area-missing", .version = "1.0.0",
    .area = "no-such-area", .init = refusal_init_ok,
};
