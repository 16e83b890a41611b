/* Wrong at run time: its migration is not valid SQL (broken-migrations/0001_broken.sql). */
#include "refusal.h"

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Broken migration", .slug = "refuse-migration", .version = "1.0.0",
    .area = "att-aldras", .init = refusal_init_ok,
    .migrations_dir = "refuse-migration/broken-migrations",
};
