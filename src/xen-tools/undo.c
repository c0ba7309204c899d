/* undo.c - what this run created (files, trees, directories, LVs), in order,
 * removed again newest first when the build fails or is interrupted. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int xci_undo_push(struct xci_build *b, enum xci_undo_kind k, const char *path)
{
    char *copy = strdup(path);
    if (copy && b->nundo == b->undo_cap) {
        size_t cap = b->undo_cap ? 2 * b->undo_cap : 32;
        struct xci_undo *nu = realloc(b->undo, cap * sizeof *nu);
        if (nu) { b->undo = nu; b->undo_cap = cap; }
    }
    if (!copy || b->nundo == b->undo_cap) {
        free(copy);
        xh_err("%s: out of memory recording it for removal on failure", path);
        b->undo_lost = 1;
        return -1;
    }
    b->undo[b->nundo++] = (struct xci_undo){ k, copy };
    return 0;
}

void xci_undo_drop(struct xci_build *b, const char *path)
{
    for (size_t i = b->nundo; i-- > 0;)
        if (!strcmp(b->undo[i].path, path)) {
            free(b->undo[i].path);
            memmove(&b->undo[i], &b->undo[i + 1], (b->nundo - i - 1) * sizeof *b->undo);
            b->nundo--;
            return;
        }
}

void xci_undo_rename(struct xci_build *b, const char *from, const char *to)
{
    for (size_t i = b->nundo; i-- > 0;)
        if (!strcmp(b->undo[i].path, from)) {
            char *copy = strdup(to);
            if (!copy) { xh_err("%s: out of memory recording it for removal on failure", to); b->undo_lost = 1; return; }
            free(b->undo[i].path);
            b->undo[i].path = copy;
            return;
        }
}

void xci_undo_forget(struct xci_build *b)
{
    for (size_t i = 0; i < b->nundo; i++) free(b->undo[i].path);
    b->nundo = 0;
}

void xci_undo_free(struct xci_build *b)
{
    xci_undo_forget(b);
    free(b->undo);
    b->undo = NULL;
    b->undo_cap = 0;
}

void xci_undo_all(struct xci_build *b)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);   /* finish the cleanup whatever comes */
    for (size_t i = b->nundo; i-- > 0;) {
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
    xci_undo_forget(b);
}

static void made_dir(const char *dir, void *ctx) { xci_undo_push(ctx, U_DIR, dir); }

int xci_mkdirs(struct xci_build *b, const char *path, mode_t mode, int record)
{
    if (xh_mkdir_p(path, mode, record ? made_dir : NULL, b) < 0) { xh_err("%s: %s", path, strerror(errno)); return -1; }
    return 0;
}
