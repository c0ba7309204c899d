/* overlay.c - the fast path: the root filesystem is made from the cached base
 * itself, and the guest's own files (the staging tree holds only them) are
 * added with one debugfs -w script: files replaced with their modes and
 * owners, directories and links added. Nothing is mounted. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        int there = xci_exists(inbase);
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

int xci_apply_overlay(struct xci_build *b, const char *dev)
{
    const struct xci_plan *p = b->p;
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
        if (b->o->verbose) xh_info("run: debugfs -w -f - %s <<%s", dev, script);
        xh_run(argv, &ro, &r);
        /* debugfs exits 0 whatever happens: any message but its banner is a failure */
        const char *err = r.err ? r.err : "";
        if (!strncmp(err, "debugfs ", 8)) err += strcspn(err, "\n") + (err[strcspn(err, "\n")] != '\0');
        if (r.status != 0 || *err || xci_signalled()) {
            if (!xci_signalled()) xh_err("add the guest's files to the image: debugfs %s", r.status < 0 ? r.why : err);
            rc = -1;
        }
        xh_run_result_free(&r);
    }
    free(script);
    return rc;
}
