/* Wrong: defines a measure of another area (the slug must start with "att-aldras."). */
#include "refusal.h"

static int init(const lgvo_host *host, void **state)
{
    *state = NULL;
    lgvo_measure_def def = {.struct_size = sizeof def, .slug = "vaxa-upp.stolen",
                            .title = "Stulen", .title_en = "Stolen", .kind = "indicator",
                            .unit = "count", .period_type = "year", .direction = "none",
                            .reported_by = "both"};
    return host->define_measure(&def);
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Foreign measure", .slug = "refuse-measure", .version = "1.0.0",
    .area = "att-aldras", .init = init,
};
