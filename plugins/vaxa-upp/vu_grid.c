/* Small numbers over linked tables; see vu.h and README.md ("Small numbers").
 *
 * The rule, for a caller who is not county_admin:
 *   1. primary: a count of another principal (or a county total) from 1 to 4 is hidden;
 *      zero is shown; the caller's own principal's figures are always shown;
 *   2. sums: a relation total = Σ parts in which exactly one figure is unknown to the caller
 *      would give that figure away by subtraction, so one more figure of the relation is hidden:
 *      the total where possible, else the smallest non-zero part. Repeated until no relation
 *      has exactly one unknown figure (a county total and its municipalities, a half-year and
 *      its ages or reasons, a year and its periods, …);
 *   3. shares: a share whose numerator or denominator is hidden is hidden.
 * "Unknown to the caller" takes the core into account: a figure the core also publishes
 * (GET /api/v1/values, the series' county totals) is known to the caller whenever the core
 * shows it, so it can never be hidden here to protect another; the core shows a count unless it
 * is 1-4 (and a ratio unless its numerator or denominator is), and a county total only when
 * none of its rows is hidden (else the county total is hidden here too). */
#include "vu.h"

#include <stdlib.h>
#include <string.h>

struct core_row {
    size_t a, b;
};
struct core_county {
    size_t a, b, first, count;
};

struct vu_grid {
    struct vu_viewer viewer;
    size_t n, cap;
    long long *value;
    int *owner;
    unsigned char *present, *restricted, *hidden, *core;
    unsigned char *primary; /* hidden by the primary rule */
    unsigned char *deduced; /* can be worked out from figures the caller knows */
    unsigned char *withheld; /* a county total the core withholds: hidden here too */
    size_t *members; /* relations, flattened: members[first[k] .. first[k] + count[k]) */
    size_t nmembers, capmembers;
    size_t *first, *count;
    size_t nrel, caprel;
    struct core_row *rows;
    size_t nrows, caprows;
    struct core_county *counties;
    size_t ncounties, capcounties;
};

struct vu_grid *vu_grid_new(const struct vu_viewer *viewer)
{
    struct vu_grid *g = vu_alloc(1, sizeof *g);
    g->viewer = *viewer;
    g->viewer.subject = NULL; /* not kept beyond the call */
    return g;
}

void vu_grid_free(struct vu_grid *g)
{
    if (!g)
        return;
    free(g->value);
    free(g->owner);
    free(g->present);
    free(g->restricted);
    free(g->hidden);
    free(g->core);
    free(g->primary);
    free(g->deduced);
    free(g->withheld);
    free(g->members);
    free(g->first);
    free(g->count);
    free(g->rows);
    free(g->counties);
    free(g);
}

static void grow_cells(struct vu_grid *g)
{
    if (g->n < g->cap)
        return;
    g->cap = g->cap ? g->cap * 2 : 256;
    g->value = vu_grow(g->value, g->cap, sizeof *g->value);
    g->owner = vu_grow(g->owner, g->cap, sizeof *g->owner);
    g->present = vu_grow(g->present, g->cap, 1);
    g->restricted = vu_grow(g->restricted, g->cap, 1);
    g->hidden = vu_grow(g->hidden, g->cap, 1);
    g->core = vu_grow(g->core, g->cap, 1);
    g->primary = vu_grow(g->primary, g->cap, 1);
    g->deduced = vu_grow(g->deduced, g->cap, 1);
    g->withheld = vu_grow(g->withheld, g->cap, 1);
}

size_t vu_cell(struct vu_grid *g, int owner, long long value, int present, int restricted)
{
    grow_cells(g);
    size_t i = g->n++;
    g->value[i] = value;
    g->owner[i] = owner;
    g->present[i] = present != 0;
    g->restricted[i] = restricted != 0;
    g->hidden[i] = 0;
    g->core[i] = 0;
    g->primary[i] = 0;
    g->deduced[i] = 0;
    g->withheld[i] = 0;
    return i;
}

void vu_cell_set(struct vu_grid *g, size_t cell, long long value)
{
    g->value[cell] = value;
    g->present[cell] = 1;
}

