/* paths.c - where the host's files are. The installed program uses the real
 * paths; the test build (src/lib/testhooks.h) reads two roots so that the
 * tests can run it against fixture trees:
 *   XENHOST_NET_ROOT     prefixes /etc, /run, /var and /lib
 *   XENHOST_NET_SYSROOT  prefixes /proc and /sys
 *   XENHOST_NET_SELF     the program the guard and the units run */
#define _GNU_SOURCE
#include "xn.h"
#include "testhooks.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *root(const char *var)
{
    const char *r = XH_TEST_ENV(var);
    (void)var;
    return r && *r ? r : "";
}

const char *xn_path(char *buf, size_t len, const char *path)
{
    xn_pf(buf, len, "%s%s", path[0] == '/' ? root("XENHOST_NET_ROOT") : "", path);
    return buf;
}

const char *xn_sys(char *buf, size_t len, const char *path)
{
    xn_pf(buf, len, "%s%s", root("XENHOST_NET_SYSROOT"), path);
    return buf;
}

int xn_under_root(void) { return root("XENHOST_NET_ROOT")[0] != '\0'; }

const char *xn_self(void)
{
    const char *s = XH_TEST_ENV("XENHOST_NET_SELF");
    return s && *s ? s : XN_SELF;
}

const char *xn_mode_name(enum xn_mode m)
{
    return m == XN_MODE_NAT ? "nat" : m == XN_MODE_ADOPT ? "adopt" : "bridge";
}

const char *xn_backend_name(enum xn_backend b)
{
    return b == XN_BE_IFUPDOWN ? "ifupdown" : b == XN_BE_NETWORKD ? "networkd" : b == XN_BE_NONE ? "none" : "auto";
}

int xn_pf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return rc;
}
