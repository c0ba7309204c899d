/* libxl.c - domain state read through libxenlight, the library xl itself uses:
 * ids, names, memory and the dying flag come as fields, not as text to parse.
 * Built when the Makefile is given the toolstack's headers and libraries
 * (XEN_INCLUDE/XEN_LIBDIR; the package build does that); without them the
 * engine reads "xl list" (xl.c). A context per call: calls come from several
 * threads and a context is cheap (a xenstore connection and a hypercall handle). */
#define _GNU_SOURCE
#include "xendomains.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef XD_HAVE_LIBXL
#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

int xd_libxl_list(struct xd_dom **doms, char *why, size_t whylen)
{
    xentoollog_logger_stdiostream *lg;
    libxl_ctx *ctx = NULL;
    libxl_dominfo *info;
    struct xd_dom *d;
    int nb = 0, n = 0;

    *doms = NULL;
    /* libxl's own errors (with errno) go to stderr: the journal, next to ours */
    lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if (!lg) {
        snprintf(why, whylen, "libxl: cannot create a logger");
        return -1;
    }
    if (libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, (xentoollog_logger *)lg) != 0) {
        snprintf(why, whylen, "libxl: cannot open the toolstack context (not dom0, or the Xen daemons are not running)");
        xtl_logger_destroy((xentoollog_logger *)lg);
        return -1;
    }
    info = libxl_list_domain(ctx, &nb);
    if (!info) {
        snprintf(why, whylen, "libxl: cannot list the domains");
        n = -1;
        goto out;
    }
    d = calloc(nb ? (size_t)nb : 1, sizeof *d);
    if (!d) {
        snprintf(why, whylen, "out of memory");
        n = -1;
        goto out;
    }
    for (int i = 0; i < nb; i++) {
        char *name;
        if (info[i].domid == 0)
            continue; /* Domain-0 */
        name = libxl_domid_to_name(ctx, info[i].domid);
        if (!name || !*name) {
            free(name);
            continue; /* no name yet or any more: being built or destroyed (as xl list's "(null)") */
        }
        snprintf(d[n].name, sizeof d[n].name, "%s", name);
        free(name);
        d[n].id = info[i].domid;
        /* what xl list shows as Mem: current plus outstanding claims */
        d[n].mem_mib = (info[i].current_memkb + info[i].outstanding_memkb) / 1024;
        d[n].dying = !!info[i].dying;
        n++;
    }
    *doms = d;
out:
    if (info)
        libxl_dominfo_list_free(info, nb);
    libxl_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)lg);
    return n;
}
#else
int xd_libxl_list(struct xd_dom **doms, char *why, size_t whylen)
{
    *doms = NULL;
    snprintf(why, whylen, "built without libxl");
    errno = ENOSYS;
    return -1;
}
#endif
