/* sweep.c - temporaries of runs killed by SIGKILL, removed at the start of a run.
 * SIGKILL cannot be handled, so a killed run leaves its temporaries. Every
 * temporary name ends in the pid of the run that made it; at the start of a
 * run, those whose process no longer exists are removed, in the places this
 * run uses only, and only names of exactly our forms:
 *   DIR/domains/HOST/.disk.img.xciPID, .swap.img.xciPID    regular files
 *   OUTPUT/.HOST.EXT.xciPID                                regular file (xl config)
 *   OUTPUT/auto/HOST.EXT.xciPID                            symlink
 *   CACHEDIR/base/.tmp-DIST-ARCH-HASH.PID                  directory (half-built base)
 *   CACHEDIR/stage/HOST.PID                                directory (staging tree)
 *   VG/HOST-disk.xciPID, VG/HOST-swap.xciPID               logical volumes
 * xci_put()'s NAME.xci-new files live only inside the two kinds of tree. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum sweep_kind { SW_IMAGE, SW_CONFIG, SW_AUTOLINK, SW_BASE, SW_STAGE, SW_LV };

/* The pid that digits spells exactly (no sign, blank or leading zero), if
 * that process no longer exists; 0 when it lives or it cannot be told. */
static long dead_owner(const char *digits)
{
    char *end;
    if (digits[0] < '1' || digits[0] > '9' || strlen(digits) > 7) return 0;  /* pid_max <= 2^22 */
    long pid = strtol(digits, &end, 10);
    if (*end) return 0;
    return kill((pid_t)pid, 0) < 0 && errno == ESRCH ? pid : 0;
}

/* name is STEM SEP DIGITS: the digits, and the length of STEM; else NULL */
static const char *pid_tail(const char *name, const char *sep, size_t *stem)
{
    const char *d = name + strlen(name);
    size_t sl = strlen(sep);
    while (d > name && d[-1] >= '0' && d[-1] <= '9') d--;
    if (!*d || (size_t)(d - name) <= sl || strncmp(d - sl, sep, sl)) return NULL;
    *stem = (size_t)(d - name) - sl;
    return d;
}

/* the first len bytes of s, minus the suffix suf, are a host name */
static int host_stem(const char *s, size_t len, const char *suf)
{
    char h[256];
    size_t sl = strlen(suf);
    if (len <= sl || len - sl >= sizeof h || strncmp(s + len - sl, suf, sl)) return 0;
    memcpy(h, s, len - sl);
    h[len - sl] = '\0';
    return xci_valid_hostname(h);
}

/* The owner's pid digits when name is a temporary of kind k, else NULL. */
static const char *sweep_match(enum sweep_kind k, const char *name, const struct xci *o)
{
    size_t n;
    const char *d;
    switch (k) {
    case SW_IMAGE:
        d = pid_tail(name, ".xci", &n);
        return d && n == 9 && (!strncmp(name, ".disk.img", 9) || !strncmp(name, ".swap.img", 9)) ? d : NULL;
    case SW_CONFIG:
        d = pid_tail(name, ".xci", &n);
        return d && name[0] == '.' && host_stem(name + 1, n - 1, o->extension) ? d : NULL;
    case SW_AUTOLINK:
        d = pid_tail(name, ".xci", &n);
        return d && host_stem(name, n, o->extension) ? d : NULL;
    case SW_BASE: {   /* .tmp-DIST-ARCH-<16 hex digits>.PID */
        d = pid_tail(name, ".", &n);
        if (!d || n < 5 + 3 + 17 || strncmp(name, ".tmp-", 5) || name[n - 17] != '-') return NULL;
        for (size_t i = n - 16; i < n; i++)
            if (!strchr("0123456789abcdef", name[i])) return NULL;
        return d;
    }
    case SW_STAGE:
        d = pid_tail(name, ".", &n);
        return d && host_stem(name, n, "") ? d : NULL;
    case SW_LV:
        d = pid_tail(name, ".xci", &n);
        return d && (host_stem(name, n, "-disk") || host_stem(name, n, "-swap")) ? d : NULL;
    }
    return NULL;
}

static void sweep_dir(const char *dir, enum sweep_kind k, const struct xci *o)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno != ENOENT) xh_warn("sweep: %s: %s", dir, strerror(errno));
        return;
    }
    mode_t want = k == SW_AUTOLINK ? S_IFLNK : k == SW_BASE || k == SW_STAGE ? S_IFDIR : S_IFREG;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *digits = sweep_match(k, e->d_name, o);
        char path[PATH_MAX];
        struct stat st;
        long pid;
        if (!digits) continue;
        pf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) < 0 || (st.st_mode & S_IFMT) != want || !(pid = dead_owner(digits))) continue;
        if (want == S_IFDIR ? xci_remove_tree(path) != 0 : unlink(path) < 0 && errno != ENOENT)
            xh_warn("sweep: %s (left by process %ld, which no longer exists): %s", path, pid,
                    want == S_IFDIR ? "could not remove it" : strerror(errno));
        else
            xh_info("removed %s: left by process %ld, which no longer exists", path, pid);
    }
    closedir(d);
}

static void sweep_lvs(const struct xci *o)
{
    char *argv[] = { "lvs", "--noheadings", "-o", "lv_name", o->lvm, NULL };
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 60000 };
    struct xh_run_result r;
    if (xh_run(argv, &ro, &r) == 0 && r.out) {   /* a missing VG is reported by lvcreate later */
        char *save = NULL;
        for (char *lv = strtok_r(r.out, " \t\n", &save); lv; lv = strtok_r(NULL, " \t\n", &save)) {
            const char *digits = sweep_match(SW_LV, lv, o);
            long pid;
            if (!digits || !(pid = dead_owner(digits))) continue;
            char name[600];
            pf(name, sizeof name, "%s/%s", o->lvm, lv);
            char *rm[] = { "lvremove", "-q", "-f", name, NULL };
            if (xci_run_quiet(rm) == 0)   /* a failure was reported: still open by an orphaned child? */
                xh_info("removed logical volume %s: left by process %ld, which no longer exists", name, pid);
        }
    }
    xh_run_result_free(&r);
}

void xci_sweep(const struct xci *o)
{
    char path[PATH_MAX];
    if (o->lvm) {
        sweep_lvs(o);
    } else {
        pf(path, sizeof path, "%s/domains", o->dir);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char sub[PATH_MAX];
            struct stat st;
            pf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (xci_valid_hostname(e->d_name) && lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) sweep_dir(sub, SW_IMAGE, o);
        }
        if (d) closedir(d);
    }
    sweep_dir(o->output, SW_CONFIG, o);
    pf(path, sizeof path, "%s/auto", o->output);
    sweep_dir(path, SW_AUTOLINK, o);
    pf(path, sizeof path, "%s/base", o->cachedir);
    sweep_dir(path, SW_BASE, o);
    pf(path, sizeof path, "%s/stage", o->cachedir);
    sweep_dir(path, SW_STAGE, o);
}

