/* Plugin loader; see loader.h. */
#include "plugin/loader.h"

#include "app.h"
#include "core/refdata.h"
#include "db/migrate.h"
#include "lgvo/plugin.h"
#include "log.h"
#include "plugin/host.h"
#include "util/mem.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The descriptor size of ABI 1.0: a plugin may not be smaller than this. */
#define DESCRIPTOR_SIZE_1_0 sizeof(lgvo_plugin_descriptor)

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int valid_slug(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 32 || !islower((unsigned char)s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return s[n - 1] != '-';
}

/* Slugs that would make the plugin's schema or migration component the core's or
 * PostgreSQL's own. */
static int reserved_slug(const char *s)
{
    return strcmp(s, "core") == 0 || strcmp(s, "public") == 0 ||
           strcmp(s, "information-schema") == 0 || strncmp(s, "pg-", 3) == 0;
}

/* A core route under /api/v1/<slug>, or NULL: a plugin's routes live there, so its slug must
 * not name one of the core's resources (its routes would be mixed with the core's). */
static const struct route *core_route_under(const struct router *rt, const char *slug)
{
    size_t n = strlen(slug);
    for (size_t i = 0; i < rt->count; i++) {
        const struct route *r = &rt->routes[i];
        const char *p = r->pattern;
        if (strcmp(r->owner, "core") == 0 && strncmp(p, "/api/v1/", 8) == 0 &&
            strncmp(p + 8, slug, n) == 0 && (p[8 + n] == '/' || p[8 + n] == '\0'))
            return r;
    }
    return NULL;
}

static int in_list(const char *list, const char *slug)
{
    size_t n = strlen(slug);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, slug, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

/* Checks a descriptor field by field, as PostgreSQL checks its magic block. */
static int check_descriptor(const char *path, const lgvo_plugin_descriptor *d, char *err,
                            size_t errlen)
{
    if (d->magic != LGVO_PLUGIN_MAGIC) {
        snprintf(err, errlen, "%s: not an LGVO plugin: wrong magic number (expected 0x%016llx, found 0x%016llx)",
                 path, (unsigned long long)LGVO_PLUGIN_MAGIC, (unsigned long long)d->magic);
        return -1;
    }
    if (d->abi_major != LGVO_PLUGIN_ABI_MAJOR) {
        snprintf(err, errlen, "%s: incompatible plugin ABI: the host provides %d.%d, the plugin was built for %d.%d (major versions differ)",
                 path, LGVO_PLUGIN_ABI_MAJOR, LGVO_PLUGIN_ABI_MINOR, d->abi_major, d->abi_minor);
        return -1;
    }
    if (d->abi_minor > LGVO_PLUGIN_ABI_MINOR) {
        snprintf(err, errlen, "%s: the plugin needs ABI %d.%d but the host provides only %d.%d; upgrade the service",
                 path, d->abi_major, d->abi_minor, LGVO_PLUGIN_ABI_MAJOR, LGVO_PLUGIN_ABI_MINOR);
        return -1;
    }
    if (d->struct_size < DESCRIPTOR_SIZE_1_0) {
        snprintf(err, errlen, "%s: descriptor too small (expected at least %zu bytes, found %u)",
                 path, DESCRIPTOR_SIZE_1_0, d->struct_size);
        return -1;
    }
    if (!valid_slug(d->slug)) {
        snprintf(err, errlen, "%s: invalid slug \"%s\" (expected 2-32 of a-z, 0-9 and '-', starting with a letter)",
                 path, d->slug ? d->slug : "(null)");
        return -1;
    }
    if (reserved_slug(d->slug)) {
        snprintf(err, errlen, "%s: the slug \"%s\" is reserved (expected a slug other than core, public, information-schema and pg-*: the slug names the plugin's schema and its migrations)",
                 path, d->slug);
        return -1;
    }
    if (!d->name || !*d->name || !d->version || !*d->version || !d->area || !*d->area) {
        snprintf(err, errlen, "%s: the descriptor needs a name, a version and an area", path);
        return -1;
    }
    if (!d->init) {
        snprintf(err, errlen, "%s: the descriptor has no init function", path);
        return -1;
    }
    /* Reserved fields become new members in later 1.x versions: a 1.0 plugin must leave them
     * NULL, or a newer host would take them for something they are not. */
    for (size_t i = 0; i < sizeof d->reserved / sizeof d->reserved[0]; i++) {
        if (d->reserved[i]) {
            snprintf(err, errlen, "%s: descriptor field reserved[%zu] must be NULL (found %p); initialise the descriptor with designated initialisers",
                     path, i, d->reserved[i]);
            return -1;
        }
    }
    return 0;
}

static int open_one(struct plugins *ps, const char *dir, const char *file, const char *enabled,
                    char *err, size_t errlen)
{
    char *path = xasprintf("%s/%s", dir, file);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
        free(path);
        return -1;
    }
    dlerror();
    const lgvo_plugin_descriptor *d = dlsym(handle, LGVO_PLUGIN_SYMBOL);
    if (!d) {
        snprintf(err, errlen, "%s: missing entry symbol \"%s\" (expected a const lgvo_plugin_descriptor exported with LGVO_PLUGIN_EXPORT)",
                 path, LGVO_PLUGIN_SYMBOL);
        dlclose(handle);
        free(path);
        return -1;
    }
    if (check_descriptor(path, d, err, errlen) != 0) {
        dlclose(handle);
        free(path);
        return -1;
    }
    if (enabled && !in_list(enabled, d->slug)) {
        log_msg(LOG_INFO, "plugin %s (%s) not enabled by LGVO_PLUGINS; skipped", d->slug, path);
        dlclose(handle);
        free(path);
        return 0;
    }
    for (int i = 0; i < ps->count; i++) {
        if (strcmp(ps->items[i].desc->slug, d->slug) == 0) {
            snprintf(err, errlen, "%s: duplicate plugin slug \"%s\" (already loaded from %s)", path,
                     d->slug, ps->items[i].path);
            dlclose(handle);
            free(path);
            return -1;
        }
    }
    ps->items = xrealloc(ps->items, (size_t)(ps->count + 1) * sizeof *ps->items);
    struct plugin *p = &ps->items[ps->count++];
    memset(p, 0, sizeof *p);
    p->path = path;
    p->dir = xstrdup(dir);
    p->handle = handle;
    p->desc = d;
    snprintf(p->schema, sizeof p->schema, "%s", d->slug);
    for (char *c = p->schema; *c; c++)
        if (*c == '-')
            *c = '_';
    return 0;
}

int plugins_open(struct plugins *ps, const char *dir, const char *enabled, char *err,
                 size_t errlen)
{
    memset(ps, 0, sizeof *ps);
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT && !enabled) {
            log_msg(LOG_WARN, "plugin directory %s does not exist; no plugins loaded", dir);
            return 0;
        }
        snprintf(err, errlen, "LGVO_PLUGIN_DIR: cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = open_one(ps, dir, names[i], enabled, err, errlen);
        free(names[i]);
    }
    free(names);
    for (const char *p = enabled; rc == 0 && p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        int found = 0;
        for (int i = 0; i < ps->count && !found; i++)
            found = strlen(ps->items[i].desc->slug) == len &&
                    strncmp(ps->items[i].desc->slug, p, len) == 0;
        if (len && !found) {
            snprintf(err, errlen, "LGVO_PLUGINS names \"%.*s\" but no such plugin is in %s",
                     (int)len, p, dir);
            rc = -1;
        }
        p += len;
    }
    return rc;
}

