/* The county networks (activity a4: palliative care for adults, cognitive impairment, frail
 * older people):
 *
 *   GET   /api/v1/att-aldras/networks             every network (authenticated)
 *   GET   /api/v1/att-aldras/networks/:network    one network
 *   POST  /api/v1/att-aldras/networks             a new network (county_admin)
 *   PATCH /api/v1/att-aldras/networks/:network    change a network (org_admin, county_admin)
 *
 * PATCH members and who may send them:
 *   title, title_en, assignment, participants, meetings, recommendations   county_admin
 *   representatives {"<principal>": [{role, name?}]}   the principal's org_admin, county_admin
 *   follow_up [{recommendation, principal, status, date, comment?}]   likewise
 * Members a caller may not send make the request 403 (details name them); invalid ones 422
 * with {"path","code","message"} per problem; nothing is changed then. */
#include "aldras.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEETINGS 200
#define MAX_REPRESENTATIVES 20
#define MAX_RECOMMENDATIONS 200
#define MAX_FOLLOW_UP 1000

static const char *const create_fields[] = {"slug", "title", "title_en", "assignment",
                                            "participants", "meetings", NULL};
static const char *const patch_fields[] = {"title", "title_en", "assignment", "participants",
                                           "meetings", "recommendations", "representatives",
                                           "follow_up", NULL};
static const char *const county_fields[] = {"title", "title_en", "assignment", "participants",
                                            "meetings", "recommendations", NULL};

/* Who is asking. */
struct who {
    int county;            /* county_admin */
    int principal_id;      /* the caller's principal */
    const char *subject;   /* borrowed for the handler call */
};

/* A request's members, checked. Strings and arrays are borrowed from the body or owned here
 * (the json_t members; freed by input_free). */
struct input {
    json_t *errors;        /* 422 details */
    json_t *forbidden;     /* 403 details */
    const char *slug, *title, *title_en, *assignment;
    json_t *participants;  /* [principal id], or NULL */
    json_t *meetings;      /* ["YYYY-MM-DD"], or NULL */
    json_t *recs;          /* [{id, delete, title, description, has_description, issued_on}], or NULL */
    json_t *rep_ids;       /* [principal id] whose representatives are replaced, or NULL */
    json_t *reps;          /* [{principal_id, position, role, name}] */
    json_t *follow_up;     /* [{recommendation_id, principal_id, status, assessed_on, comment}], or NULL */
};

/* The network as stored, for PATCH. */
struct state {
    int id;
    json_t *participants;  /* [principal id] */
    json_t *issued;        /* {"<recommendation id>": "YYYY-MM-DD"} */
};

static void input_free(struct input *in)
{
    json_decref(in->errors);
    json_decref(in->forbidden);
    json_decref(in->participants);
    json_decref(in->meetings);
    json_decref(in->recs);
    json_decref(in->rep_ids);
    json_decref(in->reps);
    json_decref(in->follow_up);
}

static void state_free(struct state *s)
{
    json_decref(s->participants);
    json_decref(s->issued);
}

static void caller_of(lgvo_request *req, struct who *w)
{
    lgvo_caller c = {.struct_size = sizeof c};
    aa_host->caller(req, &c);
    w->county = (c.roles & LGVO_ROLE_COUNTY_ADMIN) != 0;
    w->principal_id = c.principal_id;
    w->subject = c.subject ? c.subject : "unknown";
}

/* ---- small checks ---- */

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* A text member (nullable: JSON null allowed and read as absent). Returns the string
 * (borrowed), or NULL when absent (an error when required) or invalid (error recorded). */
static const char *text_at(json_t *errors, json_t *v, const char *path, size_t max, int required,
                           int nullable)
{
    if (!v || (json_is_null(v) && nullable)) {
        if (required && !v)
            aa_error(errors, path, "missing", "is required");
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s) {
        aa_error(errors, path, "wrong_type", "must be a string%s", nullable ? " or null" : "");
        return NULL;
    }
    if (blank(s) || aa_chars(s) > max) {
        aa_error(errors, path, blank(s) ? "empty" : "too_long", "must be 1 to %zu characters, not blank", max);
        return NULL;
    }
    if (aa_has_personal_number(s)) {
        aa_error(errors, path, "personal_identity_number",
                 "must not contain a personal identity number (personnummer or samordningsnummer)");
        return NULL;
    }
    return s;
}

