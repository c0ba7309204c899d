/* trial.c - apply a change so that it cannot lock the admin out.
 * setup records the change set (state.c) and a trial marker on disk, then
 * starts the guard detached from the admin's session (a transient systemd
 * unit, or a setsid daemon without systemd): the guard takes the old
 * configuration down with the old files, installs the new files, brings the
 * new one up, checks that the gateway still answers, and then waits for
 * "xenhost-network confirm". No confirm before the deadline, a gateway that
 * stops answering, or a signal: the guard puts the old files and the old
 * state back by itself. A boot during the trial finds the marker and restores
 * the old files before networking starts (xenhost-network boot, run by
 * xenhost-network-restore.service Before=network-pre.target).
 * Files in /var/lib/xenhost-network: trial (KEY='value': PHASE, OP, TIMEOUT,
 * DEADLINE, GUARD), confirmed and abort (requests to the guard), last (the
 * outcome of the last trial or removal), log (every step, appended). */
#define _GNU_SOURCE
#include "xn.h"
#include "files.h"
#include "log.h"
#include "spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FOLLOW_MAX_S 600      /* the foreground waits at most this long for the guard to apply */

static volatile sig_atomic_t stop_sig;
static int in_guard;     /* the trial file names the guard's pid only once the guard runs */
static void on_signal(int s) { stop_sig = s; }

static void sleep_ms(int ms) { struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L }; nanosleep(&ts, NULL); }

static const char *sp(const char *name)
{
    static char buf[4][XN_PATH];
    static int i;
    i = (i + 1) % 4;
    return xn_state_path(buf[i], sizeof buf[i], name);
}

static int trial_get(const char *key, char *out, size_t len) { return xn_kv_get(sp("trial"), key, out, len); }

int xn_trial_pending(void) { return access(sp("trial"), F_OK) == 0; }

