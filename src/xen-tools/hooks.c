/* hooks.c - the admin's hook scripts (HOOKSDIR, every executable file in name
 * order) and role scripts (--role): each gets the guest root as $1 and a clean
 * environment (hostname dist arch mirror prefix dhcp ip1 gateway mac interface),
 * never a secret. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* fn(path, ctx) for each hook: the executable regular files of HOOKSDIR not starting
 * with '.', in name order, until fn returns non-zero (that value is returned). */
static int each_hook(const struct xci *o, int (*fn)(const char *path, void *ctx), void *ctx)
{
    struct dirent **ents = NULL;
    int k = scandir(o->hooksdir, &ents, NULL, alphasort), rc = 0;
    for (int i = 0; i < k; i++) {
        char path[PATH_MAX];
        struct stat st;
        pf(path, sizeof path, "%s/%s", o->hooksdir, ents[i]->d_name);
        if (!rc && ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            rc = fn(path, ctx);
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static int found(const char *path, void *ctx) { (void)path; (void)ctx; return 1; }

/* Scripts may edit files in place: then the tree must not share inodes with the cache. */
int xci_hooks_present(const struct xci *o) { return each_hook(o, found, NULL); }

int xci_roles_check(const struct xci *o)
{
    char *copy = strdup(o->role), *save = NULL;
    int bad = 0;
    if (!copy) { xh_err("out of memory"); return 2; }
    for (char *r = strtok_r(copy, ", ", &save); r; r = strtok_r(NULL, ", ", &save)) {
        char path[PATH_MAX];
        pf(path, sizeof path, "%s/%s", o->roledir, r);
        if (access(path, X_OK) < 0) { xh_err("--role %s: %s: %s", r, path, strerror(errno)); bad = 1; }
    }
    free(copy);
    return bad ? 2 : 0;
}

struct hook_run { struct xci_build *b; char **envp; };
static int run_hook(const char *path, void *ctx)
{
    struct hook_run *h = ctx;
    char *argv[] = { (char *)path, (char *)h->b->p->stage, NULL };
    return xci_run_env(h->b, "hook", argv, h->envp) < 0 ? -1 : 0;
}

int xci_run_scripts(struct xci_build *b)
{
    const struct xci *o = b->o;
    const struct xci_plan *p = b->p;
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

    struct hook_run hr = { b, envp };
    if (o->hooks && each_hook(o, run_hook, &hr) != 0) return -1;
    if (o->role) {
        char *copy = strdup(o->role), *save = NULL;
        int rc = 0;
        for (char *r = strtok_r(copy, ", ", &save); r && !rc; r = strtok_r(NULL, ", ", &save)) {
            char path[PATH_MAX];
            pf(path, sizeof path, "%s/%s", o->roledir, r);
            char *argv[] = { path, (char *)p->stage, o->role_args ? o->role_args : NULL, NULL };
            rc = xci_run_env(b, "role", argv, envp);
        }
        free(copy);
        if (rc) return -1;
    }
    return 0;
}