/* A date member "YYYY-MM-DD"; not after today unless future_ok. Returns 0 or -1. */
static int date_at(json_t *errors, json_t *v, const char *path, int future_ok, struct aa_date *out)
{
    if (!v) {
        aa_error(errors, path, "missing", "is required (a date like 2025-03-31)");
        return -1;
    }
    if (aa_parse_date(json_string_value(v), out) != 0) {
        aa_error(errors, path, "invalid_date", "must be a date like 2025-03-31");
        return -1;
    }
    if (!future_ok && aa_date_cmp(*out, aa_today()) > 0) {
        aa_error(errors, path, "future_date", "must not be in the future");
        return -1;
    }
    return 0;
}

static int array_has(json_t *array, json_int_t v)
{
    size_t i;
    json_t *x;
    json_array_foreach(array, i, x)
        if (json_integer_value(x) == v)
            return 1;
    return 0;
}

/* Is there an object in list whose member k1 is v1 (and k2 is v2, unless k2 is NULL)? */
static int listed(json_t *list, const char *k1, json_int_t v1, const char *k2, json_int_t v2)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o) {
        if (json_integer_value(json_object_get(o, k1)) == v1 &&
            (!k2 || json_integer_value(json_object_get(o, k2)) == v2))
            return 1;
    }
    return 0;
}

/* An array member of at most max items. Returns the array (borrowed) or NULL (absent, or
 * invalid with the error recorded). */
static json_t *array_at(json_t *errors, json_t *v, const char *path, size_t max)
{
    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        aa_error(errors, path, "wrong_type", "must be an array");
        return NULL;
    }
    if (json_array_size(v) > max) {
        aa_error(errors, path, "too_many", "at most %zu items", max);
        return NULL;
    }
    return v;
}

/* ---- members shared by POST and PATCH ---- */

static void read_texts(struct input *in, json_t *body, int required)
{
    in->title = text_at(in->errors, json_object_get(body, "title"), "/title", 200, required, 0);
    in->title_en = text_at(in->errors, json_object_get(body, "title_en"), "/title_en", 200, required, 0);
    in->assignment = text_at(in->errors, json_object_get(body, "assignment"), "/assignment", 4000, required, 0);
}

static void read_participants(struct input *in, json_t *body)
{
    json_t *list = array_at(in->errors, json_object_get(body, "participants"), "/participants", 64);
    if (!list)
        return;
    in->participants = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        char path[64];
        snprintf(path, sizeof path, "/participants/%zu", i);
        struct aa_principal p;
        if (aa_principal(json_string_value(v), &p) != 0)
            aa_error(in->errors, path, "unknown_principal", "must be a principal (slug or official code)");
        else if (array_has(in->participants, p.id))
            aa_error(in->errors, path, "duplicate", "names %s twice", p.slug);
        else
            json_array_append_new(in->participants, json_integer(p.id));
    }
}

static void read_meetings(struct input *in, json_t *body)
{
    json_t *list = array_at(in->errors, json_object_get(body, "meetings"), "/meetings", MAX_MEETINGS);
    if (!list)
        return;
    in->meetings = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        char path[64], text[11];
        struct aa_date d;
        snprintf(path, sizeof path, "/meetings/%zu", i);
        if (date_at(in->errors, v, path, 1, &d) != 0)
            continue;
        aa_format_date(d, text);
        json_array_append_new(in->meetings, json_string(text)); /* repeats collapse in SQL */
    }
}

/* ---- PATCH-only members ---- */

