/* Reference data held in memory: the principals and the areas. Loaded at start-up and
 * reloaded when the tables change (a trigger NOTIFYs lgvo_refdata, see db/listener.h), so
 * reads and identity checks never wait on the database. */
#ifndef LGVO_CORE_REFDATA_H
#define LGVO_CORE_REFDATA_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>

struct principal {
    int id;
    char slug[48];
    char name[96];
    char kind[16]; /* "region" | "municipality" */
    char code[8];
};

struct area {
    int id;
    char slug[32];
    char name[96];
    char name_en[96];
};

struct refdata;

struct refdata *refdata_create(void); /* caller frees with refdata_destroy */
void refdata_destroy(struct refdata *rd);
/* Replaces the snapshot with the database's current rows. Returns 0 or -1 with err. */
int refdata_load(struct refdata *rd, PGconn *pg, char *err, size_t errlen);

/* Names the plugin serving each area (an object area slug → plugin slug; borrowed for the
 * call) in the rendered areas from the next refdata_load on. */
void refdata_set_area_plugins(struct refdata *rd, json_t *map);

/* Lookups copy into *out; they return 0, or -1 when there is no such item. */
int refdata_principal(struct refdata *rd, const char *slug_or_code, struct principal *out);
int refdata_principal_by_id(struct refdata *rd, int id, struct principal *out);
int refdata_area(struct refdata *rd, const char *slug, struct area *out);
int refdata_area_by_id(struct refdata *rd, int id, struct area *out);
int refdata_principal_count(struct refdata *rd);

/* Rendered JSON for the API: the list ({"items":[…]}) when key is NULL, else one item.
 * Returns a copy the caller frees (NULL when not found) and the ETag in etag. */
enum refdata_kind { REFDATA_PRINCIPALS, REFDATA_AREAS };
char *refdata_json(struct refdata *rd, enum refdata_kind kind, const char *key, size_t *len,
                   char etag[24]);

#endif
