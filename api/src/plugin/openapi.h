/* The served OpenAPI document: the core's openapi/openapi.json and openapi/fragments/<name>.json
 * merged with the fragment of every loaded plugin ({"paths":…, "components":…}). A plugin path outside /api/v1/<slug>/, a
 * path the core or another plugin already has, or a component name used with another
 * definition fails start-up. */
#ifndef LGVO_PLUGIN_OPENAPI_H
#define LGVO_PLUGIN_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

struct app;

/* Builds the merged document into app->openapi from dir (openapi.json, then the core's
 * fragments dir/fragments/<name>.json) and the plugins' fragments. Returns 0 or -1 with err. */
int openapi_build(struct app *app, const char *dir, char *err, size_t errlen);

int openapi_routes(struct app *app, char *err, size_t errlen);

#endif