static void read_recommendation(struct input *in, struct state *st, json_t *item, size_t i)
{
    char path[96];
    snprintf(path, sizeof path, "/recommendations/%zu", i);
    static const char *const fields[] = {"id", "title", "description", "issued_on", "delete", NULL};
    if (!json_is_object(item)) {
        aa_error(in->errors, path, "wrong_type", "each recommendation must be an object");
        return;
    }
    if (aa_unknown_members(in->errors, path, -1, item, fields))
        return;
    json_t *id = json_object_get(item, "id"), *del = json_object_get(item, "delete");
    int existing = id != NULL;
    char key[24] = "", sub[128];
    if (existing) {
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        snprintf(sub, sizeof sub, "%s/id", path);
        if (!json_is_integer(id) || !json_object_get(st->issued, key)) {
            aa_error(in->errors, sub, "unknown_recommendation", "is not a recommendation of this network");
            return;
        }
        if (listed(in->recs, "id", json_integer_value(id), NULL, 0)) {
            aa_error(in->errors, sub, "duplicate", "names recommendation %s twice", key);
            return;
        }
    }
    if (del && (!json_is_true(del) || !existing)) {
        snprintf(sub, sizeof sub, "%s/delete", path);
        aa_error(in->errors, sub, "invalid", "delete must be true, with the id of the recommendation");
        return;
    }
    snprintf(sub, sizeof sub, "%s/title", path);
    const char *title = text_at(in->errors, json_object_get(item, "title"), sub, 300, !existing && !del, 0);
    snprintf(sub, sizeof sub, "%s/description", path);
    json_t *dv = json_object_get(item, "description");
    const char *description = text_at(in->errors, dv, sub, 4000, 0, 1);
    snprintf(sub, sizeof sub, "%s/issued_on", path);
    struct aa_date issued;
    char issued_text[11] = "";
    json_t *iv = json_object_get(item, "issued_on");
    if ((iv || !existing) && !del && date_at(in->errors, iv, sub, 0, &issued) == 0)
        aa_format_date(issued, issued_text);
    json_array_append_new(in->recs, json_pack("{s:o, s:b, s:s?, s:s?, s:b, s:s?}", "id",
                                              existing ? json_integer(json_integer_value(id)) : json_null(),
                                              "delete", del != NULL, "title", title, "description",
                                              description, "has_description", dv != NULL, "issued_on",
                                              issued_text[0] ? issued_text : NULL));
}

static void read_recommendations(struct input *in, struct state *st, json_t *body)
{
    json_t *list = array_at(in->errors, json_object_get(body, "recommendations"), "/recommendations",
                            MAX_RECOMMENDATIONS);
    if (!list)
        return;
    in->recs = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
        read_recommendation(in, st, item, i);
}

/* The principals taking part once this request is applied. Borrowed. */
static json_t *participants_after(struct input *in, struct state *st)
{
    return in->participants ? in->participants : st->participants;
}

/* May the caller write principal's own rows in the network (representatives, follow-up)? */
static int own_rows(const struct who *w, int principal_id)
{
    return w->county || principal_id == w->principal_id;
}

