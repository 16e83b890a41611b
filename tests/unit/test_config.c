/* config.c: defaults, required variables, rejected values (each message names the
 * variable), size and boolean forms, and that config_free releases everything. */
#include "check.h"
#include "config.h"
#include "log.h"

#include <arpa/inet.h>

/* The environment for a test: NAME, value pairs ending with NULL; a later pair wins. */
static const char *get(const char *name, void *ctx)
{
    const char *value = NULL;
    for (const char *const *kv = ctx; kv[0]; kv += 2)
        if (strcmp(kv[0], name) == 0)
            value = kv[1];
    return value;
}

#define DB_URL "LGVO_DATABASE_URL", "postgresql://lgvo@127.0.0.1:5433/lgvo"

static char err[512];

static int load(struct config *cfg, const char *const *env)
{
    err[0] = '\0';
    return config_load(cfg, get, (void *)env, err, sizeof err);
}

/* 1 when name=value (with a database URL) is refused with a message naming the variable. */
static int refused(const char *name, const char *value)
{
    struct config cfg;
    int rc = load(&cfg, (const char *[]){DB_URL, name, value, NULL});
    config_free(&cfg);
    if (rc == 0 || !strstr(err, name)) {
        fprintf(stderr, "  %s=\"%s\": rc %d, message \"%s\"\n", name, value, rc, err);
        return 0;
    }
    return 1;
}

static int accepted(const char *name, const char *value)
{
    struct config cfg;
    int rc = load(&cfg, (const char *[]){DB_URL, name, value, NULL});
    config_free(&cfg);
    return rc == 0;
}

TEST(defaults_apply_when_only_the_database_url_is_set)
{
    struct config cfg;
    CHECK(load(&cfg, (const char *[]){DB_URL, NULL}) == 0);
    CHECK_STR(cfg.listen, "127.0.0.1:8080");
    CHECK(cfg.listen_addr.sin_family == AF_INET);
    CHECK(ntohs(cfg.listen_addr.sin_port) == 8080);
    CHECK(ntohl(cfg.listen_addr.sin_addr.s_addr) == INADDR_LOOPBACK);
    CHECK_STR(cfg.database_url, "postgresql://lgvo@127.0.0.1:5433/lgvo");
    CHECK(cfg.db_pool_size == 8);
    CHECK(cfg.max_body_bytes == 8388608);
    CHECK(cfg.log_level == LOG_INFO);
    CHECK(cfg.auto_migrate == 1);
    CHECK(cfg.plugins == NULL);
    config_free(&cfg);
}

TEST(given_values_replace_the_defaults)
{
    struct config cfg;
    CHECK(load(&cfg, (const char *[]){DB_URL, "LGVO_LISTEN", "0.0.0.0:9000",
                                      "LGVO_DB_POOL_SIZE", "16", "LGVO_MAX_BODY_BYTES", "64k",
                                      "LGVO_LOG_LEVEL", "debug", "LGVO_AUTO_MIGRATE", "off",
                                      "LGVO_PLUGINS", "water,air", NULL}) == 0);
    CHECK_STR(cfg.listen, "0.0.0.0:9000");
    CHECK(ntohs(cfg.listen_addr.sin_port) == 9000);
    CHECK(cfg.listen_addr.sin_addr.s_addr == htonl(INADDR_ANY));
    CHECK(cfg.db_pool_size == 16);
    CHECK(cfg.max_body_bytes == 65536);
    CHECK(cfg.log_level == LOG_DEBUG);
    CHECK(cfg.auto_migrate == 0);
    CHECK_STR(cfg.plugins, "water,air");
    config_free(&cfg);
}

TEST(database_url_is_required)
{
    struct config cfg;
    CHECK(load(&cfg, (const char *[]){NULL}) == -1);
    CHECK(strstr(err, "LGVO_DATABASE_URL") != NULL);
    config_free(&cfg);
    CHECK(refused("LGVO_DATABASE_URL", ""));
}

TEST(pool_size_must_be_an_integer_from_1_to_512)
{
    CHECK(refused("LGVO_DB_POOL_SIZE", "abc"));
    CHECK(refused("LGVO_DB_POOL_SIZE", "0"));
    CHECK(refused("LGVO_DB_POOL_SIZE", "513"));
    CHECK(refused("LGVO_DB_POOL_SIZE", ""));
    CHECK(refused("LGVO_DB_POOL_SIZE", "8 "));
    CHECK(accepted("LGVO_DB_POOL_SIZE", "1"));
    CHECK(accepted("LGVO_DB_POOL_SIZE", "512"));
}

TEST(max_body_bytes_rejects_negative_and_unknown_suffixes)
{
    CHECK(refused("LGVO_MAX_BODY_BYTES", "-1"));
    CHECK(refused("LGVO_MAX_BODY_BYTES", "12x"));
    CHECK(refused("LGVO_MAX_BODY_BYTES", "2G"));  /* above the 1G limit */
    CHECK(refused("LGVO_MAX_BODY_BYTES", "100")); /* below the 1k limit */
}

TEST(listen_rejects_a_missing_port)
{
    CHECK(refused("LGVO_LISTEN", "127.0.0.1"));
    CHECK(refused("LGVO_LISTEN", "127.0.0.1:"));
}

TEST(listen_rejects_port_zero)
{
    CHECK(refused("LGVO_LISTEN", "127.0.0.1:0"));
}

