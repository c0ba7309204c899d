/* Unit tests of src/lib/aptsrc.c beyond what its fixtures show (t020): each
 * entry says which file it came from, and a callback's value stops the walk. */
#define _GNU_SOURCE
#include "test.h"
#include "../../src/lib/aptsrc.h"
#include <stdlib.h>

struct acc { char text[2048]; };
static int files(const struct xh_apt_entry *e, void *ctx)
{
    struct acc *a = ctx;
    size_t n = strlen(a->text);
    const char *base = strrchr(e->file, '/');
    snprintf(a->text + n, sizeof a->text - n, "%s %s\n", base ? base + 1 : e->file, e->uri);
    return 0;
}
static int stop_at_b(const struct xh_apt_entry *e, void *ctx)
{
    ++*(int *)ctx;
    return strstr(e->uri, "//b.") ? 42 : 0;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 2, "usage: aptsrc_test FIXTURES/order");
    struct acc a = { "" };
    CHECK(xh_apt_sources(argv[1], files, &a) == 0, "the walk returns 0");
    CHECK_STR(a.text, "sources.list http://main.example/debian\na.list http://a.example/debian\n"
                      "b.sources http://b.example/debian\nc.list http://c.example/debian\n",
              "each entry names its file, in apt's order");
    int seen = 0;
    CHECK(xh_apt_sources(argv[1], stop_at_b, &seen) == 42 && seen == 3, "a callback's value stops the walk (%d seen)", seen);
    const char *text = "deb http://x.example/ sid main\n";
    a.text[0] = '\0';
    CHECK(xh_apt_parse_buf(text, strlen(text), "given.list", 0, files, &a) == 0 && !strcmp(a.text, "given.list http://x.example/\n"),
          "a parsed text carries the name given (%s)", a.text);
    return TEST_END();
}
