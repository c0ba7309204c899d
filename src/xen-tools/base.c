/* base.c - the base system a guest is made from: debootstrap (its packages
 * downloaded to CACHEDIR/debs), the whole prepared tree cached per dist, arch,
 * mirror and package set as CACHEDIR/base/DIST-ARCH-KEY, or a copy of a tree or
 * tarball (--install-method=copy|tar). */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Strip what must never be shared between guests, and downloaded packages. */
static int prepare_base(const char *root)
{
    char path[PATH_MAX];
    xci_unlink_glob(root, "etc/ssh/ssh_host_*");
    xci_unlink_glob(root, "var/cache/apt/archives/*.deb");
    xci_unlink_glob(root, "var/cache/apt/*.bin");
    xci_unlink_glob(root, "var/lib/apt/lists/*_*");
    xci_unlink_glob(root, "var/lib/systemd/random-seed");
    xci_unlink_glob(root, "etc/hostname");
    xci_unlink_glob(root, "etc/resolv.conf");   /* the build host's */
    pf(path, sizeof path, "%s/var/lib/dbus/machine-id", root);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) unlink(path);
    return xci_put(root, "etc/machine-id", "", 0444);
}

static int debootstrap(struct xci_build *b, const char *target)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
    char arch[64], inc[2100], exc[1100], comp[300], cache[PATH_MAX], var[64], key[PATH_MAX];
    char *argv[16];
    int n = 0;
    pf(arch, sizeof arch, "--arch=%s", o->arch);
    pf(inc, sizeof inc, "--include=%s", p->packages);
    pf(comp, sizeof comp, "--components=%s", o->components);
    pf(cache, sizeof cache, "--cache-dir=%s/debs", o->cachedir);
    argv[n++] = "debootstrap";
    argv[n++] = arch;
    if (o->variant) { pf(var, sizeof var, "--variant=%s", o->variant); argv[n++] = var; }
    argv[n++] = inc;
    if (o->exclude) { pf(exc, sizeof exc, "--exclude=%s", o->exclude); argv[n++] = exc; }
    argv[n++] = comp;
    argv[n++] = cache;
    if (o->keyring) { pf(key, sizeof key, "--keyring=%s", o->keyring); argv[n++] = key; }
    argv[n++] = o->dist;
    argv[n++] = (char *)target;
    argv[n++] = (char *)p->mirror;
    argv[n] = NULL;
    if (xci_mkdirs(b, cache + strlen("--cache-dir="), 0755, 0) < 0) return -1;
    return xci_run(b, "debootstrap", argv);
}

/* Produce the staging tree p->stage (with the overlay: the base and an empty stage). */
int xci_base_system(struct xci_build *b, const char **note)
{
    const struct xci *o = b->o;
    struct xci_plan *p = b->p;
    int cache = !strcasecmp(o->cache, "yes");
    char dir[PATH_MAX];
    pf(dir, sizeof dir, "%s/stage", o->cachedir);
    if (xci_mkdirs(b, dir, 0700, 0) < 0) return -1;

    if (!strcmp(o->install_method, "copy") || !strcmp(o->install_method, "tar")) {
        if (mkdir(p->stage, 0755) < 0) { xh_err("%s: %s", p->stage, strerror(errno)); return -1; }
        xci_undo_push(b, U_TREE, p->stage);
        char src[PATH_MAX + 2];
        pf(src, sizeof src, "%s/.", o->install_source);
        char *cp[] = { "cp", "-a", "--", src, p->stage, NULL };
        char *tar[] = { "tar", "--numeric-owner", "--xattrs", "-xpf", o->install_source, "-C", p->stage, NULL };
        *note = o->install_method;
        if (xci_run(b, o->install_method, !strcmp(o->install_method, "copy") ? cp : tar) < 0) return -1;
        return prepare_base(p->stage);
    }
    if (!cache) {
        xci_undo_push(b, U_TREE, p->stage);
        *note = "debootstrap, not cached";
        if (debootstrap(b, p->stage) < 0) return -1;
        return prepare_base(p->stage);
    }
    pf(dir, sizeof dir, "%s/base", o->cachedir);
    if (xci_mkdirs(b, dir, 0700, 0) < 0) return -1;
    if (!xci_exists(p->base)) {
        char tmp[PATH_MAX];
        pf(tmp, sizeof tmp, "%s/base/.tmp-%s.%ld", o->cachedir, p->base_key, (long)getpid());
        xci_undo_push(b, U_TREE, tmp);
        if (debootstrap(b, tmp) < 0 || prepare_base(tmp) < 0) return -1;
        if (rename(tmp, p->base) < 0) {
            if (errno != EEXIST && errno != ENOTEMPTY) { xh_err("%s: %s", p->base, strerror(errno)); return -1; }
        } else {
            xci_undo_drop(b, tmp);   /* our tree is now the cache */
        }
        *note = "debootstrap, now cached";
    } else {
        *note = p->full_copy ? "copied from cache" : "from cache";
    }
    xci_undo_push(b, U_TREE, p->stage);
    if (mkdir(p->stage, 0755) < 0) { xh_err("%s: %s", p->stage, strerror(errno)); return -1; }
    if (!p->full_copy) {
        /* nothing writes into the tree: the image is made from the cache
         * itself, and the per-guest files (the stage) are added to it */
        p->overlay = 1;
        return 0;
    }
    char src[PATH_MAX + 2];
    pf(src, sizeof src, "%s/.", p->base);
    char *argv[] = { "cp", "-a", "--", src, p->stage, NULL };
    return xci_run(b, "copy base system", argv);
}