void vu_relation(struct vu_grid *g, size_t total, const size_t *parts, size_t nparts)
{
    if (g->nrel == g->caprel) {
        g->caprel = g->caprel ? g->caprel * 2 : 128;
        g->first = vu_grow(g->first, g->caprel, sizeof *g->first);
        g->count = vu_grow(g->count, g->caprel, sizeof *g->count);
    }
    while (g->nmembers + nparts + 1 > g->capmembers) {
        g->capmembers = g->capmembers ? g->capmembers * 2 : 512;
        g->members = vu_grow(g->members, g->capmembers, sizeof *g->members);
    }
    g->first[g->nrel] = g->nmembers;
    g->count[g->nrel] = nparts + 1;
    g->members[g->nmembers++] = total;
    for (size_t i = 0; i < nparts; i++)
        g->members[g->nmembers++] = parts[i];
    g->nrel++;
}

size_t vu_core_row(struct vu_grid *g, size_t a, size_t b)
{
    if (g->nrows == g->caprows) {
        g->caprows = g->caprows ? g->caprows * 2 : 64;
        g->rows = vu_grow(g->rows, g->caprows, sizeof *g->rows);
    }
    g->rows[g->nrows] = (struct core_row){a, b};
    return g->nrows++;
}

size_t vu_core_rows(const struct vu_grid *g)
{
    return g->nrows;
}

void vu_core_county(struct vu_grid *g, size_t a, size_t b, size_t first, size_t count)
{
    if (g->ncounties == g->capcounties) {
        g->capcounties = g->capcounties ? g->capcounties * 2 : 32;
        g->counties = vu_grow(g->counties, g->capcounties, sizeof *g->counties);
    }
    g->counties[g->ncounties++] = (struct core_county){a, b, first, count};
}

static int own(const struct vu_grid *g, size_t c)
{
    return g->owner[c] != 0 && g->owner[c] == g->viewer.principal_id;
}

static void primary(struct vu_grid *g)
{
    for (size_t c = 0; c < g->n; c++) {
        g->primary[c] = g->present[c] && g->restricted[c] && !own(g, c) && g->value[c] >= 1 &&
                        g->value[c] <= 4;
        g->hidden[c] = g->primary[c];
    }
}

/* The core shows a row unless one of its figures is hidden by the primary rule. */
static int row_shown(const struct vu_grid *g, const struct core_row *r)
{
    if (!g->present[r->a] || g->hidden[r->a])
        return 0;
    return r->b == VU_NONE || (g->present[r->b] && !g->hidden[r->b]);
}

static void mark_core(struct vu_grid *g, size_t a, size_t b)
{
    if (g->present[a])
        g->core[a] = 1;
    if (b != VU_NONE && g->present[b])
        g->core[b] = 1;
}

/* The core hides a county total as soon as any contribution is hidden (several hidden figures
 * of measures that share a denominator could still give one away); the plugin hides it too, so
 * that no view shows what the core withholds. When one of the figures it sums is hidden, it is
 * protected like a small number (else e.g. the county's age bands would add up to it); when
 * every one is shown (a county count whose share row the core hides for the other figure) it
 * follows from them anyway, and nothing is hidden to protect it. */
static void hide_as_core(struct vu_grid *g, const struct core_county *c, int column_b)
{
    size_t cell = column_b ? c->b : c->a;
    if (cell == VU_NONE || !g->present[cell])
        return;
    int part_hidden = 0;
    for (size_t k = c->first; k < c->first + c->count && k < g->nrows; k++) {
        size_t part = column_b ? g->rows[k].b : g->rows[k].a;
        part_hidden |= part != VU_NONE && g->present[part] && g->hidden[part];
    }
    g->hidden[cell] = 1;
    if (part_hidden)
        g->primary[cell] = 1;
    else
        g->withheld[cell] = 1;
}

