/* Schema migrations: NNNN_description.sql files applied in order, each in its own transaction,
 * recorded with their SHA-256 per component ("core" or a plugin slug) in core.migrations.
 * A changed or missing applied file stops start-up; an advisory lock keeps two starting
 * copies of the service from applying the same migration twice. */
#ifndef LGVO_DB_MIGRATE_H
#define LGVO_DB_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

struct migration {
    int version;
    char *name;   /* file name, e.g. "0001_core.sql" */
    char *sql;    /* file contents; NULL for an applied migration */
    char sha256[65];
};

struct migration_set {
    struct migration *items;
    size_t count;
};

void migration_set_free(struct migration_set *set);

/* Reads every *.sql file of dir (other files are ignored), sorted by version. Fails on a
 * badly named .sql file or a repeated version. A missing dir is an empty set when
 * missing_ok. Returns 0 or -1 with err. */
int migrate_scan(const char *dir, int missing_ok, struct migration_set *out, char *err,
                 size_t errlen);

/* Compares files on disk with what was applied. Returns the index of the first pending
 * file (== files->count when none is pending), or -1 with err when an applied migration's
 * file changed, is missing or a new file sorts before an applied one. Pure: no I/O. */
long migrate_plan(const struct migration_set *files, const struct migration_set *applied,
                  const char *component, char *err, size_t errlen);

void migrate_sha256_hex(const char *data, size_t len, char out[65]);

/* Applies pending migrations of one component. `schema`, when not NULL, is created first
 * and put first on the search_path while the files run (a plugin's own schema).
 * Returns the number applied, or -1 with err. */
int migrate_apply(PGconn *pg, const char *component, const char *dir, const char *schema,
                  char *err, size_t errlen);

/* Returns 1 when every file of dir is applied unchanged, 0 when some are pending,
 * -1 with err when the database disagrees with the files or cannot be read. */
int migrate_check(PGconn *pg, const char *component, const char *dir, char *err,
                  size_t errlen);

#endif
