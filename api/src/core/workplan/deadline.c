/* Deadline windows; see deadline.h. Pure: no I/O. */
#include "core/workplan/deadline.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *word; /* lower case, UTF-8 */
    const char *term;
} words[] = {
    {"vt", "vt"}, {"vårterminen", "vt"}, {"våren", "vt"},
    {"ht", "ht"}, {"höstterminen", "ht"}, {"hösten", "ht"},
};

/* 1 when text at p starts with word (ASCII letters compared case-insensitively) as a whole word. */
static int word_at(const char *text, const char *p, const char *word)
{
    size_t n = strlen(word);
    if (p > text && (isalnum((unsigned char)p[-1]) || ((unsigned char)p[-1] & 0x80)))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)p[i]) != (unsigned char)word[i])
            return 0;
    return !isalnum((unsigned char)p[n]) && !((unsigned char)p[n] & 0x80);
}

int deadline_window_parse(const char *text, struct deadline_window *out)
{
    if (!text)
        return -1;
    for (const char *p = text; *p; p++) {
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            if (!word_at(text, p, words[w].word))
                continue;
            const char *q = p + strlen(words[w].word);
            while (*q == ' ')
                q++;
            int year = 0, digits = 0;
            while (isdigit((unsigned char)q[digits]) && digits < 5)
                year = year * 10 + (q[digits++] - '0');
            if (digits != 4 || isalnum((unsigned char)q[4]) || year < 1900 || year > 2200)
                continue;
            memset(out, 0, sizeof *out);
            snprintf(out->term, sizeof out->term, "%s", words[w].term);
            out->year = year;
            int spring = words[w].term[0] == 'v';
            out->from = (struct date){year, spring ? 1 : 8, 1};
            out->to = (struct date){year, spring ? 6 : 12, spring ? 30 : 31};
            return 0;
        }
    }
    return -1;
}
