/* build.c - build a guest without mounting anything: a base tree (debootstrap,
 * cached whole per dist/arch/mirror/package set), a per-guest staging copy
 * (hard links where nothing writes in place), per-guest files written by
 * replacing (never editing) entries, then mkfs -d into a temporary image that
 * is renamed into place at the end. Every object this run creates is recorded
 * and removed on failure or signal. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/atomicfile.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include "../lib/value.h"
#include "../lib/spawn.h"
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define pf xci_pf  /* snprintf without gcc's truncation guesswork: paths are bounded by validate() */

/* ---- undo list ---------------------------------------------------------- */
enum undo_kind { U_FILE, U_TREE, U_DIR, U_LV };
struct undo { enum undo_kind kind; char path[PATH_MAX]; };
static struct undo undo[32];
static int nundo;
static volatile sig_atomic_t got_signal;
static char children_path[64];
static const struct xci *O;

static void push_undo(enum undo_kind k, const char *path)
{
    if (nundo < (int)(sizeof undo / sizeof *undo)) {
        undo[nundo].kind = k;
        pf(undo[nundo].path, sizeof undo[nundo].path, "%s", path);
        nundo++;
    }
}
static void drop_undo(const char *path)
{
    for (int i = nundo - 1; i >= 0; i--)
        if (!strcmp(undo[i].path, path)) { undo[i] = undo[--nundo]; return; }
}
static void rename_undo(const char *from, const char *to)
{
    for (int i = nundo - 1; i >= 0; i--)
        if (!strcmp(undo[i].path, from)) { pf(undo[i].path, sizeof undo[i].path, "%s", to); return; }
}

static int argc_last(char *const argv[])
{
    int n = 0;
    while (argv[n + 1]) n++;
    return n;
}

static int quiet_run(char *const argv[])
{
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .timeout_ms = 600000 };
    struct xh_run_result r;
    xh_run(argv, &ro, &r);
    int rc = r.status;
    if (rc != 0) xh_warn("cleanup: %s %s: %s", argv[0], argv[argc_last(argv)], r.out ? r.out : r.why);
    xh_run_result_free(&r);
    return rc;
}

/* ---- signals: remember, stop the running child's process group ---------- */
static void on_signal(int sig)
{
    char buf[512];
    got_signal = sig;
    int fd = open(children_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = '\0';
    for (char *p = buf; *p;) {
        long pid = 0;
        while (*p == ' ') p++;
        while (*p >= '0' && *p <= '9') pid = pid * 10 + (*p++ - '0');
        if (pid > 0) { kill((pid_t)-pid, SIGTERM); kill((pid_t)pid, SIGTERM); }
        if (*p && (*p < '0' || *p > '9')) p++;
    }
}

static void install_signals(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    pf(children_path, sizeof children_path, "/proc/self/task/%ld/children", (long)getpid());
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
}

/* debootstrap mounts /proc, /sys and /dev/pts in its target: a killed one
 * leaves them. Detach every mount at or below root, deepest first. */
static void umount_under(const char *root)
{
    size_t rl = strlen(root);
    for (int round = 0; round < 64; round++) {
        FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[4096], best[PATH_MAX] = "";
        if (!f) return;
        while (fgets(line, sizeof line, f)) {
            char mp[PATH_MAX];
            if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1) continue;
            /* mountinfo escapes blanks as \040; our paths have none */
            if (!strncmp(mp, root, rl) && (mp[rl] == '/' || mp[rl] == '\0') && strlen(mp) > strlen(best))
                pf(best, sizeof best, "%s", mp);
        }
        fclose(f);
        if (!best[0]) return;
        if (umount2(best, MNT_DETACH) < 0) { xh_warn("cleanup: umount %s: %s", best, strerror(errno)); return; }
    }
}

/* A tree of ours (staging, half-built base), with whatever debootstrap
 * mounted in it. Returns 0 when it is gone. */
static int remove_tree(const char *path)
{
    umount_under(path);
    char *argv[] = { "rm", "-rf", "--one-file-system", "--", (char *)path, NULL };
    return quiet_run(argv);
}

static void cleanup(void)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);   /* finish the cleanup whatever comes */
    for (int i = nundo - 1; i >= 0; i--) {
        struct undo *u = &undo[i];
        switch (u->kind) {
        case U_FILE:
            if (unlink(u->path) < 0 && errno != ENOENT) xh_warn("cleanup: %s: %s", u->path, strerror(errno));
            break;
        case U_DIR:
            if (rmdir(u->path) < 0 && errno != ENOENT) xh_warn("cleanup: %s: %s", u->path, strerror(errno));
            break;
        case U_TREE:
            remove_tree(u->path);
            break;
        case U_LV: {
            char *argv[] = { "lvremove", "-q", "-f", u->path, NULL };
            quiet_run(argv);
            break;
        }
        }
    }
    nundo = 0;
}

