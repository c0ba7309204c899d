/* image.c - the filesystems: the root filesystem made populated by mke2fs -d
 * (from the staging tree, or from the cached base plus the overlay), and swap.
 * --type=hvm: the root volume is a partitioned disk (bootdisk.c); the filesystem
 * is made at the partition's offset (mke2fs -E offset), the overlay is added
 * there (debugfs reads "DEV?offset=N"), and the boot sectors are written last. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bytes of the volume dev (an LV may be larger than asked: whole extents). */
static int volume_bytes(const char *dev, uint64_t *bytes)
{
    int fd = open(dev, O_RDONLY | O_CLOEXEC);
    off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
    int err = errno;
    if (fd >= 0) close(fd);
    if (size < 0) { xh_err("%s: %s", dev, strerror(err)); return -1; }
    *bytes = (uint64_t)size;
    return 0;
}

/* hvm: GRUB for BIOS (made from the tree the filesystem was made from) into the
 * first MiB of dev: core.img first, sector 0 (the partition table) last.
 * grub-mkimage writes core.img into the staging tree: scratch once the
 * filesystem is made, removed with it (and by the sweep after a SIGKILL). */
static int boot_sectors(struct xci_build *b, const char *dev, const char *tree)
{
    char *core = NULL, tmp[PATH_MAX];
    size_t len = 0;
    pf(tmp, sizeof tmp, "%s/.xci-core.img", b->p->stage);
    if (xci_core_image(b, tree, tmp, &core, &len) < 0) return -1;
    int rc = xci_write_bootdisk(dev, tree, core, len);
    free(core);
    return rc;
}

int xci_make_images(struct xci_build *b)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
    const char *tree = p->overlay ? p->base : p->stage;
    char dev[PATH_MAX], fsdev[PATH_MAX + 32];
    int hvm = xci_is_hvm(o);
    if (xci_make_volume(b, p->disk_tmp, xci_disk_bytes(o), dev, sizeof dev) < 0) return -1;
    if (hvm) {
        /* the filesystem fills the partition: from 1 MiB to the end of the volume */
        uint64_t bytes;
        char offset[64], size[32];
        if (volume_bytes(dev, &bytes) < 0) return -1;
        if (bytes <= XCI_PART_OFFSET) { xh_err("%s: %llu bytes: too small for a partition", dev, (unsigned long long)bytes); return -1; }
        pf(offset, sizeof offset, "offset=%llu", (unsigned long long)XCI_PART_OFFSET);
        pf(size, sizeof size, "%lluk", (unsigned long long)((bytes - XCI_PART_OFFSET) >> 10));
        char *mkfs[] = { "mke2fs", "-q", "-F", "-t", o->fs, "-L", "root", "-U", (char *)p->root_uuid, "-E", offset,
                         "-d", (char *)tree, dev, size, NULL };
        if (xci_run(b, "make root filesystem (in the partition at 1 MiB)", mkfs) < 0) return -1;
        pf(fsdev, sizeof fsdev, "%s?offset=%llu", dev, (unsigned long long)XCI_PART_OFFSET);
    } else {
        char *mkfs[] = { "mke2fs", "-q", "-F", "-t", o->fs, "-L", "root", "-d", (char *)tree, dev, NULL };
        if (xci_run(b, "make root filesystem", mkfs) < 0) return -1;
        pf(fsdev, sizeof fsdev, "%s", dev);
    }
    if (p->overlay && xci_apply_overlay(b, fsdev) < 0) return -1;
    if (hvm && boot_sectors(b, dev, tree) < 0) return -1;
    if (!p->swap[0]) return 0;
    if (xci_make_volume(b, p->swap_tmp, o->swap, dev, sizeof dev) < 0) return -1;
    /* hvm: fstab names the swap by UUID too (xvdb with the PV drivers, sdb without) */
    char *mkswap[] = { "mkswap", "-L", "swap", dev, NULL };
    char *mkswap_uuid[] = { "mkswap", "-L", "swap", "-U", (char *)p->swap_uuid, dev, NULL };
    return xci_run(b, "make swap", hvm ? mkswap_uuid : mkswap);
}
