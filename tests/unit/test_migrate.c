/* db/migrate.c without a database: scanning a directory of NNNN_description.sql files, the
 * SHA-256 digests, and migrate_plan's comparison of files with applied migrations. */
#include "check.h"
#include "db/migrate.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static char err[1024];

/* A fresh directory under /tmp; remove_dir deletes it and its files. */
static char *make_dir(void)
{
    char tmpl[] = "/tmp/lgvo-test-migrate-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        exit(2);
    }
    return strdup(tmpl);
}

static void put(const char *dir, const char *name, const char *content)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(content, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

static int scan(const char *dir, int missing_ok, struct migration_set *set)
{
    err[0] = '\0';
    return migrate_scan(dir, missing_ok, set, err, sizeof err);
}

TEST(sha256_matches_known_digests)
{
    char hex[65];
    migrate_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    migrate_sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(scan_sorts_by_version_regardless_of_creation_order)
{
    char *dir = make_dir();
    put(dir, "0010_ten.sql", "SELECT 10;");
    put(dir, "0002_two.sql", "SELECT 2;");
    put(dir, "0001_one.sql", "abc");
    put(dir, "0003_three_3.sql", "");
    struct migration_set set;
    CHECK(scan(dir, 0, &set) == 0);
    CHECK(set.count == 4);
    if (set.count == 4) {
        const char *names[] = {"0001_one.sql", "0002_two.sql", "0003_three_3.sql",
                               "0010_ten.sql"};
        const int versions[] = {1, 2, 3, 10};
        for (size_t i = 0; i < 4; i++) {
            CHECK_STR(set.items[i].name, names[i]);
            CHECK(set.items[i].version == versions[i]);
        }
        CHECK_STR(set.items[1].sql, "SELECT 2;");
        CHECK_STR(set.items[0].sha256,
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
    migration_set_free(&set);
    remove_dir(dir);
}

TEST(scan_ignores_files_that_are_not_sql)
{
    char *dir = make_dir();
    put(dir, "0001_one.sql", "SELECT 1;");
    put(dir, "README.md", "notes");
    put(dir, "0002_two.sql.orig", "SELECT 2;");
    put(dir, "0003_three.SQL", "SELECT 3;");
    struct migration_set set;
    CHECK(scan(dir, 0, &set) == 0);
    CHECK(set.count == 1 && strcmp(set.items[0].name, "0001_one.sql") == 0);
    migration_set_free(&set);
    remove_dir(dir);
}

TEST(scan_rejects_a_badly_named_sql_file_naming_it)
{
    const char *bad[] = {"1_x.sql", "0001-x.sql", "0001_X.sql", "0001_.sql", "00001_x.sql",
                         "0001_a-b.sql", "abcd_x.sql"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *dir = make_dir();
        put(dir, "0001_good.sql", "SELECT 1;");
        put(dir, bad[i], "SELECT 2;");
        struct migration_set set;
        CHECK(scan(dir, 0, &set) == -1);
        CHECK(strstr(err, bad[i]) != NULL);
        CHECK(set.count == 0 && set.items == NULL);
        migration_set_free(&set);
        remove_dir(dir);
    }
}

TEST(scan_rejects_duplicate_versions_naming_both_files)
{
    char *dir = make_dir();
    put(dir, "0001_one.sql", "SELECT 1;");
    put(dir, "0002_a.sql", "SELECT 2;");
    put(dir, "0002_b.sql", "SELECT 3;");
    struct migration_set set;
    CHECK(scan(dir, 0, &set) == -1);
    CHECK(strstr(err, "0002_a.sql") && strstr(err, "0002_b.sql"));
    CHECK(set.count == 0 && set.items == NULL);
    remove_dir(dir);
}

TEST(scan_of_a_missing_dir_is_empty_when_missing_ok)
{
    struct migration_set set;
    CHECK(scan("/tmp/lgvo-test-migrate-does-not-exist", 1, &set) == 0);
    CHECK(set.count == 0);
    migration_set_free(&set);
}

TEST(scan_of_a_missing_dir_fails_otherwise)
{
    struct migration_set set;
    CHECK(scan("/tmp/lgvo-test-migrate-does-not-exist", 0, &set) == -1);
    CHECK(strstr(err, "/tmp/lgvo-test-migrate-does-not-exist") != NULL);
}

/* migrate_plan inputs built by hand: a file or applied row named `name`, whose digest is
 * that of `content`. */
static struct migration mig(const char *name, const char *content)
{
    struct migration m = {.version = atoi(name), .name = (char *)name};
    migrate_sha256_hex(content, strlen(content), m.sha256);
    return m;
}

#define SET(...)                                                                               \
    ((struct migration_set){(struct migration[]){__VA_ARGS__},                                \
                            sizeof((struct migration[]){__VA_ARGS__}) / sizeof(struct migration)})
#define NONE ((struct migration_set){NULL, 0})

static long plan(struct migration_set files, struct migration_set applied)
{
    err[0] = '\0';
    return migrate_plan(&files, &applied, "core", err, sizeof err);
}

TEST(plan_with_nothing_applied_starts_at_the_first_file)
{
    CHECK(plan(SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b")), NONE) == 0);
    CHECK(plan(NONE, NONE) == 0);
}

TEST(plan_with_everything_applied_returns_the_file_count)
{
    struct migration_set both = SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b"));
    CHECK(plan(both, both) == 2);
}

TEST(plan_returns_the_index_of_the_first_pending_file)
{
    CHECK(plan(SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b"), mig("0005_e.sql", "e")),
               SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b"))) == 2);
}

TEST(plan_refuses_a_changed_applied_file_naming_it_and_both_digests)
{
    struct migration file = mig("0001_a.sql", "edited"), applied = mig("0001_a.sql", "a");
    CHECK(plan(SET(file), SET(applied)) == -1);
    CHECK(strstr(err, "core") && strstr(err, "0001_a.sql"));
    CHECK(strstr(err, file.sha256) && strstr(err, applied.sha256));
}

TEST(plan_refuses_an_applied_file_that_is_missing)
{
    CHECK(plan(SET(mig("0001_a.sql", "a"), mig("0003_c.sql", "c")),
               SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b"))) == -1);
    CHECK(strstr(err, "0002_b.sql") != NULL);
    CHECK(plan(SET(mig("0001_a.sql", "a")),
               SET(mig("0001_a.sql", "a"), mig("0002_b.sql", "b"))) == -1);
    CHECK(strstr(err, "0002_b.sql") != NULL);
    CHECK(plan(NONE, SET(mig("0001_a.sql", "a"))) == -1);
}

TEST(plan_refuses_a_renamed_applied_file)
{
    CHECK(plan(SET(mig("0001_new_name.sql", "a")), SET(mig("0001_a.sql", "a"))) == -1);
    CHECK(strstr(err, "0001_a.sql") && strstr(err, "0001_new_name.sql"));
}

TEST(plan_refuses_a_new_file_sorting_before_an_applied_one)
{
    CHECK(plan(SET(mig("0001_a.sql", "a"), mig("0002_late.sql", "x"), mig("0003_c.sql", "c")),
               SET(mig("0001_a.sql", "a"), mig("0003_c.sql", "c"))) == -1);
    CHECK(strstr(err, "0002_late.sql") != NULL);
}

int main(void)
{
    RUN(sha256_matches_known_digests);
    RUN(scan_sorts_by_version_regardless_of_creation_order);
    RUN(scan_ignores_files_that_are_not_sql);
    RUN(scan_rejects_a_badly_named_sql_file_naming_it);
    RUN(scan_rejects_duplicate_versions_naming_both_files);
    RUN(scan_of_a_missing_dir_is_empty_when_missing_ok);
    RUN(scan_of_a_missing_dir_fails_otherwise);
    RUN(plan_with_nothing_applied_starts_at_the_first_file);
    RUN(plan_with_everything_applied_returns_the_file_count);
    RUN(plan_returns_the_index_of_the_first_pending_file);
    RUN(plan_refuses_a_changed_applied_file_naming_it_and_both_digests);
    RUN(plan_refuses_an_applied_file_that_is_missing);
    RUN(plan_refuses_a_renamed_applied_file);
    RUN(plan_refuses_a_new_file_sorting_before_an_applied_one);
    return check_failures != 0;
}