/* ---- sweep: temporaries of runs killed by SIGKILL --------------------------
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
 * put()'s NAME.xci-new files live only inside the two kinds of tree. */
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
        if (want == S_IFDIR ? remove_tree(path) != 0 : unlink(path) < 0 && errno != ENOENT)
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
            if (quiet_run(rm) == 0)   /* a failure was reported: still open by an orphaned child? */
                xh_info("removed logical volume %s: left by process %ld, which no longer exists", name, pid);
        }
    }
    xh_run_result_free(&r);
}

static void sweep(const struct xci *o)
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

/* ---- progress: one line per phase; a ticking line on a terminal --------- */
static int64_t t_start, t_phase;
static const char *cur_phase;
static pthread_t ticker;
static pthread_mutex_t tick_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tick_cv = PTHREAD_COND_INITIALIZER;
static int tick_on, tick_thread;

static void *tick_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&tick_mu);
    while (tick_on) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&tick_cv, &tick_mu, &ts);
        if (tick_on)
            fprintf(stderr, "\r  %-14s %5.0fs ...", cur_phase, (double)(xh_now_ms() - t_phase) / 1000);
    }
    fprintf(stderr, "\r\033[K");
    pthread_mutex_unlock(&tick_mu);
    return NULL;
}

static void phase_end(const char *note)
{
    if (!cur_phase) return;
    if (tick_thread) {
        pthread_mutex_lock(&tick_mu);
        tick_on = 0;
        pthread_cond_signal(&tick_cv);
        pthread_mutex_unlock(&tick_mu);
        pthread_join(ticker, NULL);
        tick_thread = 0;
    }
    printf("  %-14s %6.1fs%s%s\n", cur_phase, (double)(xh_now_ms() - t_phase) / 1000, note ? "  " : "", note ? note : "");
    fflush(stdout);
    cur_phase = NULL;
}

/* Start a phase. XENHOST_XCI_FAULT=NAME (tests) delivers SIGTERM here. */
static int phase(const char *name)
{
    phase_end(NULL);
    cur_phase = name;
    t_phase = xh_now_ms();
    xh_debug("phase %s", name);
    const char *fault = getenv("XENHOST_XCI_FAULT");
    if (fault && !strcmp(fault, name)) raise(SIGTERM);
    if (isatty(2) && !O->verbose) {
        tick_on = 1;
        tick_thread = pthread_create(&ticker, NULL, tick_main, NULL) == 0;
    }
    return got_signal ? -1 : 0;
}

/* ---- running commands ---------------------------------------------------- */
static int run_env(const char *what, char *const argv[], char *const *envp)
{
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .envp = envp, .timeout_ms = 3600000 };
    struct xh_run_result r;
    if (got_signal) return -1;
    if (O->verbose) {
        char line[2048] = "";
        for (int i = 0; argv[i]; i++)
            pf(line + strlen(line), sizeof line - strlen(line), "%s%s", i ? " " : "", argv[i]);
        xh_info("run: %s", line);
    }
    xh_run(argv, &ro, &r);
    int rc = r.status;
    if (got_signal) rc = -1;
    else if (rc != 0) {
        if (r.status < 0) xh_err("%s: %s", what, r.why);
        else xh_err("%s: %s exited with status %d", what, argv[0], r.status);
        if (r.out && r.out_len) {   /* the last lines say why */
            size_t n = r.out_len;
            for (int lines = 0; n > 0 && lines < 16; n--) if (r.out[n - 1] == '\n') lines++;
            fprintf(stderr, "%s%s", r.out + n, r.out[r.out_len - 1] == '\n' ? "" : "\n");
        }
    } else if (O->verbose && r.out) {
        fputs(r.out, stderr);
    }
    xh_run_result_free(&r);
    return rc == 0 ? 0 : -1;
}
static int run(const char *what, char *const argv[]) { return run_env(what, argv, NULL); }

static int exists(const char *path);
static int mkdirs(const char *path, mode_t mode, int record);

/* ---- files in the staging tree: always a new inode (the tree may share
 * inodes with the cache through hard links) -------------------------------- */
static int put(const char *root, const char *rel, const char *text, mode_t mode)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    pf(path, sizeof path, "%s/%s", root, rel);
    pf(tmp, sizeof tmp, "%s.xci-new", path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (!exists(path) && mkdirs(path, 0755, 0) < 0) return -1;
    *slash = '/';
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) < 0 || close(fd) < 0 ||
        rename(tmp, path) < 0) {
        xh_err("guest file %s: %s", rel, strerror(errno));
        if (fd >= 0) unlink(tmp);
        return -1;
    }
    return 0;
}

static void made_dir(const char *dir, void *ctx) { (void)ctx; push_undo(U_DIR, dir); }

