/* A deliberately careless test plugin (tests/integration/plugins-rls.test.mjs). Its table
 * careless.notes is protected by core.protect_principal_rows(); its route POST /notes
 * (write:careless) inserts a note for whatever principal the body names WITHOUT asking
 * host->can_write, so only row-level security stands between a reporter and another
 * principal's rows. POST /approved-notes does it properly: can_write first. DELETE
 * /notes/:principal is careless too. */
#include "lgvo/plugin.h"

#include <stdio.h>
#include <string.h>

#define AREA "careless"

static const lgvo_host *host;

/* ctx: non-NULL for the route that asks can_write first. */
static void add_note(lgvo_request *req, void *ctx)
{
    json_t *b = host->body(req);
    if (!b)
        return;
    const char *principal = json_string_value(json_object_get(b, "principal"));
    const char *note = json_string_value(json_object_get(b, "note"));
    int on_behalf = json_is_true(json_object_get(b, "on_behalf"));
    if (!principal || !note) {
        host->reply_error(req, 422, NULL, "principal and note are required", NULL);
        return;
    }
    if (ctx && !host->can_write(req, principal, AREA, on_behalf))
        return;
    const char *params[] = {principal, note};
    /* No check of whose row this is: the careless part. */
    lgvo_result *r = host->sql(req,
                               "INSERT INTO careless.notes (principal_id, note)"
                               " SELECT id, $2 FROM core.principals WHERE slug = $1 RETURNING id",
                               2, params);
    if (!r)
        return; /* the host replied, e.g. 403 when row-level security refused the row */
    int n = host->result_rows(r);
    host->result_free(r);
    if (n != 1) {
        host->reply_error(req, 404, NULL, "no such principal", NULL);
        return;
    }
    host->reply_json(req, 201, json_pack("{s:s, s:s}", "principal", principal, "note", note));
}

/* DELETE /notes/:principal, as careless: row-level security hides the rows of principals
 * that were not approved, so they are simply not deleted. */
static void delete_notes(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *params[] = {host->param(req, "principal")};
    lgvo_result *r = host->sql(req,
                               "DELETE FROM careless.notes WHERE principal_id ="
                               " (SELECT id FROM core.principals WHERE slug = $1)",
                               1, params);
    if (!r)
        return;
    int n = host->result_affected(r);
    host->result_free(r);
    host->reply_json(req, 200, json_pack("{s:i}", "deleted", n));
}

static void list_notes(lgvo_request *req, void *ctx)
{
    (void)ctx;
    lgvo_result *r = host->sql(req,
                               "SELECT p.slug, n.note FROM careless.notes n"
                               " JOIN core.principals p ON p.id = n.principal_id ORDER BY n.id",
                               0, NULL);
    if (!r)
        return;
    json_t *items = json_array();
    for (int i = 0; i < host->result_rows(r); i++)
        json_array_append_new(items, json_pack("{s:s, s:s}", "principal", host->result_value(r, i, 0),
                                               "note", host->result_value(r, i, 1)));
    host->result_free(r);
    host->reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int init(const lgvo_host *h, void **state)
{
    static int approve = 1;
    host = h;
    *state = NULL;
    return h->route("POST", "/notes", LGVO_ACCESS_WRITE_AREA, AREA, add_note, NULL, "carelessAddNote") ||
           h->route("POST", "/approved-notes", LGVO_ACCESS_WRITE_AREA, AREA, add_note, &approve,
                    "carelessAddApprovedNote") ||
           h->route("DELETE", "/notes/:principal", LGVO_ACCESS_WRITE_AREA, AREA, delete_notes, NULL,
                    "carelessDeleteNotes") ||
           h->route("GET", "/notes", LGVO_ACCESS_AUTHENTICATED, NULL, list_notes, NULL, "carelessListNotes");
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Slarvig (test)",
    .slug = "careless",
    .version = "0.0.1",
    .description = "Test plugin whose write route forgets host->can_write.",
    .area = AREA,
    .migrations_dir = "careless/migrations",
    .init = init,
};
