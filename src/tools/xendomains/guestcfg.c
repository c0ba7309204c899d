/* guestcfg.c - the few things xendomains needs from an xl guest config file
 * (name, memory, the local paths of its disks), read with the shared xl config
 * reader (src/lib/xlcfg.h); other settings are skipped. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "xlcfg.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct collect { struct xd_guestcfg *g; const char *err; };

static int add_disk(struct xd_guestcfg *g, const char *spec)
{
    char *path = xd_disk_path(spec), **nd;
    if (!path) return 0;
    if (!(nd = realloc(g->disks, (g->ndisks + 1) * sizeof *nd))) { free(path); return -1; }
    g->disks = nd;
    g->disks[g->ndisks++] = path;
    return 0;
}

static int setting(const char *key, char *const *v, size_t n, int is_list, int line, void *ctx)
{
    struct collect *c = ctx;
    struct xd_guestcfg *g = c->g;
    (void)line;
    if (!strcmp(key, "disk")) {
        for (size_t i = 0; i < n; i++)
            if (add_disk(g, v[i]) < 0) { c->err = "out of memory"; return 1; }
    } else if (!is_list && !strcmp(key, "name")) {
        if (strlen(v[0]) >= sizeof g->name) { c->err = "name too long"; return 1; }
        memcpy(g->name, v[0], strlen(v[0]) + 1);
    } else if (!is_list && !strcmp(key, "memory")) {
        g->memory_mib = strtoull(v[0], NULL, 10);
    }
    return 0;
}

/* What xendomains needs once the settings are read: a name usable as a file name. */
static int finish(struct xd_guestcfg *g, char *why, size_t whylen)
{
    if (!g->name[0]) { snprintf(why, whylen, "no name = \"...\" setting"); xd_guestcfg_free(g); return -1; }
    if (!xd_name_ok(g->name)) {
        snprintf(why, whylen, "name \"%s\" cannot be used as a file name", g->name);
        xd_guestcfg_free(g);
        return -1;
    }
    return 0;
}

int xd_guestcfg_parse(const char *text, size_t len, struct xd_guestcfg *g, char *why, size_t whylen)
{
    struct collect c = { g, NULL };
    memset(g, 0, sizeof *g);
    int rc = xh_xlcfg_parse(text, len, setting, &c, why, whylen);
    if (rc > 0) snprintf(why, whylen, "%s", c.err);
    if (rc) { xd_guestcfg_free(g); return -1; }
    return finish(g, why, whylen);
}

int xd_guestcfg_read(const char *path, struct xd_guestcfg *g, char *why, size_t whylen)
{
    struct collect c = { g, NULL };
    char sub[400];
    memset(g, 0, sizeof *g);
    int rc = xh_xlcfg_read(path, setting, &c, why, whylen);
    if (rc > 0) snprintf(why, whylen, "%s: %s", path, c.err);
    if (rc) { xd_guestcfg_free(g); return -1; }
    if (finish(g, sub, sizeof sub) < 0) { snprintf(why, whylen, "%s: %s", path, sub); return -1; }
    return 0;
}

void xd_guestcfg_free(struct xd_guestcfg *g)
{
    for (size_t i = 0; i < g->ndisks; i++) free(g->disks[i]);
    free(g->disks);
    g->disks = NULL;
    g->ndisks = 0;
}

/* xl-disk-configuration: "target=..." (always last), or positional
 * "[prefix:]target,vdev,access[,devtype]". Prefixes format/backend-type.
 * Targets handled by a script (iscsi, drbd, ...) or not a local path: NULL. */
char *xd_disk_path(const char *spec)
{
    static const char *const prefixes[] = { "phy:", "file:", "tap:", "tap2:", "tapdisk:", "aio:",
                                            "raw:", "qcow:", "qcow2:", "vhd:", "qed:", "qdisk:" };
    const char *t = strstr(spec, "target="), *e;
    int phy = 0;
    char *path;

    if (strstr(spec, "script=") || strstr(spec, "devtype=cdrom") || strstr(spec, ",cdrom"))
        return NULL;
    if (t && (t == spec || t[-1] == ',' || t[-1] == ' ')) {
        t += 7;
        e = spec + strlen(spec);
        phy = strstr(spec, "backendtype=phy") != NULL;
    } else {
        t = spec;
        while (*t == ' ') t++;
        if (strchr(t, ',') && strchr(t, '=') && strchr(t, '=') < strchr(t, ','))
            return NULL; /* key=value form without target= : empty drive */
        e = strchrnul(t, ',');
        for (int again = 1; again;) {
            again = 0;
            for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
                size_t pl = strlen(prefixes[i]);
                if (!strncmp(t, prefixes[i], pl)) {
                    phy |= i == 0;
                    t += pl;
                    again = 1;
                }
            }
        }
    }
    while (t < e && *t == ' ') t++;
    while (e > t && e[-1] == ' ') e--;
    if (t == e || memchr(t, ':', (size_t)(e - t)))
        return NULL; /* empty, or iscsi:, nbd:, rbd: ... */
    if (*t != '/') {
        if (!phy) return NULL;
        if (asprintf(&path, "/dev/%.*s", (int)(e - t), t) < 0) return NULL;
        return path;
    }
    return strndup(t, (size_t)(e - t));
}

int xd_name_ok(const char *name)
{
    if (!*name || *name == '.' || strlen(name) >= XD_NAME_MAX) return 0;
    for (; *name; name++)
        if (*name == '/' || (unsigned char)*name < 0x20) return 0;
    return 1;
}
