/* UTF-8 validity: the API speaks UTF-8 only, and Jansson refuses anything else. */
#ifndef LGVO_UTIL_UTF8_H
#define LGVO_UTIL_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* Replaces every byte that is not part of a well-formed sequence with '?', in place. */
void utf8_scrub(char *s);

#endif
