/* Unit tests for src/lib/aptsrc.c (host apt sources reader). */
#define _GNU_SOURCE
#include "test.h"
#include "../../src/lib/aptsrc.h"
#include <stdlib.h>
#include <sys/stat.h>

struct acc { char text[2048]; };
static int collect(const char *t, const char *u, const char *s, const char *c, void *ctx)
{
    struct acc *a = ctx;
    size_t n = strlen(a->text);
    snprintf(a->text + n, sizeof a->text - n, "%s|%s|%s|%s\n", t, u, s, c);
    return 0;
}
static int stop_at_security(const char *t, const char *u, const char *s, const char *c, void *ctx)
{
    (void)t; (void)c; (void)ctx;
    return strstr(s, "-security") ? (int)strlen(u) : 0;
}

int main(void)
{
    const char *list = "# comment\ndeb http://m.example/debian bookworm main contrib # tail\n"
                       "deb [arch=amd64 signed-by=/k.gpg] http://x.example/d bookworm-updates main\n"
                       "deb-src http://m.example/debian bookworm main\nbogus line\ndeb\n";
    struct acc a = { "" };
    xh_apt_parse_buf(list, strlen(list), 0, collect, &a);
    CHECK_STR(a.text, "deb|http://m.example/debian|bookworm|main contrib\n"
                      "deb|http://x.example/d|bookworm-updates|main\n"
                      "deb-src|http://m.example/debian|bookworm|main\n", ".list lines with options and comments");

    const char *d822 = "Types: deb deb-src\nURIs: http://a.example/debian\nSuites: bookworm\n  bookworm-updates\n"
                       "Components: main\n\n# off\nTypes: deb\nURIs: http://off.example/\nSuites: sid\nEnabled: no\n\n"
                       "Types: deb\nURIs: http://s.example/debian-security\nSuites: bookworm-security\nComponents: main";
    struct acc b = { "" };
    xh_apt_parse_buf(d822, strlen(d822), 1, collect, &b);
    CHECK_STR(b.text, "deb|http://a.example/debian|bookworm|main\n"
                      "deb|http://a.example/debian|bookworm-updates|main\n"
                      "deb-src|http://a.example/debian|bookworm|main\n"
                      "deb-src|http://a.example/debian|bookworm-updates|main\n"
                      "deb|http://s.example/debian-security|bookworm-security|main\n",
              "deb822 stanzas, continuation lines, Enabled: no skipped");
    int rc = xh_apt_parse_buf(d822, strlen(d822), 1, stop_at_security, NULL);
    CHECK(rc == (int)strlen("http://s.example/debian-security"), "callback value stops the walk");

    char dir[] = "/tmp/aptsrc.XXXXXX", p[256];
    REQUIRE(mkdtemp(dir), "mkdtemp %s", dir);
    {
        snprintf(p, sizeof p, "%s/sources.list.d", dir);
        REQUIRE(mkdir(p, 0755) == 0, "mkdir %s", p);
        snprintf(p, sizeof p, "%s/sources.list.d/b.sources", dir);
        FILE *f = fopen(p, "w"); REQUIRE(f && fputs(d822, f) >= 0 && fclose(f) == 0, "write %s", p);
        snprintf(p, sizeof p, "%s/sources.list.d/a.list", dir);
        f = fopen(p, "w"); REQUIRE(f && fputs("deb http://first.example/ trixie main\n", f) >= 0 && fclose(f) == 0, "write %s", p);
        snprintf(p, sizeof p, "%s/sources.list.d/c.list.disabled", dir);
        f = fopen(p, "w"); REQUIRE(f && fputs("deb http://never.example/ trixie main\n", f) >= 0 && fclose(f) == 0, "write %s", p);
        struct acc c = { "" };
        xh_apt_sources(dir, collect, &c);
        const char *want = "deb|http://first.example/|trixie|main\ndeb|http://a.example/";
        CHECK(strncmp(c.text, want, strlen(want)) == 0 && !strstr(c.text, "never"),
              "directory walk: missing sources.list ok, name order, other suffixes ignored");
        char cmd[300]; snprintf(cmd, sizeof cmd, "rm -rf %s", dir); if (system(cmd)) {}
    }
    return TEST_END();
}
