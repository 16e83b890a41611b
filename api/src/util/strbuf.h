/* A growable byte buffer for building responses and log lines. */
#ifndef LGVO_UTIL_STRBUF_H
#define LGVO_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *data; /* NUL-terminated; owned by the strbuf */
    size_t len;
    size_t cap;
};

void strbuf_init(struct strbuf *b);
void strbuf_free(struct strbuf *b);
void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. Invalid UTF-8 is not checked here. */
void strbuf_add_json_string(struct strbuf *b, const char *s);
/* Hands the buffer to the caller (caller frees) and resets b. */
char *strbuf_steal(struct strbuf *b, size_t *len);

#endif
