/* Small helpers shared by the area plugins (header-only, so every plugin stays one .so that
 * links nothing but Jansson). */
#ifndef LGVO_PLUGIN_COMMON_H
#define LGVO_PLUGIN_COMMON_H

#include "lgvo/plugin.h"

/* GET /api/v1/<slug>/ : what the plugin is. */
static inline void plugin_reply_about(const lgvo_host *host, lgvo_request *req,
                                      const lgvo_plugin_descriptor *d)
{
    host->reply_json(req, 200,
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "slug", d->slug, "name", d->name,
                               "version", d->version, "area", d->area, "description",
                               d->description, "abi_version", "1.0"));
}

#endif
