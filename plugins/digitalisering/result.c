/* GET /api/v1/digitalisering/rounds/:id/result: after a round has closed, the joint order by
 * Borda count (borda.c) with each tie-break explained, every principal's ballot (a missing
 * ballot is listed with voted: false) and whether all 14 principals voted — LGVO decides by
 * consensus, so the order is a joint decision only when everyone took part. Before the round
 * closes: 409 round_open. */
#include "digi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define METHOD_POINTS                                                                              \
    "Borda count: with n needs in the round, a ballot gives n-1 points to the need it ranks "     \
    "first, n-2 to the second, and so on, and 0 to the last; the joint order is by total points."
#define METHOD_TIES                                                                                \
    "Needs with equal points are ordered by how many ballots ranked them first, then second, and " \
    "so on; when every count is equal, the need with the lower id (proposed first) comes first."

static const char *ordinal(size_t k, char buf[24])
{
    static const char *const words[] = {"first", "second", "third", "fourth", "fifth",
                                        "sixth", "seventh", "eighth", "ninth", "tenth"};
    if (k < 10)
        return words[k];
    snprintf(buf, 24, "in place %zu", k + 1);
    return buf;
}

/* Why need x comes before (ahead) or after need y, which has as many points. */
static json_t *tie_of(const struct dg_borda *b, size_t x, size_t y, int ahead, json_t *with)
{
    size_t place;
    char text[400], decided[24], word[24];
    enum dg_decided d = dg_borda_decided(b, x, y, &place);
    long mine = b->places[x * b->n + place], theirs = b->places[y * b->n + place];
    if (d == DG_BY_PLACE) {
        snprintf(decided, sizeof decided, "place_%zu", place + 1);
        snprintf(text, sizeof text,
                 "tied on %ld points; %s need %ld because %s ballots ranked it %s (%ld against %ld)%s",
                 b->points[x], ahead ? "before" : "after", b->ids[y], ahead ? "more" : "fewer",
                 ordinal(place, word), mine, theirs,
                 place ? ", the counts of the places above being equal" : "");
    } else {
        snprintf(decided, sizeof decided, "need_id");
        snprintf(text, sizeof text,
                 "tied on %ld points with equal counts in every place; %s need %ld because %s the lower id (proposed first)",
                 b->points[x], ahead ? "before" : "after", b->ids[y], ahead ? "it has" : "that need has");
    }
    return json_pack("{s:I, s:O, s:s, s:s}", "points", (json_int_t)b->points[x], "with", with,
                     "decided_by", decided, "explanation", text);
}

/* The other needs of x's points, in order. New reference. */
static json_t *tied_with(const struct dg_borda *b, size_t pos)
{
    json_t *with = json_array();
    size_t x = b->order[pos];
    for (size_t i = 0; i < b->n; i++)
        if (i != pos && b->points[b->order[i]] == b->points[x])
            json_array_append_new(with, json_integer(b->ids[b->order[i]]));
    return with;
}

static json_t *order_of(const struct dg_borda *b, json_t *needs)
{
    json_t *order = json_array();
    for (size_t pos = 0; pos < b->n; pos++) {
        size_t x = b->order[pos];
        json_t *places = json_array(), *with = tied_with(b, pos), *tie = json_null();
        for (size_t k = 0; k < b->n; k++)
            json_array_append_new(places, json_integer(b->places[x * b->n + k]));
        if (json_array_size(with)) {
            json_decref(tie);
            int ahead = pos + 1 < b->n && b->points[b->order[pos + 1]] == b->points[x];
            tie = tie_of(b, x, ahead ? b->order[pos + 1] : b->order[pos - 1], ahead, with);
        }
        json_decref(with);
        json_array_append_new(order, json_pack("{s:I, s:O, s:I, s:o, s:o}", "rank", (json_int_t)(pos + 1),
                                               "need", json_array_get(needs, x), "points",
                                               (json_int_t)b->points[x], "places", places, "tie", tie));
    }
    return order;
}

/* Reads the ballots that were cast as need indexes (n per ballot). Returns the count, or -1 when a
 * ranking is not a permutation of the round's needs. *out: caller frees. */
static long cast_ballots(json_t *ballots, const long *ids, size_t n, size_t **out)
{
    size_t i, count = 0;
    json_t *b;
    *out = calloc(json_array_size(ballots) * n + 1, sizeof **out);
    if (!*out)
        return -1;
    json_array_foreach(ballots, i, b) {
        json_t *ranking = json_object_get(b, "ranking");
        if (!json_is_true(json_object_get(b, "voted")))
            continue;
        if (json_array_size(ranking) != n)
            return -1;
        for (size_t k = 0; k < n; k++) {
            long id = (long)json_integer_value(json_array_get(ranking, k));
            size_t x = 0;
            while (x < n && ids[x] != id)
                x++;
            if (x == n)
                return -1;
            (*out)[count * n + k] = x;
        }
        count++;
    }
    return (long)count;
}