static void read_representative(struct input *in, json_t *item, int principal_id, const char *path,
                                size_t position)
{
    static const char *const fields[] = {"role", "name", NULL};
    if (!json_is_object(item)) {
        aa_error(in->errors, path, "wrong_type", "each representative must be an object {role, name?}");
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(item, key, v) {
        int known = strcmp(key, fields[0]) == 0 || strcmp(key, fields[1]) == 0;
        if (!known) {
            char sub[384], seg[128];
            aa_pointer_segment(key, seg);
            snprintf(sub, sizeof sub, "%s/%s", path, seg);
            aa_error(in->errors, sub, "unknown_field",
                     "a representative has only role and name (no personal identity numbers or contact details)");
        }
    }
    char sub[384];
    snprintf(sub, sizeof sub, "%s/role", path);
    const char *role = text_at(in->errors, json_object_get(item, "role"), sub, 100, 1, 0);
    snprintf(sub, sizeof sub, "%s/name", path);
    const char *name = text_at(in->errors, json_object_get(item, "name"), sub, 200, 0, 1);
    if (role)
        json_array_append_new(in->reps, json_pack("{s:i, s:i, s:s, s:s?}", "principal_id", principal_id,
                                                  "position", (int)position, "role", role, "name", name));
}

static void read_representatives(struct input *in, struct state *st, const struct who *w, json_t *body)
{
    json_t *map = json_object_get(body, "representatives");
    if (!map)
        return;
    if (!json_is_object(map)) {
        aa_error(in->errors, "/representatives", "wrong_type",
                 "must be an object: {\"<principal>\": [{\"role\": …, \"name\": …}]}");
        return;
    }
    in->rep_ids = json_array();
    in->reps = json_array();
    const char *key;
    json_t *list;
    json_object_foreach(map, key, list) {
        char seg[128], path[160];
        aa_pointer_segment(key, seg);
        snprintf(path, sizeof path, "/representatives/%s", seg);
        struct aa_principal p;
        if (aa_principal(key, &p) != 0) {
            aa_error(in->errors, path, "unknown_principal", "is not a principal (slug or official code)");
            continue;
        }
        if (!own_rows(w, p.id)) {
            aa_error(in->forbidden, path, "forbidden", "an org_admin manages only its own principal's representatives");
            continue;
        }
        if (!array_has(participants_after(in, st), p.id)) {
            aa_error(in->errors, path, "not_participating", "%s does not take part in this network", p.slug);
            continue;
        }
        if (array_has(in->rep_ids, p.id)) {
            aa_error(in->errors, path, "duplicate", "names %s a second time", p.slug);
            continue;
        }
        if (!array_at(in->errors, list, path, MAX_REPRESENTATIVES))
            continue;
        json_array_append_new(in->rep_ids, json_integer(p.id));
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item) {
            char ipath[192];
            snprintf(ipath, sizeof ipath, "%s/%zu", path, i);
            read_representative(in, item, p.id, ipath, i);
        }
    }
}

static const char *status_of(json_t *v)
{
    static const char *const statuses[] = {"implemented", "partly", "not_yet", NULL};
    const char *s = json_string_value(v);
    for (size_t i = 0; s && statuses[i]; i++)
        if (strcmp(s, statuses[i]) == 0)
            return statuses[i];
    return NULL;
}

/* One follow-up answer: recorded in in->follow_up when it may be applied. */
static void read_answer(struct input *in, struct state *st, const struct who *w, json_t *item, size_t i)
{
    static const char *const fields[] = {"recommendation", "principal", "status", "date", "comment", NULL};
    char path[64], sub[96];
    snprintf(path, sizeof path, "/follow_up/%zu", i);
    if (!json_is_object(item)) {
        aa_error(in->errors, path, "wrong_type", "each answer must be an object");
        return;
    }
    if (aa_unknown_members(in->errors, path, -1, item, fields))
        return;
    struct aa_principal p;
    snprintf(sub, sizeof sub, "%s/principal", path);
    if (aa_principal(json_string_value(json_object_get(item, "principal")), &p) != 0) {
        aa_error(in->errors, sub, "unknown_principal", "must be a principal (slug or official code)");
        return;
    }
    if (!own_rows(w, p.id)) {
        aa_error(in->forbidden, sub, "forbidden", "an org_admin answers only for its own principal");
        return;
    }
    int bad = 0;
    if (!array_has(participants_after(in, st), p.id)) {
        aa_error(in->errors, sub, "not_participating", "%s does not take part in this network", p.slug);
        bad = 1;
    }
    json_t *rec = json_object_get(item, "recommendation");
    char key[24];
    snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(rec));
    const char *issued = json_string_value(json_object_get(st->issued, key));
    snprintf(sub, sizeof sub, "%s/recommendation", path);
    if (!json_is_integer(rec) || !issued) {
        aa_error(in->errors, sub, "unknown_recommendation", "must be the id of a recommendation of this network");
        bad = 1;
    }
    snprintf(sub, sizeof sub, "%s/status", path);
    const char *status = status_of(json_object_get(item, "status"));
    if (!status) {
        aa_error(in->errors, sub, "invalid_status", "must be implemented, partly or not_yet");
        bad = 1;
    }
    snprintf(sub, sizeof sub, "%s/date", path);
    struct aa_date d, issued_on;
    char date[11] = "";
    if (date_at(in->errors, json_object_get(item, "date"), sub, 0, &d) != 0) {
        bad = 1;
    } else if (issued && aa_parse_date(issued, &issued_on) == 0 && aa_date_cmp(d, issued_on) < 0) {
        aa_error(in->errors, sub, "before_issued", "the follow-up cannot predate the recommendation (issued %s)", issued);
        bad = 1;
    } else {
        aa_format_date(d, date);
    }
    snprintf(sub, sizeof sub, "%s/comment", path);
    json_t *cv = json_object_get(item, "comment");
    const char *comment = text_at(in->errors, cv, sub, 2000, 0, 1);
    if (cv && !json_is_null(cv) && !comment)
        bad = 1;
    if (!bad && listed(in->follow_up, "recommendation_id", json_integer_value(rec), "principal_id", p.id)) {
        aa_error(in->errors, path, "duplicate", "a second answer of %s to recommendation %s", p.slug, key);
        bad = 1;
    }
    if (!bad)
        json_array_append_new(in->follow_up, json_pack("{s:O, s:i, s:s, s:s, s:s?}", "recommendation_id", rec,
                                                       "principal_id", p.id, "status", status,
                                                       "assessed_on", date, "comment", comment));
}

