/* tree.c - files and trees of ours: per-guest files written whole, as new inodes (a
 * staging tree may share inodes with the cache through hard links), and trees
 * removed whole with whatever debootstrap mounted in them. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/atomicfile.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

int xci_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

void xci_unlink_glob(const char *root, const char *pattern)
{
    char pat[PATH_MAX];
    glob_t g;
    pf(pat, sizeof pat, "%s/%s", root, pattern);
    if (glob(pat, GLOB_NOSORT, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
    globfree(&g);
}

char *xci_slurp(const char *path)
{
    char *buf;
    size_t len;
    return xh_read_file(path, 16u << 20, &buf, &len) < 0 ? NULL : buf;
}

int xci_put(const char *root, const char *rel, const char *text, mode_t mode)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    pf(path, sizeof path, "%s/%s", root, rel);
    pf(tmp, sizeof tmp, "%s.xci-new", path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (!xci_exists(path) && xh_mkdir_p(path, 0755, NULL, NULL) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    *slash = '/';
    /* whole or not at all; no fsync: the tree is an input of mke2fs, not what is published */
    if (xh_atomic_write_via(path, tmp, text, strlen(text), mode, XH_ATOMIC_NOSYNC) < 0) {
        xh_err("guest file %s: %s", rel, strerror(errno));
        return -1;
    }
    return 0;
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
int xci_remove_tree(const char *path)
{
    umount_under(path);
    char *argv[] = { "rm", "-rf", "--one-file-system", "--", (char *)path, NULL };
    return xci_run_quiet(argv);
}