/* mkdir -p; with record, each directory made is removed again on failure */
static int mkdirs(const char *path, mode_t mode, int record)
{
    if (xh_mkdir_p(path, mode, record ? made_dir : NULL, NULL) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    return 0;
}

static char *slurp(const char *path)
{
    char *buf;
    size_t len;
    return xh_read_file(path, 16u << 20, &buf, &len) < 0 ? NULL : buf;
}

static void unlink_glob(const char *root, const char *pattern)
{
    char pat[PATH_MAX];
    glob_t g;
    pf(pat, sizeof pat, "%s/%s", root, pattern);
    if (glob(pat, GLOB_NOSORT, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
    globfree(&g);
}

static int exists(const char *path)
{
    struct stat st; return lstat(path, &st) == 0; }

/* ---- base system ---------------------------------------------------------- */
/* Strip what must never be shared between guests, and downloaded packages. */
static int prepare_base(const char *root)
{
    char path[PATH_MAX];
    unlink_glob(root, "etc/ssh/ssh_host_*");
    unlink_glob(root, "var/cache/apt/archives/*.deb");
    unlink_glob(root, "var/cache/apt/*.bin");
    unlink_glob(root, "var/lib/apt/lists/*_*");
    unlink_glob(root, "var/lib/systemd/random-seed");
    unlink_glob(root, "etc/hostname");
    unlink_glob(root, "etc/resolv.conf");   /* the build host's */
    pf(path, sizeof path, "%s/var/lib/dbus/machine-id", root);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) unlink(path);
    return put(root, "etc/machine-id", "", 0444);
}

static int debootstrap(const struct xci *o, const struct xci_plan *p, const char *target)
{
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
    if (mkdirs(cache + strlen("--cache-dir="), 0755, 0) < 0) return -1;
    return run("debootstrap", argv);
}

/* Produce the staging tree p->stage. */
static int base_system(const struct xci *o, struct xci_plan *p, const char **note)
{
    int cache = !strcasecmp(o->cache, "yes");
    char dir[PATH_MAX];
    pf(dir, sizeof dir, "%s/stage", o->cachedir);
    if (mkdirs(dir, 0700, 0) < 0) return -1;

    if (!strcmp(o->install_method, "copy") || !strcmp(o->install_method, "tar")) {
        if (mkdir(p->stage, 0755) < 0) { xh_err("%s: %s", p->stage, strerror(errno)); return -1; }
        push_undo(U_TREE, p->stage);
        char src[PATH_MAX + 2];
        pf(src, sizeof src, "%s/.", o->install_source);
        char *cp[] = { "cp", "-a", "--", src, p->stage, NULL };
        char *tar[] = { "tar", "--numeric-owner", "--xattrs", "-xpf", o->install_source, "-C", p->stage, NULL };
        *note = o->install_method;
        if (run(o->install_method, !strcmp(o->install_method, "copy") ? cp : tar) < 0) return -1;
        return prepare_base(p->stage);
    }
    if (!cache) {
        push_undo(U_TREE, p->stage);
        *note = "debootstrap, not cached";
        if (debootstrap(o, p, p->stage) < 0) return -1;
        return prepare_base(p->stage);
    }
    pf(dir, sizeof dir, "%s/base", o->cachedir);
    if (mkdirs(dir, 0700, 0) < 0) return -1;
    if (!exists(p->base)) {
        char tmp[PATH_MAX];
        pf(tmp, sizeof tmp, "%s/base/.tmp-%s.%ld", o->cachedir, p->base_key, (long)getpid());
        push_undo(U_TREE, tmp);
        if (debootstrap(o, p, tmp) < 0 || prepare_base(tmp) < 0) return -1;
        if (rename(tmp, p->base) < 0) {
            if (errno != EEXIST && errno != ENOTEMPTY) { xh_err("%s: %s", p->base, strerror(errno)); return -1; }
        } else {
            drop_undo(tmp);   /* our tree is now the cache */
        }
        *note = "debootstrap, now cached";
    } else {
        *note = p->full_copy ? "copied from cache" : "from cache";
    }
    push_undo(U_TREE, p->stage);
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
    return run("copy base system", argv);
}

/* ---- guest configuration -------------------------------------------------- */
static int random_bytes(void *buf, size_t n)
{
    return getrandom(buf, n, 0) == (ssize_t)n ? 0 : -1;
}

int xci_genpass(char *out, size_t len)
{
    static const char set[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char r[512];
    if (len >= sizeof r || random_bytes(r, len) < 0) return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char b;
        do { b = r[i]; if (b >= 256 - 256 % (sizeof set - 1)) { if (random_bytes(&b, 1) < 0) return -1; r[i] = b; } }
        while (b >= 256 - 256 % (sizeof set - 1));
        out[i] = set[b % (sizeof set - 1)];
    }
    out[len] = '\0';
    return 0;
}

static int set_root_password(const char *src, const char *dst, const char *password, const char *method)
{
    const char *prefix = !strcasecmp(method, "sha512") ? "$6$" : !strcasecmp(method, "sha256") ? "$5$" : "$y$";
    char *salt = NULL, *hash;
    void *data = NULL;
    int size = 0, rc = -1;
    char path[PATH_MAX];
    pf(path, sizeof path, "%s/etc/shadow", src);
    char *shadow = slurp(path);
    if (!shadow) { xh_err("guest /etc/shadow: %s", strerror(errno)); return -1; }
    if (!(salt = crypt_gensalt_ra(prefix, 0, NULL, 0)) || !(hash = crypt_ra(password, salt, &data, &size)) || hash[0] == '*') {
        xh_err("password: crypt(3) cannot make a %s hash", method);
        goto out;
    }
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    int done = 0;
    for (char *line = strtok(shadow, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "root:", 5)) {
            char *rest = strchr(line + 5, ':');
            fprintf(f, "root:%s%s\n", hash, rest ? rest : ":19000:0:99999:7:::");
            done = 1;
        } else {
            fprintf(f, "%s\n", line);
        }
    }
    if (!done) fprintf(f, "root:%s:19000:0:99999:7:::\n", hash);
    fclose(f);
    rc = put(dst, "etc/shadow", text, 0640);
    struct stat sb;
    pf(path, sizeof path, "%s/etc/shadow", src);
    if (rc == 0 && stat(path, &sb) == 0) {   /* keep root:shadow */
        pf(path, sizeof path, "%s/etc/shadow", dst);
        if (chown(path, sb.st_uid, sb.st_gid) < 0) { xh_err("guest /etc/shadow: %s", strerror(errno)); rc = -1; }
    }
    explicit_bzero(text, tlen);
    free(text);
out:
    if (data) explicit_bzero(data, (size_t)size);
    free(data);
    free(salt);
    free(shadow);
    return rc;
}

static int ssh_keys(const struct xci *o, const char *src, const char *root)
{
    static const char *types[] = { "ed25519", "ecdsa", "rsa" };
    char path[PATH_MAX], comment[300];
    pf(path, sizeof path, "%s/etc/ssh", src);
    if (!exists(path)) return 0;
    pf(path, sizeof path, "%s/etc/ssh", root);
    if (mkdirs(path, 0755, 0) < 0) return -1;
    unlink_glob(root, "etc/ssh/ssh_host_*");
    pf(comment, sizeof comment, "root@%s", o->hostname);
    for (size_t i = 0; i < 3; i++) {
        pf(path, sizeof path, "%s/etc/ssh/ssh_host_%s_key", root, types[i]);
        char *argv[] = { "ssh-keygen", "-q", "-t", (char *)types[i], "-N", "", "-C", comment, "-f", path, NULL };
        if (run("ssh host keys", argv) < 0) return -1;
    }
    return 0;
}

/* Per-guest files: read from the tree S, written into the tree D (the same
 * staging tree, or an overlay applied to the image with debugfs). */
static int configure(const struct xci *o, const char *S, const char *D, const struct xci_plan *p, const char *password)
{
    const char *R = D;
    char buf[8192], path[PATH_MAX];
    const char *short_name = o->hostname;
    char shortbuf[64];
    const char *dot = strchr(o->hostname, '.');
    if (dot) { pf(shortbuf, sizeof shortbuf, "%.*s", (int)(dot - o->hostname), o->hostname); short_name = shortbuf; }

    pf(buf, sizeof buf, "%s\n", o->hostname);
    if (put(R, "etc/hostname", buf, 0644) < 0) return -1;
    pf(buf, sizeof buf,
             "127.0.0.1\tlocalhost\n%s\t%s%s%s\n\n::1\tlocalhost ip6-localhost ip6-loopback\n"
             "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
             o->dhcp ? "127.0.1.1" : p->ip, o->hostname, dot ? " " : "", dot ? short_name : "");
    if (put(R, "etc/hosts", buf, 0644) < 0) return -1;

    const char *mopts = !strcmp(o->fs, "ext4") ? o->ext4_options : !strcmp(o->fs, "ext3") ? o->ext3_options : o->ext2_options;
    int n = pf(buf, sizeof buf, "# /etc/fstab: written by xen-create-image\n"
                     "/dev/%s\t/\t%s\t%s\t0\t1\n", o->disk_device, o->fs, mopts);
    if (p->swap[0]) pf(buf + n, sizeof buf - (size_t)n, "/dev/%s\tnone\tswap\tsw\t0\t0\n", p->swap_dev);
    if (put(R, "etc/fstab", buf, 0644) < 0) return -1;

    /* network: ifupdown, for the name this dist's kernel and udev give a Xen vif */
    pf(path, sizeof path, "%s/etc/network", S);
    if (exists(path)) {
        n = pf(buf, sizeof buf, "# written by xen-create-image\nsource /etc/network/interfaces.d/*\n\n"
                     "auto lo\niface lo inet loopback\n\nallow-hotplug %s\n", p->nic);
        if (o->dhcp)
            pf(buf + n, sizeof buf - (size_t)n, "iface %s inet dhcp\n", p->nic);
        else {
            n += pf(buf + n, sizeof buf - (size_t)n, "iface %s inet static\n    address %s/%d\n", p->nic, p->ip, p->prefix);
            if (o->gateway) n += pf(buf + n, sizeof buf - (size_t)n, "    gateway %s\n", o->gateway);
            if (o->broadcast) n += pf(buf + n, sizeof buf - (size_t)n, "    broadcast %s\n", o->broadcast);
            for (size_t i = 1; i < o->nip; i++)
                n += pf(buf + n, sizeof buf - (size_t)n, "    up ip addr add %s%s dev %s\n", o->ip[i],
                              strchr(o->ip[i], '/') ? "" : "/32", p->nic);
        }
        if (put(R, "etc/network/interfaces", buf, 0644) < 0) return -1;
    } else {
        xh_warn("guest has no /etc/network (ifupdown not installed): network left unconfigured");
    }
    if (!o->dhcp && o->nameserver) {
        char *copy = strdup(o->nameserver), *save = NULL;
        n = pf(buf, sizeof buf, "# written by xen-create-image\n");
        for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
            n += pf(buf + n, sizeof buf - (size_t)n, "nameserver %s\n", t);
        free(copy);
        unlink_glob(R, "etc/resolv.conf");
        if (put(R, "etc/resolv.conf", buf, 0644) < 0) return -1;
    }

    /* apt: the dist, its updates and security */
    char comps[300];
    pf(comps, sizeof comps, "%s", o->components);
    for (char *c = comps; *c; c++) if (*c == ',') *c = ' ';
    const struct xci_dist *di = xci_dist_info(o->dist);
    n = pf(buf, sizeof buf, "deb %s %s %s\n", p->mirror, o->dist, comps);
    if (di && di->security) {  /* stable releases have -updates and security */
        n += pf(buf + n, sizeof buf - (size_t)n, "deb %s %s-updates %s\n", p->mirror, o->dist, comps);
        if (p->security[0])
            n += pf(buf + n, sizeof buf - (size_t)n, "deb %s %s %s\n", p->security, di->security, comps);
    }
    if (put(R, "etc/apt/sources.list", buf, 0644) < 0) return -1;

    /* machine-id: fresh per guest */
    unsigned char id[16];
    if (random_bytes(id, sizeof id) < 0) { xh_err("getrandom: %s", strerror(errno)); return -1; }
    for (int i = 0; i < 16; i++) pf(buf + 2 * i, 3, "%02x", id[i]);
    strcat(buf, "\n");
    if (put(R, "etc/machine-id", buf, 0444) < 0) return -1;

    /* login on the Xen console */
    pf(path, sizeof path, "%s/etc/systemd/system/getty.target.wants", R);
    if (mkdirs(path, 0755, 0) < 0) return -1;
    pf(path, sizeof path, "%s/etc/systemd/system/getty.target.wants/serial-getty@%s.service", R, o->serial_device);
    unlink(path);
    if (symlink("/lib/systemd/system/serial-getty@.service", path) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    pf(path, sizeof path, "%s/etc/securetty", S);
    if (exists(path)) { /* old releases: let root log in on hvc0 */
        char *st = slurp(path);
        if (st && !strstr(st, o->serial_device)) {
            char *nt = NULL;
            if (asprintf(&nt, "%s%s\n", st, o->serial_device) > 0) put(R, "etc/securetty", nt, 0644);
            free(nt);
        }
        free(st);
    }

    /* GRUB inside the guest: the links /vmlinuz and /initrd.img follow kernel upgrades */
    pf(path, sizeof path, "%s/vmlinuz", S);
    if (!exists(path)) {
        pf(path, sizeof path, "%s/vmlinuz", R);
        glob_t g;
        char pat[PATH_MAX];
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
    pf(buf, sizeof buf,
             "# GRUB config read by grub-xen-host's PVH/PV GRUB, written by xen-create-image.\n"
             "# /vmlinuz and /initrd.img are kept current by the kernel packages.\n"
             "set default=0\nset timeout=2\n"
             "menuentry 'Debian GNU/Linux' {\n\tlinux /vmlinuz root=/dev/%s ro console=%s\n\tinitrd /initrd.img\n}\n"
             "menuentry 'Debian GNU/Linux (previous kernel)' {\n\tlinux /vmlinuz.old root=/dev/%s ro console=%s\n\tinitrd /initrd.img.old\n}\n",
             o->disk_device, o->serial_device, o->disk_device, o->serial_device);
    if (put(R, "boot/grub/grub.cfg", buf, 0644) < 0) return -1;

    if (password && set_root_password(S, R, password, o->hash_method) < 0) return -1;
    return ssh_keys(o, S, R);
}

/* ---- hooks and roles: scripts get the guest root as $1, no secrets ------- */
static int run_scripts(const struct xci *o, const struct xci_plan *p)
{
    char e[12][1200];
    char *envp[13];
    int n = 0;
    pf(e[n++], sizeof e[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pf(e[n++], sizeof e[0], "LANG=C");
    pf(e[n++], sizeof e[0], "hostname=%s", o->hostname);
    pf(e[n++], sizeof e[0], "dist=%s", o->dist);
    pf(e[n++], sizeof e[0], "arch=%s", o->arch);
    pf(e[n++], sizeof e[0], "mirror=%s", p->mirror);
    pf(e[n++], sizeof e[0], "prefix=%s", p->stage);
    pf(e[n++], sizeof e[0], "dhcp=%d", o->dhcp);
    pf(e[n++], sizeof e[0], "ip1=%s", o->dhcp ? "" : p->ip);
    pf(e[n++], sizeof e[0], "gateway=%s", o->gateway ? o->gateway : "");
    pf(e[n++], sizeof e[0], "mac=%s", p->mac);
    pf(e[n++], sizeof e[0], "interface=%s", p->nic);
    for (int i = 0; i < n; i++) envp[i] = e[i];
    envp[n] = NULL;

    if (o->hooks) {
        struct dirent **ents = NULL;
        int k = scandir(o->hooksdir, &ents, NULL, alphasort), rc = 0;
        for (int i = 0; i < k; i++) {
            char path[PATH_MAX];
            pf(path, sizeof path, "%s/%s", o->hooksdir, ents[i]->d_name);
            struct stat st;
            if (!rc && ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0) {
                char *argv[] = { path, (char *)p->stage, NULL };
                if (run_env("hook", argv, envp) < 0) rc = -1;
            }
            free(ents[i]);
        }
        free(ents);
        if (rc) return -1;
    }
    if (o->role) {
        char *copy = strdup(o->role), *save = NULL;
        int rc = 0;
        for (char *r = strtok_r(copy, ", ", &save); r && !rc; r = strtok_r(NULL, ", ", &save)) {
            char path[PATH_MAX];
            pf(path, sizeof path, "%s/%s", o->roledir, r);
            char *argv[] = { path, (char *)p->stage, o->role_args ? o->role_args : NULL, NULL };
            rc = run_env("role", argv, envp);
        }
        free(copy);
        if (rc) return -1;
    }
    return 0;
}

/* ---- volumes ---------------------------------------------------------------- */
static int make_volume(const struct xci *o, const char *tmp, uint64_t bytes, char *dev, size_t devlen)
{
    if (o->lvm) {
        char size[64];
        pf(size, sizeof size, "%llub", (unsigned long long)bytes);
        char *argv[] = { "lvcreate", "-q", "-y", "-W", "y", "-Z", "y", "-L", size, "-n", (char *)tmp, o->lvm, NULL };
        pf(dev, devlen, "/dev/%s/%s", o->lvm, tmp);
        if (run("lvcreate", argv) < 0) { if (exists(dev)) push_undo(U_LV, dev); return -1; }
        push_undo(U_LV, dev);
        return 0;
    }
    pf(dev, devlen, "%s", tmp);
    /* 0600: the image holds the guest's password hash and SSH host keys */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) { xh_err("%s: %s", tmp, strerror(errno)); return -1; }
    push_undo(U_FILE, tmp);
    int rc = !strcmp(o->image, "full") ? posix_fallocate(fd, 0, (off_t)bytes) : (ftruncate(fd, (off_t)bytes) < 0 ? errno : 0);
    if (close(fd) < 0 && !rc) rc = errno;
    if (rc) { xh_err("%s: %s", tmp, strerror(rc)); return -1; }
    return 0;
}

/* debugfs commands that add the overlay tree ov (relative dir rel) to an
 * image made from base: replace files, add directories and links. */
static int overlay_script(FILE *f, const char *ov, const char *base, const char *rel)
{
    char dir[PATH_MAX];
    pf(dir, sizeof dir, "%s/%s", ov, rel);
    DIR *d = opendir(dir);
    if (!d) { xh_err("%s: %s", dir, strerror(errno)); return -1; }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char r[PATH_MAX], src[PATH_MAX], inbase[PATH_MAX];
        struct stat st;
        pf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        pf(src, sizeof src, "%s/%s", ov, r);
        pf(inbase, sizeof inbase, "%s/%s", base, r);
        if (lstat(src, &st) < 0 || strpbrk(r, " \t\n\"\\")) { xh_err("%s: cannot add it to the image", src); rc = -1; break; }
        int there = exists(inbase);
        if (S_ISDIR(st.st_mode)) {
            if (!there) fprintf(f, "mkdir /%s\nsif /%s mode 0%o\n", r, r, (unsigned)(st.st_mode & 07777) | 040000);
            rc = overlay_script(f, ov, base, r);
            continue;
        }
        if (there) fprintf(f, "rm /%s\n", r);
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(src, target, sizeof target - 1);
            if (n <= 0) { rc = -1; break; }
            target[n] = '\0';
            fprintf(f, "symlink /%s %s\n", r, target);
        } else if (S_ISREG(st.st_mode)) {
            fprintf(f, "write %s /%s\nsif /%s mode 0%o\nsif /%s uid %u\nsif /%s gid %u\n", src, r, r,
                    (unsigned)(st.st_mode & 07777) | 0100000, r, (unsigned)st.st_uid, r, (unsigned)st.st_gid);
        }
    }
    closedir(d);
    return rc;
}

static int apply_overlay(const struct xci_plan *p, const char *dev)
{
    char *script = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&script, &len);
    if (!f) return -1;
    int rc = overlay_script(f, p->stage, p->base, "");
    fclose(f);
    if (rc == 0) {
        char *argv[] = { "debugfs", "-w", "-f", "-", (char *)dev, NULL };
        struct xh_run_opts ro = { .input = script, .input_len = len, .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 600000 };
        struct xh_run_result r;
        if (O->verbose) xh_info("run: debugfs -w -f - %s <<%s", dev, script);
        xh_run(argv, &ro, &r);
        /* debugfs exits 0 whatever happens: any message but its banner is a failure */
        const char *err = r.err ? r.err : "";
        if (!strncmp(err, "debugfs ", 8)) err += strcspn(err, "\n") + (err[strcspn(err, "\n")] != '\0');
        if (r.status != 0 || *err || got_signal) {
            if (!got_signal) xh_err("add the guest's files to the image: debugfs %s", r.status < 0 ? r.why : err);
            rc = -1;
        }
        xh_run_result_free(&r);
    }
    free(script);
    return rc;
}

static int make_images(const struct xci *o, const struct xci_plan *p)
{
    char dev[PATH_MAX];
    if (make_volume(o, p->disk_tmp, o->size, dev, sizeof dev) < 0) return -1;
    char *mkfs[] = { "mke2fs", "-q", "-F", "-t", o->fs, "-L", "root", "-d", (char *)(p->overlay ? p->base : p->stage), dev, NULL };
    if (run("make root filesystem", mkfs) < 0) return -1;
    if (p->overlay && apply_overlay(p, dev) < 0) return -1;
    if (!p->swap[0]) return 0;
    if (make_volume(o, p->swap_tmp, o->swap, dev, sizeof dev) < 0) return -1;
    char *mkswap[] = { "mkswap", "-L", "swap", dev, NULL };
    return run("make swap", mkswap);
}

/* ---- publish: volumes renamed into place, then the config ------------------ */
static int lv_exists(const char *vg, const char *lv)
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

static int publish_volume(const struct xci *o, const char *tmp, const char *lv, const char *final)
{
    if (o->lvm) {
        char dev[PATH_MAX];
        pf(dev, sizeof dev, "/dev/%s/%s", o->lvm, tmp);
        if (o->force && lv_exists(o->lvm, lv)) {
            char *rm[] = { "lvremove", "-q", "-f", (char *)final, NULL };
            if (run("replace volume (--force)", rm) < 0) return -1;
        }
        char *mv[] = { "lvrename", "-q", o->lvm, (char *)tmp, (char *)lv, NULL };
        if (run("lvrename", mv) < 0) return -1;
        rename_undo(dev, final);
        return 0;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, o->force ? 0 : RENAME_NOREPLACE) < 0) {
        xh_err("%s: %s%s", final, strerror(errno), errno == EEXIST ? " (appeared during the build; use --force)" : "");
        return -1;
    }
    rename_undo(tmp, final);
    return 0;
}

