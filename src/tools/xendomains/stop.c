/* stop.c - at host shutdown: every running guest on its own thread: migrate
 * (if configured), else save (if configured and there is room), else shut
 * down; each step within XENDOMAINS_STOP_MAXWAIT, then the timeout action.
 * Saves go to "<save>/.<name>.partial" and are renamed when complete. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "atomicfile.h"
#include "files.h"
#include "jobs.h"
#include "log.h"
#include "spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct stop_run {
    const struct xd_conf *c;
    struct xd_dom *doms;
    int *ok;
    struct xd_slots *slots;
};

static int64_t maxwait_ms(const struct xd_conf *c) { return (int64_t)c->stop_maxwait * 1000; }

static int migrate(const struct stop_run *run, const struct xd_dom *d)
{
    const struct xd_conf *c = run->c;
    char buf[sizeof c->migrate], *args[40], *save = NULL;
    struct xd_xl_res r;
    int n = 0, rc;

    snprintf(buf, sizeof buf, "%s", c->migrate);
    args[n++] = "migrate";
    args[n++] = (char *)d->name;
    for (char *t = strtok_r(buf, " \t", &save); t && n < 39; t = strtok_r(NULL, " \t", &save)) args[n++] = t;
    args[n] = NULL;
    xd_slot_take(run->slots, 0);
    rc = xd_xlv(c, maxwait_ms(c), &r, args);
    xd_slot_give(run->slots);
    if (rc == 0) {
        xd_record(c, d->name, "stop", 1, "migrated (xl migrate %s)", c->migrate);
        return 0;
    }
    xh_warn("%s: migration failed: %s", d->name, r.why);
    return -1;
}

/* Returns 0 saved, -1 not saved (the guest still runs), -2 the guest is gone. */
static int save(const struct stop_run *run, const struct xd_dom *d)
{
    const struct xd_conf *c = run->c;
    char tmp[PATH_MAX + 300], dest[PATH_MAX + 300];
    uint64_t need = (d->mem_mib << 20) + c->save_margin, avail;
    struct statvfs vfs;
    struct xd_xl_res r;
    int64_t t0;
    int rc, fd;

    if (!xd_name_ok(d->name)) {
        xh_warn("%s: name cannot be a file name; shutting it down instead of saving", d->name);
        return -1;
    }
    if (xh_mkdir_p(c->save_dir, 0700, NULL, NULL) < 0 || statvfs(c->save_dir, &vfs) < 0) {
        xh_warn("%s: %s: %s; shutting it down instead of saving", d->name, c->save_dir, strerror(errno));
        return -1;
    }
    avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    if (avail < need) {
        xh_warn("%s: not enough room in %s for its memory image (%llu MiB needed with margin, %llu MiB free); "
                "shutting it down instead of saving", d->name, c->save_dir,
                (unsigned long long)(need >> 20), (unsigned long long)(avail >> 20));
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s/.%s.partial", c->save_dir, d->name);
    snprintf(dest, sizeof dest, "%s/%s", c->save_dir, d->name);
    unlink(tmp);
    xd_slot_take(run->slots, 0);
    t0 = xh_now_ms();
    xh_info("%s: saving to %s", d->name, dest);
    rc = xd_xl(c, maxwait_ms(c), &r, "save", d->name, tmp, NULL);
    xd_slot_give(run->slots);
    if (rc == 0) {
        /* the image must be on disk before it is published under its name */
        if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
            rename(tmp, dest) < 0 || xh_fsync_parent(dest) < 0) {
            snprintf(r.why, sizeof r.why, "publishing the image: %s", strerror(errno));
            rc = -1;
        }
    }
    if (rc == 0) {
        xd_record(c, d->name, "stop", 1, "saved to %s in %.1f s", dest, (xh_now_ms() - t0) / 1000.0);
        return 0;
    }
    unlink(tmp);
    if (xd_xl_exists(c, d->name) == 0) {
        xd_record(c, d->name, "stop", 0, "save failed (%s) and the domain is gone: its state is lost", r.why);
        return -2;
    }
    xh_warn("%s: save failed (%s); shutting it down instead", d->name, r.why);
    return -1;
}

/* The guest is not being saved: an older image of it must not be restored
 * over its newer disks at the next boot. */
static void stale_image(const struct xd_conf *c, const char *name)
{
    char image[PATH_MAX + XD_NAME_MAX + 2], dest[PATH_MAX + 64];
    snprintf(image, sizeof image, "%s/%s", c->save_dir, name);
    if (access(image, F_OK) == 0 && xd_quarantine(c, image, name, dest, sizeof dest) == 0)
        xh_warn("%s: an older saved image would be restored at the next boot: moved to %s", name, dest);
}

