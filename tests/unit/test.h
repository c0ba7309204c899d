/* test.h - a tiny unit-test header: each CHECK prints "ok - ..." or
 * "not ok - ..." (the lines tests/run counts); TEST_END() returns the status.
 * Every condition is evaluated exactly once (checks may call the code under test). */
#ifndef XH_TEST_H
#define XH_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int test_failed_;
#define CHECK(cond, ...) do { \
        int ok_ = !!(cond); \
        printf(ok_ ? "ok - " : "not ok - "); printf(__VA_ARGS__); printf("\n"); \
        if (!ok_) { test_failed_ = 1; printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)
#define CHECK_STR(a, b, ...) do { const char *a_ = (a), *b_ = (b); \
        int eq_ = a_ && b_ && strcmp(a_, b_) == 0; CHECK(eq_, __VA_ARGS__); \
        if (!eq_) printf("#   got '%s', want '%s'\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
/* A setup step the checks depend on: when it fails, say so and stop (exit 1). */
#define REQUIRE(cond, ...) do { \
        if (!(cond)) { printf("not ok - setup: "); printf(__VA_ARGS__); \
                       printf("\n#   %s:%d: %s\n", __FILE__, __LINE__, #cond); fflush(stdout); exit(1); } \
    } while (0)
#define TEST_END() (fflush(stdout), test_failed_)
#endif