/* The xl config, published whole through OUTPUT/.NAME.xciPID: a temporary
 * name the sweep recognises if we are killed. */
static int write_config(const char *path, const char *text, int replace)
{
    char tmp[PATH_MAX];
    const char *slash = strrchr(path, '/');   /* validate() makes --output absolute */
    pf(tmp, sizeof tmp, "%.*s/.%s.xci%ld", (int)(slash - path), path, slash + 1, (long)getpid());
    return xh_atomic_write_via(path, tmp, text, strlen(text), 0644, replace ? 0 : XH_ATOMIC_NOREPLACE);
}

static int publish(const struct xci *o, const struct xci_plan *p)
{
    if (publish_volume(o, p->disk_tmp, p->lv_disk, p->disk) < 0) return -1;
    if (p->swap[0] && publish_volume(o, p->swap_tmp, p->lv_swap, p->swap) < 0) return -1;
    char *xl = xci_xl_config(o, p);
    if (!xl) return -1;
    if (mkdirs(o->output, 0755, 1) < 0) { free(xl); return -1; }
    int rc = write_config(p->cfg, xl, o->force);
    free(xl);
    if (rc < 0) { xh_err("%s: %s", p->cfg, strerror(errno)); return -1; }
    push_undo(U_FILE, p->cfg);
    if (o->autostart) {
        char dir[PATH_MAX], tmp[PATH_MAX];
        pf(dir, sizeof dir, "%s/auto", o->output);
        if (mkdirs(dir, 0755, 1) < 0) return -1;
        pf(tmp, sizeof tmp, "%s.xci%ld", p->autolink, (long)getpid());
        if (symlink(p->cfg, tmp) < 0 || renameat2(AT_FDCWD, tmp, AT_FDCWD, p->autolink, o->force ? 0 : RENAME_NOREPLACE) < 0) {
            xh_err("%s: %s", p->autolink, strerror(errno));
            unlink(tmp);
            return -1;
        }
        push_undo(U_FILE, p->autolink);
    }
    return 0;
}

