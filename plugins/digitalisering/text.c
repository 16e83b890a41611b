/* Texts: characters, blank, personal identity numbers, JSON pointer segments. See digi.h. */
#include "digi.h"

#include <ctype.h>
#include <string.h>

size_t dg_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int dg_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Luhn over the ten digits YYMMDDNNNC. */
static int luhn_ok(const char *d10)
{
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = (d10[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += v > 9 ? v - 9 : v;
    }
    return sum % 10 == 0;
}

/* The ten digits YYMMDDNNNC of a candidate: a plausible date (day + 60 for coordination
 * numbers) and a valid check digit. */
static int plausible(const char *d10)
{
    int month = number(d10 + 2, 2), day = number(d10 + 4, 2);
    if (day > 60)
        day -= 60;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && luhn_ok(d10);
}

/* Checks the digit run starting at s (not preceded by a digit). Returns 1 on a match and sets
 * *skip to the run's length. */
static int match_at(const char *s, size_t *skip)
{
    size_t a = 0;
    while (isdigit((unsigned char)s[a]))
        a++;
    *skip = a ? a : 1;
    char d[16];
    if ((a == 6 || a == 8) && (s[a] == '-' || s[a] == '+') && digits(s + a + 1, 4) &&
        !isdigit((unsigned char)s[a + 5])) {
        memcpy(d, s + a - 6, 6);
        memcpy(d + 6, s + a + 1, 4);
        *skip = a + 5;
        return plausible(d);
    }
    if (a == 10 || a == 12) {
        memcpy(d, s + a - 10, 10);
        return plausible(d);
    }
    return 0;
}

int dg_has_personal_number(const char *s)
{
    for (size_t i = 0; s && s[i];) {
        if (!isdigit((unsigned char)s[i]) || (i > 0 && isdigit((unsigned char)s[i - 1]))) {
            i++;
            continue;
        }
        size_t skip = 1;
        if (match_at(s + i, &skip))
            return 1;
        i += skip;
    }
    return 0;
}

void dg_pointer_segment(const char *key, char out[128])
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)key;
    while (*p) {
        size_t len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
        if (n + (len < 2 ? 2 : len) > 120)
            break; /* cut between characters, never inside one */
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            out[n++] = '?';
            p++;
        } else {
            for (size_t i = 0; i < len && *p; i++) /* Jansson keeps keys valid UTF-8 */
                out[n++] = (char)*p++;
        }
    }
    out[n] = '\0';
}
