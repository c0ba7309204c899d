/* publish.c - the end of a build: the volumes renamed into place (without
 * replacing anything unless --force), then the xl config, written whole, then
 * the autostart link (absolute). */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/atomicfile.h"
#include "../lib/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The xl config, published whole through OUTPUT/.NAME.xciPID: a temporary
 * name the sweep recognises if we are killed. */
static int write_config(const char *path, const char *text, int replace)
{
    char tmp[PATH_MAX];
    const char *slash = strrchr(path, '/');   /* validate() makes --output absolute */
    pf(tmp, sizeof tmp, "%.*s/.%s.xci%ld", (int)(slash - path), path, slash + 1, (long)getpid());
    return xh_atomic_write_via(path, tmp, text, strlen(text), 0644, replace ? 0 : XH_ATOMIC_NOREPLACE);
}

int xci_publish(struct xci_build *b)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
    if (xci_publish_volume(b, p->disk_tmp, p->lv_disk, p->disk) < 0) return -1;
    if (p->swap[0] && xci_publish_volume(b, p->swap_tmp, p->lv_swap, p->swap) < 0) return -1;
    char *xl = xci_xl_config(o, p);
    if (!xl) return -1;
    if (xci_mkdirs(b, o->output, 0755, 1) < 0) { free(xl); return -1; }
    int rc = write_config(p->cfg, xl, o->force);
    free(xl);
    if (rc < 0) { xh_err("%s: %s", p->cfg, strerror(errno)); return -1; }
    xci_undo_push(b, U_FILE, p->cfg);
    if (o->autostart) {
        char dir[PATH_MAX], tmp[PATH_MAX];
        pf(dir, sizeof dir, "%s/auto", o->output);
        if (xci_mkdirs(b, dir, 0755, 1) < 0) return -1;
        pf(tmp, sizeof tmp, "%s.xci%ld", p->autolink, (long)getpid());
        if (symlink(p->cfg, tmp) < 0 || renameat2(AT_FDCWD, tmp, AT_FDCWD, p->autolink, o->force ? 0 : RENAME_NOREPLACE) < 0) {
            xh_err("%s: %s", p->autolink, strerror(errno));
            unlink(tmp);
            return -1;
        }
        xci_undo_push(b, U_FILE, p->autolink);
    }
    return 0;
}
