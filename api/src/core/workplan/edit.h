/* Steps shared by the diagram edits (county_admin only): where a new item goes, locking the
 * item an update changes, new keys and positions, resolving references to other items, and
 * the retire/restore rule. */
#ifndef LGVO_CORE_WORKPLAN_EDIT_H
#define LGVO_CORE_WORKPLAN_EDIT_H

#include "core/workplan/handlers.h"
#include "http/body.h"

#include <jansson.h>

struct req;

/* The period and area of an item. */
struct workplan_place {
    char period_id[16];
    char period[16];
    char area_id[16];
    char area[32];
};

/* An item being updated, locked for the transaction. */
struct workplan_target {
    char id[24];
    char key[64];
    struct workplan_place place;
    int retired;
};

/* Reads "area" (required) and "period" (optional) of a create's body. Call before
 * body_failed; then workplan_edit_place_resolve. */
void workplan_edit_place_read(struct body *b, const char **area, const char **period);
/* Resolves them (the period: by slug, else the current one) after starting the transaction;
 * an unknown one is a problem on b. Returns 0, or -1 after replying. */
int workplan_edit_place_resolve(struct req *r, struct body *b, const char *area,
                                const char *period, struct workplan_place *out);

/* Starts the transaction and locks the item {id} (an id, or a key in the current period).
 * Returns 0, or -1 after replying (404, 503, …). */
int workplan_edit_lock(struct req *r, enum workplan_item kind, struct workplan_target *t);

/* The next key ("<area>.sg3") and position for a new item of the kind in place. Returns 0,
 * or -1 after replying. key: at least 64 bytes, position: 16. */
int workplan_edit_next(struct req *r, enum workplan_item kind, const struct workplan_place *p,
                       char *key, char *position);

/* Resolves references (a JSON array of id or key strings) to live items of the kind in place.
 * Returns a JSON array of id strings (caller decrefs); on unknown or retired references
 * records a problem on field and returns NULL; NULL also after replying (503) with *replied set. */
json_t *workplan_edit_resolve(struct req *r, struct body *b, const char *field,
                              enum workplan_item kind, const struct workplan_place *p,
                              json_t *refs, int *replied);

/* Reads "retired" and "reason". *retire: -1 absent, 0 restore, 1 retire. */
void workplan_edit_retire_read(struct body *b, int *retire, const char **reason);
/* Applies the rule: a retired item changes only by being restored. Returns 0, or -1 after
 * replying 409. changes: whether other fields are being changed. */
int workplan_edit_retire_check(struct req *r, const struct workplan_target *t, int retire,
                               int changes, const char *what);

/* SET clauses every item update shares: $2 title, $3 title_en, $4 position, $5 retired
 * (true, false or NULL = unchanged), $6 reason. */
#define WORKPLAN_EDIT_SET                                                                         \
    " title = coalesce($2, title), title_en = coalesce($3, title_en),"                            \
    " position = coalesce($4::smallint, position),"                                               \
    " retire_reason = CASE $5::boolean WHEN true THEN CASE WHEN retired_at IS NULL THEN $6"       \
    "  ELSE retire_reason END WHEN false THEN NULL ELSE retire_reason END,"                        \
    " retired_by = CASE $5::boolean WHEN true THEN coalesce(retired_by, core.current_actor())"    \
    "  WHEN false THEN NULL ELSE retired_by END,"                                                 \
    " retired_at = CASE $5::boolean WHEN true THEN coalesce(retired_at, now()) WHEN false THEN NULL" \
    "  ELSE retired_at END,"                                                                      \
    " updated_at = now(), updated_by = core.current_actor()"

/* The audit verb of an update: "retire", "restore" or "update". */
const char *workplan_edit_verb(const struct workplan_target *t, int retire);

/* Action names: "workplan.<kind>.<verb>". */
const char *workplan_item_name(enum workplan_item kind); /* "subgoal", "activity", "measure_item" */

#endif
