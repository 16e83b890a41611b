/* Static files served by the API itself (the interactive API reference at /docs and the
 * dashboard at /), from LGVO_WEB_DIR. Every file is read into memory at start-up and gets its
 * own exact public route, so nothing outside the directory can ever be reached. A directory's
 * index.html also answers the directory's path ("/", "/docs"). */
#include "app.h"
#include "core/routes.h"
#include "http/req.h"
#include "log.h"
#include "util/mem.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 3
#define MAX_FILE_BYTES (16 * 1024 * 1024)

struct static_file {
    char *body;
    size_t len;
    const char *type;
    char etag[24];
    struct static_file *next;
};

static struct static_file *files;

static const char *content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".ico", "image/x-icon"}, {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"}, {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static void serve_file(struct req *r, void *ctx)
{
    const struct static_file *f = ctx;
    req_set_header(r, "ETag", f->etag);
    req_set_header(r, "Cache-Control", "no-cache");
    const char *inm = req_header(r, "If-None-Match");
    if (inm && strstr(inm, f->etag)) {
        reply_empty(r, 304);
        return;
    }
    reply_raw(r, 200, f->type, xstrndup(f->body, f->len), f->len);
}

static int name_ok(const char *name)
{
    if (name[0] == '.')
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

static struct static_file *load(const char *path, const char *type)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct static_file *f = xcalloc(1, sizeof *f);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    if (n < 0 || n > MAX_FILE_BYTES) {
        fclose(fp);
        free(f);
        return NULL;
    }
    f->body = xmalloc((size_t)n + 1);
    f->len = fread(f->body, 1, (size_t)n, fp);
    fclose(fp);
    f->type = type;
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(f->body, f->len, md, &mdlen, EVP_sha256(), NULL);
    snprintf(f->etag, sizeof f->etag, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", md[0], md[1], md[2],
             md[3], md[4], md[5], md[6], md[7]);
    f->next = files;
    files = f;
    return f;
}

static int add_route(struct app *app, const char *url, struct static_file *f, char *err,
                     size_t errlen)
{
    struct route route = {.method = "GET", .pattern = url, .fn = serve_file, .ctx = f,
                          .access = ACCESS_PUBLIC, .owner = "web"};
    return router_add(&app->router, &route, err, errlen);
}

static int scan(struct app *app, const char *dir, const char *url, int depth, char *err,
                size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!name_ok(e->d_name))
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        char *sub = xasprintf("%s/%s", strcmp(url, "/") == 0 ? "" : url, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
            rc = scan(app, path, sub, depth + 1, err, errlen);
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && content_type(e->d_name)) {
            struct static_file *f = load(path, content_type(e->d_name));
            if (f) {
                rc = add_route(app, sub, f, err, errlen);
                if (rc == 0 && strcmp(e->d_name, "index.html") == 0)
                    rc = add_route(app, url, f, err, errlen);
            }
        }
        free(path);
        free(sub);
    }
    closedir(d);
    return rc;
}

int static_routes(struct app *app, char *err, size_t errlen)
{
    if (!app->cfg.web_dir)
        return 0;
    struct stat st;
    if (stat(app->cfg.web_dir, &st) != 0) {
        log_msg(LOG_WARN, "LGVO_WEB_DIR %s does not exist: no /docs and no dashboard", app->cfg.web_dir);
        return 0;
    }
    return scan(app, app->cfg.web_dir, "/", 0, err, errlen);
}

void static_files_free(void)
{
    while (files) {
        struct static_file *next = files->next;
        free(files->body);
        free(files);
        files = next;
    }
}
