/* Form bodies; see form.h. */
#include "http/form.h"

#include "util/mem.h"

#include <ctype.h>
#include <string.h>

static int hexval(char c)
{
    if (isdigit((unsigned char)c))
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes s[0..n) ('+' is a space); NULL on a bad escape or a NUL byte. */
static char *decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%') {
            int h = i + 2 < n ? hexval(s[i + 1]) : -1;
            int l = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                free(out);
                return NULL;
            }
            *o++ = (char)(h * 16 + l);
            i += 2;
        } else if (s[i] == '\0') {
            free(out);
            return NULL;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

json_t *form_parse(const char *body, size_t len, const char **why)
{
    json_t *obj = json_object();
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            const char *eq = memchr(body + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (body + i)) : end - i;
            char *key = decode(body + i, klen);
            char *val = eq ? decode(eq + 1, (size_t)(body + end - (eq + 1))) : xstrdup("");
            int ok = key && val && *key;
            if (ok && json_object_get(obj, key)) {
                *why = "a parameter is repeated";
                ok = 0;
            } else if (!ok) {
                *why = "the form encoding is malformed";
            }
            if (ok) {
                json_t *value = json_string(val); /* NULL for invalid UTF-8 */
                if (!value || json_object_set_new(obj, key, value) != 0) {
                    *why = "a parameter is not valid UTF-8";
                    ok = 0;
                }
            }
            free(key);
            free(val);
            if (!ok) {
                json_decref(obj);
                return NULL;
            }
        }
        i = end + 1;
    }
    return obj;
}
