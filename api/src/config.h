/* Service configuration, read only from LGVO_* environment variables. Every variable is
 * described once in config.c's table; an invalid value stops start-up with a message that
 * names the variable. */
#ifndef LGVO_CONFIG_H
#define LGVO_CONFIG_H

#include <netinet/in.h>
#include <stddef.h>

struct config {
    char *listen;                  /* "host:port" as given */
    struct sockaddr_in listen_addr;
    char *database_url;
    int db_pool_size;
    int db_acquire_timeout_ms;
    int db_statement_timeout_ms;
    long long max_body_bytes;
    int log_level;
    char *plugin_dir;
    char *plugins;                 /* comma-separated slugs to enable; NULL = all found */
    char *schema_dir;
    char *openapi_dir;
    char *web_dir;                 /* static files: /docs and the dashboard */
    int http_threads;              /* 0 = one thread per connection */
    int http_max_connections;
    int http_connection_timeout_s;
    int shutdown_timeout_s;
    int auto_migrate;
    /* identity and tokens */
    char *jwt_issuer;
    char *jwt_audience;
    char *jwt_alg;                 /* "ES256" | "RS256" | "HS256" */
    char *jwt_hs256_secret;        /* only with HS256; at least 32 bytes */
    char *jwt_key_file;            /* PEM private key; NULL = keys in the database */
    int access_token_ttl_s;
    int refresh_token_ttl_s;
    int max_concurrent_hashes;
    int password_opslimit;
    int password_memlimit_kib;
    int token_cache_size;
    int read_cache_size;
    int max_push_rows;
    char *cors_origins;            /* comma-separated exact origins; NULL = none */
};

/* Returns the value of an environment-like variable, or NULL when unset. */
typedef const char *(*config_getter)(const char *name, void *ctx);

/* Fills cfg from the variables; defaults for unset ones. Returns 0, or -1 with a message in
 * err naming the variable. cfg must be released with config_free either way. */
int config_load(struct config *cfg, config_getter get, void *ctx, char *err, size_t errlen);
void config_free(struct config *cfg);

/* Parsers, exposed for unit tests. Each returns 0 or -1. */
int config_parse_int(const char *s, long long min, long long max, long long *out);
int config_parse_size(const char *s, long long *out); /* "8388608", "64k", "8M", "1G" */
int config_parse_bool(const char *s, int *out);       /* true/false/1/0/yes/no/on/off */
int config_parse_listen(const char *s, struct sockaddr_in *out);

#endif
