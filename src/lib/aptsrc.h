/* aptsrc.h - the one reader of the host's apt sources: one-line ".list" files
 * ("deb [opts] URI SUITE COMP...", '#' to the end of a line is a comment) and
 * deb822 ".sources" stanzas (Types, URIs, Suites, Components, Signed-By,
 * Trusted, Enabled; field names in any case; continuation lines; '#' lines).
 * A line holding a NUL byte is skipped.
 * xen-create-image reads it directly, the build scripts through the
 * src/build/apt-entries program. Nothing is fetched or evaluated. */
#ifndef XH_APTSRC_H
#define XH_APTSRC_H
#include <stddef.h>

/* One (type, URI, suite) combination. components: blank-separated (single
 * blanks). signed_by: the keyring paths or fingerprints as written ("" when
 * none, and for a key embedded in a .sources stanza, which has no one-line
 * form: apt's own trusted keys then apply). trusted: the value of trusted= or
 * Trusted:, in lower case ("" when none). file: where it was read. */
struct xh_apt_entry {
    const char *type, *uri, *suite, *components, *signed_by, *trusted, *file;
};
/* Return non-zero to stop the walk (that value is returned). */
typedef int (*xh_apt_fn)(const struct xh_apt_entry *e, void *ctx);

/* Parse one file's text (name for e->file); deb822 when is_deb822. Returns 0 or
 * the callback's value. */
int xh_apt_parse_buf(const char *buf, size_t len, const char *name, int is_deb822, xh_apt_fn fn, void *ctx);
/* Walk etc_apt/sources.list, then etc_apt/sources.list.d/ *.list and *.sources
 * in name order, as apt does (etc_apt is normally "/etc/apt"). Unreadable files
 * are skipped. */
int xh_apt_sources(const char *etc_apt, xh_apt_fn fn, void *ctx);
#endif