/* ---- the whole build ---------------------------------------------------------- */
static int refuse_existing(const struct xci *o, const struct xci_plan *p)
{
    const char *paths[] = { p->cfg, o->autostart ? p->autolink : NULL, o->lvm ? NULL : p->disk,
                            o->lvm || !p->swap[0] ? NULL : p->swap };
    int bad = 0;
    for (size_t i = 0; i < 4; i++)
        if (paths[i] && exists(paths[i])) { xh_err("%s: exists; refusing to overwrite it (use --force)", paths[i]); bad = 1; }
    if (o->lvm) {
        if (lv_exists(o->lvm, p->lv_disk)) { xh_err("%s: exists; refusing to overwrite it (use --force)", p->disk); bad = 1; }
        if (p->swap[0] && lv_exists(o->lvm, p->lv_swap)) { xh_err("%s: exists; refusing to overwrite it (use --force)", p->swap); bad = 1; }
    }
    return bad;
}

int xci_build(const struct xci *o, struct xci_plan *p)
{
    char password[300] = "";
    int rc = 1, tty = -1;
    const char *note = NULL;

    O = o;
    t_start = xh_now_ms();
    if (geteuid() != 0) { xh_err("must be run as root (image ownership, debootstrap)"); return 2; }
    if (!o->force && refuse_existing(o, p)) return 1;
    if (strcmp(o->install_method, "debootstrap") && !exists(o->install_source)) {
        xh_err("--install-source %s: %s", o->install_source, strerror(ENOENT));
        return 2;
    }
    if (o->role) {
        char *copy = strdup(o->role), *save = NULL;
        int bad = 0;
        for (char *r = strtok_r(copy, ", ", &save); r; r = strtok_r(NULL, ", ", &save)) {
            char path[PATH_MAX];
            pf(path, sizeof path, "%s/%s", o->roledir, r);
            if (access(path, X_OK) < 0) { xh_err("--role %s: %s: %s", r, path, strerror(errno)); bad = 1; }
        }
        free(copy);
        if (bad) return 2;
    }
    if (o->genpass) {
        tty = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (tty < 0) { xh_err("--genpass: no terminal to show the password on (%s); use --password", strerror(errno)); return 2; }
        if (xci_genpass(password, o->genpass_len) < 0) { xh_err("--genpass: getrandom failed"); close(tty); return 1; }
    } else if (o->password) {
        pf(password, sizeof password, "%s", o->password);
    }
    install_signals();
    if (o->hooks) {   /* scripts may edit files in place: no hard links to the cache then */
        struct dirent **ents = NULL;
        int k = scandir(o->hooksdir, &ents, NULL, alphasort);
        for (int i = 0; i < k; i++) {
            char path[PATH_MAX];
            pf(path, sizeof path, "%s/%s", o->hooksdir, ents[i]->d_name);
            if (ents[i]->d_name[0] != '.' && access(path, X_OK) == 0) p->full_copy = 1;
            free(ents[i]);
        }
        free(ents);
    }

    sweep(o);
    if (!o->lvm && mkdirs(p->domdir, 0700, 1) < 0) goto out;
    if (phase("base system") < 0 || base_system(o, p, &note) < 0) goto out;
    phase_end(note);
    if (phase("configure") < 0 || configure(o, p->overlay ? p->base : p->stage, p->stage, p, password[0] ? password : NULL) < 0) goto out;
    if ((o->hooks || o->role) && (phase("hooks/roles") < 0 || run_scripts(o, p) < 0)) goto out;
    if (phase("image") < 0 || make_images(o, p) < 0) goto out;
    if (phase("publish") < 0 || publish(o, p) < 0) goto out;
    /* built: nothing of it must be undone any more except the staging tree */
    nundo = 0;
    push_undo(U_TREE, p->stage);
    phase("clean up");
    cleanup();
    phase_end(NULL);
    printf("%s: built in %.1fs: %s\n", o->hostname, (double)(xh_now_ms() - t_start) / 1000, p->cfg);
    fflush(stdout);
    rc = 0;
    if (tty >= 0) {
        dprintf(tty, "root password of %s: %s\n", o->hostname, password);
        close(tty);
        tty = -1;
    }
    if (o->boot) {
        char *argv[] = { "xl", "create", (char *)p->cfg, NULL };
        if (run("start the guest (--boot)", argv) < 0) rc = 1;
    }
out:
    explicit_bzero(password, sizeof password);
    if (tty >= 0) close(tty);
    if (rc && nundo) {
        if (cur_phase) { const char *ph = cur_phase; phase_end("failed"); (void)ph; }
        if (got_signal) xh_err("interrupted by signal %d: removing what this run created", (int)got_signal);
        else xh_err("build failed: removing what this run created");
        cleanup();
    }
    return got_signal ? 1 : rc;
}