/* What the caller can read through the core (run after the primary rule only). */
static void core_visibility(struct vu_grid *g)
{
    for (size_t i = 0; i < g->nrows; i++)
        if (row_shown(g, &g->rows[i]))
            mark_core(g, g->rows[i].a, g->rows[i].b);
    for (size_t i = 0; i < g->ncounties; i++) {
        const struct core_county *c = &g->counties[i];
        size_t hidden = 0, reporting = 0;
        for (size_t k = c->first; k < c->first + c->count && k < g->nrows; k++) {
            if (!g->present[g->rows[k].a])
                continue;
            reporting++;
            hidden += !row_shown(g, &g->rows[k]);
        }
        if (reporting && hidden == 0)
            mark_core(g, c->a, c->b);
        else if (hidden > 0) {
            hide_as_core(g, c, 0);
            hide_as_core(g, c, 1);
        }
    }
}

static int known(const struct vu_grid *g, size_t c)
{
    return own(g, c) || !g->hidden[c] || g->core[c] || g->deduced[c];
}

static int hideable(const struct vu_grid *g, size_t c)
{
    return g->present[c] && !g->hidden[c] && !own(g, c) && !g->core[c];
}

/* The figure to hide besides a lone unknown one: the total, else the smallest non-zero part,
 * else any part. VU_NONE when every other figure is the caller's own or published by the
 * core (then nothing here can help). */
static size_t pick(const struct vu_grid *g, size_t first, size_t count)
{
    size_t total = g->members[first];
    if (hideable(g, total))
        return total;
    size_t best = VU_NONE, any = VU_NONE;
    for (size_t k = first + 1; k < first + count; k++) {
        size_t c = g->members[k];
        if (!hideable(g, c))
            continue;
        if (any == VU_NONE)
            any = c;
        if (g->value[c] > 0 && (best == VU_NONE || g->value[c] < g->value[best]))
            best = c;
    }
    return best != VU_NONE ? best : any;
}

/* One pass over the relations; returns how many figures it hid or found deducible. A relation
 * with one unknown figure gets a second one hidden; when nothing else in it can be hidden (the
 * rest is the caller's own or published by the core), the lone figure counts as known from then
 * on, so that the other relations it is part of protect their figures without it. */
static size_t secondary_pass(struct vu_grid *g)
{
    size_t changed = 0;
    for (size_t k = 0; k < g->nrel; k++) {
        size_t first = g->first[k], count = g->count[k], unknown = 0, lone = VU_NONE;
        for (size_t m = first; m < first + count; m++)
            if (g->present[g->members[m]] && !known(g, g->members[m])) {
                unknown++;
                lone = g->members[m];
            }
        if (unknown != 1)
            continue;
        if (g->withheld[lone]) { /* follows from the rest: nothing to protect */
            g->deduced[lone] = 1;
            changed++;
            continue;
        }
        size_t c = pick(g, first, count);
        if (c != VU_NONE)
            g->hidden[c] = 1;
        else
            g->deduced[lone] = 1;
        changed++;
    }
    return changed;
}

/* The relations each cell is in: rels[start[c] .. start[c + 1]). Caller frees both. */
static void relations_of_cells(const struct vu_grid *g, size_t **start_out, size_t **rels_out)
{
    size_t *start = vu_alloc(g->n + 2, sizeof *start);
    size_t *rels = vu_alloc(g->nmembers + 1, sizeof *rels);
    for (size_t m = 0; m < g->nmembers; m++)
        start[g->members[m] + 2]++;
    for (size_t c = 0; c < g->n; c++)
        start[c + 2] += start[c + 1];
    for (size_t k = 0; k < g->nrel; k++)
        for (size_t m = g->first[k]; m < g->first[k] + g->count[k]; m++)
            rels[start[g->members[m] + 1]++] = k;
    *start_out = start;
    *rels_out = rels;
}

static int lone_unknown(const struct vu_grid *g, size_t k)
{
    size_t unknown = 0;
    for (size_t m = g->first[k]; m < g->first[k] + g->count[k]; m++)
        unknown += g->present[g->members[m]] && !known(g, g->members[m]);
    return unknown == 1;
}

static int revealable(const struct vu_grid *g, size_t c)
{
    return g->hidden[c] && !g->primary[c] && !g->deduced[c] && !g->withheld[c];
}

/* c and the figures equal to it by a relation of two (a year of one period, a county of one
 * principal), which can only be shown together. Returns how many (at most max). */