static void read_follow_up(struct input *in, struct state *st, const struct who *w, json_t *body)
{
    json_t *list = array_at(in->errors, json_object_get(body, "follow_up"), "/follow_up", MAX_FOLLOW_UP);
    if (!list)
        return;
    in->follow_up = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
        read_answer(in, st, w, item, i);
}

/* Members only the county secretariat sends. */
static void check_county_members(struct input *in, const struct who *w, json_t *body)
{
    for (size_t i = 0; !w->county && county_fields[i]; i++) {
        if (!json_object_get(body, county_fields[i]))
            continue;
        char path[64];
        snprintf(path, sizeof path, "/%s", county_fields[i]);
        aa_error(in->forbidden, path, "forbidden", "only the county secretariat (county_admin) changes %s",
                 county_fields[i]);
    }
}

/* Replies 403 or 422 when the input has problems. Returns 1 after replying. */
static int refuse(lgvo_request *req, struct input *in)
{
    if (json_array_size(in->forbidden)) {
        aa_host->reply_error(req, 403, "forbidden", "the request changes what the caller may not change (see details); nothing was changed",
                             json_incref(in->forbidden));
        return 1;
    }
    if (json_array_size(in->errors)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%zu problem(s) in the request (see details); nothing was changed",
                 json_array_size(in->errors));
        aa_host->reply_error(req, 422, "validation_failed", msg, json_incref(in->errors));
        return 1;
    }
    return 0;
}

/* ---- the database ---- */

/* Runs a statement whose result is not needed. Returns 0, or -1 after the host replied. */
static int exec(lgvo_request *req, const char *sql, int n, const char *const *params)
{
    lgvo_result *res = aa_host->sql(req, sql, n, params);
    if (!res)
        return -1;
    aa_host->result_free(res);
    return 0;
}

/* A JSON member as compact text for a parameter, or NULL. Caller frees (free). */
static char *dump(json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
}

static int load_state(lgvo_request *req, const char *slug, struct state *st)
{
    const char *params[] = {slug};
    lgvo_result *res = aa_host->sql(
        req,
        "SELECT n.id,"
        " (SELECT coalesce(json_agg(principal_id), '[]') FROM att_aldras.network_participants"
        "  WHERE network_id = n.id)::text,"
        " (SELECT coalesce(json_object_agg(id, to_char(issued_on, 'YYYY-MM-DD')), '{}')"
        "  FROM att_aldras.recommendations WHERE network_id = n.id)::text"
        " FROM att_aldras.networks n WHERE n.slug = $1",
        1, params);
    if (!res)
        return -1;
    int found = aa_host->result_rows(res) == 1;
    if (found) {
        st->id = atoi(aa_host->result_value(res, 0, 0));
        st->participants = json_loads(aa_host->result_value(res, 0, 1), 0, NULL);
        st->issued = json_loads(aa_host->result_value(res, 0, 2), 0, NULL);
    }
    aa_host->result_free(res);
    if (!found) {
        char msg[160];
        snprintf(msg, sizeof msg, "no network '%.100s' (see GET /api/v1/att-aldras/networks)", slug);
        aa_host->reply_error(req, 404, "not_found", msg, NULL);
        return -1;
    }
    return 0;
}

