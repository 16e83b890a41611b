/* Base64url without padding (RFC 4648 §5), as used by JWTs and JWKs. */
#ifndef LGVO_UTIL_B64URL_H
#define LGVO_UTIL_B64URL_H

#include <stddef.h>

/* Encodes n bytes; returns a NUL-terminated string the caller frees. */
char *b64url_encode(const unsigned char *data, size_t n);
/* Decodes s[0..len); returns bytes (NUL-terminated for convenience) the caller frees and their
 * count in *outlen, or NULL when s is not valid base64url. */
unsigned char *b64url_decode(const char *s, size_t len, size_t *outlen);

#endif