static size_t with_aliases(const struct vu_grid *g, size_t c, const size_t *start, const size_t *rels,
                           size_t *set, size_t max)
{
    size_t n = 0;
    set[n++] = c;
    for (size_t i = start[c]; i < start[c + 1] && n < max; i++) {
        size_t k = rels[i], present = 0, other = VU_NONE;
        for (size_t m = g->first[k]; m < g->first[k] + g->count[k]; m++)
            if (g->present[g->members[m]]) {
                present++;
                if (g->members[m] != c)
                    other = g->members[m];
            }
        if (present == 2 && other != VU_NONE && revealable(g, other))
            set[n++] = other;
    }
    return n;
}

/* The greedy passes can hide a figure that later hiding made unnecessary: each figure hidden
 * only to protect others is shown again (with the figures equal to it) when no relation they
 * are in is left with a single unknown figure. */
static void reveal_unneeded(struct vu_grid *g)
{
    size_t *start = NULL, *rels = NULL, set[16];
    relations_of_cells(g, &start, &rels);
    for (size_t c = 0; c < g->n; c++) {
        if (!revealable(g, c))
            continue;
        size_t n = with_aliases(g, c, start, rels, set, 16);
        for (size_t j = 0; j < n; j++)
            g->hidden[set[j]] = 0;
        int needed = 0;
        for (size_t j = 0; j < n && !needed; j++)
            for (size_t i = start[set[j]]; i < start[set[j] + 1] && !needed; i++)
                needed = lone_unknown(g, rels[i]);
        for (size_t j = 0; j < n; j++)
            g->hidden[set[j]] = (unsigned char)needed;
    }
    free(start);
    free(rels);
}

void vu_grid_suppress(struct vu_grid *g)
{
    if (g->viewer.sees_all)
        return;
    primary(g);
    core_visibility(g);
    while (secondary_pass(g) > 0)
        ;
    reveal_unneeded(g);
    /* A figure hidden only to protect others, that can be worked out anyway, is shown: every
     * decision above already counted it as known. */
    for (size_t c = 0; c < g->n; c++)
        if (g->hidden[c] && g->deduced[c] && !g->primary[c])
            g->hidden[c] = 0;
}

json_t *vu_cell_json(const struct vu_grid *g, size_t c)
{
    if (!g->present[c])
        return json_pack("{s:n, s:b}", "value", "suppressed", 0);
    if (g->hidden[c])
        return json_pack("{s:n, s:b}", "value", "suppressed", 1);
    return json_pack("{s:I, s:b}", "value", (json_int_t)g->value[c], "suppressed", 0);
}

json_t *vu_share_json(const struct vu_grid *g, size_t num, size_t den)
{
    if (!g->present[num] || !g->present[den])
        return json_pack("{s:n, s:b}", "value", "suppressed", 0);
    if (g->hidden[num] || g->hidden[den])
        return json_pack("{s:n, s:b}", "value", "suppressed", 1);
    if (g->value[den] <= 0)
        return json_pack("{s:n, s:b}", "value", "suppressed", 0);
    /* percent with one decimal, rounded half up, in integers */
    long long tenths = (g->value[num] * 2000 + g->value[den]) / (2 * g->value[den]);
    return json_pack("{s:f, s:b}", "value", (double)tenths / 10.0, "suppressed", 0);
}

/* ---- tables ---- */

size_t vu_tcell(const struct vu_table *t, size_t p, size_t s, size_t c)
{
    return t->base + (p * t->nslot + s) * t->ncol + c;
}

void vu_table_init(struct vu_table *t, struct vu_grid *g, const int *owners, size_t nprin,
                   size_t nperiod, int annual, const struct vu_col *cols, size_t ncol,
                   const struct vu_group *groups, size_t ngroups)
{
    *t = (struct vu_table){.g = g, .nprin = nprin, .nperiod = nperiod,
                           .nslot = nperiod + (annual ? 1 : 0), .annual = annual, .ncol = ncol,
                           .cols = cols, .groups = groups, .ngroups = ngroups, .base = g->n};
    for (size_t p = 0; p <= nprin; p++)
        for (size_t s = 0; s < t->nslot; s++)
            for (size_t c = 0; c < ncol; c++)
                vu_cell(g, p < nprin ? owners[p] : 0, 0, 0, 1);
}

