/* Reading a push without a database (core/values_input.c): values_parse_json and
 * values_parse_csv into rows and row errors — field types, numbers kept as text, NUL bytes,
 * invalid UTF-8 (and a genuine U+FFFD, also when the body holds the noncharacters used to mark
 * bad bytes), CSV quoting, line numbers, blank lines, field counts, limits and header errors. */
#include "check.h"
#include "core/values_input.h"

#include <stdlib.h>

struct parsed {
    struct push_rows rows;
    struct push_errors e;
    char err[512];
    int rc;
};

static void parse(struct parsed *p, int csv, const char *body, size_t len, size_t max_rows)
{
    memset(p, 0, sizeof *p);
    p->e.list = json_array();
    p->rc = csv ? values_parse_csv(body, len, max_rows, &p->rows, &p->e, p->err, sizeof p->err)
                : values_parse_json(body, len, max_rows, &p->rows, &p->e, p->err, sizeof p->err);
}

static void done(struct parsed *p)
{
    json_decref(p->e.list);
    push_rows_free(&p->rows);
}

/* 1 when the errors hold exactly one error with this index, path and code (and line, if > 0). */
static int has_error(const struct parsed *p, size_t index, const char *path, const char *code, size_t line)
{
    int found = 0;
    size_t i;
    json_t *e;
    json_array_foreach(p->e.list, i, e) {
        if ((size_t)json_integer_value(json_object_get(e, "index")) == index &&
            strcmp(json_string_value(json_object_get(e, "path")), path) == 0 &&
            strcmp(json_string_value(json_object_get(e, "code")), code) == 0 &&
            (!line || (size_t)json_integer_value(json_object_get(e, "line")) == line))
            found++;
    }
    if (found != 1) {
        char *all = json_dumps(p->e.list, JSON_COMPACT);
        fprintf(stderr, "  wanted %zu %s %s (line %zu) once, errors: %s\n", index, path, code, line, all);
        free(all);
    }
    return found == 1;
}

#define PARSE_JSON(p, s) parse(p, 0, s, strlen(s), 1000)
#define PARSE_CSV(p, s) parse(p, 1, s, strlen(s), 1000)

TEST(json_fields_and_types)
{
    struct parsed p;
    PARSE_JSON(&p, "{\"values\":[{\"measure\":\"a.b\",\"principal\":\"0583\",\"period\":\"2025\",\"sex\":\"K\","
                   "\"value\":12,\"comment\":\"Åsa\"},{\"measure\":\"a.c\",\"numerator\":0.1,\"denominator\":1e-7,"
                   "\"achieved\":false,\"achieved_on\":\"2025-01-31\",\"text\":null,\"value\":-0}]}");
    CHECK(p.rc == 0 && p.rows.count == 2 && json_array_size(p.e.list) == 0);
    struct push_row *a = &p.rows.items[0], *b = &p.rows.items[1];
    CHECK_STR(a->measure_in, "a.b");
    CHECK_STR(a->principal_in, "0583");
    CHECK_STR(a->period_in, "2025");
    CHECK_STR(a->sex_in, "K");
    CHECK_STR(a->value, "12");
    CHECK_STR(a->comment, "\xC3\x85sa");
    CHECK(a->achieved == -1 && a->numerator == NULL && a->index == 0 && a->line == 0);
    CHECK_STR(b->numerator, "0.1");
    CHECK_STR(b->denominator, "1e-07");
    CHECK(b->achieved == 0);
    CHECK_STR(b->achieved_on, "2025-01-31");
    CHECK(b->text == NULL && b->index == 1);
    CHECK(b->value != NULL && strtod(b->value, NULL) == 0);
    done(&p);

    PARSE_JSON(&p, "{\"values\":[{\"measure\":1,\"value\":\"1\",\"achieved\":1,\"sex\":[],\"extra\":true,\"comment\":{}},7]}");
    CHECK(p.rc == 0 && p.rows.count == 2);
    CHECK(has_error(&p, 0, "/values/0/measure", "wrong_type", 0));
    CHECK(has_error(&p, 0, "/values/0/value", "wrong_type", 0));
    CHECK(has_error(&p, 0, "/values/0/achieved", "wrong_type", 0));
    CHECK(has_error(&p, 0, "/values/0/sex", "wrong_type", 0));
    CHECK(has_error(&p, 0, "/values/0/extra", "unknown_field", 0));
    CHECK(has_error(&p, 0, "/values/0/comment", "wrong_type", 0));
    CHECK(has_error(&p, 1, "/values/1", "wrong_type", 0));
    CHECK(p.rows.items[0].bad && p.rows.items[1].bad);
    done(&p);
}

