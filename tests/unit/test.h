/* test.h - a tiny unit-test header: each CHECK prints "ok - ..." or
 * "not ok - ..." (the lines tests/run counts); TEST_END() returns the status. */
#ifndef XH_TEST_H
#define XH_TEST_H
#include <stdio.h>
#include <string.h>
static int test_failed_;
#define CHECK(cond, ...) do { \
        printf((cond) ? "ok - " : "not ok - "); printf(__VA_ARGS__); printf("\n"); \
        if (!(cond)) { test_failed_ = 1; printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)
#define CHECK_STR(a, b, ...) do { const char *a_ = (a), *b_ = (b); \
        int eq_ = a_ && b_ && strcmp(a_, b_) == 0; CHECK(eq_, __VA_ARGS__); \
        if (!eq_) printf("#   got '%s', want '%s'\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
#define TEST_END() (fflush(stdout), test_failed_)
#endif