static void stop_one(size_t i, void *arg)
{
    struct stop_run *run = arg;
    const struct xd_conf *c = run->c;
    const struct xd_dom *d = &run->doms[i];
    struct xd_xl_res r;
    int64_t t0, deadline;
    int rc;

    if (c->sysrq[0] && xd_xl(c, 30000, &r, "sysrq", d->name, c->sysrq, NULL) < 0)
        xh_warn("%s: sysrq %s: %s", d->name, c->sysrq, r.why);
    if (c->migrate[0] && migrate(run, d) == 0) { run->ok[i] = 1; return; }
    if (c->save_dir[0]) {
        rc = save(run, d);
        if (rc == 0) run->ok[i] = 1;
        if (rc != -1) return;
        stale_image(c, d->name);
    }
    t0 = xh_now_ms();
    deadline = t0 + maxwait_ms(c);
    xh_info("%s: shutting down", d->name);
    /* xl failed or was cut off: the request may still be under way, so the
     * domain list, not xl's exit code, decides; a request that failed fast
     * (xl crashed) is sent once more */
    for (int attempt = 0;; attempt++) {
        int64_t left = deadline - xh_now_ms();
        if (attempt < 2)
            rc = xd_xl(c, left > 1000 ? left : 1000, &r, "shutdown", "-w", "-F", d->name, NULL);
        if (rc == 0) break;
        int ex = xd_xl_exists(c, d->name);
        if (ex == 0) { rc = 0; break; }
        if (xh_now_ms() >= deadline) break;
        if (attempt == 0)
            xh_warn("%s: %s; asking again", d->name, r.why);
        xd_sleep_until(xh_now_ms() + (int64_t)c->poll_ms);
    }
    if (rc == 0) {
        xd_record(c, d->name, "stop", 1, "shut down in %.1f s", (xh_now_ms() - t0) / 1000.0);
        run->ok[i] = 1;
        return;
    }
    if (c->timeout_action == XD_TMO_LEAVE) {
        xd_record(c, d->name, "stop", 0, "did not shut down within %llu s (%s); left running (XENDOMAINS_STOP_TIMEOUT_ACTION=leave)",
                  (unsigned long long)c->stop_maxwait, r.why);
        return;
    }
    struct xd_xl_res rd;
    if (xd_xl(c, 60000, &rd, "destroy", d->name, NULL) == 0 || xd_xl_exists(c, d->name) == 0)
        xd_record(c, d->name, "stop", 0, "did not shut down within %llu s (%s); destroyed",
                  (unsigned long long)c->stop_maxwait, r.why);
    else
        xd_record(c, d->name, "stop", 0, "did not shut down within %llu s (%s); destroy failed too: %s",
                  (unsigned long long)c->stop_maxwait, r.why, rd.why);
}

int xd_cmd_stop(const struct xd_conf *c)
{
    struct stop_run run = { .c = c };
    struct xd_guest *gs = NULL;
    size_t ng = 0, n = 0;
    char why[512];
    int m, failed = 0;

    if ((m = xd_xl_list(c, &run.doms, why, sizeof why)) < 0) {
        xh_err("cannot list the running domains, stopping nothing: %s", why);
        return 1;
    }
    if (c->auto_only)
        xd_collect(c, &gs, &ng, 0);
    for (int i = 0; i < m; i++) {
        int keep = !c->auto_only;
        for (size_t k = 0; k < ng && !keep; k++) keep = !strcmp(gs[k].name, run.doms[i].name);
        if (keep && run.doms[i].dying) {
            xh_info("%s: already dying, nothing to do", run.doms[i].name);
            keep = 0;
        }
        if (keep) run.doms[n++] = run.doms[i];
        else if (!run.doms[i].dying)
            xh_info("%s: not in %s and XENDOMAINS_AUTO_ONLY is set: left alone", run.doms[i].name, c->auto_dir);
    }
    xd_guests_free(gs, ng);
    if (n == 0) {
        xh_info("no guests to stop");
        free(run.doms);
        return 0;
    }
    run.ok = calloc(n, sizeof *run.ok);
    run.slots = xd_slots_new((unsigned)c->parallel, 0);
    if (!run.ok) xh_die(1, "out of memory");
    xd_keepalive_start(xh_now_ms() + (int64_t)xd_budget_s(c, XD_STOP, n + c->parallel) * 1000);
    xh_jobs_run(n, 0, stop_one, &run);
    xd_keepalive_stop();
    for (size_t i = 0; i < n; i++) failed += !run.ok[i];
    xh_info("stop: %zu guests, %zu stopped cleanly, %d failed", n, n - (size_t)failed, failed);
    xd_slots_free(run.slots);
    free(run.ok);
    free(run.doms);
    return failed ? 1 : 0;
}