void vu_table_put(struct vu_table *t, size_t p, size_t s, size_t c, long long v)
{
    vu_cell_set(t->g, vu_tcell(t, p, s, c), v);
}

int vu_table_present(const struct vu_table *t, size_t p, size_t s)
{
    for (size_t c = 0; c < t->ncol; c++)
        if (t->g->present[vu_tcell(t, p, s, c)])
            return 1;
    return 0;
}

/* The annual record of record-row p: sums over the periods (the last period's value for a
 * snapshot column), and the relations annual = Σ periods. */
static void annual_of(struct vu_table *t, size_t p)
{
    size_t a = t->nperiod, parts[16];
    for (size_t c = 0; c < t->ncol; c++) {
        size_t cell = vu_tcell(t, p, a, c), n = 0;
        if (t->cols[c].snapshot) {
            size_t last = vu_tcell(t, p, t->nperiod - 1, c);
            if (t->g->present[last])
                vu_cell_set(t->g, cell, t->g->value[last]);
            parts[n++] = last;
        } else {
            long long sum = 0;
            int any = 0;
            for (size_t s = 0; s < t->nperiod && n < 16; s++) {
                size_t pc = vu_tcell(t, p, s, c);
                parts[n++] = pc;
                if (t->g->present[pc]) {
                    sum += t->g->value[pc];
                    any = 1;
                }
            }
            if (any)
                vu_cell_set(t->g, cell, sum);
        }
        vu_relation(t->g, cell, parts, n);
    }
}

/* The county record of slot s: sums over the principals, and the relations county = Σ. */
static void county_of(struct vu_table *t, size_t s)
{
    size_t *parts = vu_alloc(t->nprin + 1, sizeof *parts);
    for (size_t c = 0; c < t->ncol; c++) {
        size_t cell = vu_tcell(t, t->nprin, s, c), n = 0, own_parts = 0;
        long long sum = 0;
        for (size_t p = 0; p < t->nprin; p++) {
            size_t pc = vu_tcell(t, p, s, c);
            if (!t->g->present[pc])
                continue;
            parts[n++] = pc;
            sum += t->g->value[pc];
            own_parts += own(t->g, pc);
        }
        if (n)
            vu_cell_set(t->g, cell, sum);
        if (n && own_parts == n) /* the caller's own figures alone: nothing of others' in it */
            t->g->owner[cell] = t->g->viewer.principal_id;
        vu_relation(t->g, cell, parts, n);
    }
    free(parts);
}

/* total = Σ parts within each record, for every group. */
static void groups_of(struct vu_table *t)
{
    size_t parts[32];
    for (size_t p = 0; p <= t->nprin; p++)
        for (size_t s = 0; s < t->nslot; s++)
            for (size_t k = 0; k < t->ngroups; k++) {
                const struct vu_group *gr = &t->groups[k];
                size_t n = 0;
                for (size_t i = 0; i < gr->nparts && n < 32; i++)
                    parts[n++] = vu_tcell(t, p, s, gr->first + i * (gr->stride ? gr->stride : 1));
                vu_relation(t->g, vu_tcell(t, p, s, gr->total), parts, n);
            }
}

/* The core's rows for the core columns of the periods, and their county totals. */
static void core_of(struct vu_table *t)
{
    for (size_t c = 0; c < t->ncol; c++) {
        if (!t->cols[c].core)
            continue;
        for (size_t s = 0; s < t->nperiod; s++) {
            size_t first = vu_core_rows(t->g);
            for (size_t p = 0; p < t->nprin; p++)
                if (t->g->present[vu_tcell(t, p, s, c)])
                    vu_core_row(t->g, vu_tcell(t, p, s, c), VU_NONE);
            vu_core_county(t->g, vu_tcell(t, t->nprin, s, c), VU_NONE, first,
                           vu_core_rows(t->g) - first);
        }
    }
}

void vu_table_finish(struct vu_table *t)
{
    if (t->annual)
        for (size_t p = 0; p < t->nprin; p++)
            annual_of(t, p);
    for (size_t s = 0; s < t->nslot; s++)
        county_of(t, s);
    if (t->annual)
        annual_of(t, t->nprin); /* county year = Σ county periods (the same figure) */
    groups_of(t);
    core_of(t);
}
