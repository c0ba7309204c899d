/* report.c - which guests the engine knows of (auto directory, saved images,
 * running), and the status and list commands. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "log.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Editor and package-manager leftovers are not guests. */
static int skip_entry(const char *n)
{
    static const char *const suffixes[] = { "~", ".bak", ".swp", ".orig", ".rpmnew", ".rpmsave",
                                            ".rpmorig", ".dpkg-old", ".dpkg-new", ".dpkg-dist",
                                            ".dpkg-tmp", ".partial" };
    size_t l = strlen(n);
    if (n[0] == '.') return 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i]);
        if (l >= sl && !strcmp(n + l - sl, suffixes[i])) return 1;
    }
    return 0;
}

static struct xd_guest *find(struct xd_guest *gs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) if (!strcmp(gs[i].name, name)) return &gs[i];
    return NULL;
}

static struct xd_guest *add(struct xd_guest **gs, size_t *n, const char *name)
{
    struct xd_guest *g = realloc(*gs, (*n + 1) * sizeof **gs);
    if (!g) xh_die(1, "out of memory");
    *gs = g;
    g = &g[(*n)++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    return g;
}

static int sorted_dir(const char *dir, struct dirent ***ents)
{
    int n = scandir(dir, ents, NULL, alphasort);
    if (n < 0 && errno != ENOENT) xh_warn("%s: %s", dir, strerror(errno));
    return n;
}

static int by_restore_first(const void *a, const void *b)
{
    const struct xd_guest *x = a, *y = b;
    if (!x->image[0] != !y->image[0]) return x->image[0] ? -1 : 1;
    return strcmp(x->name, y->name);
}

int xd_collect(const struct xd_conf *c, struct xd_guest **gs, size_t *n, int with_images)
{
    struct dirent **e;
    char path[PATH_MAX], why[PATH_MAX + 300];
    struct stat st;
    int m, bad = 0;

    *gs = NULL;
    *n = 0;
    if (c->auto_dir[0] && (m = sorted_dir(c->auto_dir, &e)) >= 0) {
        for (int i = 0; i < m; i++) {
            struct xd_guestcfg cfg;
            struct xd_guest *g;
            if (skip_entry(e[i]->d_name) ||
                snprintf(path, sizeof path, "%s/%s", c->auto_dir, e[i]->d_name) >= (int)sizeof path)
                goto next;
            if (stat(path, &st) < 0) { xh_warn("%s: %s, ignoring", path, strerror(errno)); goto next; }
            if (!S_ISREG(st.st_mode)) goto next;
            if (xd_guestcfg_read(path, &cfg, why, sizeof why) < 0) {
                xh_err("%s, not starting it", why);
                bad++;
                goto next;
            }
            if ((g = find(*gs, *n, cfg.name)) != NULL) {
                xh_err("%s: guest %s is also defined by %s, ignoring this file", path, cfg.name, g->config);
                xd_guestcfg_free(&cfg);
                bad++;
                goto next;
            }
            g = add(gs, n, cfg.name);
            memcpy(g->config, path, sizeof path);
            g->cfg = cfg;
            g->mem_mib = cfg.memory_mib;
        next:
            free(e[i]);
        }
        free(e);
    }
    if (with_images && c->save_dir[0] && (m = sorted_dir(c->save_dir, &e)) >= 0) {
        for (int i = 0; i < m; i++) {
            struct xd_guest *g;
            if (snprintf(path, sizeof path, "%s/%s", c->save_dir, e[i]->d_name) < (int)sizeof path &&
                !skip_entry(e[i]->d_name) && xd_name_ok(e[i]->d_name) && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (!(g = find(*gs, *n, e[i]->d_name))) g = add(gs, n, e[i]->d_name);
                memcpy(g->image, path, sizeof path);
            }
            free(e[i]);
        }
        free(e);
    }
    if (*n) qsort(*gs, *n, sizeof **gs, by_restore_first);
    return bad;
}

void xd_guests_free(struct xd_guest *gs, size_t n)
{
    for (size_t i = 0; i < n; i++) xd_guestcfg_free(&gs[i].cfg);
    free(gs);
}

/* Mark the running guests; add those not known yet. Returns -1 if xl failed. */
static int mark_running(const struct xd_conf *c, struct xd_guest **gs, size_t *n)
{
    struct xd_dom *d;
    char why[512];
    int m = xd_xl_list(c, &d, why, sizeof why);
    if (m < 0) { xh_warn("%s", why); return -1; }
    for (int i = 0; i < m; i++) {
        struct xd_guest *g = find(*gs, *n, d[i].name);
        if (!g) g = add(gs, n, d[i].name);
        g->running = 1;
        g->mem_mib = d[i].mem_mib;
    }
    free(d);
    return 0;
}

int xd_cmd_list(const struct xd_conf *c)
{
    struct xd_guest *gs;
    size_t n;
    int rc;

    xd_collect(c, &gs, &n, c->restore);
    rc = mark_running(c, &gs, &n);
    printf("%-24s %-8s %-10s %s\n", "NAME", "RUNNING", "AT START", "FROM");
    for (size_t i = 0; i < n; i++) {
        const struct xd_guest *g = &gs[i];
        const char *act = g->running ? "-" : g->image[0] ? "restore" : g->config[0] ? "create" : "-";
        printf("%-24s %-8s %-10s %s\n", g->name, rc < 0 ? "?" : g->running ? "yes" : "no", act,
               g->image[0] ? g->image : g->config[0] ? g->config : "(not in the auto directory)");
    }
    xd_guests_free(gs, n);
    return rc < 0 ? 1 : 0;
}

int xd_cmd_status(const struct xd_conf *c)
{
    struct xd_guest *gs;
    size_t n;
    struct dirent **e;
    int rc, m;

    xd_collect(c, &gs, &n, 1);
    rc = mark_running(c, &gs, &n);
    /* guests we only know from their records */
    if ((m = sorted_dir(c->state_dir, &e)) >= 0) {
        for (int i = 0; i < m; i++) {
            char *dot = strrchr(e[i]->d_name, '.');
            if (e[i]->d_name[0] != '.' && dot && (!strcmp(dot, ".start") || !strcmp(dot, ".stop"))) {
                *dot = '\0';
                if (!find(gs, n, e[i]->d_name)) add(&gs, &n, e[i]->d_name);
            }
            free(e[i]);
        }
        free(e);
    }
    for (size_t i = 0; i < n; i++) {
        char start[1300], stop[1300];
        const struct xd_guest *g = &gs[i];
        if (xd_record_read(c, g->name, "start", start, sizeof start) < 0) snprintf(start, sizeof start, "none");
        if (xd_record_read(c, g->name, "stop", stop, sizeof stop) < 0) snprintf(stop, sizeof stop, "none");
        printf("%s: %s%s%s\n  last start: %s\n  last stop:  %s\n", g->name,
               rc < 0 ? "state unknown" : g->running ? "running" : "not running",
               g->image[0] ? ", saved image " : "", g->image, start, stop);
    }
    if (n == 0) printf("no guests: nothing in %s, no saved images, none running\n", c->auto_dir);
    xd_guests_free(gs, n);
    return rc < 0 ? 1 : 0;
}