static int apply_network(lgvo_request *req, const struct state *st, const struct input *in,
                         const struct who *w)
{
    char id[16];
    snprintf(id, sizeof id, "%d", st->id);
    const char *params[] = {id, in->title, in->title_en, in->assignment, w->subject};
    return exec(req,
                "UPDATE att_aldras.networks SET title = coalesce($2, title), title_en = coalesce($3, title_en),"
                " assignment = coalesce($4, assignment), updated_at = now(), updated_by = $5"
                " WHERE id = $1::integer",
                5, params);
}

static int apply_participants(lgvo_request *req, const char *id, json_t *list)
{
    char *text = dump(list); /* freed below */
    const char *params[] = {id, text};
    int rc = exec(req,
                  "DELETE FROM att_aldras.network_participants WHERE network_id = $1::integer"
                  " AND principal_id NOT IN (SELECT jsonb_array_elements_text($2::jsonb)::smallint)",
                  2, params);
    if (rc == 0)
        rc = exec(req,
                  "INSERT INTO att_aldras.network_participants (network_id, principal_id)"
                  " SELECT $1::integer, x::smallint FROM jsonb_array_elements_text($2::jsonb) x"
                  " ON CONFLICT DO NOTHING",
                  2, params);
    free(text);
    return rc;
}

static int apply_meetings(lgvo_request *req, const char *id, json_t *list)
{
    char *text = dump(list); /* freed below */
    const char *params[] = {id, text};
    int rc = exec(req, "DELETE FROM att_aldras.network_meetings WHERE network_id = $1::integer", 1, params);
    if (rc == 0)
        rc = exec(req,
                  "INSERT INTO att_aldras.network_meetings (network_id, meeting_on)"
                  " SELECT DISTINCT $1::integer, x::date FROM jsonb_array_elements_text($2::jsonb) x",
                  2, params);
    free(text);
    return rc;
}

static int apply_recommendations(lgvo_request *req, const char *id, json_t *recs, const char *subject)
{
    char *text = dump(recs); /* freed below */
    const char *params[] = {id, text, subject};
    int rc = exec(req,
                  "DELETE FROM att_aldras.recommendations r USING jsonb_to_recordset($2::jsonb)"
                  " AS x(id integer, delete boolean) WHERE x.delete AND r.id = x.id AND r.network_id = $1::integer",
                  2, params);
    if (rc == 0)
        rc = exec(req,
                  "UPDATE att_aldras.recommendations r SET title = coalesce(x.title, r.title),"
                  " description = CASE WHEN x.has_description THEN x.description ELSE r.description END,"
                  " issued_on = coalesce(x.issued_on, r.issued_on), updated_at = now(), updated_by = $3"
                  " FROM jsonb_to_recordset($2::jsonb) AS x(id integer, delete boolean, title text,"
                  "  description text, has_description boolean, issued_on date)"
                  " WHERE NOT x.delete AND r.id = x.id AND r.network_id = $1::integer",
                  3, params);
    if (rc == 0)
        rc = exec(req,
                  "INSERT INTO att_aldras.recommendations (network_id, title, description, issued_on, updated_by)"
                  " SELECT $1::integer, x.title, x.description, x.issued_on, $3"
                  " FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id integer, title text,"
                  "  description text, issued_on date)) WITH ORDINALITY AS x(id, title, description, issued_on, n)"
                  " WHERE x.id IS NULL ORDER BY x.n",
                  3, params);
    free(text);
    return rc;
}

