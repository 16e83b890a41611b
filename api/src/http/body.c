/* Validated JSON bodies; see body.h. */
#include "http/body.h"

#include "http/req.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int body_open(struct body *b, struct req *r)
{
    memset(b, 0, sizeof *b);
    b->r = r;
    json_t *obj = req_body_json(r);
    if (!obj)
        return -1;
    if (!json_is_object(obj)) {
        reply_error(r, 400, "invalid_json", "the body must be a JSON object");
        return -1;
    }
    b->obj = obj;
    return 0;
}

void body_problem(struct body *b, const char *name, const char *fmt, ...)
{
    char msg[512], path[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A JSON pointer (RFC 6901: '~' is "~0", '/' is "~1"); a long name is cut, and what a
     * cut leaves of a UTF-8 sequence is scrubbed, or Jansson would drop the whole problem. */
    size_t n = 0;
    path[n++] = '/';
    for (const char *c = name; *c && n + 3 < sizeof path; c++) {
        if (*c == '~' || *c == '/') {
            path[n++] = '~';
            path[n++] = *c == '~' ? '0' : '1';
        } else {
            path[n++] = *c;
        }
    }
    path[n] = '\0';
    utf8_scrub(path);
    utf8_scrub(msg);
    if (!b->errors)
        b->errors = json_array();
    json_array_append_new(b->errors, json_pack("{s:s, s:s}", "path", path, "message", msg));
}

static json_t *member(struct body *b, const char *name)
{
    int known = 0;
    for (int k = 0; k < b->nknown && !known; k++)
        known = strcmp(b->known[k], name) == 0;
    if (!known && b->nknown < BODY_MAX_KNOWN)
        b->known[b->nknown++] = name;
    return json_object_get(b->obj, name);
}

int body_has(struct body *b, const char *name)
{
    return member(b, name) != NULL;
}

static int clean_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f)
            return 0;
    return 1;
}

static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

const char *body_string(struct body *b, const char *name, int required, size_t minlen,
                        size_t maxlen)
{
    json_t *v = member(b, name);
    if (!v) {
        if (required)
            body_problem(b, name, "is required");
        return NULL;
    }
    if (!json_is_string(v)) {
        body_problem(b, name, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = characters(s);
    if (strlen(s) != json_string_length(v) || !clean_text(s)) {
        body_problem(b, name, "must not contain NUL or control characters");
        return NULL;
    }
    if (n < minlen || n > maxlen) {
        body_problem(b, name, "must be %zu to %zu characters long", minlen, maxlen);
        return NULL;
    }
    return s;
}

int body_bool(struct body *b, const char *name, int def)
{
    json_t *v = member(b, name);
    if (!v)
        return def;
    if (!json_is_boolean(v)) {
        body_problem(b, name, "must be true or false");
        return def;
    }
    return json_is_true(v);
}

json_t *body_string_array(struct body *b, const char *name, int required, size_t max)
{
    json_t *v = member(b, name);
    if (!v) {
        if (required)
            body_problem(b, name, "is required");
        return NULL;
    }
    if (!json_is_array(v) || json_array_size(v) > max) {
        body_problem(b, name, "must be an array of at most %zu strings", max);
        return NULL;
    }
    size_t i, j;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item)) {
            body_problem(b, name, "must contain only strings");
            return NULL;
        }
        for (j = 0; j < i; j++) {
            if (json_equal(json_array_get(v, j), item)) {
                body_problem(b, name, "must not repeat \"%s\"", json_string_value(item));
                return NULL;
            }
        }
    }
    return v;
}

int body_failed(struct body *b)
{
    const char *key;
    json_t *v;
    json_object_foreach(b->obj, key, v) {
        int known = 0;
        for (int k = 0; k < b->nknown && !known; k++)
            known = strcmp(key, b->known[k]) == 0;
        if (!known)
            body_problem(b, key, "is not a known field");
    }
    if (!b->errors)
        return 0;
    json_t *errors = b->errors;
    b->errors = NULL;
    reply_error_details(b->r, 422, "validation_failed", errors,
                        "the request has %zu problem(s); see details", json_array_size(errors));
    return 1;
}
