/* Allocation helpers. Allocation failure is decided once, here: the process logs and aborts
 * (like Kore). Handlers never half-handle out-of-memory. */
#ifndef LGVO_UTIL_MEM_H
#define LGVO_UTIL_MEM_H

#include <stddef.h>
#include <stdlib.h> /* free */

void *xmalloc(size_t n);                   /* caller frees */
void *xcalloc(size_t count, size_t size);  /* caller frees */
void *xrealloc(void *p, size_t n);         /* caller frees the result */
char *xstrdup(const char *s);              /* caller frees; NULL stays NULL */
char *xstrndup(const char *s, size_t n);   /* caller frees */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* caller frees */

#endif
