/* Deadlines of work-plan activities as written ("Info och beslut vt 2025", "Påbörjas vt 2025")
 * and the date window they mean: vt (vårterminen, spring term) YYYY = January-June, ht
 * (hösttermin, autumn term) YYYY = August-December; "våren"/"hösten" likewise. Pure: no I/O. */
#ifndef LGVO_CORE_WORKPLAN_DEADLINE_H
#define LGVO_CORE_WORKPLAN_DEADLINE_H

#include "core/period.h"

struct deadline_window {
    char term[8];      /* "vt" or "ht" */
    int year;
    struct date from, to;
};

/* Finds a term and a year in text. Returns 0 and fills *out, or -1 when the text names none. */
int deadline_window_parse(const char *text, struct deadline_window *out);

#endif
