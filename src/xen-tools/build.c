/* build.c - xen-create-image's build (build.h): the checks made before anything
 * is touched, then the phases in order, and on failure or signal the removal of
 * everything the run created. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 after logging each of the guest's paths or LVs that exists already */
static int refuse_existing(const struct xci *o, const struct xci_plan *p)
{
    const char *paths[] = { p->cfg, o->autostart ? p->autolink : NULL, o->lvm ? NULL : p->disk,
                            o->lvm || !p->swap[0] ? NULL : p->swap };
    int bad = 0;
    for (size_t i = 0; i < 4; i++)
        if (paths[i] && xci_exists(paths[i])) { xh_err("%s: exists; refusing to overwrite it (use --force)", paths[i]); bad = 1; }
    if (o->lvm) {
        if (xci_lv_exists(o->lvm, p->lv_disk)) { xh_err("%s: exists; refusing to overwrite it (use --force)", p->disk); bad = 1; }
        if (p->swap[0] && xci_lv_exists(o->lvm, p->lv_swap)) { xh_err("%s: exists; refusing to overwrite it (use --force)", p->swap); bad = 1; }
    }
    return bad;
}

/* A random (version 4) UUID for --type=hvm's root filesystem: fstab and grub.cfg
 * name the root by it (xvda1 with the PV drivers, sda1 without them). */
static int make_uuid(char out[37])
{
    unsigned char u[16];
    if (xci_random_bytes(u, sizeof u) < 0) return -1;
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    return 0;
}

int xci_build(const struct xci *o, struct xci_plan *p)
{
    struct xci_build b = { .o = o, .p = p };
    char password[300] = "";
    int rc = 1, tty = -1;
    const char *note = NULL;

    xci_progress_start(&b);
    if (geteuid() != 0) { xh_err("must be run as root (image ownership, debootstrap)"); return 2; }
    if (!o->force && refuse_existing(o, p)) return 1;
    if (strcmp(o->install_method, "debootstrap") && !xci_exists(o->install_source)) {
        xh_err("--install-source %s: %s", o->install_source, strerror(ENOENT));
        return 2;
    }
    if (o->role && xci_roles_check(o) != 0) return 2;
    if (o->genpass) {
        tty = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (tty < 0) { xh_err("--genpass: no terminal to show the password on (%s); use --password", strerror(errno)); return 2; }
        if (xci_genpass(password, o->genpass_len) < 0) { xh_err("--genpass: getrandom failed"); close(tty); return 1; }
    } else if (o->password) {
        pf(password, sizeof password, "%s", o->password);
    }
    xci_signals_install();
    if (o->hooks && xci_hooks_present(o)) p->full_copy = 1;   /* no hard links to the cache then */
    if (xci_is_hvm(o) && (make_uuid(p->root_uuid) < 0 || make_uuid(p->swap_uuid) < 0)) { xh_err("getrandom: %s", strerror(errno)); goto out; }

    xci_sweep(o);
    if (!o->lvm && xci_mkdirs(&b, p->domdir, 0700, 1) < 0) goto out;
    if (xci_phase(&b, "base system") < 0 || xci_base_system(&b, &note) < 0) goto out;
    xci_phase_end(&b, note);
    if (xci_phase(&b, "configure") < 0 ||
        xci_configure(&b, p->overlay ? p->base : p->stage, p->stage, password[0] ? password : NULL) < 0) goto out;
    if ((o->hooks || o->role) && (xci_phase(&b, "hooks/roles") < 0 || xci_run_scripts(&b) < 0)) goto out;
    if (xci_phase(&b, "image") < 0 || xci_make_images(&b) < 0) goto out;
    if (xci_phase(&b, "publish") < 0 || xci_publish(&b) < 0) goto out;
    /* built: nothing of it must be undone any more except the staging tree */
    xci_undo_forget(&b);
    xci_undo_push(&b, U_TREE, p->stage);
    xci_phase(&b, "clean up");
    xci_undo_all(&b);
    xci_phase_end(&b, NULL);
    printf("%s: built in %.1fs: %s\n", o->hostname, xci_elapsed(&b), p->cfg);
    fflush(stdout);
    rc = 0;
    if (tty >= 0) {
        dprintf(tty, "root password of %s: %s\n", o->hostname, password);
        close(tty);
        tty = -1;
    }
    if (o->boot) {
        char *argv[] = { "xl", "create", (char *)p->cfg, NULL };
        if (xci_run(&b, "start the guest (--boot)", argv) < 0) rc = 1;
    }
out:
    explicit_bzero(password, sizeof password);
    if (tty >= 0) close(tty);
    if (rc && b.nundo) {
        xci_phase_end(&b, "failed");
        if (xci_signalled()) xh_err("interrupted by signal %d: removing what this run created", xci_signalled());
        else xh_err("build failed: removing what this run created");
        xci_undo_all(&b);
    }
    xci_undo_free(&b);
    return xci_signalled() ? 1 : rc;
}
