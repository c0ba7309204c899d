/* image.c - the filesystems: the root filesystem made populated by mke2fs -d
 * (from the staging tree, or from the cached base plus the overlay), and swap. */
#define _GNU_SOURCE
#include "build.h"

int xci_make_images(struct xci_build *b)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
    char dev[PATH_MAX];
    if (xci_make_volume(b, p->disk_tmp, o->size, dev, sizeof dev) < 0) return -1;
    char *mkfs[] = { "mke2fs", "-q", "-F", "-t", o->fs, "-L", "root", "-d", (char *)(p->overlay ? p->base : p->stage), dev, NULL };
    if (xci_run(b, "make root filesystem", mkfs) < 0) return -1;
    if (p->overlay && xci_apply_overlay(b, dev) < 0) return -1;
    if (!p->swap[0]) return 0;
    if (xci_make_volume(b, p->swap_tmp, o->swap, dev, sizeof dev) < 0) return -1;
    char *mkswap[] = { "mkswap", "-L", "swap", dev, NULL };
    return xci_run(b, "make swap", mkswap);
}
