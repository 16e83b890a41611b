/* application/x-www-form-urlencoded bodies (RFC 6749 token requests). */
#ifndef LGVO_HTTP_FORM_H
#define LGVO_HTTP_FORM_H

#include <jansson.h>
#include <stddef.h>

/* Parses "a=1&b=x+y" into a JSON object of strings (caller decrefs). Returns NULL for
 * malformed encoding, NUL bytes or a repeated parameter, with the reason in *why. */
json_t *form_parse(const char *body, size_t len, const char **why);

#endif
