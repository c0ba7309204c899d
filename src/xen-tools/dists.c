/* dists.c - what xen-create-image knows of a distribution, from the one list
 * (src/lib/dists.h). */
#include "opts.h"
#include "../lib/buf.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum { DEBIAN = 1, UBUNTU = 0 };
static const struct xci_dist dists[] = {
#define XH_DIST(name, family, nic, security) { name, family, nic, security },
#include "../lib/dists.h"
#undef XH_DIST
};
#define NDISTS (sizeof dists / sizeof *dists)

const struct xci_dist *xci_dist_info(const char *dist)
{
    for (size_t i = 0; i < NDISTS; i++)
        if (dists[i].nic && !strcmp(dists[i].name, dist)) return &dists[i];
    return NULL;
}

int xci_debian_suite(const char *suite)
{
    for (size_t i = 0; i < NDISTS; i++)
        if (dists[i].debian && !strcmp(dists[i].name, suite)) return 1;
    return 0;
}

void xci_known_dists(char *buf, size_t len)
{
    struct xh_buf b;
    xh_buf_init(&b, buf, len);
    for (size_t i = 0; i < NDISTS; i++)
        if (dists[i].debian && dists[i].nic) xh_buf_add(&b, "%s%s", b.len ? " " : "", dists[i].name);
}