static json_t *consensus_of(json_t *ballots, long voted)
{
    json_t *missing = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(ballots, i, b)
        if (!json_is_true(json_object_get(b, "voted")))
            json_array_append_new(missing, json_pack("{s:O, s:O}", "principal", json_object_get(b, "principal"),
                                                     "name", json_object_get(b, "name")));
    size_t expected = json_array_size(ballots);
    char text[200];
    if (json_array_size(missing))
        snprintf(text, sizeof text, "%zu of %zu principals have not voted: the order is not a joint (consensus) decision",
                 json_array_size(missing), expected);
    else
        snprintf(text, sizeof text, "all %zu principals voted", expected);
    return json_pack("{s:b, s:I, s:I, s:o, s:s}", "all_voted", json_array_size(missing) == 0, "voted",
                     (json_int_t)voted, "expected", (json_int_t)expected, "missing", missing, "note", text);
}

/* Computes and replies the result from the round's document {round, open, needs, ballots}. */
static void reply_result(lgvo_request *req, json_t *doc)
{
    json_t *needs = json_object_get(doc, "needs"), *ballots = json_object_get(doc, "ballots");
    size_t n = json_array_size(needs), *cast = NULL;
    long *ids = calloc(n + 1, sizeof *ids);
    struct dg_borda b = {0};
    for (size_t i = 0; ids && i < n; i++)
        ids[i] = (long)json_integer_value(json_object_get(json_array_get(needs, i), "id"));
    long voted = ids ? cast_ballots(ballots, ids, n, &cast) : -1;
    if (voted < 0 || dg_borda_count(&b, n, ids, cast, (size_t)voted) != 0) {
        dg_host->reply_error(req, 500, NULL, "internal error: the round's ballots could not be counted", NULL);
        goto out;
    }
    json_t *method = json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", "borda", "points", METHOD_POINTS,
                               "ties", METHOD_TIES, "needs", (json_int_t)n, "ballots", (json_int_t)voted);
    json_t *answer = json_pack("{s:O, s:o, s:o, s:o, s:O}", "round", json_object_get(doc, "round"), "method",
                               method, "order", order_of(&b, needs), "consensus", consensus_of(ballots, voted),
                               "ballots", ballots);
    if (answer)
        dg_host->reply_json(req, 200, answer); /* stolen */
    else
        dg_host->reply_error(req, 500, NULL, "internal error: the result could not be built", NULL);
out:
    dg_borda_free(&b);
    free(cast);
    free(ids);
}

void dg_round_result(lgvo_request *req, void *ctx)
{
    (void)ctx;
    char id[24];
    snprintf(id, sizeof id, "%ld", dg_path_id(dg_host->param(req, "id")));
    const char *params[] = {id};
    int replied = 0;
    if (dg_query_none(req))
        return;
    json_t *doc = dg_sql_json(
        req,
        "SELECT json_build_object('round', json_build_object('id', r.id, 'title', r.title,"
        "  'closes_on', to_char(r.closes_on, 'YYYY-MM-DD'), 'closes_at', r.closes_at, 'closed_early', r.closed_early),"
        " 'open', r.closes_at > now(),"
        " 'needs', (SELECT json_agg(json_build_object('id', n.id, 'kind', n.kind, 'title', n.title,"
        "   'status', n.status, 'merged_into', n.merged_into) ORDER BY rn.position)"
        "  FROM digitalisering.round_needs rn JOIN digitalisering.needs n ON n.id = rn.need_id WHERE rn.round_id = r.id),"
        " 'ballots', (SELECT json_agg(json_build_object('principal', p.slug, 'name', p.name,"
        "   'voted', b.principal_id IS NOT NULL, 'ranking', to_json(b.ranking), 'submitted_at', b.submitted_at)"
        "   ORDER BY p.sort_order)"
        "  FROM core.principals p LEFT JOIN digitalisering.ballots b ON b.round_id = r.id AND b.principal_id = p.id))::text"
        " FROM digitalisering.rounds r WHERE r.id = $1::integer",
        1, params, &replied);
    if (replied)
        return;
    if (!doc) {
        dg_host->reply_error(req, 404, "not_found", "no such round (see GET /api/v1/digitalisering/rounds)", NULL);
        return;
    }
    if (json_is_true(json_object_get(doc, "open")))
        dg_reply_problem(req, 409, "round_open", NULL,
                         "round %s is open until %s; its result and ballots are published when it closes", id,
                         json_string_value(json_object_get(json_object_get(doc, "round"), "closes_at")) ?: "?");
    else
        reply_result(req, doc);
    json_decref(doc);
}
