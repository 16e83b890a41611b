/* A minimal test helper: CHECK records a failure and goes on; main returns the failure count. */
#ifndef LGVO_TEST_CHECK_H
#define LGVO_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);           \
            check_failures++;                                                                  \
        }                                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                                        \
    do {                                                                                       \
        const char *a_ = (a), *b_ = (b);                                                       \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                               \
            fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                   \
            check_failures++;                                                                  \
        }                                                                                      \
    } while (0)

#define TEST(name) static void name(void)
#define RUN(name)                                                                              \
    do {                                                                                       \
        int before_ = check_failures;                                                          \
        name();                                                                                \
        fprintf(stderr, "%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #name);        \
    } while (0)

#endif
