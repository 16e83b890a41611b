/* OpenAPI merging and GET /openapi.json, GET /api/v1/plugins; see openapi.h. */
#include "plugin/openapi.h"

#include "app.h"
#include "core/routes.h"
#include "http/req.h"
#include "lgvo/plugin.h"
#include "plugin/loader.h"
#include "util/mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Merges the fragment in the file path into doc. prefix: the plugin's /api/v1/<slug> (its
 * paths must lie under it), or NULL for a fragment of the core itself. */
static int merge_fragment(json_t *doc, const char *path, const char *prefix, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *fragment = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    json_t *ids = NULL; /* operationId → "METHOD path" of the document and the fragment */
    int rc = -1;
    if (!fragment) {
        snprintf(err, errlen, "%s: cannot read the OpenAPI fragment: %s (line %d)", path, jerr.text,
                 jerr.line);
        goto out;
    }
    size_t plen = prefix ? strlen(prefix) : 0;
    json_t *paths = json_object_get(doc, "paths");
    const char *route;
    json_t *item;
    ids = json_object();
    json_object_foreach(paths, route, item) {
        if (note_operation_ids(ids, route, item, "the OpenAPI document", err, errlen) != 0)
            goto out;
    }
    json_object_foreach(json_object_get(fragment, "paths"), route, item) {
        if (prefix && (strncmp(route, prefix, plen) != 0 || (route[plen] != '/' && route[plen] != '\0'))) {
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
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The core's own fragments: every *.json in <dir>/fragments, in name order (the core document
 * stays readable as one file per part of the API). A missing directory is no error. */
static int merge_core_fragments(json_t *doc, const char *dir, char *err, size_t errlen)
{
    char *fdir = xasprintf("%s/fragments", dir);
    DIR *d = opendir(fdir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    if (d)
        closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", fdir, names[i]);
        if (rc == 0)
            rc = merge_fragment(doc, path, NULL, err, errlen);
        free(path);
        free(names[i]);
    }
    free(names);
    free(fdir);
    return rc;
}

int openapi_build(struct app *app, const char *dir, char *err, size_t errlen)
{
    json_error_t jerr;
    char *core_path = xasprintf("%s/openapi.json", dir);
    json_t *doc = json_load_file(core_path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        snprintf(err, errlen, "cannot read the OpenAPI document %s: %s (line %d)", core_path,
                 jerr.text, jerr.line);
        free(core_path);
        return -1;
    }
    free(core_path);
    json_object_set_new(json_object_get(doc, "info"), "version", json_string(app->version));
    if (!json_object_get(doc, "paths"))
        json_object_set_new(doc, "paths", json_object());
    if (!json_object_get(doc, "components"))
        json_object_set_new(doc, "components", json_object());
    if (merge_core_fragments(doc, dir, err, errlen) != 0) {
        json_decref(doc);
        return -1;
    }
    for (int i = 0; i < app->plugins.count; i++) {
        const struct plugin *p = &app->plugins.items[i];
        if (!p->desc->openapi_path)
            continue;
        char *path = xasprintf("%s/%s", p->dir, p->desc->openapi_path), prefix[64];
        snprintf(prefix, sizeof prefix, "/api/v1/%s", p->desc->slug);
        int rc = merge_fragment(doc, path, prefix, err, errlen);
        free(path);
        if (rc != 0) {
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
    return router_add_all(&app->router, routes, sizeof routes / sizeof routes[0], err, errlen);
}