static int apply_representatives(lgvo_request *req, const char *id, const struct input *in,
                                 const char *subject)
{
    char *ids = dump(in->rep_ids), *reps = dump(in->reps); /* freed below */
    const char *del[] = {id, ids}, *ins[] = {id, reps, subject};
    int rc = exec(req,
                  "DELETE FROM att_aldras.network_representatives WHERE network_id = $1::integer"
                  " AND principal_id IN (SELECT jsonb_array_elements_text($2::jsonb)::smallint)",
                  2, del);
    if (rc == 0)
        rc = exec(req,
                  "INSERT INTO att_aldras.network_representatives (network_id, principal_id, position, role,"
                  " name, updated_by) SELECT $1::integer, x.principal_id, x.position, x.role, x.name, $3"
                  " FROM jsonb_to_recordset($2::jsonb) AS x(principal_id smallint, position smallint,"
                  "  role text, name text)",
                  3, ins);
    free(ids);
    free(reps);
    return rc;
}

static int apply_follow_up(lgvo_request *req, json_t *answers, const char *subject)
{
    char *text = dump(answers); /* freed below */
    const char *params[] = {text, subject};
    int rc = exec(req,
                  "INSERT INTO att_aldras.recommendation_follow_up AS f (recommendation_id, principal_id,"
                  " status, assessed_on, comment, updated_by)"
                  " SELECT x.recommendation_id, x.principal_id, x.status, x.assessed_on, x.comment, $2"
                  " FROM jsonb_to_recordset($1::jsonb) AS x(recommendation_id integer, principal_id smallint,"
                  "  status text, assessed_on date, comment text)"
                  " ON CONFLICT (recommendation_id, principal_id) DO UPDATE SET status = EXCLUDED.status,"
                  "  assessed_on = EXCLUDED.assessed_on, comment = EXCLUDED.comment, updated_at = now(),"
                  "  updated_by = EXCLUDED.updated_by",
                  2, params);
    free(text);
    return rc;
}

/* Applies every member given. Returns 0, or -1 after the host replied. */
static int apply(lgvo_request *req, const struct state *st, const struct input *in, const struct who *w)
{
    char id[16];
    snprintf(id, sizeof id, "%d", st->id);
    int county = in->title || in->title_en || in->assignment || in->participants || in->meetings || in->recs;
    if (county && apply_network(req, st, in, w) != 0)
        return -1;
    if (in->participants && apply_participants(req, id, in->participants) != 0)
        return -1;
    if (in->meetings && apply_meetings(req, id, in->meetings) != 0)
        return -1;
    if (in->recs && apply_recommendations(req, id, in->recs, w->subject) != 0)
        return -1;
    if (in->rep_ids && apply_representatives(req, id, in, w->subject) != 0)
        return -1;
    if (in->follow_up && apply_follow_up(req, in->follow_up, w->subject) != 0)
        return -1;
    return 0;
}

static void reply_network(lgvo_request *req, int status, int network)
{
    char id[16];
    snprintf(id, sizeof id, "%d", network);
    const char *params[] = {id};
    lgvo_result *res = aa_host->sql(req, "SELECT att_aldras.network_json($1::integer)::text", 1, params);
    if (!res)
        return;
    json_t *doc = json_loads(aa_host->result_value(res, 0, 0), 0, NULL);
    aa_host->result_free(res);
    if (!doc) {
        aa_host->reply_error(req, 500, NULL, "internal error: unreadable network", NULL);
        return;
    }
    aa_host->reply_json(req, status, doc); /* stolen */
}

/* ---- the routes ---- */

void aa_networks_list(lgvo_request *req, void *ctx)
{
    (void)ctx;
    aa_reply_sql_json(req,
                      "SELECT json_build_object('items', coalesce(json_agg(att_aldras.network_json(id)"
                      " ORDER BY id), '[]'))::text FROM att_aldras.networks",
                      0, NULL, "no networks");
}

