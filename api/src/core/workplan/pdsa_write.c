/* Recording PDSA cycles:
 *   POST  /api/v1/activities/{id}/pdsa      start a cycle with its plan
 *   PATCH /api/v1/pdsa/{id}                 fill the next phase (do, study, act), or the title
 *   POST  /api/v1/pdsa/{id}/participants    another principal joins an open cycle
 * Every write goes through the shared decision (auth/authz.h) with the activity's area and the
 * principals concerned: a reporter records cycles for its own principal in its granted areas,
 * county_admin for anyone. The approved principals' rows are then allowed for the transaction
 * (row-level security backs the decision up). Any participant may advance a joint cycle. */
#include "app.h"
#include "auth/authz.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "core/workplan/handlers.h"
#include "core/workplan/pdsa.h"
#include "http/req.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTICIPANTS 14

struct cycle_state {
    char id[24];
    char activity_key[64];
    int area_id;
    int phase; /* enum pdsa_phase */
    int npart;
    int part[MAX_PARTICIPANTS];
    char lead[48]; /* the principal that started it */
};

/* The decision for principal_id in area_id. Returns the decision. */
static enum write_decision decide(struct req *r, int principal_id, int area_id)
{
    struct write_target t = {.principal_id = principal_id, .area_id = area_id, .on_behalf = 0};
    return authz_write(&r->who, &t);
}

static void deny(struct req *r, int principal_id, enum write_decision d, const char *what)
{
    struct principal p;
    const char *slug = refdata_principal_by_id(r->app->refdata, principal_id, &p) == 0 ? p.slug : "?";
    reply_error(r, 403, "forbidden", "you may not %s for %s: %s", what, slug, authz_message(d));
}