TEST(json_body_shape_and_limits)
{
    static const char *const bad[] = {"", "{", "[]", "null", "{\"values\":{}}", "{\"values\":[],\"x\":1}",
                                      "{\"values\":[],\"values\":[]}", "{\"values\":[1e400]}"};
    struct parsed p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        PARSE_JSON(&p, bad[i]);
        if (p.rc != -1)
            fprintf(stderr, "  accepted body %s\n", bad[i]);
        CHECK(p.rc == -1 && p.err[0]);
        done(&p);
    }
    parse(&p, 0, "{\"values\":[{},{},{}]}", strlen("{\"values\":[{},{},{}]}"), 2);
    CHECK(p.rc == -2 && strstr(p.err, "3 rows") && strstr(p.err, "at most 2"));
    done(&p);
    parse(&p, 0, "{\"values\":[{},{}]}", strlen("{\"values\":[{},{}]}"), 2);
    CHECK(p.rc == 0 && p.rows.count == 2);
    done(&p);
    parse(&p, 0, NULL, 0, 2);
    CHECK(p.rc == -1);
    done(&p);
}

TEST(json_nul_and_utf8)
{
    struct parsed p;
    /* Raw bytes that are not UTF-8 inside one string: that field only. */
    const char body[] = "{\"values\":[{\"comment\":\"a\xFF" "b\",\"text\":\"ok \xEF\xBF\xBD\",\"measure\":\"x\\u0000y\"},"
                        "{\"comment\":\"\\ufffd escaped\",\"text\":\"\xC3\x28\"}]}";
    parse(&p, 0, body, sizeof body - 1, 10);
    CHECK(p.rc == 0 && p.rows.count == 2);
    CHECK(has_error(&p, 0, "/values/0/comment", "invalid_utf8", 0));
    CHECK(has_error(&p, 0, "/values/0/measure", "nul_character", 0));
    CHECK(has_error(&p, 1, "/values/1/text", "invalid_utf8", 0));
    CHECK_STR(p.rows.items[0].text, "ok \xEF\xBF\xBD");
    CHECK_STR(p.rows.items[1].comment, "\xEF\xBF\xBD escaped");
    CHECK(json_array_size(p.e.list) == 3);
    done(&p);

    /* The body already holds the first noncharacters (as UTF-8 and escaped): still exact. */
    const char nonchars[] = "{\"values\":[{\"comment\":\"\xEF\xB7\x90 \\uFDD1 \\ufdd2\",\"text\":\"bad \xF5\"}]}";
    parse(&p, 0, nonchars, sizeof nonchars - 1, 10);
    CHECK(p.rc == 0 && p.rows.count == 1);
    CHECK_STR(p.rows.items[0].comment, "\xEF\xB7\x90 \xEF\xB7\x91 \xEF\xB7\x92");
    CHECK(has_error(&p, 0, "/values/0/text", "invalid_utf8", 0));
    CHECK(json_array_size(p.e.list) == 1);
    done(&p);

    /* A member name with bad bytes is reported with U+FFFD in its place. */
    const char key[] = "{\"values\":[{\"comm\xE9nt\":\"x\"}]}";
    parse(&p, 0, key, sizeof key - 1, 10);
    CHECK(has_error(&p, 0, "/values/0/comm\xEF\xBF\xBDnt", "unknown_field", 0));
    done(&p);

    /* Bad bytes outside a string make the document unreadable. */
    const char outside[] = "{\"values\":[\xFF]}";
    parse(&p, 0, outside, sizeof outside - 1, 10);
    CHECK(p.rc == -1);
    done(&p);
}

TEST(json_string_lengths_in_characters)
{
    struct parsed p;
    char body[20000];
    char text[8100] = "";
    for (int i = 0; i < 4000; i++)
        strcat(text, "\xC3\xA5"); /* 4000 characters, 8000 bytes */
    snprintf(body, sizeof body, "{\"values\":[{\"text\":\"%s\",\"comment\":\"%s\"}]}", text, text);
    PARSE_JSON(&p, body);
    CHECK(p.rows.items[0].text != NULL);
    CHECK(has_error(&p, 0, "/values/0/comment", "too_long", 0));
    CHECK(json_array_size(p.e.list) == 1);
    done(&p);
}

TEST(csv_records_quoting_and_lines)
{
    struct parsed p;
    PARSE_CSV(&p, "\xEF\xBB\xBFmeasure,principal,period,value,comment,achieved\r\n"
                  "a.b,motala,2025,12,plain,\r\n"
                  "\r\n"
                  "a.b,motala,2024,\"1e3\",\"with, comma and \"\"quotes\"\"\nand a newline\",true\n"
                  "a.b,motala,2023,,,false");
    CHECK(p.rc == 0 && p.rows.count == 3 && json_array_size(p.e.list) == 0);
    CHECK(p.rows.items[0].line == 2 && p.rows.items[1].line == 4 && p.rows.items[2].line == 6);
    CHECK_STR(p.rows.items[0].value, "12");
    CHECK(p.rows.items[0].achieved == -1);
    CHECK_STR(p.rows.items[1].comment, "with, comma and \"quotes\"\nand a newline");
    CHECK_STR(p.rows.items[1].value, "1e3");
    CHECK(p.rows.items[1].achieved == 1 && p.rows.items[2].achieved == 0);
    CHECK(p.rows.items[2].value == NULL && p.rows.items[2].comment == NULL);
    done(&p);

    PARSE_CSV(&p, "measure,value,achieved\nx,1 ,yes\nx,0x1,\nx,inf,\nx,\"1,5\",\ny\nx,1,true,extra\n");
    CHECK(p.rc == 0 && p.rows.count == 6);
    CHECK(has_error(&p, 0, "value", "wrong_type", 2));
    CHECK(has_error(&p, 0, "achieved", "wrong_type", 2));
    CHECK(has_error(&p, 1, "value", "wrong_type", 3));
    CHECK(has_error(&p, 2, "value", "wrong_type", 4));
    CHECK(has_error(&p, 3, "value", "wrong_type", 5));
    CHECK(has_error(&p, 4, "", "wrong_field_count", 6));
    CHECK(has_error(&p, 5, "", "wrong_field_count", 7));
    done(&p);
}

