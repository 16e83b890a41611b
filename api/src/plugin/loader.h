/* Loading area plugins (see lgvo/plugin.h): scanning LGVO_PLUGIN_DIR, checking each
 * descriptor before any plugin code runs, applying plugin migrations, calling init, and
 * shutting down. Any problem stops start-up with a message that names the file and shows
 * what was expected and what was found. */
#ifndef LGVO_PLUGIN_LOADER_H
#define LGVO_PLUGIN_LOADER_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

struct app;
struct lgvo_plugin_descriptor;

struct plugin {
    char *path;   /* the .so file */
    char *dir;    /* its directory */
    void *handle; /* dlopen handle; closed only after shutdown */
    const struct lgvo_plugin_descriptor *desc; /* borrowed from the handle */
    char schema[40]; /* the plugin's PostgreSQL schema: slug with '-' → '_' */
    void *state;  /* from init */
    int initialised;
};

struct plugins {
    struct plugin *items;
    int count;
};

/* Opens every *.so of dir (sorted by file name) and checks its descriptor; with `enabled`
 * (comma-separated slugs, NULL = all) only those are kept. Returns 0 or -1 with err. */
int plugins_open(struct plugins *ps, const char *dir, const char *enabled, char *err,
                 size_t errlen);
/* Applies each plugin's migrations (component = slug, schema = its own). */
int plugins_migrate(struct plugins *ps, PGconn *pg, long *applied_files, char *err,
                    size_t errlen);
/* Checks that each plugin's area exists (after migrations, which may add one). */
int plugins_check_areas(struct plugins *ps, struct app *app, char *err, size_t errlen);
/* Calls every plugin's init with the host table; routes and measures are registered here. */
int plugins_init(struct plugins *ps, struct app *app, char *err, size_t errlen);
/* Calls shutdown (reverse order) and closes the shared objects. */
void plugins_close(struct plugins *ps);

/* The plugin serving an area, or NULL. */
const struct plugin *plugins_for_area(const struct plugins *ps, const char *area);
/* [{name, slug, version, abi_version, area, description}] (new reference). */
json_t *plugins_describe(const struct plugins *ps);

#endif
