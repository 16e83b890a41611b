/* Base64url without padding (util/b64url.c): the RFC 4648 §10 vectors in the URL-safe
 * alphabet, round trips of every length, and rejection of anything that is not base64url. */
#include "check.h"
#include "util/b64url.h"

#include <stdlib.h>

static const struct {
    const char *plain, *encoded;
} vectors[] = {
    {"", ""},         {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(encodes_the_rfc_4648_vectors_without_padding)
{
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char *e = b64url_encode((const unsigned char *)vectors[i].plain, strlen(vectors[i].plain));
        CHECK_STR(e, vectors[i].encoded);
        free(e);
    }
}

TEST(decodes_the_rfc_4648_vectors)
{
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        size_t n = 99;
        unsigned char *d = b64url_decode(vectors[i].encoded, strlen(vectors[i].encoded), &n);
        CHECK(d != NULL);
        CHECK(n == strlen(vectors[i].plain));
        CHECK(d && memcmp(d, vectors[i].plain, n) == 0);
        CHECK(d && d[n] == '\0'); /* NUL-terminated for convenience */
        free(d);
    }
}

TEST(uses_the_url_safe_alphabet)
{
    const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
    char *e = b64url_encode(bytes, 3);
    CHECK_STR(e, "-_-_");
    free(e);
    const unsigned char two[] = {0xfb, 0xff};
    e = b64url_encode(two, 2);
    CHECK_STR(e, "-_8");
    free(e);
    size_t n = 0;
    unsigned char *d = b64url_decode("-_8", 3, &n);
    CHECK(d && n == 2 && d[0] == 0xfb && d[1] == 0xff);
    free(d);
}

TEST(round_trips_every_length_and_byte)
{
    unsigned char buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof buf; len++) {
        char *e = b64url_encode(buf, len);
        CHECK(e && strlen(e) == (len * 4 + 2) / 3);
        CHECK(e && strcspn(e, "+/=") == strlen(e));
        size_t n = 0;
        unsigned char *d = e ? b64url_decode(e, strlen(e), &n) : NULL;
        CHECK(d && n == len && memcmp(d, buf, len) == 0);
        free(d);
        free(e);
    }
}

TEST(decodes_only_the_given_length)
{
    size_t n = 0;
    unsigned char *d = b64url_decode("Zm9vYmFy!!!", 8, &n);
    CHECK(d && n == 6 && memcmp(d, "foobar", 6) == 0);
    free(d);
}

TEST(rejects_padding_and_the_standard_alphabet)
{
    const char *bad[] = {"Zg==", "Zm8=", "+/8", "ab/c", "ab+c", "Zm 9v", "Zm9v\n", "Zm9v.", "Zm\xC3\xA5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = 0;
        unsigned char *d = b64url_decode(bad[i], strlen(bad[i]), &n);
        if (d)
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
        CHECK(d == NULL);
        free(d);
    }
}

TEST(rejects_impossible_lengths_and_nul_bytes)
{
    size_t n = 0;
    CHECK(b64url_decode("A", 1, &n) == NULL);
    CHECK(b64url_decode("Zm9vY", 5, &n) == NULL);
    CHECK(b64url_decode("Zm9vYmFyZ", 9, &n) == NULL);
    CHECK(b64url_decode("Zm\0v", 4, &n) == NULL);
    unsigned char *empty = b64url_decode("", 0, &n);
    CHECK(empty && n == 0);
    free(empty);
}

int main(void)
{
    RUN(encodes_the_rfc_4648_vectors_without_padding);
    RUN(decodes_the_rfc_4648_vectors);
    RUN(uses_the_url_safe_alphabet);
    RUN(round_trips_every_length_and_byte);
    RUN(decodes_only_the_given_length);
    RUN(rejects_padding_and_the_standard_alphabet);
    RUN(rejects_impossible_lengths_and_nul_bytes);
    return check_failures != 0;
}