TEST(csv_nul_bytes_and_utf8)
{
    struct parsed p;
    const char body[] = "measure,comment,value\na.b,x\0y,1\na.b,ok \xEF\xBF\xBD,2\0\na.b,bad \xC3\x28,3\n";
    parse(&p, 1, body, sizeof body - 1, 10);
    CHECK(p.rc == 0 && p.rows.count == 3);
    CHECK(has_error(&p, 0, "comment", "nul_character", 2));
    CHECK(has_error(&p, 1, "value", "nul_character", 3));
    CHECK_STR(p.rows.items[1].comment, "ok \xEF\xBF\xBD");
    CHECK(has_error(&p, 2, "comment", "invalid_utf8", 4));
    CHECK(json_array_size(p.e.list) == 3);
    done(&p);
    const char header[] = "measure,comm\0ent\na,b\n";
    parse(&p, 1, header, sizeof header - 1, 10);
    CHECK(p.rc == -1 && strstr(p.err, "NUL"));
    done(&p);
}

TEST(csv_header_errors_and_limits)
{
    static const char *const bad[] = {"", "measure,valu\n", "measure,value,value\n", "Measure\n", "measure, value\n",
                                      "measure,\"value\n", "measure,value\nx,\"1\"2\n", "measure\nx\n\"open\n"};
    struct parsed p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        PARSE_CSV(&p, bad[i]);
        if (p.rc != -1)
            fprintf(stderr, "  accepted csv %zu\n", i);
        CHECK(p.rc == -1 && strstr(p.err, "line "));
        done(&p);
    }
    PARSE_CSV(&p, "measure\nx\n\"open\n");
    CHECK(strstr(p.err, "line 3") != NULL);
    done(&p);
    char many[512] = "";
    for (int i = 0; i < 40; i++)
        strcat(many, "measure,");
    strcat(many, "value\n");
    PARSE_CSV(&p, many);
    CHECK(p.rc == -1 && strstr(p.err, "too many columns"));
    done(&p);
    parse(&p, 1, "comment\nx\n\ny\nz\n", strlen("comment\nx\n\ny\nz\n"), 2);
    CHECK(p.rc == -2);
    done(&p);
    parse(&p, 1, "comment\nx\n\ny\n\n", strlen("comment\nx\n\ny\n\n"), 2);
    CHECK(p.rc == 0 && p.rows.count == 2);
    done(&p);
    /* A record with very many fields keeps only as many as the header has. */
    size_t n = 100000;
    char *wide = malloc(n + 32);
    strcpy(wide, "a,b\n");
    memset(wide + 4, ',', n);
    strcpy(wide + 4 + n, "\n");
    parse(&p, 1, wide, strlen(wide), 10);
    CHECK(p.rc == -1); /* "a" and "b" are not columns */
    done(&p);
    strcpy(wide, "measure,comment\n");
    memset(wide + 16, ',', n);
    wide[16 + n] = '\0';
    parse(&p, 1, wide, strlen(wide), 10);
    CHECK(p.rc == 0 && p.rows.count == 1);
    CHECK(has_error(&p, 0, "", "wrong_field_count", 2));
    done(&p);
    free(wide);
}

TEST(number_text_is_shortest_round_trip)
{
    char out[32];
    number_text(0.1, out);
    CHECK_STR(out, "0.1");
    number_text(5, out);
    CHECK_STR(out, "5");
    number_text(1.0 / 3.0, out);
    CHECK(strtod(out, NULL) == 1.0 / 3.0);
    number_text(1e300, out);
    CHECK_STR(out, "1e+300");
    number_text(-2.5, out);
    CHECK_STR(out, "-2.5");
}

int main(void)
{
    RUN(json_fields_and_types);
    RUN(json_body_shape_and_limits);
    RUN(json_nul_and_utf8);
    RUN(json_string_lengths_in_characters);
    RUN(csv_records_quoting_and_lines);
    RUN(csv_nul_bytes_and_utf8);
    RUN(csv_header_errors_and_limits);
    RUN(number_text_is_shortest_round_trip);
    return check_failures ? 1 : 0;
}