int plugins_migrate(struct plugins *ps, PGconn *pg, long *applied_files, char *err,
                    size_t errlen)
{
    for (int i = 0; i < ps->count; i++) {
        struct plugin *p = &ps->items[i];
        if (!p->desc->migrations_dir)
            continue;
        char *mdir = xasprintf("%s/%s", p->dir, p->desc->migrations_dir);
        char inner[768];
        int n = migrate_apply(pg, p->desc->slug, mdir, p->schema, inner, sizeof inner);
        struct migration_set files = {0};
        if (n >= 0 && migrate_scan(mdir, 1, &files, inner, sizeof inner) == 0)
            *applied_files += (long)files.count;
        migration_set_free(&files);
        free(mdir);
        if (n < 0) {
            snprintf(err, errlen, "%s: plugin migration failed: %s", p->path, inner);
            return -1;
        }
    }
    return 0;
}

int plugins_check_areas(struct plugins *ps, struct app *app, char *err, size_t errlen)
{
    for (int i = 0; i < ps->count; i++) {
        struct area a;
        if (refdata_area(app->refdata, ps->items[i].desc->area, &a) != 0) {
            snprintf(err, errlen, "%s: the plugin serves the area \"%s\", which does not exist (add it in the plugin's migrations)",
                     ps->items[i].path, ps->items[i].desc->area);
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(ps->items[j].desc->area, ps->items[i].desc->area) == 0) {
                snprintf(err, errlen, "%s: the area \"%s\" is already served by %s",
                         ps->items[i].path, ps->items[i].desc->area, ps->items[j].path);
                return -1;
            }
        }
    }
    return 0;
}

int plugins_init(struct plugins *ps, struct app *app, char *err, size_t errlen)
{
    for (int i = 0; i < ps->count; i++) {
        struct plugin *p = &ps->items[i];
        const struct route *taken = core_route_under(&app->router, p->desc->slug);
        if (taken) {
            snprintf(err, errlen, "%s: the slug \"%s\" names a core resource (%s %s): a plugin's routes are mounted under /api/v1/<slug>/, so expected a slug the core does not use",
                     p->path, p->desc->slug, taken->method, taken->pattern);
            return -1;
        }
        host_begin_init(app, p);
        int rc = p->desc->init(host_table(), &p->state);
        const char *problem = host_end_init();
        if (rc != 0 || problem) {
            snprintf(err, errlen, "%s: plugin init failed: %s", p->path,
                     problem ? problem : "init returned an error (see the log above)");
            return -1;
        }
        p->initialised = 1;
        log_msg(LOG_INFO, "plugin %s %s loaded from %s (area %s)", p->desc->slug,
                p->desc->version, p->path, p->desc->area);
    }
    return 0;
}

void plugins_close(struct plugins *ps)
{
    for (int i = ps->count - 1; i >= 0; i--) {
        struct plugin *p = &ps->items[i];
        if (p->initialised && p->desc->shutdown)
            p->desc->shutdown(p->state);
        dlclose(p->handle);
        free(p->path);
        free(p->dir);
    }
    free(ps->items);
    memset(ps, 0, sizeof *ps);
}

const struct plugin *plugins_for_area(const struct plugins *ps, const char *area)
{
    for (int i = 0; i < ps->count; i++)
        if (strcmp(ps->items[i].desc->area, area) == 0)
            return &ps->items[i];
    return NULL;
}

json_t *plugins_describe(const struct plugins *ps)
{
    json_t *items = json_array();
    for (int i = 0; i < ps->count; i++) {
        const lgvo_plugin_descriptor *d = ps->items[i].desc;
        char abi[16];
        snprintf(abi, sizeof abi, "%d.%d", d->abi_major, d->abi_minor);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "name", d->name,
                                               "slug", d->slug, "version", d->version,
                                               "abi_version", abi, "area", d->area,
                                               "description", d->description));
    }
    return items;
}
