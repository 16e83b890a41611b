/* OpenAPI merging and GET /openapi.json, GET /api/v1/plugins; see openapi.h. */
#include "plugin/openapi.h"

#include "app.h"
#include "core/routes.h"
#include "http/req.h"
#include "lgvo/plugin.h"
#include "plugin/loader.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

static int merge_components(json_t *doc, json_t *fragment, const char *file, char *err,
                            size_t errlen)
{
    json_t *mine = json_object_get(doc, "components");
    json_t *theirs = json_object_get(fragment, "components");
    if (!theirs)
        return 0;
    const char *section;
    json_t *entries;
    json_object_foreach(theirs, section, entries) {
        json_t *target = json_object_get(mine, section);
        if (!target) {
            target = json_object();
            json_object_set_new(mine, section, target);
        }
        const char *name;
        json_t *def;
        json_object_foreach(entries, name, def) {
            json_t *existing = json_object_get(target, name);
            if (existing && !json_equal(existing, def)) {
                snprintf(err, errlen, "%s: OpenAPI component %s/%s clashes with an existing definition",
                         file, section, name);
                return -1;
            }
            json_object_set(target, name, def);
        }
    }
    return 0;
}

static const char *const http_methods[] = {"get", "put", "post", "delete", "options",
                                           "head", "patch", "trace"};

/* Adds the operationIds of the path item at route to ids (operationId → "METHOD route").
 * OpenAPI requires them to be unique in the document: returns -1 with err, naming file and
 * both operations, when one is taken. */
static int note_operation_ids(json_t *ids, const char *route, json_t *item, const char *file,
                              char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++) {
        const char *id = json_string_value(json_object_get(json_object_get(item, http_methods[i]), "operationId"));
        if (!id)
            continue;
        char where[320];
        snprintf(where, sizeof where, "%s %s", http_methods[i], route);
        for (char *c = where; *c != ' '; c++)
            *c = (char)(*c - 'a' + 'A');
        json_t *taken = json_object_get(ids, id);
        if (taken) {
            snprintf(err, errlen, "%s: operationId \"%s\" of %s is already used by %s (expected operationIds unique in the OpenAPI document)",
                     file, id, where, json_string_value(taken));
            return -1;
        }
        json_object_set_new(ids, id, json_string(where));
    }
    return 0;
}

static int merge_fragment(json_t *doc, const struct plugin *p, char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s", p->dir, p->desc->openapi_path);
    json_error_t jerr;
    json_t *fragment = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    json_t *ids = NULL; /* operationId → "METHOD path" of the document and the fragment */
    int rc = -1;
    if (!fragment) {
        snprintf(err, errlen, "%s: cannot read the plugin's OpenAPI fragment: %s (line %d)", path,
                 jerr.text, jerr.line);
        goto out;
    }
    char prefix[64];
    snprintf(prefix, sizeof prefix, "/api/v1/%s", p->desc->slug);
    size_t plen = strlen(prefix);
    json_t *paths = json_object_get(doc, "paths");
    const char *route;
    json_t *item;
    ids = json_object();
    json_object_foreach(paths, route, item) {
        if (note_operation_ids(ids, route, item, "the OpenAPI document", err, errlen) != 0)
            goto out;
    }
    json_object_foreach(json_object_get(fragment, "paths"), route, item) {
        if (strncmp(route, prefix, plen) != 0 || (route[plen] != '/' && route[plen] != '\0')) {
            snprintf(err, errlen, "%s: path %s is outside the plugin's prefix %s/", path, route, prefix);
            goto out;
        }
        if (json_object_get(paths, route)) {
            snprintf(err, errlen, "%s: path %s clashes with an existing path in the OpenAPI document",
                     path, route);
            goto out;
        }
        if (note_operation_ids(ids, route, item, path, err, errlen) != 0)
            goto out;
    }
    /* Only a fragment that passed every check changes the document. */
    json_object_foreach(json_object_get(fragment, "paths"), route, item)
        json_object_set(paths, route, item);
    rc = merge_components(doc, fragment, path, err, errlen);
out:
    json_decref(ids);
    json_decref(fragment);
    free(path);
    return rc;
}

int openapi_build(struct app *app, const char *core_path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_load_file(core_path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        snprintf(err, errlen, "cannot read the OpenAPI document %s: %s (line %d)", core_path,
                 jerr.text, jerr.line);
        return -1;
    }
    json_object_set_new(json_object_get(doc, "info"), "version", json_string(app->version));
    if (!json_object_get(doc, "paths"))
        json_object_set_new(doc, "paths", json_object());
    if (!json_object_get(doc, "components"))
        json_object_set_new(doc, "components", json_object());
    for (int i = 0; i < app->plugins.count; i++) {
        const struct plugin *p = &app->plugins.items[i];
        if (p->desc->openapi_path && merge_fragment(doc, p, err, errlen) != 0) {
            json_decref(doc);
            return -1;
        }
    }
    json_decref(app->openapi);
    app->openapi = doc;
    return 0;
}

static void get_openapi(struct req *r, void *ctx)
{
    (void)ctx;
    reply_json(r, 200, json_incref(r->app->openapi));
}

static void list_plugins(struct req *r, void *ctx)
{
    (void)ctx;
    reply_json(r, 200, json_pack("{s:o}", "items", plugins_describe(&r->app->plugins)));
}

int openapi_routes(struct app *app, char *err, size_t errlen)
{
    struct route routes[] = {
        {.method = "GET", .pattern = "/openapi.json", .fn = get_openapi,
         .access = ACCESS_PUBLIC, .operation_id = "getOpenApi"},
        {.method = "GET", .pattern = "/api/v1/plugins", .fn = list_plugins,
         .access = ACCESS_AUTHENTICATED, .operation_id = "listPlugins"},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (router_add(&app->router, &routes[i], err, errlen) != 0)
            return -1;
    return 0;
}