TEST(listen_rejects_a_port_above_65535)
{
    CHECK(refused("LGVO_LISTEN", "127.0.0.1:70000"));
    CHECK(accepted("LGVO_LISTEN", "127.0.0.1:65535"));
}

TEST(listen_rejects_a_bad_host)
{
    CHECK(refused("LGVO_LISTEN", "999.0.0.1:8080"));
    CHECK(refused("LGVO_LISTEN", "example.org:8080"));
    CHECK(refused("LGVO_LISTEN", ":8080"));
}

TEST(listen_accepts_localhost_as_the_loopback_address)
{
    struct sockaddr_in sa;
    CHECK(config_parse_listen("localhost:80", &sa) == 0);
    CHECK(ntohl(sa.sin_addr.s_addr) == INADDR_LOOPBACK);
    CHECK(ntohs(sa.sin_port) == 80);
}

TEST(log_level_rejects_an_unknown_name)
{
    CHECK(refused("LGVO_LOG_LEVEL", "verbose"));
    CHECK(accepted("LGVO_LOG_LEVEL", "warn"));
}

TEST(auto_migrate_rejects_a_non_boolean)
{
    CHECK(refused("LGVO_AUTO_MIGRATE", "maybe"));
}

TEST(int_parser_accepts_only_plain_decimal_within_bounds)
{
    long long v = 0;
    CHECK(config_parse_int("-5", -10, 10, &v) == 0 && v == -5);
    CHECK(config_parse_int("+5", -10, 10, &v) == -1);
    CHECK(config_parse_int(" 5", -10, 10, &v) == -1);
    CHECK(config_parse_int("-", -10, 10, &v) == -1);
    CHECK(config_parse_int("11", -10, 10, &v) == -1);
    CHECK(config_parse_int("99999999999999999999", 0, 10, &v) == -1);
}

TEST(size_parser_understands_binary_suffixes)
{
    long long v = 0;
    CHECK(config_parse_size("8388608", &v) == 0 && v == 8388608);
    CHECK(config_parse_size("64k", &v) == 0 && v == 65536);
    CHECK(config_parse_size("8M", &v) == 0 && v == 8388608);
    CHECK(config_parse_size("1G", &v) == 0 && v == 1073741824);
    CHECK(config_parse_size("8MiB", &v) == 0 && v == 8388608);
    CHECK(config_parse_size("8mb", &v) == 0 && v == 8388608);
}

TEST(size_parser_rejects_malformed_sizes)
{
    long long v = 0;
    CHECK(config_parse_size("", &v) == -1);
    CHECK(config_parse_size("M", &v) == -1);
    CHECK(config_parse_size("8T", &v) == -1);
    CHECK(config_parse_size("8 M", &v) == -1);
    CHECK(config_parse_size("8MiBs", &v) == -1);
    CHECK(config_parse_size("-1", &v) == -1);
}

TEST(bool_parser_accepts_the_documented_forms_in_any_case)
{
    const char *yes[] = {"1", "true", "yes", "on", "TRUE", "Yes"};
    const char *no[] = {"0", "false", "no", "off", "FALSE", "Off"};
    for (size_t i = 0; i < 6; i++) {
        int b = -1;
        CHECK(config_parse_bool(yes[i], &b) == 0 && b == 1);
        b = -1;
        CHECK(config_parse_bool(no[i], &b) == 0 && b == 0);
    }
    int b = -1;
    CHECK(config_parse_bool("", &b) == -1);
    CHECK(config_parse_bool("y", &b) == -1);
}

/* With every string variable set, ASan's leak check fails the test if one is not freed. */
TEST(config_free_releases_every_string)
{
    struct config cfg;
    CHECK(load(&cfg, (const char *[]){DB_URL, "LGVO_PLUGIN_DIR", "/p", "LGVO_PLUGINS", "a,b",
                                      "LGVO_SCHEMA_DIR", "/s", NULL}) == 0);
    config_free(&cfg);
    CHECK(!cfg.listen && !cfg.database_url && !cfg.plugin_dir && !cfg.plugins &&
          !cfg.schema_dir);
}

TEST(config_free_releases_a_partly_loaded_config)
{
    struct config cfg;
    CHECK(load(&cfg, (const char *[]){DB_URL, "LGVO_PLUGINS", "a", "LGVO_AUTO_MIGRATE", "?",
                                      NULL}) == -1);
    config_free(&cfg);
    CHECK(!cfg.database_url && !cfg.plugins);
}

int main(void)
{
    RUN(defaults_apply_when_only_the_database_url_is_set);
    RUN(given_values_replace_the_defaults);
    RUN(database_url_is_required);
    RUN(pool_size_must_be_an_integer_from_1_to_512);
    RUN(max_body_bytes_rejects_negative_and_unknown_suffixes);
    RUN(listen_rejects_a_missing_port);
    RUN(listen_rejects_port_zero);
    RUN(listen_rejects_a_port_above_65535);
    RUN(listen_rejects_a_bad_host);
    RUN(listen_accepts_localhost_as_the_loopback_address);
    RUN(log_level_rejects_an_unknown_name);
    RUN(auto_migrate_rejects_a_non_boolean);
    RUN(int_parser_accepts_only_plain_decimal_within_bounds);
    RUN(size_parser_understands_binary_suffixes);
    RUN(size_parser_rejects_malformed_sizes);
    RUN(bool_parser_accepts_the_documented_forms_in_any_case);
    RUN(config_free_releases_every_string);
    RUN(config_free_releases_a_partly_loaded_config);
    return check_failures != 0;
}
