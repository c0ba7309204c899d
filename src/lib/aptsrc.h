/* aptsrc.h - read the host's apt sources: one-line ".list" files
 * ("deb [opts] URI SUITE COMP...") and deb822 ".sources" stanzas
 * (Types/URIs/Suites/Components/Enabled). Nothing is fetched or evaluated. */
#ifndef XH_APTSRC_H
#define XH_APTSRC_H
#include <stddef.h>

/* One (type, uri, suite) combination; components blank-separated. Return
 * non-zero to stop the walk (that value is returned). */
typedef int (*xh_apt_fn)(const char *type, const char *uri, const char *suite,
                         const char *components, void *ctx);

/* Parse one file's text; deb822 when is_deb822. Returns 0 or the callback's value. */
int xh_apt_parse_buf(const char *buf, size_t len, int is_deb822, xh_apt_fn fn, void *ctx);
/* Walk etc_apt/sources.list, then etc_apt/sources.list.d/ *.list and *.sources
 * in name order (etc_apt is normally "/etc/apt"). Unreadable files are skipped. */
int xh_apt_sources(const char *etc_apt, xh_apt_fn fn, void *ctx);
#endif
