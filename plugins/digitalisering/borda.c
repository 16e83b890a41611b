/* The Borda count of a prioritisation round, with deterministic tie-breaks. Pure: no I/O, no
 * host calls. See digi.h.
 *
 * With n needs, a ballot gives n-1 points to the need it ranks first, n-2 to the second, …,
 * 0 to the last. Needs are ordered by their total points; equal totals by the number of
 * ballots ranking them first, then second, and so on; when every count is equal, the lower
 * id (the need proposed first) comes first. */
#include "digi.h"

#include <stdlib.h>

/* 1 when need x comes before need y. */
static int before(const struct dg_borda *b, size_t x, size_t y)
{
    size_t place;
    switch (dg_borda_decided(b, x, y, &place)) {
    case DG_BY_POINTS:
        return b->points[x] > b->points[y];
    case DG_BY_PLACE:
        return b->places[x * b->n + place] > b->places[y * b->n + place];
    case DG_BY_ID:
        break;
    }
    return b->ids[x] < b->ids[y];
}

enum dg_decided dg_borda_decided(const struct dg_borda *b, size_t a, size_t c, size_t *place)
{
    *place = 0;
    if (b->points[a] != b->points[c])
        return DG_BY_POINTS;
    for (size_t k = 0; k < b->n; k++) {
        if (b->places[a * b->n + k] != b->places[c * b->n + k]) {
            *place = k;
            return DG_BY_PLACE;
        }
    }
    return DG_BY_ID;
}

void dg_borda_free(struct dg_borda *b)
{
    free(b->points);
    free(b->places);
    free(b->order);
    b->points = b->places = NULL;
    b->order = NULL;
}

int dg_borda_count(struct dg_borda *b, size_t n, long *ids, const size_t *ballots, size_t nballots)
{
    b->n = n;
    b->ids = ids;
    b->points = calloc(n ? n : 1, sizeof *b->points);
    b->places = calloc(n ? n * n : 1, sizeof *b->places);
    b->order = calloc(n ? n : 1, sizeof *b->order);
    if (!b->points || !b->places || !b->order) {
        dg_borda_free(b);
        return -1;
    }
    for (size_t v = 0; v < nballots; v++) {
        for (size_t k = 0; k < n; k++) {
            size_t need = ballots[v * n + k];
            b->points[need] += (long)(n - 1 - k);
            b->places[need * n + k]++;
        }
    }
    /* Insertion sort: a round has at most 50 needs. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && before(b, i, b->order[j - 1])) {
            b->order[j] = b->order[j - 1];
            j--;
        }
        b->order[j] = i;
    }
    return 0;
}
