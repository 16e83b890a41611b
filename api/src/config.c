/* Configuration from the environment; see config.h. */
#include "config.h"

#include "log.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LGVO_DEFAULT_PLUGIN_DIR
#define LGVO_DEFAULT_PLUGIN_DIR "plugins"
#endif
#ifndef LGVO_DEFAULT_OPENAPI_DIR
#define LGVO_DEFAULT_OPENAPI_DIR "openapi"
#endif
#ifndef LGVO_DEFAULT_WEB_DIR
#define LGVO_DEFAULT_WEB_DIR "web"
#endif
#ifndef LGVO_DEFAULT_SCHEMA_DIR
#define LGVO_DEFAULT_SCHEMA_DIR "schema"
#endif

int config_parse_int(const char *s, long long min, long long max, long long *out)
{
    if (!s || !*s)
        return -1;
    const char *p = s;
    if (*p == '-')
        p++;
    if (!*p)
        return -1;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int config_parse_size(const char *s, long long *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned long long mult = 1;
    if (*end) {
        switch (tolower((unsigned char)*end)) {
        case 'k': mult = 1ULL << 10; break;
        case 'm': mult = 1ULL << 20; break;
        case 'g': mult = 1ULL << 30; break;
        default: return -1;
        }
        end++;
        if (*end == 'i' || *end == 'I')
            end++;
        if (*end == 'b' || *end == 'B')
            end++;
        if (*end)
            return -1;
    }
    if (v > (1ULL << 40) / mult)
        return -1;
    *out = (long long)(v * mult);
    return 0;
}

int config_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

int config_parse_listen(const char *s, struct sockaddr_in *out)
{
    const char *colon = s ? strrchr(s, ':') : NULL;
    if (!colon || colon == s || (size_t)(colon - s) >= 64)
        return -1;
    char host[64];
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    long long port;
    if (config_parse_int(colon + 1, 1, 65535, &port) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
        return -1;
    return 0;
}

enum kind { K_STRING, K_INT, K_SIZE, K_BOOL, K_LISTEN, K_LOGLEVEL };

struct var {
    const char *name;
    enum kind kind;
    const char *def; /* NULL = optional (string) or required when `required` */
    long long min, max;
    size_t offset;
    int required;
    const char *expect; /* said in the error message */
};

#define OFF(f) offsetof(struct config, f)
static const struct var vars[] = {
    {"LGVO_LISTEN", K_LISTEN, "127.0.0.1:8080", 0, 0, OFF(listen), 0, "HOST:PORT with an IPv4 address, e.g. 127.0.0.1:8080"},
    {"LGVO_DATABASE_URL", K_STRING, NULL, 0, 0, OFF(database_url), 1, "a libpq connection string, e.g. postgresql://lgvo@127.0.0.1:5433/lgvo"},
    {"LGVO_DB_POOL_SIZE", K_INT, "8", 1, 512, OFF(db_pool_size), 0, "an integer from 1 to 512"},
    {"LGVO_DB_ACQUIRE_TIMEOUT_MS", K_INT, "1000", 1, 60000, OFF(db_acquire_timeout_ms), 0, "milliseconds from 1 to 60000"},
    {"LGVO_DB_STATEMENT_TIMEOUT_MS", K_INT, "30000", 0, 3600000, OFF(db_statement_timeout_ms), 0, "milliseconds from 0 (none) to 3600000"},
    {"LGVO_MAX_BODY_BYTES", K_SIZE, "8M", 1024, 1LL << 30, OFF(max_body_bytes), 0, "a size from 1k to 1G, e.g. 8388608 or 8M"},
    {"LGVO_LOG_LEVEL", K_LOGLEVEL, "info", 0, 0, OFF(log_level), 0, "one of debug, info, warn, error"},
    {"LGVO_PLUGIN_DIR", K_STRING, LGVO_DEFAULT_PLUGIN_DIR, 0, 0, OFF(plugin_dir), 0, "a directory"},
    {"LGVO_PLUGINS", K_STRING, NULL, 0, 0, OFF(plugins), 0, "comma-separated plugin slugs"},
    {"LGVO_SCHEMA_DIR", K_STRING, LGVO_DEFAULT_SCHEMA_DIR, 0, 0, OFF(schema_dir), 0, "a directory"},
    {"LGVO_OPENAPI_DIR", K_STRING, LGVO_DEFAULT_OPENAPI_DIR, 0, 0, OFF(openapi_dir), 0, "a directory holding openapi.json"},
    {"LGVO_WEB_DIR", K_STRING, LGVO_DEFAULT_WEB_DIR, 0, 0, OFF(web_dir), 0, "a directory of static files"},
    {"LGVO_HTTP_THREADS", K_INT, "4", 0, 256, OFF(http_threads), 0, "0 (a thread per connection) or a thread-pool size up to 256"},
    {"LGVO_HTTP_MAX_CONNECTIONS", K_INT, "1024", 1, 65536, OFF(http_max_connections), 0, "an integer from 1 to 65536"},
    {"LGVO_HTTP_CONNECTION_TIMEOUT", K_INT, "30", 1, 3600, OFF(http_connection_timeout_s), 0, "seconds from 1 to 3600"},
    {"LGVO_SHUTDOWN_TIMEOUT", K_INT, "10", 0, 600, OFF(shutdown_timeout_s), 0, "seconds from 0 to 600"},
    {"LGVO_AUTO_MIGRATE", K_BOOL, "true", 0, 0, OFF(auto_migrate), 0, "true or false"},
    {"LGVO_JWT_ISSUER", K_STRING, "lgvo-api", 0, 0, OFF(jwt_issuer), 0, "a non-empty string (the tokens' iss)"},
    {"LGVO_JWT_AUDIENCE", K_STRING, "lgvo-api", 0, 0, OFF(jwt_audience), 0, "a non-empty string (the tokens' aud)"},
    {"LGVO_JWT_ALG", K_STRING, "ES256", 0, 0, OFF(jwt_alg), 0, "ES256, RS256 or HS256"},
    {"LGVO_JWT_HS256_SECRET", K_STRING, NULL, 0, 0, OFF(jwt_hs256_secret), 0, "a secret of at least 32 bytes"},
    {"LGVO_JWT_KEY_FILE", K_STRING, NULL, 0, 0, OFF(jwt_key_file), 0, "the path of a PEM private key"},
    {"LGVO_ACCESS_TOKEN_TTL", K_INT, "900", 60, 86400, OFF(access_token_ttl_s), 0, "seconds from 60 to 86400"},
    {"LGVO_REFRESH_TOKEN_TTL", K_INT, "1209600", 300, 31536000, OFF(refresh_token_ttl_s), 0, "seconds from 300 to 31536000"},
    {"LGVO_MAX_CONCURRENT_HASHES", K_INT, "2", 1, 64, OFF(max_concurrent_hashes), 0, "an integer from 1 to 64 (each Argon2id hash takes about 64 MiB)"},
    {"LGVO_PASSWORD_OPSLIMIT", K_INT, "2", 1, 20, OFF(password_opslimit), 0, "Argon2id passes from 1 to 20"},
    {"LGVO_PASSWORD_MEMLIMIT_KIB", K_INT, "65536", 8192, 4194304, OFF(password_memlimit_kib), 0, "Argon2id memory in KiB from 8192 to 4194304"},
    {"LGVO_MAX_PUSH_ROWS", K_INT, "100000", 1, 10000000, OFF(max_push_rows), 0, "an integer from 1 to 10000000"},
    {"LGVO_CORS_ORIGINS", K_STRING, NULL, 0, 0, OFF(cors_origins), 0, "comma-separated origins such as https://app.example.se"},
    {"LGVO_READ_CACHE_SIZE", K_INT, "4096", 0, 1048576, OFF(read_cache_size), 0, "an integer from 0 (no cache) to 1048576"},
    {"LGVO_TOKEN_CACHE_SIZE", K_INT, "16384", 0, 1048576, OFF(token_cache_size), 0, "an integer from 0 (no cache) to 1048576"},
};

/* Rules that tie several variables together. */
static int check_combinations(struct config *cfg, char *err, size_t errlen)
{
    const char *alg = cfg->jwt_alg;
    if (strcmp(alg, "ES256") != 0 && strcmp(alg, "RS256") != 0 && strcmp(alg, "HS256") != 0) {
        snprintf(err, errlen, "LGVO_JWT_ALG=\"%.20s\" is invalid: expected ES256, RS256 or HS256", alg);
        return -1;
    }
    int hs = strcmp(alg, "HS256") == 0;
    if (hs && (!cfg->jwt_hs256_secret || strlen(cfg->jwt_hs256_secret) < 32)) {
        snprintf(err, errlen, "LGVO_JWT_HS256_SECRET must be set to at least 32 bytes when LGVO_JWT_ALG=HS256");
        return -1;
    }
    if (!hs && cfg->jwt_hs256_secret) {
        snprintf(err, errlen, "LGVO_JWT_HS256_SECRET is set but LGVO_JWT_ALG is not HS256: set LGVO_JWT_ALG=HS256 explicitly to use a shared secret");
        return -1;
    }
    if (hs && cfg->jwt_key_file) {
        snprintf(err, errlen, "LGVO_JWT_KEY_FILE cannot be combined with LGVO_JWT_ALG=HS256");
        return -1;
    }
    return 0;
}

static int set_var(struct config *cfg, const struct var *v, const char *val)
{
    char *base = (char *)cfg;
    long long n;
    int b;
    switch (v->kind) {
    case K_STRING:
        if (!*val)
            return -1;
        *(char **)(base + v->offset) = xstrdup(val);
        return 0;
    case K_INT:
        if (config_parse_int(val, v->min, v->max, &n) != 0)
            return -1;
        *(int *)(base + v->offset) = (int)n;
        return 0;
    case K_SIZE:
        if (config_parse_size(val, &n) != 0 || n < v->min || n > v->max)
            return -1;
        *(long long *)(base + v->offset) = n;
        return 0;
    case K_BOOL:
        if (config_parse_bool(val, &b) != 0)
            return -1;
        *(int *)(base + v->offset) = b;
        return 0;
    case K_LISTEN:
        if (config_parse_listen(val, &cfg->listen_addr) != 0)
            return -1;
        cfg->listen = xstrdup(val);
        return 0;
    case K_LOGLEVEL:
        if ((b = log_level_parse(val)) < 0)
            return -1;
        cfg->log_level = b;
        return 0;
    }
    return -1;
}

int config_load(struct config *cfg, config_getter get, void *ctx, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const struct var *v = &vars[i];
        const char *val = get(v->name, ctx);
        if (!val && v->required) {
            snprintf(err, errlen, "%s is not set: expected %s", v->name, v->expect);
            return -1;
        }
        if (!val && !v->def)
            continue;
        if (set_var(cfg, v, val ? val : v->def) != 0) {
            snprintf(err, errlen, "%s=\"%.200s\" is invalid: expected %s", v->name,
                     val ? val : v->def, v->expect);
            return -1;
        }
    }
    return check_combinations(cfg, err, errlen);
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        if (vars[i].kind == K_STRING || vars[i].kind == K_LISTEN) {
            char **p = (char **)((char *)cfg + vars[i].offset);
            free(*p);
            *p = NULL;
        }
    }
}
