/* UTF-8 validity (util/utf8.c): well-formed sequences at every length boundary are accepted;
 * stray continuation bytes, truncated sequences, overlong forms, surrogates and code points
 * above U+10FFFF are refused; utf8_scrub replaces exactly the bad bytes with '?'. */
#include "check.h"
#include "util/utf8.h"

#include <stdlib.h>

static int valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

TEST(accepts_well_formed_text_at_every_boundary)
{
    const char *good[] = {
        "",
        "plain ASCII \x01\x7f",
        "\xC3\xA5\xC3\xA4\xC3\xB6",     /* åäö */
        "\xC2\x80",                     /* U+0080, smallest 2-byte */
        "\xDF\xBF",                     /* U+07FF */
        "\xE0\xA0\x80",                 /* U+0800, smallest 3-byte */
        "\xE2\x82\xAC",                 /* € */
        "\xED\x9F\xBF",                 /* U+D7FF, just below the surrogates */
        "\xEE\x80\x80",                 /* U+E000, just above them */
        "\xEF\xBF\xBF",                 /* U+FFFF */
        "\xF0\x90\x80\x80",             /* U+10000, smallest 4-byte */
        "\xF0\x9D\x84\x9E",             /* 𝄞 */
        "\xF4\x8F\xBF\xBF",             /* U+10FFFF, the largest */
        "Region \xC3\x96sterg\xC3\xB6tland \xE2\x80\x93 \xF0\x9F\x98\x80",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!valid(good[i]))
            fprintf(stderr, "  refused good[%zu]\n", i);
        CHECK(valid(good[i]));
    }
    CHECK(utf8_valid("a\0b", 3)); /* NUL is a valid code point; length is explicit */
}

TEST(refuses_stray_and_truncated_sequences)
{
    const char *bad[] = {
        "\x80", "\xBF", "a\x80z",           /* lone continuation bytes */
        "\xC3", "\xE2\x82", "\xF0\x9F\x98", /* truncated at the end */
        "\xC3" "A", "\xE2\x28\xA1", "\xF0\x9F" "AB", /* interrupted */
        "\xF8\x88\x80\x80\x80", "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (valid(bad[i]))
            fprintf(stderr, "  accepted bad[%zu]\n", i);
        CHECK(!valid(bad[i]));
    }
}

TEST(refuses_overlong_forms)
{
    const char *bad[] = {
        "\xC0\x80", "\xC0\xAF", "\xC1\xBF",        /* 2-byte overlongs */
        "\xE0\x80\x80", "\xE0\x80\xAF", "\xE0\x9F\xBF", /* 3-byte */
        "\xF0\x80\x80\x80", "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF", /* 4-byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (valid(bad[i]))
            fprintf(stderr, "  accepted overlong[%zu]\n", i);
        CHECK(!valid(bad[i]));
    }
}

TEST(refuses_surrogates_and_code_points_above_10ffff)
{
    const char *bad[] = {
        "\xED\xA0\x80", "\xED\xAD\xBF", "\xED\xB0\x80", "\xED\xBF\xBF", /* U+D800..U+DFFF */
        "\xED\xA0\xBD\xED\xB8\x80",                                   /* a CESU-8 pair */
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF",   /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (valid(bad[i]))
            fprintf(stderr, "  accepted bad[%zu]\n", i);
        CHECK(!valid(bad[i]));
    }
}

TEST(checks_only_the_given_length)
{
    CHECK(!utf8_valid("\xC3\xA5", 1)); /* the sequence is cut by the length */
    CHECK(utf8_valid("a\xFF", 1));
    CHECK(utf8_valid("\xE2\x82\xAC\xFF", 3));
    CHECK(!utf8_valid("\xE2\x82\xAC\xFF", 4));
}

static void scrubbed(const char *in, const char *want)
{
    char *s = strdup(in);
    utf8_scrub(s);
    CHECK_STR(s, want);
    CHECK(valid(s));
    free(s);
}

TEST(scrub_replaces_exactly_the_bad_bytes)
{
    scrubbed("ok \xC3\xA5 ok", "ok \xC3\xA5 ok");
    scrubbed("a\xFF" "b", "a?b");
    scrubbed("\xC3", "?");
    scrubbed("\xE2\x82", "??");
    scrubbed("\xE2\x82" "A", "??A");
    scrubbed("\xED\xA0\x80", "???");
    scrubbed("\xC0\xAF", "??");
    scrubbed("\xF4\x90\x80\x80" "x", "????x");
    scrubbed("\xC3\xA5\xFF\xE2\x82\xAC", "\xC3\xA5?\xE2\x82\xAC");
    scrubbed("\x80\x80\x80", "???");
    scrubbed("", "");
}

int main(void)
{
    RUN(accepts_well_formed_text_at_every_boundary);
    RUN(refuses_stray_and_truncated_sequences);
    RUN(refuses_overlong_forms);
    RUN(refuses_surrogates_and_code_points_above_10ffff);
    RUN(checks_only_the_given_length);
    RUN(scrub_replaces_exactly_the_bad_bytes);
    return check_failures != 0;
}
