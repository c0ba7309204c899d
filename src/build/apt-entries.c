/* apt-entries.c - print the host's binary ("deb") apt entries, one a line, as
 *   URI|SUITE|COMPONENTS|SIGNED_BY|TRUSTED
 * read from APT_ETC (default /etc/apt) by src/lib/aptsrc.c, the one apt sources
 * reader (xen-create-image's too). Run through src/build/apt-entries, which
 * builds it on first use. An entry with '|' or a newline in a field is left
 * out with a warning. Exit 0, or 1 when output could not be written. */
#include "../lib/aptsrc.h"
#include <stdio.h>
#include <string.h>

static int print(const struct xh_apt_entry *e, void *ctx)
{
    const char *f[] = { e->uri, e->suite, e->components, e->signed_by, e->trusted };
    (void)ctx;
    if (strcmp(e->type, "deb")) return 0;
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        if (strpbrk(f[i], "|\n")) {
            fprintf(stderr, "apt-entries: %s: entry %s %s: '|' or newline in a field, left out\n", e->file, e->uri, e->suite);
            return 0;
        }
    printf("%s|%s|%s|%s|%s\n", e->uri, e->suite, e->components, e->signed_by, e->trusted);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2) { fprintf(stderr, "usage: apt-entries [APT_ETC]\n"); return 2; }
    xh_apt_sources(argc > 1 ? argv[1] : "/etc/apt", print, NULL);
    if (fflush(stdout) != 0 || ferror(stdout)) { perror("apt-entries: stdout"); return 1; }
    return 0;
}