static void when(char *buf, size_t len, time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void log_header(const char *what)
{
    char w[64];
    when(w, sizeof w, time(NULL));
    fprintf(stderr, "=== %s %s ===\n", w, what);
}

static int write_trial(const char *phase, const char *op, int timeout_s, time_t deadline, const char *force)
{
    char t[32], d[32], g[32], s[32];
    xn_pf(t, sizeof t, "%d", timeout_s);
    xn_pf(d, sizeof d, "%lld", (long long)deadline);
    xn_pf(g, sizeof g, "%d", in_guard ? (int)getpid() : 0);
    xn_pf(s, sizeof s, "%lld", (long long)time(NULL));
    const char *kv[] = { "PHASE", phase, "OP", op, "TIMEOUT", t, "DEADLINE", d, "GUARD", g, "UPDATED", s, "FORCE", force, NULL };
    return xn_kv_write(sp("trial"), kv);
}

/* Every outcome is written before the trial file goes: confirm, remove and
 * the foreground setup read "last" as soon as they see no trial pending, and
 * would otherwise read the outcome before this one (a confirm that worked
 * reported "too late: the trial ended removed"). */
static void write_last(const char *outcome, const char *reason, const struct xn_plan *p, int restore_ok)
{
    char w[32];
    xn_pf(w, sizeof w, "%lld", (long long)time(NULL));
    const char *kv[] = { "OUTCOME", outcome, "REASON", reason, "WHEN", w, "MODE", xn_mode_name(p->mode), "BRIDGE", p->bridge,
                         "RESTORE", restore_ok ? "complete" : "incomplete", NULL };
    xn_kv_write(sp("last"), kv);
}

/* ---- starting the guard ---- */

static int open_log(void)
{
    int fd = open(sp("log"), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) xh_warn("%s: %s: the guard logs to syslog only", sp("log"), strerror(errno));
    return fd;
}

static int launch(const char *op)
{
    const char *self = xn_self();
    if (xn_systemd_running()) {
        /* A transient unit: it lives on when the admin's session dies with the
         * network. KillMode=process: the DHCP client that ifup starts stays in
         * the unit's cgroup and must outlive the guard. */
        char *argv[] = { "systemd-run", "--unit=xenhost-network-trial", "--description=xenhost-network trial (xenhost-network(8))",
                         "--property=KillMode=process", "--collect", "--quiet", "--", (char *)self, "guard", (char *)op, NULL };
        char *reset[] = { "systemctl", "reset-failed", "xenhost-network-trial.service", NULL };
        xn_run(NULL, reset, 30, NULL, 0);
        return xn_run("the guard (systemd-run)", argv, 60, NULL, 0) == 0 ? 0 : -1;
    }
    /* no systemd: a daemon in its own session */
    pid_t pid = fork();
    if (pid < 0) { xh_err("the guard: fork: %s", strerror(errno)); return -1; }
    if (pid == 0) {
        if (setsid() < 0) _exit(127);
        signal(SIGHUP, SIG_IGN);
        pid_t g = fork();
        if (g != 0) _exit(g < 0 ? 127 : 0);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC), log = open_log();
        if (null >= 0) dup2(null, 0);
        if (log >= 0) { dup2(log, 1); dup2(log, 2); }
        else if (null >= 0) { dup2(null, 1); dup2(null, 2); }
        if (chdir("/") < 0) _exit(127);
        signal(SIGHUP, SIG_DFL);
        execl(self, self, "guard", op, (char *)NULL);
        fprintf(stderr, "xenhost-network: the guard: %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { xh_err("the guard: could not be started"); return -1; }
    return 0;
}

/* Show the guard's log from offset on; returns the new offset. */
static off_t follow_log(off_t off)
{
    char buf[4096];
    int fd = open(sp("log"), O_RDONLY | O_CLOEXEC);
    ssize_t n;
    if (fd < 0) return off;
    if (lseek(fd, off, SEEK_SET) == off)
        while ((n = read(fd, buf, sizeof buf)) > 0) { fwrite(buf, 1, (size_t)n, stderr); off += n; }
    close(fd);
    return off;
}

static off_t log_size(void)
{
    struct stat st;
    return stat(sp("log"), &st) == 0 ? st.st_size : 0;
}

static int guard_alive(void)
{
    char g[32];
    if (trial_get("GUARD", g, sizeof g) < 0 || atoi(g) <= 1) return 0;
    return kill(atoi(g), 0) == 0 || errno == EPERM;
}

/* Wait for the guard to leave phase (or end the trial); the outcome as an exit status. */
static int follow(const char *phase, off_t off)
{
    char ph[32], out[64], reason[1024], restore[32];
    int64_t deadline = xh_now_ms() + FOLLOW_MAX_S * 1000LL, seen_guard = 0;
    for (;;) {
        off = follow_log(off);
        if (!xn_trial_pending()) break;
        if (trial_get("PHASE", ph, sizeof ph) == 0 && strcmp(ph, phase) != 0) { follow_log(off); return XN_OK; }
        if (guard_alive()) seen_guard = 1;
        else if (seen_guard || xh_now_ms() > deadline - (FOLLOW_MAX_S - 30) * 1000LL) {
            follow_log(off);
            xh_err("the guard stopped without finishing: the old configuration comes back at the next boot, "
                   "or now with xenhost-network remove");
            return XN_BROKEN;
        }
        if (xh_now_ms() > deadline) { xh_err("the guard is still at '%s' after %d s; see xenhost-network status", phase, FOLLOW_MAX_S); return XN_FAIL; }
        sleep_ms(200);
    }
    xn_kv_get(sp("last"), "OUTCOME", out, sizeof out);
    xn_kv_get(sp("last"), "REASON", reason, sizeof reason);
    xn_kv_get(sp("last"), "RESTORE", restore, sizeof restore);
    if (!strcmp(restore, "incomplete")) { xh_err("%s; the old configuration could not be fully restored: see xenhost-network status", reason); return XN_BROKEN; }
    if (!strcmp(out, "rolled-back") || !strcmp(out, "failed")) { xh_err("%s: the old configuration is back", reason); return XN_FAIL; }
    return XN_OK;
}

int xn_trial_start(struct xn_plan *p, int timeout_s)
{
    char path[XN_PATH];
    off_t off;
    int rc;
    xn_state_path(path, sizeof path, "");
    if (xh_mkdir_p(path, 0700, NULL, NULL) < 0) { xh_err("%s: cannot create it: %s", path, strerror(errno)); return XN_FAIL; }
    unlink(sp("confirmed"));
    unlink(sp("abort"));
    if (xn_state_save(p) < 0) { xn_state_clear(); return XN_FAIL; }
    if (write_trial("applying", "apply", timeout_s, 0, "no") < 0) { xn_state_clear(); return XN_FAIL; }
    off = log_size();
    if (launch("apply") < 0) { unlink(sp("trial")); xn_state_clear(); return XN_FAIL; }
    rc = follow("applying", off);
    if (rc == XN_OK && xn_trial_pending()) {
        char d[32];
        trial_get("DEADLINE", d, sizeof d);
        long long left = atoll(d) - (long long)time(NULL);
        printf("trial: the new configuration is up; run 'xenhost-network confirm' within %lld s to keep it, "
               "or the old one comes back by itself\n", left > 0 ? left : 0);
    } else if (rc == XN_OK) {
        printf("done: %s\n", p->summary);
    }
    return rc;
}

/* ---- the guard ---- */

/* the old files and state back; 0 complete, -1 something could not be restored (logged) */
static int roll_back(struct xn_plan *p, const char *reason, int files_installed)
{
    int edited, bad = 0;
    xh_err("rolling back: %s", reason);
    if (files_installed) {
        if (xn_live_down_new(p) < 0) xh_warn("the new configuration did not come down cleanly; restoring anyway");
        if (xn_files_restore(p, 1, &edited) > 0) bad = 1;
    }
    if (xn_live_up_old(p) < 0) { xh_err("the old configuration did not come up again"); bad = 1; }
    if (!bad) xn_state_clear();
    write_last(files_installed ? "rolled-back" : "failed", reason, p, !bad);
    unlink(sp("trial"));
    unlink(sp("confirmed"));
    unlink(sp("abort"));
    if (!bad) xh_info("the old configuration is back");
    return bad ? -1 : 0;
}

static int guard_apply(struct xn_plan *p, int timeout_s)
{
    char reason[512];
    const char *dev = p->mode == XN_MODE_BRIDGE ? p->bridge : p->gw.dev;
    int armed = 0, misses = 0;

    log_header("setup: applying");
    xh_info("%s mode%s%s: %s", xn_mode_name(p->mode), p->backend == XN_BE_NONE ? "" : ", ", p->backend == XN_BE_NONE ? "" : xn_backend_name(p->backend), p->summary);
    if (p->gw.gw[0] && p->mode != XN_MODE_ADOPT) {
        armed = xn_ping(p->gw.gw, p->gw.family, p->gw.dev, 3, 1000) == 1;
        if (armed) xh_info("gateway %s answers through %s: it must answer after the change too", p->gw.gw, p->gw.dev);
        else xh_warn("gateway %s does not answer ICMP echo now: the trial relies on confirm alone", p->gw.gw);
    }
    if (xn_live_apply(p) < 0) return roll_back(p, "the old configuration could not be taken down", 0) ? XN_BROKEN : XN_FAIL;
    if (xn_files_install(p) < 0) return roll_back(p, "the new files could not be written", 0) ? XN_BROKEN : XN_FAIL;
    if (xn_live_up(p) < 0) return roll_back(p, "the new configuration did not come up", 1) ? XN_BROKEN : XN_FAIL;
    if (p->mode == XN_MODE_BRIDGE && p->gw.gw[0] && xn_wait_address(p->bridge, 0, 60) < 0) {
        xn_pf(reason, sizeof reason, "%s got no address within 60 s", p->bridge);
        return roll_back(p, reason, 1) ? XN_BROKEN : XN_FAIL;
    }
    if (armed) {
        int ok = 0;
        for (int i = 0; i < 30 && !ok && !stop_sig; i++) ok = xn_ping(p->gw.gw, p->gw.family, dev, 1, 1000) == 1;
        if (!ok) {
            xn_pf(reason, sizeof reason, "gateway %s does not answer through %s after the change", p->gw.gw, dev);
            return roll_back(p, reason, 1) ? XN_BROKEN : XN_FAIL;
        }
        xh_info("gateway %s answers through %s", p->gw.gw, dev);
    }
    if (timeout_s == 0 || p->mode == XN_MODE_ADOPT) {
        write_last("kept", timeout_s == 0 ? "applied with --confirm-timeout 0 (no trial)" : "no network change", p, 1);
        unlink(sp("trial"));
        xh_info("done: the new configuration is in force");
        return XN_OK;
    }
    time_t deadline = time(NULL) + timeout_s;
    int64_t end = xh_now_ms() + (int64_t)timeout_s * 1000, next_ping = xh_now_ms() + 5000;
    write_trial("pending", "apply", timeout_s, deadline, "no");
    xh_info("trial: waiting %d s for 'xenhost-network confirm'", timeout_s);
    for (;;) {
        if (access(sp("confirmed"), F_OK) == 0) {
            write_last("confirmed", "confirmed by the admin", p, 1);
            unlink(sp("trial"));
            unlink(sp("confirmed"));
            xh_info("confirmed: the new configuration stays");
            return XN_OK;
        }
        if (stop_sig) {
            xn_pf(reason, sizeof reason, "the guard was stopped (signal %d) before a confirm", (int)stop_sig);
            break;
        }
        if (access(sp("abort"), F_OK) == 0) { xn_pf(reason, sizeof reason, "xenhost-network remove during the trial"); break; }
        if (xh_now_ms() >= end) { xn_pf(reason, sizeof reason, "not confirmed within %d s", timeout_s); break; }
        if (armed && xh_now_ms() >= next_ping) {
            misses = xn_ping(p->gw.gw, p->gw.family, dev, 1, 1000) == 1 ? 0 : misses + 1;
            if (misses) xh_warn("gateway %s did not answer (%d of 3)", p->gw.gw, misses);
            if (misses >= 3) { xn_pf(reason, sizeof reason, "gateway %s stopped answering through %s", p->gw.gw, dev); break; }
            next_ping = xh_now_ms() + 5000;
        }
        sleep_ms(250);
    }
    return roll_back(p, reason, 1) ? XN_BROKEN : XN_FAIL;
}

static int guard_remove(struct xn_plan *p, int force)
{
    int edited, bad = 0;
    log_header("remove");
    xh_info("removing: %s", p->summary);
    if (xn_live_down_new(p) < 0) xh_warn("the configuration did not come down cleanly; restoring anyway");
    if (xn_files_restore(p, force, &edited) > 0 || edited) bad = 1;
    if (xn_live_up_old(p) < 0) { xh_err("the configuration from before setup did not come up"); bad = 1; }
    if (!bad) xn_state_clear();
    write_last("removed", bad ? "remove: not everything could be restored" : "removed", p, !bad);
    unlink(sp("trial"));
    if (!bad) xh_info("removed: the configuration from before setup is back");
    return bad ? XN_BROKEN : XN_OK;
}

int xn_guard(const char *op)
{
    struct xn_plan p;
    char t[32], force[8];
    int rc;
    struct sigaction sa;

    in_guard = 1;
    xh_log_init("xenhost-network", 1);
    if (xn_systemd_running()) {
        int fd = open_log();
        if (fd >= 0) { dup2(fd, 2); close(fd); }
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (!xn_trial_pending()) { xh_err("guard: no trial or removal is pending"); return XN_USAGE; }
    if (xn_state_load(&p) < 0) {
        unlink(sp("trial"));
        return XN_BROKEN;
    }
    trial_get("TIMEOUT", t, sizeof t);
    trial_get("FORCE", force, sizeof force);
    /* record our pid first: the foreground and confirm look for it */
    if (!strcmp(op, "apply")) {
        write_trial("applying", "apply", atoi(t), 0, "no");
        rc = guard_apply(&p, atoi(t));
    } else if (!strcmp(op, "remove")) {
        write_trial("removing", "remove", 0, 0, force);
        rc = guard_remove(&p, !strcmp(force, "yes"));
    } else {
        xh_err("guard: %s: unknown operation", op);
        rc = XN_USAGE;
    }
    xn_plan_free(&p);
    return rc;
}

/* ---- confirm, remove, boot ---- */

int xn_confirm(void)
{
    char ph[32], out[64], reason[1024];
    if (!xn_trial_pending()) {
        if (xn_kv_get(sp("last"), "OUTCOME", out, sizeof out) == 0) {
            xn_kv_get(sp("last"), "REASON", reason, sizeof reason);
            if (!strcmp(out, "confirmed") || !strcmp(out, "kept")) { printf("nothing to confirm: the configuration is in force (%s)\n", out); return XN_OK; }
            xh_err("no trial is pending: the last one ended %s: %s", out, reason);
            return XN_FAIL;
        }
        xh_err("no trial is pending (xenhost-network setup starts one)");
        return XN_FAIL;
    }
    trial_get("PHASE", ph, sizeof ph);
    if (strcmp(ph, "pending") != 0) { xh_err("the change is still at '%s': confirm once it is up", ph); return XN_FAIL; }
    int fd = open(sp("confirmed"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) { xh_err("%s: %s", sp("confirmed"), strerror(errno)); return XN_FAIL; }
    fsync(fd);
    close(fd);
    for (int i = 0; i < 100 && xn_trial_pending(); i++) {
        if (!guard_alive()) {
            /* the guard is gone (killed): the admin's word is enough */
            struct xn_plan p;
            if (xn_state_load(&p) == 0) { write_last("confirmed", "confirmed by the admin (the guard was not running)", &p, 1); xn_plan_free(&p); }
            unlink(sp("trial"));
            unlink(sp("confirmed"));
            break;
        }
        sleep_ms(100);
    }
    if (xn_trial_pending()) { xh_err("the guard did not take the confirm within 10 s: see xenhost-network status"); return XN_FAIL; }
    xn_kv_get(sp("last"), "OUTCOME", out, sizeof out);
    if (strcmp(out, "confirmed")) { xn_kv_get(sp("last"), "REASON", reason, sizeof reason); xh_err("too late: the trial ended %s: %s", out, reason); return XN_FAIL; }
    printf("confirmed: the new configuration stays\n");
    return XN_OK;
}

int xn_remove(int force)
{
    struct xn_plan p;
    int edited = 0, rc;
    off_t off = log_size();

    if (xn_trial_pending()) {
        char ph[32];
        trial_get("PHASE", ph, sizeof ph);
        if (guard_alive()) {
            if (strcmp(ph, "pending")) { xh_err("a change is at '%s' now: run remove again when it has ended", ph); return XN_FAIL; }
            int fd = open(sp("abort"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
            if (fd < 0) { xh_err("%s: %s", sp("abort"), strerror(errno)); return XN_FAIL; }
            close(fd);
            printf("remove: the trial is rolled back now\n");
            rc = follow("pending", off);
            return rc == XN_FAIL ? XN_OK : rc;   /* a rollback is what was asked for */
        }
        xh_warn("a trial is recorded but its guard is not running: rolling it back");
        force = 1;
    } else if (!xn_state_exists()) {
        xh_err("nothing to remove: xenhost-network setup has not been run (or was removed)");
        return XN_FAIL;
    }
    if (xn_state_load(&p) < 0) return XN_BROKEN;
    /* edited since setup? refuse before anything changes */
    for (size_t i = 0; i < p.nfiles && !force; i++) {
        struct xn_file *f = &p.files[i];
        char real[XN_PATH], *cur = NULL;
        size_t n = 0;
        if (f->kind == XN_LINE || !xn_file_changes(f)) continue;
        int present = xh_read_file(xn_path(real, sizeof real, f->path), XN_MAX_TEXT, &cur, &n) == 0;
        int same = f->new ? present && n == f->new_len && !memcmp(cur, f->new, n) : !present;
        int before = f->existed ? present && n == f->old_len && !memcmp(cur, f->old, n) : !present;
        if (!same && !before) { xh_err("%s: changed since setup: not restored (--force restores the backup anyway)", real); edited++; }
        free(cur);
    }
    if (edited) { xn_plan_free(&p); xh_err("nothing was changed"); return XN_FAIL; }
    if (write_trial("removing", "remove", 0, 0, force ? "yes" : "no") < 0) { xn_plan_free(&p); return XN_FAIL; }
    xn_plan_free(&p);
    if (launch("remove") < 0) { unlink(sp("trial")); return XN_FAIL; }
    rc = follow("removing", off);
    if (rc == XN_OK) printf("removed: the configuration from before setup is back\n");
    return rc;
}

int xn_boot(void)
{
    struct xn_plan p;
    char ph[32] = "", reason[256];
    int edited;
    if (!xn_trial_pending()) return XN_OK;
    xh_log_init("xenhost-network", 1);
    int fd = open_log();
    if (fd >= 0) { dup2(fd, 2); close(fd); }
    trial_get("PHASE", ph, sizeof ph);
    log_header("boot: a trial was pending");
    if (xn_state_load(&p) < 0) { unlink(sp("trial")); return XN_BROKEN; }
    xn_pf(reason, sizeof reason, "the host restarted during the trial (%s)", ph);
    xh_err("%s: restoring the configuration from before setup", reason);
    int bad = xn_files_restore(&p, 1, &edited) > 0;
    if (!bad) xn_state_clear();
    write_last("rolled-back", reason, &p, !bad);
    unlink(sp("trial"));
    unlink(sp("confirmed"));
    unlink(sp("abort"));
    xn_plan_free(&p);
    return bad ? XN_BROKEN : XN_OK;
}

void xn_trial_report(FILE *out)
{
    char ph[32], d[32], g[32], o[64], reason[1024], w[32], ws[64], restore[32];
    if (xn_trial_pending()) {
        trial_get("PHASE", ph, sizeof ph);
        trial_get("DEADLINE", d, sizeof d);
        trial_get("GUARD", g, sizeof g);
        int alive = guard_alive();
        if (!strcmp(ph, "pending")) {
            long long left = atoll(d) - (long long)time(NULL);
            fprintf(out, "trial: pending, %lld s left: run 'xenhost-network confirm' to keep it (guard pid %s%s)\n",
                    left > 0 ? left : 0, g, alive ? "" : ", NOT RUNNING: the next boot restores the old files");
        } else {
            fprintf(out, "trial: %s (guard pid %s%s)\n", ph, g, alive ? "" : ", NOT RUNNING: the next boot restores the old files");
        }
    } else {
        fprintf(out, "trial: none pending\n");
    }
    if (xn_kv_get(sp("last"), "OUTCOME", o, sizeof o) == 0) {
        xn_kv_get(sp("last"), "REASON", reason, sizeof reason);
        xn_kv_get(sp("last"), "WHEN", w, sizeof w);
        xn_kv_get(sp("last"), "RESTORE", restore, sizeof restore);
        when(ws, sizeof ws, (time_t)atoll(w));
        fprintf(out, "last: %s at %s: %s%s\n", o, ws, reason, !strcmp(restore, "incomplete") ? " (RESTORE INCOMPLETE: see the log)" : "");
    }
    fprintf(out, "log: %s\n", XN_STATE_DIR "/log");
}
