/* undo.c - what this run created (files, trees, directories, LVs), in order,
 * removed again newest first when the build fails or is interrupted. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

void xci_undo_push(struct xci_build *b, enum xci_undo_kind k, const char *path)
{
    if (b->nundo < (int)(sizeof b->undo / sizeof *b->undo)) {
        b->undo[b->nundo].kind = k;
        pf(b->undo[b->nundo].path, sizeof b->undo[b->nundo].path, "%s", path);
        b->nundo++;
    }
}

void xci_undo_drop(struct xci_build *b, const char *path)
{
    for (int i = b->nundo - 1; i >= 0; i--)
        if (!strcmp(b->undo[i].path, path)) { b->undo[i] = b->undo[--b->nundo]; return; }
}

void xci_undo_rename(struct xci_build *b, const char *from, const char *to)
{
    for (int i = b->nundo - 1; i >= 0; i--)
        if (!strcmp(b->undo[i].path, from)) { pf(b->undo[i].path, sizeof b->undo[i].path, "%s", to); return; }
}

void xci_undo_forget(struct xci_build *b) { b->nundo = 0; }

void xci_undo_all(struct xci_build *b)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);   /* finish the cleanup whatever comes */
    for (int i = b->nundo - 1; i >= 0; i--) {
        struct xci_undo *u = &b->undo[i];
        switch (u->kind) {
        case U_FILE:
            if (unlink(u->path) < 0 && errno != ENOENT) xh_warn("cleanup: %s: %s", u->path, strerror(errno));
            break;
        case U_DIR:
            if (rmdir(u->path) < 0 && errno != ENOENT) xh_warn("cleanup: %s: %s", u->path, strerror(errno));
            break;
        case U_TREE:
            xci_remove_tree(u->path);
            break;
        case U_LV: {
            char *argv[] = { "lvremove", "-q", "-f", u->path, NULL };
            xci_run_quiet(argv);
            break;
        }
        }
    }
    b->nundo = 0;
}

static void made_dir(const char *dir, void *ctx) { xci_undo_push(ctx, U_DIR, dir); }

int xci_mkdirs(struct xci_build *b, const char *path, mode_t mode, int record)
{
    if (xh_mkdir_p(path, mode, record ? made_dir : NULL, b) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    return 0;
}
