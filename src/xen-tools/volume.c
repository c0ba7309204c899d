/* volume.c - the guest's volumes: file images (DIR/domains/HOST/disk.img, 0600,
 * sparse or fully allocated) or logical volumes of --lvm VG, made under
 * temporary names and renamed into place by publish.c. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int xci_make_volume(struct xci_build *b, const char *tmp, uint64_t bytes, char *dev, size_t devlen)
{
    const struct xci *o = b->o;
    if (o->lvm) {
        char size[64];
        pf(size, sizeof size, "%llub", (unsigned long long)bytes);
        char *argv[] = { "lvcreate", "-q", "-y", "-W", "y", "-Z", "y", "-L", size, "-n", (char *)tmp, o->lvm, NULL };
        pf(dev, devlen, "/dev/%s/%s", o->lvm, tmp);
        if (xci_run(b, "lvcreate", argv) < 0) { if (xci_exists(dev)) xci_undo_push(b, U_LV, dev); return -1; }
        xci_undo_push(b, U_LV, dev);
        return 0;
    }
    pf(dev, devlen, "%s", tmp);
    /* 0600: the image holds the guest's password hash and SSH host keys */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) { xh_err("%s: %s", tmp, strerror(errno)); return -1; }
    xci_undo_push(b, U_FILE, tmp);
    int rc = !strcmp(o->image, "full") ? posix_fallocate(fd, 0, (off_t)bytes) : (ftruncate(fd, (off_t)bytes) < 0 ? errno : 0);
    if (close(fd) < 0 && !rc) rc = errno;
    if (rc) { xh_err("%s: %s", tmp, strerror(rc)); return -1; }
    return 0;
}


/* 1 if VG holds the logical volume lv */
int xci_lv_exists(const char *vg, const char *lv)
{
    char name[600];
    pf(name, sizeof name, "%s/%s", vg, lv);
    char *argv[] = { "lvs", "--noheadings", "-o", "lv_name", name, NULL };
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 60000 };
    struct xh_run_result r;
    int rc = xh_run(argv, &ro, &r) == 0;
    xh_run_result_free(&r);
    return rc;
}

/* The temporary volume tmp under its final name (LV name lv, path final). */
int xci_publish_volume(struct xci_build *b, const char *tmp, const char *lv, const char *final)
{
    const struct xci *o = b->o;
    if (o->lvm) {
        char dev[PATH_MAX];
        pf(dev, sizeof dev, "/dev/%s/%s", o->lvm, tmp);
        if (o->force && xci_lv_exists(o->lvm, lv)) {
            char *rm[] = { "lvremove", "-q", "-f", (char *)final, NULL };
            if (xci_run(b, "replace volume (--force)", rm) < 0) return -1;
        }
        char *mv[] = { "lvrename", "-q", o->lvm, (char *)tmp, (char *)lv, NULL };
        if (xci_run(b, "lvrename", mv) < 0) return -1;
        xci_undo_rename(b, dev, final);
        return 0;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, o->force ? 0 : RENAME_NOREPLACE) < 0) {
        xh_err("%s: %s%s", final, strerror(errno), errno == EEXIST ? " (appeared during the build; use --force)" : "");
        return -1;
    }
    xci_undo_rename(b, tmp, final);
    return 0;
}
