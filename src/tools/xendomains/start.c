/* start.c - at host boot: restore the guests saved at the last stop, then
 * create the guests of the auto directory that are not running; each guest
 * on its own thread, heavy operations bounded by slots.c. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "atomicfile.h"
#include "jobs.h"
#include "log.h"
#include "spawn.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct start_run {
    const struct xd_conf *c;
    struct xd_guest *gs;
    struct xd_slots *slots;
};

/* A save that never completed leaves "<save>/.<name>.partial": useless, and
 * never confused with an image because restores only look at plain names. */
static void remove_partials(const struct xd_conf *c)
{
    DIR *d = opendir(c->save_dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char path[PATH_MAX + 256];
        if (e->d_name[0] != '.' || l < 9 || strcmp(e->d_name + l - 8, ".partial")) continue;
        snprintf(path, sizeof path, "%s/%s", c->save_dir, e->d_name);
        if (unlink(path) == 0)
            xh_warn("%s: removed an incomplete save image (a save was interrupted)", path);
        else
            xh_err("%s: cannot remove incomplete save image: %s", path, strerror(errno));
    }
    closedir(d);
}

/* Wait for every local disk of the guest; returns NULL or the one missing. */
static const char *wait_disks(const struct xd_conf *c, const struct xd_guest *g)
{
    int64_t deadline = xh_now_ms() + (int64_t)c->disk_wait * 1000;
    for (size_t i = 0; i < g->cfg.ndisks; i++) {
        struct stat st;
        int said = 0;
        while (stat(g->cfg.disks[i], &st) < 0) {
            int64_t now = xh_now_ms();
            if (now >= deadline) return g->cfg.disks[i];
            if (!said++) xh_info("%s: waiting up to %llu s for disk %s", g->name,
                                 (unsigned long long)c->disk_wait, g->cfg.disks[i]);
            xd_sleep_until(now + (int64_t)c->poll_ms < deadline ? now + (int64_t)c->poll_ms : deadline);
        }
    }
    return NULL;
}

static void start_one(size_t i, void *arg)
{
    struct start_run *run = arg;
    const struct xd_conf *c = run->c;
    struct xd_guest *g = &run->gs[i];
    struct xd_xl_res r;
    char note[PATH_MAX + 200] = "", dest[PATH_MAX + 64];
    const char *missing;
    int64_t t0;

    if (g->running) {
        if (g->image[0]) {
            xd_quarantine(c, g->image, g->name, dest, sizeof dest);
            xh_warn("%s: already running, so its saved image is stale: moved to %s", g->name, dest);
        }
        xd_record(c, g->name, "start", 1, "already running");
        g->ok = 1;
        return;
    }
    if (g->config[0] && (missing = wait_disks(c, g)) != NULL) {
        xd_record(c, g->name, "start", 0, "disk %s did not appear within %llu s; not started%s", missing,
                  (unsigned long long)c->disk_wait, g->image[0] ? " (saved image kept for the next start)" : "");
        return;
    }
    if (g->image[0]) {
        xd_slot_take(run->slots, 1);
        t0 = xh_now_ms();
        xh_info("%s: restoring from %s", g->name, g->image);
        int rc = xd_xl(c, (int64_t)c->start_maxwait * 1000, &r, "restore", g->image, NULL);
        xd_slot_give(run->slots);
        if (rc == 0) {
            /* a restored image left in place would be restored again, stale, at
             * the next boot: if it cannot be removed, move it away */
            if (unlink(g->image) < 0 && xd_quarantine(c, g->image, g->name, dest, sizeof dest) == 0)
                xh_warn("%s: restored, but cannot remove %s: moved to %s", g->name, g->image, dest);
            xh_fsync_parent(g->image);
            xd_record(c, g->name, "start", 1, "restored from %s in %.1f s", g->image, (xh_now_ms() - t0) / 1000.0);
            g->ok = 1;
            return;
        }
        if (xd_xl_exists(c, g->name) == 1) {
            struct xd_xl_res rd;
            xh_warn("%s: destroying the half-restored domain", g->name);
            if (xd_xl(c, 60000, &rd, "destroy", g->name, NULL) < 0) xh_err("%s: %s", g->name, rd.why);
        }
        xd_quarantine(c, g->image, g->name, dest, sizeof dest);
        if (!g->config[0]) {
            xd_record(c, g->name, "start", 0, "restore failed (%s); image moved to %s; no config in %s to start it from",
                      r.why, dest, c->auto_dir);
            return;
        }
        xh_warn("%s: restore failed (%s); image moved to %s; starting it from %s instead",
                g->name, r.why, dest, g->config);
        snprintf(note, sizeof note, " after a failed restore (image in %s)", dest);
    }
    xd_slot_take(run->slots, 1);
    t0 = xh_now_ms();
    int rc = xd_xl(c, (int64_t)c->start_maxwait * 1000, &r, "create", g->config, NULL);
    xd_slot_give(run->slots);
    if (rc == 0) {
        xd_record(c, g->name, "start", 1, "created from %s in %.1f s%s", g->config, (xh_now_ms() - t0) / 1000.0, note);
        g->ok = 1;
    } else {
        xd_record(c, g->name, "start", 0, "create from %s failed: %s%s", g->config, r.why, note);
    }
}

int xd_cmd_start(const struct xd_conf *c)
{
    struct start_run run = { .c = c };
    struct xd_dom *d;
    size_t n;
    char why[512];
    int m, failed, bad;

    if (c->save_dir[0]) {
        remove_partials(c);
        if (!c->restore && access(c->save_dir, F_OK) == 0)
            xh_info("XENDOMAINS_RESTORE is off: saved images in %s are left alone", c->save_dir);
    }
    failed = bad = xd_collect(c, &run.gs, &n, c->restore);
    if ((m = xd_xl_list(c, &d, why, sizeof why)) < 0) {
        xh_err("cannot list the running domains, starting nothing: %s", why);
        xd_guests_free(run.gs, n);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < m; k++) run.gs[i].running |= !strcmp(d[k].name, run.gs[i].name);
    free(d);
    if (n == 0) {
        xh_info("no guests to start (%s has none, no saved images)", c->auto_dir[0] ? c->auto_dir : "no auto directory");
        return bad ? 1 : 0;
    }
    run.slots = xd_slots_new((unsigned)c->parallel, c->start_delay);
    /* up to one wave more than the guests need: the slots are shared first come, first served */
    xd_keepalive_start(xh_now_ms() + (int64_t)xd_budget_s(c, XD_START, n + c->parallel) * 1000);
    xh_jobs_run(n, 0, start_one, &run);
    xd_keepalive_stop();
    for (size_t i = 0; i < n; i++) failed += !run.gs[i].ok;
    xh_info("start: %zu guests, %zu running, %d failed", n + (size_t)bad, n + (size_t)bad - (size_t)failed, failed);
    xd_slots_free(run.slots);
    xd_guests_free(run.gs, n);
    return failed ? 1 : 0;
}
