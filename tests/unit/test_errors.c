/* The error body every failed request gets (http/req.c: error_body, error_code_for_status,
 * request_id_valid) and the JSON string escaping of util/strbuf.c. */
#include "check.h"
#include "http/req.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdlib.h>

/* Parses an error body, failing the test when it is not a JSON object. */
static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, &e);
    if (!json_is_object(j)) {
        fprintf(stderr, "  not a JSON object: %s (%s)\n", text ? text : "(null)", e.text);
        check_failures++;
    }
    return j;
}

TEST(error_body_is_exactly_the_documented_object)
{
    size_t len = 0;
    char *text = error_body(404, NULL, "no resource at /x", NULL, "req-1", &len);
    CHECK_STR(text, "{\"error\":{\"status\":404,\"code\":\"not_found\","
                    "\"message\":\"no resource at /x\",\"details\":[]},\"request_id\":\"req-1\"}");
    CHECK(text && len == strlen(text));
    json_t *body = parse(text);
    json_t *error = json_object_get(body, "error");
    CHECK(json_object_size(body) == 2 && json_object_size(error) == 4);
    CHECK(json_integer_value(json_object_get(error, "status")) == 404);
    CHECK_STR(json_string_value(json_object_get(error, "code")), "not_found");
    CHECK_STR(json_string_value(json_object_get(error, "message")), "no resource at /x");
    CHECK(json_is_array(json_object_get(error, "details")));
    CHECK(json_array_size(json_object_get(error, "details")) == 0);
    CHECK_STR(json_string_value(json_object_get(body, "request_id")), "req-1");
    json_decref(body);
    free(text);
}

TEST(error_body_uses_an_explicit_code_over_the_status_code)
{
    char *text = error_body(503, "not_ready", "not ready: database", NULL, "r", NULL);
    json_t *body = parse(text);
    CHECK_STR(json_string_value(json_object_get(json_object_get(body, "error"), "code")),
              "not_ready");
    json_decref(body);
    free(text);
}

TEST(error_body_includes_details_without_stealing_them)
{
    json_t *details = json_pack("[{s:s, s:s}]", "path", "/name", "message", "is required");
    char *text = error_body(422, NULL, "invalid", details, "r", NULL);
    CHECK(details->refcount == 1);
    json_t *body = parse(text);
    json_t *got = json_object_get(json_object_get(body, "error"), "details");
    CHECK(json_equal(got, details));
    CHECK_STR(json_string_value(json_object_get(json_array_get(got, 0), "path")), "/name");
    json_decref(body);
    json_decref(details);
    free(text);
}

TEST(error_body_keeps_non_ascii_messages_as_utf8)
{
    const char *message = "ingen kommun \xC3\x85re \xE2\x80\x93 f\xC3\xB6rs\xC3\xB6k igen";
    char *text = error_body(404, NULL, message, NULL, "r", NULL);
    CHECK(text && strstr(text, message) != NULL);
    CHECK(text && strstr(text, "\\u") == NULL);
    json_t *body = parse(text);
    CHECK_STR(json_string_value(json_object_get(json_object_get(body, "error"), "message")),
              message);
    json_decref(body);
    free(text);
}

TEST(error_codes_follow_the_status)
{
    const struct {
        int status;
        const char *code;
    } cases[] = {{400, "bad_request"},        {401, "unauthorized"},
                 {403, "forbidden"},          {404, "not_found"},
                 {405, "method_not_allowed"}, {409, "conflict"},
                 {413, "payload_too_large"},  {415, "unsupported_media_type"},
                 {422, "validation_failed"},  {429, "too_many_requests"},
                 {500, "internal_error"},     {503, "service_unavailable"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(error_code_for_status(cases[i].status), cases[i].code);
}

TEST(unlisted_statuses_fall_back_by_class)
{
    CHECK_STR(error_code_for_status(418), "bad_request");
    CHECK_STR(error_code_for_status(502), "internal_error");
}

TEST(request_id_accepts_1_to_128_safe_characters)
{
    char longest[129];
    memset(longest, 'a', 128);
    longest[128] = '\0';
    CHECK(request_id_valid("a"));
    CHECK(request_id_valid("AZaz09._-"));
    CHECK(request_id_valid("3f2b9c1e-7d4a-4e7b-9a55-0c6d1e2f3a4b"));
    CHECK(request_id_valid(longest));
}

TEST(request_id_rejects_empty_long_and_unsafe_values)
{
    char too_long[130];
    memset(too_long, 'a', 129);
    too_long[129] = '\0';
    CHECK(!request_id_valid(""));
    CHECK(!request_id_valid(too_long));
    const char *bad[] = {"a b", "a/b", "a\\b", "a:b", "a\"b", "a\nb", "a\tb", "\xC3\x85", "a+b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (request_id_valid(bad[i]))
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]), check_failures++;
}

/* s as a JSON string literal, via strbuf_add_json_string. */
static char *json_quote(const char *s)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_add_json_string(&b, s);
    return strbuf_steal(&b, NULL);
}

#define CHECK_JSON_STRING(s, expected)                                                         \
    do {                                                                                       \
        char *got_ = json_quote(s);                                                           \
        CHECK_STR(got_, expected);                                                             \
        free(got_);                                                                            \
    } while (0)

TEST(json_string_escapes_quotes_and_backslashes)
{
    CHECK_JSON_STRING("", "\"\"");
    CHECK_JSON_STRING("plain", "\"plain\"");
    CHECK_JSON_STRING("say \"hi\"", "\"say \\\"hi\\\"\"");
    CHECK_JSON_STRING("C:\\dir\\", "\"C:\\\\dir\\\\\"");
}

TEST(json_string_escapes_control_characters)
{
    CHECK_JSON_STRING("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
    CHECK_JSON_STRING("\x01", "\"\\u0001\"");
    CHECK_JSON_STRING("x\x1fy", "\"x\\u001fy\"");
    /* Every control character survives a round trip through a JSON parser. */
    char all[32];
    for (int c = 1; c < 32; c++)
        all[c - 1] = (char)c;
    all[31] = '\0';
    char *text = json_quote(all);
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
    CHECK_STR(json_string_value(j), all);
    json_decref(j);
    free(text);
}

TEST(json_string_leaves_utf8_alone)
{
    CHECK_JSON_STRING("\xC3\x85re \xE2\x82\xAC \xF0\x9F\x8C\x8A", "\"\xC3\x85re \xE2\x82\xAC \xF0\x9F\x8C\x8A\"");
}

TEST(json_string_appends_to_what_is_there)
{
    struct strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, "{\"k\":");
    strbuf_add_json_string(&b, "v\"");
    strbuf_adds(&b, "}");
    CHECK_STR(b.data, "{\"k\":\"v\\\"\"}");
    CHECK(b.len == strlen(b.data));
    strbuf_free(&b);
}

int main(void)
{
    RUN(error_body_is_exactly_the_documented_object);
    RUN(error_body_uses_an_explicit_code_over_the_status_code);
    RUN(error_body_includes_details_without_stealing_them);
    RUN(error_body_keeps_non_ascii_messages_as_utf8);
    RUN(error_codes_follow_the_status);
    RUN(unlisted_statuses_fall_back_by_class);
    RUN(request_id_accepts_1_to_128_safe_characters);
    RUN(request_id_rejects_empty_long_and_unsafe_values);
    RUN(json_string_escapes_quotes_and_backslashes);
    RUN(json_string_escapes_control_characters);
    RUN(json_string_leaves_utf8_alone);
    RUN(json_string_appends_to_what_is_there);
    return check_failures != 0;
}
