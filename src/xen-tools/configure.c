/* configure.c - the guest's own files, written into its tree as new inodes:
 * the texts of guestfiles.c, a fresh machine-id, the console getty, root's
 * console on old releases, the kernel links, GRUB's modules (--type=hvm), the
 * root password and fresh SSH host keys. Read from the tree S, written into
 * the tree D: the same staging tree, or the overlay that overlay.c adds to an
 * image made from the cache. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int ssh_keys(struct xci_build *b, const char *src, const char *root)
{
    static const char *types[] = { "ed25519", "ecdsa", "rsa" };
    char path[PATH_MAX], comment[300];
    pf(path, sizeof path, "%s/etc/ssh", src);
    if (!xci_exists(path)) return 0;
    pf(path, sizeof path, "%s/etc/ssh", root);
    if (xci_mkdirs(b, path, 0755, 0) < 0) return -1;
    xci_unlink_glob(root, "etc/ssh/ssh_host_*");
    pf(comment, sizeof comment, "root@%s", b->o->hostname);
    for (size_t i = 0; i < 3; i++) {
        pf(path, sizeof path, "%s/etc/ssh/ssh_host_%s_key", root, types[i]);
        char *argv[] = { "ssh-keygen", "-q", "-t", (char *)types[i], "-N", "", "-C", comment, "-f", path, NULL };
        if (xci_run(b, "ssh host keys", argv) < 0) return -1;
    }
    return 0;
}

/* the text of guestfiles.c that text() appended to b, into D/rel */
static int put_text(const char *D, const char *rel, int rc, struct xh_buf *b, mode_t mode)
{
    if (rc < 0) { xh_err("guest file %s: too long (more than %zu bytes)", rel, b->cap - 1); return -1; }
    return xci_put(D, rel, b->p, mode);
}
#define TEXT(call) (xh_buf_init(&tb, buf, sizeof buf), (call))

/* /vmlinuz and /initrd.img for GRUB inside the guest, unless the tree has them */
static void kernel_links(const char *S, const char *R)
{
    char path[PATH_MAX], pat[PATH_MAX];
    glob_t g;
    pf(path, sizeof path, "%s/vmlinuz", S);
    if (xci_exists(path)) return;
    pf(path, sizeof path, "%s/vmlinuz", R);
    pf(pat, sizeof pat, "%s/boot/vmlinuz-*", S);
    if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc) {
        const char *k = strrchr(g.gl_pathv[g.gl_pathc - 1], '/') + 1;
        char target[PATH_MAX], ipath[PATH_MAX];
        pf(target, sizeof target, "boot/%s", k);
        if (symlink(target, path) < 0) xh_warn("guest /vmlinuz: %s", strerror(errno));
        pf(target, sizeof target, "boot/initrd.img-%s", k + strlen("vmlinuz-"));
        pf(ipath, sizeof ipath, "%s/initrd.img", R);
        if (symlink(target, ipath) < 0) xh_warn("guest /initrd.img: %s", strerror(errno));
    } else {
        xh_warn("no kernel in the guest's /boot: it will not boot (install one with --include)");
    }
    globfree(&g);
}

int xci_configure(struct xci_build *b, const char *S, const char *D, const char *password)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
    const char *R = D;
    char buf[8192], path[PATH_MAX];
    struct xh_buf tb;

    if (put_text(R, "etc/hostname", TEXT(xci_text_hostname(o, &tb)), &tb, 0644) < 0) return -1;
    if (put_text(R, "etc/hosts", TEXT(xci_text_hosts(o, p, &tb)), &tb, 0644) < 0) return -1;
    if (put_text(R, "etc/fstab", TEXT(xci_text_fstab(o, p, &tb)), &tb, 0644) < 0) return -1;
    pf(path, sizeof path, "%s/etc/network", S);
    if (xci_exists(path)) {
        if (put_text(R, "etc/network/interfaces", TEXT(xci_text_interfaces(o, p, &tb)), &tb, 0644) < 0) return -1;
    } else {
        xh_warn("guest has no /etc/network (ifupdown not installed): network left unconfigured");
    }
    if (!o->dhcp && o->nameserver) {
        int rc = TEXT(xci_text_resolv(o, &tb));
        xci_unlink_glob(R, "etc/resolv.conf");
        if (put_text(R, "etc/resolv.conf", rc, &tb, 0644) < 0) return -1;
    }
    if (put_text(R, "etc/apt/sources.list", TEXT(xci_text_sources(o, p, &tb)), &tb, 0644) < 0) return -1;

    /* machine-id: fresh per guest */
    unsigned char id[16];
    if (xci_random_bytes(id, sizeof id) < 0) { xh_err("getrandom: %s", strerror(errno)); return -1; }
    if (put_text(R, "etc/machine-id", TEXT(xci_text_machine_id(id, &tb)), &tb, 0444) < 0) return -1;

    /* login on the Xen console */
    pf(path, sizeof path, "%s/etc/systemd/system/getty.target.wants", R);
    if (xci_mkdirs(b, path, 0755, 0) < 0) return -1;
    pf(path, sizeof path, "%s/etc/systemd/system/getty.target.wants/serial-getty@%s.service", R, o->serial_device);
    unlink(path);
    if (symlink("/lib/systemd/system/serial-getty@.service", path) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    pf(path, sizeof path, "%s/etc/securetty", S);
    if (xci_exists(path)) { /* old releases: let root log in on hvc0 */
        char *st = xci_slurp(path);
        if (st && !strstr(st, o->serial_device)) {
            char *nt = NULL;
            if (asprintf(&nt, "%s%s\n", st, o->serial_device) > 0) xci_put(R, "etc/securetty", nt, 0644);
            free(nt);
        }
        free(st);
    }

    kernel_links(S, R);
    if (put_text(R, "boot/grub/grub.cfg", TEXT(xci_text_grub(o, p, &tb)), &tb, 0644) < 0) return -1;
    /* hvm: the modules the GRUB in the disk's first sectors loads from (hd0,msdos1)/boot/grub */
    if (xci_is_hvm(o) && xci_grub_modules(b, S, R) < 0) return -1;

    if (password && xci_set_root_password(S, R, password, o->hash_method) < 0) return -1;
    return ssh_keys(b, S, R);
}