void aa_network_get(lgvo_request *req, void *ctx)
{
    (void)ctx;
    const char *params[] = {aa_host->param(req, "network")};
    aa_reply_sql_json(req, "SELECT att_aldras.network_json(id)::text FROM att_aldras.networks WHERE slug = $1",
                      1, params, "no such network (see GET /api/v1/att-aldras/networks)");
}

static int valid_slug(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || (s[i] == '-' && s[i + 1] != '-')))
            return 0;
    return 1;
}

/* Inserts the network; 0 with *id, or -1 after replying (409 when the slug is taken). */
static int insert_network(lgvo_request *req, const struct input *in, const struct who *w, int *id)
{
    const char *params[] = {in->slug, in->title, in->title_en, in->assignment, w->subject};
    lgvo_result *res = aa_host->sql(
        req,
        "INSERT INTO att_aldras.networks (slug, title, title_en, assignment, updated_by)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING RETURNING id",
        5, params);
    if (!res)
        return -1;
    int created = aa_host->result_rows(res) == 1;
    if (created)
        *id = atoi(aa_host->result_value(res, 0, 0));
    aa_host->result_free(res);
    if (!created) {
        aa_host->reply_error(req, 409, "network_exists", "a network with this slug exists already", NULL);
        return -1;
    }
    return 0;
}

void aa_network_create(lgvo_request *req, void *ctx)
{
    (void)ctx;
    json_t *body = aa_host->body(req); /* borrowed */
    if (!body)
        return;
    if (!json_is_object(body)) {
        aa_host->reply_error(req, 400, "invalid_json", "the body must be a JSON object", NULL);
        return;
    }
    struct who w;
    caller_of(req, &w);
    struct input in = {.errors = json_array(), .forbidden = json_array()};
    aa_unknown_members(in.errors, "", -1, body, create_fields);
    json_t *slug = json_object_get(body, "slug");
    in.slug = json_string_value(slug);
    if (!slug)
        aa_error(in.errors, "/slug", "missing", "is required (e.g. demens-vard)");
    else if (!valid_slug(in.slug))
        aa_error(in.errors, "/slug", "invalid_slug", "must be 1 to 64 of a-z, 0-9 and single inner hyphens");
    read_texts(&in, body, 1);
    read_participants(&in, body);
    read_meetings(&in, body);
    int id = 0;
    if (refuse(req, &in) || insert_network(req, &in, &w, &id) != 0)
        goto out;
    char text[16];
    snprintf(text, sizeof text, "%d", id);
    if (in.participants ? apply_participants(req, text, in.participants) != 0
                        : exec(req,
                               "INSERT INTO att_aldras.network_participants (network_id, principal_id)"
                               " SELECT $1::integer, id FROM core.principals",
                               1, (const char *const[]){text}) != 0)
        goto out;
    if (in.meetings && apply_meetings(req, text, in.meetings) != 0)
        goto out;
    reply_network(req, 201, id);
out:
    input_free(&in);
}

void aa_network_patch(lgvo_request *req, void *ctx)
{
    (void)ctx;
    struct state st = {0, NULL, NULL};
    struct input in = {.errors = json_array(), .forbidden = json_array()};
    json_t *body = aa_host->body(req); /* borrowed */
    if (!body)
        goto out;
    if (!json_is_object(body)) {
        aa_host->reply_error(req, 400, "invalid_json", "the body must be a JSON object", NULL);
        goto out;
    }
    if (load_state(req, aa_host->param(req, "network"), &st) != 0)
        goto out;
    struct who w;
    caller_of(req, &w);
    aa_unknown_members(in.errors, "", -1, body, patch_fields);
    check_county_members(&in, &w, body);
    read_texts(&in, body, 0);
    read_participants(&in, body);
    read_meetings(&in, body);
    read_recommendations(&in, &st, body);
    read_representatives(&in, &st, &w, body);
    read_follow_up(&in, &st, &w, body);
    if (refuse(req, &in) || apply(req, &st, &in, &w) != 0)
        goto out;
    reply_network(req, 200, st.id);
out:
    input_free(&in);
    state_free(&st);
}
