/* application/x-www-form-urlencoded bodies (http/form.c: form_parse), as sent to the token
 * endpoint: '+' and %XX decoding, empty pairs, and everything that must be refused (repeated
 * parameters, bad escapes, NUL bytes, invalid UTF-8) with a reason. */
#include "check.h"
#include "http/form.h"

static json_t *parse(const char *body, const char **why)
{
    *why = NULL;
    return form_parse(body, strlen(body), why);
}

static const char *get(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

TEST(parses_pairs_with_plus_as_space_and_percent_escapes)
{
    const char *why;
    json_t *f = parse("grant_type=password&username=anna+svensson&password=a%2Bb%26c%3Dd%25", &why);
    CHECK(f != NULL);
    CHECK(json_object_size(f) == 3);
    CHECK_STR(get(f, "grant_type"), "password");
    CHECK_STR(get(f, "username"), "anna svensson");
    CHECK_STR(get(f, "password"), "a+b&c=d%");
    json_decref(f);
}

TEST(decodes_escapes_in_keys_and_either_hex_case)
{
    const char *why;
    json_t *f = parse("%61%62=%7e%7E&c+d=1", &why);
    CHECK_STR(get(f, "ab"), "~~");
    CHECK_STR(get(f, "c d"), "1");
    json_decref(f);
}

TEST(keeps_utf8_raw_or_escaped)
{
    const char *why;
    json_t *f = parse("a=%C3%A5%E2%82%AC&b=\xC3\xA4", &why);
    CHECK_STR(get(f, "a"), "\xC3\xA5\xE2\x82\xAC");
    CHECK_STR(get(f, "b"), "\xC3\xA4");
    json_decref(f);
}

TEST(skips_empty_pairs_and_accepts_missing_values)
{
    const char *why;
    json_t *f = parse("&&a=1&&b&c=&", &why);
    CHECK(f && json_object_size(f) == 3);
    CHECK_STR(get(f, "a"), "1");
    CHECK_STR(get(f, "b"), "");
    CHECK_STR(get(f, "c"), "");
    json_decref(f);
    f = parse("", &why);
    CHECK(f && json_is_object(f) && json_object_size(f) == 0);
    json_decref(f);
    f = parse("x=1=2", &why);
    CHECK_STR(get(f, "x"), "1=2");
    json_decref(f);
}

TEST(reads_only_the_given_length)
{
    const char *why = NULL;
    json_t *f = form_parse("a=1&b=2", 3, &why);
    CHECK(f && json_object_size(f) == 1);
    CHECK_STR(get(f, "a"), "1");
    json_decref(f);
    f = form_parse("a=%41%42", 6, &why); /* the escape is cut off */
    CHECK(f == NULL);
    json_decref(f);
}

TEST(rejects_a_repeated_parameter)
{
    const char *bodies[] = {"a=1&a=2", "a=1&a=1", "username=x&%75sername=y", "a&a", "a=1&b=2&a="};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        const char *why;
        json_t *f = parse(bodies[i], &why);
        CHECK(f == NULL);
        CHECK(why && strstr(why, "repeated"));
        json_decref(f);
    }
}

TEST(rejects_bad_escapes)
{
    const char *bodies[] = {"a=%", "a=%4", "a=%zz", "a=%4g", "a=%g4", "%=1", "a=100%", "a=%%41", "a=% 41"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        const char *why;
        json_t *f = parse(bodies[i], &why);
        if (f)
            fprintf(stderr, "  accepted \"%s\"\n", bodies[i]);
        CHECK(f == NULL);
        CHECK(why != NULL && *why);
        json_decref(f);
    }
}

TEST(rejects_nul_bytes_escaped_or_raw)
{
    const char *why;
    json_t *f = parse("a=x%00y", &why);
    CHECK(f == NULL && why);
    json_decref(f);
    f = parse("%00=1", &why);
    CHECK(f == NULL);
    json_decref(f);
    why = NULL;
    f = form_parse("a=x\0y", 5, &why);
    CHECK(f == NULL && why);
    json_decref(f);
}

TEST(rejects_an_empty_key)
{
    const char *why;
    json_t *f = parse("=1", &why);
    CHECK(f == NULL && why);
    json_decref(f);
}

TEST(rejects_invalid_utf8_in_values_and_keys)
{
    const char *bodies[] = {"a=%C3%28", "a=%FF", "a=%C0%AF", "a=%ED%A0%80", "a=%F4%90%80%80", "a=%C3",
                            "a=\xC3\x28", "%FF=1", "a=%E2%82"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        const char *why;
        json_t *f = parse(bodies[i], &why);
        if (f)
            fprintf(stderr, "  accepted \"%s\"\n", bodies[i]);
        CHECK(f == NULL);
        CHECK(why != NULL && *why);
        json_decref(f);
    }
}

int main(void)
{
    RUN(parses_pairs_with_plus_as_space_and_percent_escapes);
    RUN(decodes_escapes_in_keys_and_either_hex_case);
    RUN(keeps_utf8_raw_or_escaped);
    RUN(skips_empty_pairs_and_accepts_missing_values);
    RUN(reads_only_the_given_length);
    RUN(rejects_a_repeated_parameter);
    RUN(rejects_bad_escapes);
    RUN(rejects_nul_bytes_escaped_or_raw);
    RUN(rejects_an_empty_key);
    RUN(rejects_invalid_utf8_in_values_and_keys);
    return check_failures != 0;
}