/* Parses a PostgreSQL smallint[] text ("{1,4}") into ids. */
static int parse_ids(const char *text, int *ids, int max)
{
    int n = 0;
    const char *p = text;
    while (*p && n < max) {
        if (*p >= '0' && *p <= '9') {
            char *end;
            ids[n++] = (int)strtol(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    return n;
}

static void ids_text(const int *ids, int n, char *out, size_t outlen)
{
    size_t len = (size_t)snprintf(out, outlen, "{");
    for (int i = 0; i < n && len < outlen; i++)
        len += (size_t)snprintf(out + len, outlen - len, "%s%d", i ? "," : "", ids[i]);
    if (len < outlen)
        snprintf(out + len, outlen - len, "}");
}

/* Starts the transaction and reads the cycle {id}. It is not locked here: row-level security
 * lets a transaction lock only rows it may write, which is decided after this read; the
 * phase update checks that the phase did not change in between. Returns 0, or -1 after
 * replying. */
static int lock_cycle(struct req *r, struct cycle_state *s)
{
    memset(s, 0, sizeof *s);
    const char *ref = req_param(r, "id");
    if (!workplan_is_id(ref)) {
        reply_error(r, 404, NULL, "no PDSA cycle '%s'", ref);
        return -1;
    }
    if (req_begin(r) != 0)
        return -1;
    const char *params[] = {ref};
    PGresult *res = req_sql_ok(
        r,
        "SELECT c.id, a.key, a.area_id, c.phase, pr.slug,"
        " (SELECT array_agg(pp.principal_id ORDER BY pp.principal_id) FROM core.pdsa_participants pp"
        "  WHERE pp.cycle_id = c.id)"
        " FROM core.pdsa_cycles c JOIN core.workplan_activities a ON a.id = c.activity_id"
        " JOIN core.principals pr ON pr.id = c.principal_id"
        " WHERE c.id = $1::bigint",
        1, params);
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no PDSA cycle '%s'", ref);
        PQclear(res);
        return -1;
    }
    snprintf(s->id, sizeof s->id, "%s", PQgetvalue(res, 0, 0));
    snprintf(s->activity_key, sizeof s->activity_key, "%s", PQgetvalue(res, 0, 1));
    s->area_id = atoi(PQgetvalue(res, 0, 2));
    s->phase = pdsa_phase_parse(PQgetvalue(res, 0, 3));
    snprintf(s->lead, sizeof s->lead, "%s", PQgetvalue(res, 0, 4));
    s->npart = parse_ids(PQgetvalue(res, 0, 5), s->part, MAX_PARTICIPANTS);
    PQclear(res);
    return 0;
}

/* May the caller change this cycle? Allows the rows of every participant it may write for.
 * Returns 0, or -1 after replying 403. */
static int allow_participants(struct req *r, const struct cycle_state *s)
{
    int allowed = 0;
    enum write_decision first = WRITE_OTHER_PRINCIPAL;
    int first_pid = s->npart ? s->part[0] : 0;
    for (int i = 0; i < s->npart; i++) {
        enum write_decision d = decide(r, s->part[i], s->area_id);
        if (d == WRITE_ALLOWED) {
            if (req_allow_write(r, s->part[i]) != 0)
                return -1;
            allowed++;
        } else if (i == 0 || d != WRITE_OTHER_PRINCIPAL) {
            first = d;
            first_pid = s->part[i];
        }
    }
    if (allowed)
        return 0;
    struct principal p;
    const char *slug = refdata_principal_by_id(r->app->refdata, first_pid, &p) == 0 ? p.slug : "?";
    reply_error(r, 403, "forbidden", "only the participants of the PDSA cycle %s (%s%s) may change it: %s",
                s->id, slug, s->npart > 1 ? " and others" : "", authz_message(first));
    return -1;
}

/* ---- POST /api/v1/activities/{id}/pdsa ---- */

struct new_cycle {
    const char *title;
    json_t *principals; /* borrowed */
    long predecessor;
    int has_predecessor;
    union pdsa_input in;
};

/* Resolves the principals (default: the caller's). Returns the count, or -1 after recording
 * problems on b. */
static int resolve_principals(struct req *r, struct body *b, json_t *slugs, int *ids)
{
    if (!slugs || json_array_size(slugs) == 0) {
        if (slugs)
            body_problem(b, "principals", "name at least one principal");
        ids[0] = r->who.principal_id;
        return slugs ? -1 : 1;
    }
    int n = 0, bad = 0;
    size_t i;
    json_t *v;
    json_array_foreach(slugs, i, v) {
        struct principal p;
        if (refdata_principal(r->app->refdata, json_string_value(v), &p) != 0) {
            body_problem(b, "principals", "no principal '%s'", json_string_value(v));
            bad = 1;
        } else {
            for (int k = 0; k < n; k++)
                if (ids[k] == p.id) {
                    body_problem(b, "principals", "names %s twice", p.slug);
                    bad = 1;
                }
            if (n < MAX_PARTICIPANTS)
                ids[n++] = p.id;
        }
    }
    return bad ? -1 : n;
}

/* The activity of a new cycle: live, with its area. Returns 0, or -1 after replying. */
static int load_activity(struct req *r, char id[24], char key[64], int *area_id)
{
    const char *ref = req_param(r, "id");
    char pid[16] = "";
    if (!workplan_is_id(ref)) {
        struct workplan_period period;
        if (workplan_period_resolve(r, NULL, &period) != 0)
            return -1;
        snprintf(pid, sizeof pid, "%d", period.id);
    }
    const char *params[] = {ref, pid[0] ? pid : NULL};
    PGresult *res = req_sql_ok(r,
                                 "SELECT id, key, area_id, retired_at IS NOT NULL FROM core.workplan_activities"
                                 " WHERE id::text = $1 OR (key = $1 AND period_id = $2::int)",
                                 2, params);
    if (!res)
        return -1;
    int rc = -1;
    if (PQntuples(res) == 0) {
        reply_error(r, 404, NULL, "no activity '%s'", ref);
    } else if (PQgetvalue(res, 0, 3)[0] == 't') {
        reply_error(r, 409, NULL, "the activity %s is retired: start no new PDSA cycles under it",
                    PQgetvalue(res, 0, 1));
    } else {
        snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
        snprintf(key, 64, "%s", PQgetvalue(res, 0, 1));
        *area_id = atoi(PQgetvalue(res, 0, 2));
        rc = 0;
    }
    PQclear(res);
    return rc;
}

/* A predecessor is a closed cycle of the same activity without a successor, sharing a
 * principal with the new one. Returns 0, or -1 after replying. */
static int check_predecessor(struct req *r, long predecessor, const char *activity_id,
                             const int *ids, int n)
{
    char pred[24], list[128];
    snprintf(pred, sizeof pred, "%ld", predecessor);
    ids_text(ids, n, list, sizeof list);
    const char *params[] = {pred, activity_id, list};
    PGresult *res = req_sql_ok(
        r,
        "SELECT c.activity_id = $2::bigint, c.phase,"
        " (SELECT s.id FROM core.pdsa_cycles s WHERE s.predecessor_id = c.id),"
        " EXISTS (SELECT 1 FROM core.pdsa_participants pp WHERE pp.cycle_id = c.id"
        "  AND pp.principal_id = ANY ($3::smallint[]))"
        " FROM core.pdsa_cycles c WHERE c.id = $1::bigint",
        3, params);
    if (!res)
        return -1;
    int rc = -1;
    if (PQntuples(res) == 0)
        reply_error(r, 422, NULL, "no PDSA cycle %s to follow", pred);
    else if (PQgetvalue(res, 0, 0)[0] != 't')
        reply_error(r, 422, NULL, "the predecessor %s belongs to another activity", pred);
    else if (PQgetvalue(res, 0, 3)[0] != 't')
        reply_error(r, 403, "forbidden", "the predecessor %s is another principal's cycle: a chain continues with one of its participants", pred);
    else if (strcmp(PQgetvalue(res, 0, 1), "act") != 0)
        reply_error(r, 409, "phase_out_of_order",
                    "the predecessor %s is at its %s phase: complete it (study, then act) before the next cycle",
                    pred, PQgetvalue(res, 0, 1));
    else if (!PQgetisnull(res, 0, 2))
        reply_error(r, 409, NULL, "the cycle %s already has a successor (%s)", pred, PQgetvalue(res, 0, 2));
    else
        rc = 0;
    PQclear(res);
    return rc;
}

void workplan_create_pdsa(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    struct new_cycle nc;
    memset(&nc, 0, sizeof nc);
    nc.title = body_string(&b, "title", 1, 1, 200);
    nc.principals = body_string_array(&b, "principals", 0, MAX_PARTICIPANTS);
    nc.predecessor = workplan_body_int(&b, "predecessor", 0, 1, 999999999999999L, 0, &nc.has_predecessor);
    if (!body_has(&b, "plan"))
        body_problem(&b, "plan", "a cycle starts with its plan: send plan with change, prediction and measures");
    else
        pdsa_read_phase(r->app, &b, PDSA_PLAN, &nc.in);
    for (int p = PDSA_DO; p <= PDSA_ACT; p++)
        if (body_has(&b, pdsa_phase_name(p)))
            body_problem(&b, pdsa_phase_name(p), "a new cycle has only its plan; fill %s later with PATCH /api/v1/pdsa/{id}", pdsa_phase_name(p));
    int ids[MAX_PARTICIPANTS];
    int n = b.errors ? 0 : resolve_principals(r, &b, nc.principals, ids);
    if (body_failed(&b))
        return;
    char activity_id[24], activity_key[64];
    int area_id;
    if (req_begin(r) != 0 || load_activity(r, activity_id, activity_key, &area_id) != 0)
        return;
    for (int i = 0; i < n; i++) {
        enum write_decision d = decide(r, ids[i], area_id);
        if (d != WRITE_ALLOWED) {
            deny(r, ids[i], d, "record PDSA cycles");
            return;
        }
    }
    for (int i = 0; i < n; i++)
        if (req_allow_write(r, ids[i]) != 0)
            return;
    if (nc.has_predecessor && check_predecessor(r, nc.predecessor, activity_id, ids, n) != 0)
        return;
    struct pdsa_plan *plan = &nc.in.plan;
    char lead[16], pred[24], list[128];
    snprintf(lead, sizeof lead, "%d", ids[0]);
    snprintf(pred, sizeof pred, "%ld", nc.predecessor);
    ids_text(ids, n, list, sizeof list);
    char *measures = json_dumps(plan->measures, JSON_COMPACT);
    const char *params[] = {activity_id, lead, nc.has_predecessor ? pred : NULL, nc.title,
                            plan->change, plan->prediction, measures,
                            plan->starts_on[0] ? plan->starts_on : NULL,
                            plan->ends_on[0] ? plan->ends_on : NULL, list};
    PGresult *res = req_sql_ok(
        r,
        "WITH c AS (INSERT INTO core.pdsa_cycles (activity_id, principal_id, predecessor_id, title,"
        " phase, plan_change, plan_prediction, plan_measures, plan_starts_on, plan_ends_on, plan_by)"
        " VALUES ($1::bigint, $2::smallint, $3::bigint, $4, 'plan', $5, $6,"
        "  ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), $8::date, $9::date, core.current_actor())"
        " RETURNING id),"
        " p AS (INSERT INTO core.pdsa_participants (cycle_id, principal_id)"
        "  SELECT c.id, unnest($10::smallint[]) FROM c)"
        " SELECT id FROM c",
        10, params);
    free(measures);
    if (!res)
        return;
    char id[24], target[48], location[64];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    json_t *slugs = json_array();
    for (int i = 0; i < n; i++) {
        struct principal p;
        if (refdata_principal_by_id(r->app->refdata, ids[i], &p) == 0)
            json_array_append_new(slugs, json_string(p.slug));
    }
    json_t *details = json_pack("{s:s, s:s, s:o}", "activity", activity_key, "title", nc.title,
                                "principals", slugs);
    if (nc.has_predecessor)
        json_object_set_new(details, "predecessor", json_integer(nc.predecessor));
    snprintf(target, sizeof target, "pdsa:%s", id);
    snprintf(location, sizeof location, "/api/v1/pdsa/%s", id);
    struct principal leadp;
    refdata_principal_by_id(r->app->refdata, ids[0], &leadp);
    if (workplan_audit(r, "pdsa.create", leadp.slug, target, details) != 0)
        return;
    req_set_header(r, "Location", location);
    pdsa_reply(r, id, "sv", 201);
}

/* ---- PATCH /api/v1/pdsa/{id} ---- */

static PGresult *write_phase(struct req *r, const char *id, enum pdsa_phase phase,
                             union pdsa_input *in, const char *title)
{
    switch (phase) {
    case PDSA_DO: {
        const char *params[] = {id, title, in->do_.what_happened, in->do_.started_on,
                                in->do_.ended_on[0] ? in->do_.ended_on : NULL};
        return req_sql_ok(r,
                            "UPDATE core.pdsa_cycles SET title = coalesce($2, title), phase = 'do',"
                            " do_happened = $3, do_started_on = $4::date, do_ended_on = $5::date,"
                            " do_at = now(), do_by = core.current_actor(), updated_at = now()"
                            " WHERE id = $1::bigint AND phase = 'plan' RETURNING id",
                            5, params);
    }
    case PDSA_STUDY: {
        char *values = json_dumps(in->study.values, JSON_COMPACT);
        const char *params[] = {id, title, in->study.findings, values};
        PGresult *res = req_sql_ok(r,
                                     "UPDATE core.pdsa_cycles SET title = coalesce($2, title), phase = 'study',"
                                     " study_findings = $3, study_values = $4::jsonb,"
                                     " study_at = now(), study_by = core.current_actor(), updated_at = now()"
                                     " WHERE id = $1::bigint AND phase = 'do' RETURNING id",
                                     4, params);
        free(values);
        return res;
    }
    case PDSA_ACT: {
        const char *params[] = {id, title, in->act.decision, in->act.next};
        return req_sql_ok(r,
                            "UPDATE core.pdsa_cycles SET title = coalesce($2, title), phase = 'act',"
                            " act_decision = $3, act_next = $4,"
                            " act_at = now(), act_by = core.current_actor(), updated_at = now()"
                            " WHERE id = $1::bigint AND phase = 'study' RETURNING id",
                            4, params);
    }
    case PDSA_PLAN:
        break;
    }
    const char *params[] = {id, title};
    return req_sql_ok(r,
                        "UPDATE core.pdsa_cycles SET title = $2, updated_at = now() WHERE id = $1::bigint"
                        " RETURNING id",
                        2, params);
}

void workplan_advance_pdsa(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *title = body_string(&b, "title", 0, 1, 200);
    int phase = -1, nphases = 0;
    for (int p = PDSA_PLAN; p <= PDSA_ACT; p++) {
        if (body_has(&b, pdsa_phase_name(p))) {
            if (nphases++ == 0)
                phase = p;
            else
                body_problem(&b, pdsa_phase_name(p), "send one phase at a time (%s was sent too)", pdsa_phase_name(phase));
        }
    }
    union pdsa_input in;
    memset(&in, 0, sizeof in);
    if (phase > PDSA_PLAN && nphases == 1)
        pdsa_read_phase(r->app, &b, (enum pdsa_phase)phase, &in);
    struct cycle_state s;
    if (body_failed(&b))
        goto out;
    if (phase < 0 && !title) {
        reply_error(r, 422, NULL, "nothing to change: send the next phase (do, study or act) or title");
        goto out;
    }
    if (lock_cycle(r, &s) != 0 || allow_participants(r, &s) != 0)
        goto out;
    if (phase >= 0) {
        if (s.phase == PDSA_ACT) {
            reply_error(r, 409, "phase_out_of_order",
                        "the cycle %s is closed: its act phase is done; start the next cycle with"
                        " POST /api/v1/activities/{id}/pdsa and \"predecessor\": %s", s.id, s.id);
            goto out;
        }
        if (phase != s.phase + 1) {
            const char *next = pdsa_phase_name((enum pdsa_phase)(s.phase + 1));
            json_t *details = json_array();
            char path[16], msg[160];
            snprintf(path, sizeof path, "/%s", pdsa_phase_name((enum pdsa_phase)phase));
            snprintf(msg, sizeof msg, "the next phase is %s", next);
            json_array_append_new(details, json_pack("{s:s, s:s}", "path", path, "message", msg));
            reply_error_details(r, 409, "phase_out_of_order", details,
                                "phases advance in order: the cycle %s has completed %s, so the next phase is"
                                " %s, not %s",
                                s.id, pdsa_phase_name((enum pdsa_phase)s.phase), next,
                                pdsa_phase_name((enum pdsa_phase)phase));
            goto out;
        }
    }
    PGresult *res = write_phase(r, s.id, phase >= 0 ? (enum pdsa_phase)phase : PDSA_PLAN, &in, title);
    if (!res)
        goto out;
    int updated = PQntuples(res);
    PQclear(res);
    if (!updated) {
        req_set_header(r, "Retry-After", "1");
        reply_error(r, 409, "conflict_retry", "the cycle %s changed at the same time; read it and retry", s.id);
        goto out;
    }
    char action[32], target[48];
    snprintf(action, sizeof action, "pdsa.%s", phase >= 0 ? pdsa_phase_name((enum pdsa_phase)phase) : "update");
    snprintf(target, sizeof target, "pdsa:%s", s.id);
    json_t *details = json_pack("{s:s}", "activity", s.activity_key);
    if (title)
        json_object_set_new(details, "title", json_string(title));
    if (phase == PDSA_ACT)
        json_object_set_new(details, "decision", json_string(in.act.decision));
    if (workplan_audit(r, action, s.lead, target, details) != 0)
        goto out;
    pdsa_reply(r, s.id, "sv", 200);
out:
    if (phase >= 0)
        pdsa_input_free((enum pdsa_phase)phase, &in);
}

/* ---- POST /api/v1/pdsa/{id}/participants ---- */

void workplan_join_pdsa(struct req *r, void *ctx)
{
    (void)ctx;
    struct body b;
    if (body_open(&b, r) != 0)
        return;
    const char *slug = body_string(&b, "principal", 1, 1, 48);
    struct principal p;
    if (slug && refdata_principal(r->app->refdata, slug, &p) != 0)
        body_problem(&b, "principal", "no principal '%s'", slug);
    if (body_failed(&b))
        return;
    struct cycle_state s;
    if (lock_cycle(r, &s) != 0)
        return;
    if (s.phase == PDSA_ACT) {
        reply_error(r, 409, NULL, "the cycle %s is closed; join an open cycle", s.id);
        return;
    }
    for (int i = 0; i < s.npart; i++) {
        if (s.part[i] == p.id) {
            reply_error(r, 409, NULL, "%s already takes part in the cycle %s", p.slug, s.id);
            return;
        }
    }
    if (s.npart >= MAX_PARTICIPANTS) {
        reply_error(r, 409, NULL, "the cycle %s has every principal already", s.id);
        return;
    }
    enum write_decision d = decide(r, p.id, s.area_id);
    if (d != WRITE_ALLOWED) {
        deny(r, p.id, d, "join PDSA cycles");
        return;
    }
    if (req_allow_write(r, p.id) != 0)
        return;
    char pid[16];
    snprintf(pid, sizeof pid, "%d", p.id);
    const char *params[] = {s.id, pid};
    PGresult *res = req_sql_ok(r,
                                 "INSERT INTO core.pdsa_participants (cycle_id, principal_id)"
                                 " VALUES ($1::bigint, $2::smallint)",
                                 2, params);
    if (!res)
        return;
    PQclear(res);
    char target[48];
    snprintf(target, sizeof target, "pdsa:%s", s.id);
    if (workplan_audit(r, "pdsa.join", p.slug, target,
                       json_pack("{s:s, s:s}", "activity", s.activity_key, "principal", p.slug)) != 0)
        return;
    pdsa_reply(r, s.id, "sv", 200);
}
