/* guestcfg.c - the few things xendomains needs from an xl guest config file
 * (name, memory, the local paths of its disks). The file is read as data,
 * never run; unknown settings are skipped. */
#define _GNU_SOURCE
#include "xendomains.h"
#include "files.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CFG_MAX (1u << 20)

struct lex { const char *p, *end; int line; };

static void skip_blank(struct lex *l)
{
    while (l->p < l->end) {
        if (*l->p == '#') {
            while (l->p < l->end && *l->p != '\n') l->p++;
        } else if (isspace((unsigned char)*l->p) || *l->p == ';') {
            l->line += *l->p == '\n';
            l->p++;
        } else {
            break;
        }
    }
}

/* A string, number or bare word into out (NUL-terminated, truncated to len).
 * Returns 1 for a string, 0 for a word, -1 on a syntax error. */
static int scalar(struct lex *l, char *out, size_t len, const char **why)
{
    size_t o = 0;
    if (l->p < l->end && (*l->p == '"' || *l->p == '\'')) {
        char q = *l->p++;
        for (; l->p < l->end && *l->p != q && *l->p != '\n'; l->p++) {
            char ch = *l->p;
            if (ch == '\\' && q == '"' && l->p + 1 < l->end) ch = *++l->p;
            if (o + 1 < len) out[o++] = ch;
        }
        if (l->p >= l->end || *l->p != q) { *why = "unterminated string"; return -1; }
        l->p++;
        out[o] = '\0';
        return 1;
    }
    while (l->p < l->end && (isalnum((unsigned char)*l->p) || strchr("._-+:/", *l->p))) {
        if (o + 1 < len) out[o++] = *l->p;
        l->p++;
    }
    out[o] = '\0';
    if (o == 0) { *why = "expected a value"; return -1; }
    return 0;
}

static int add_disk(struct xd_guestcfg *g, const char *spec)
{
    char *path = xd_disk_path(spec), **nd;
    if (!path) return 0;
    if (!(nd = realloc(g->disks, (g->ndisks + 1) * sizeof *nd))) { free(path); return -1; }
    g->disks = nd;
    g->disks[g->ndisks++] = path;
    return 0;
}

int xd_guestcfg_parse(const char *text, size_t len, struct xd_guestcfg *g, char *why, size_t whylen)
{
    struct lex l = { text, text + len, 1 };
    const char *err = NULL;
    char key[64], val[4096];

    memset(g, 0, sizeof *g);
    for (;;) {
        size_t k = 0;
        skip_blank(&l);
        if (l.p >= l.end) break;
        while (l.p < l.end && (isalnum((unsigned char)*l.p) || *l.p == '_'))
            if (k + 1 < sizeof key) key[k++] = *l.p++; else l.p++;
        key[k] = '\0';
        while (l.p < l.end && (*l.p == ' ' || *l.p == '\t')) l.p++;
        if (k == 0 || l.p >= l.end || *l.p != '=') { err = "expected 'setting = value'"; goto fail; }
        l.p++;
        skip_blank(&l);
        int is_disk = !strcmp(key, "disk");
        if (l.p < l.end && *l.p == '[') {
            l.p++;
            for (;;) {
                skip_blank(&l);
                if (l.p < l.end && *l.p == ']') { l.p++; break; }
                if (scalar(&l, val, sizeof val, &err) < 0) goto fail;
                if (is_disk && add_disk(g, val) < 0) { err = "out of memory"; goto fail; }
                skip_blank(&l);
                if (l.p < l.end && *l.p == ',') l.p++;
                else if (l.p >= l.end || *l.p != ']') { err = "expected ',' or ']' in list"; goto fail; }
            }
        } else {
            if (scalar(&l, val, sizeof val, &err) < 0) goto fail;
            if (!strcmp(key, "name")) {
                if (strlen(val) >= sizeof g->name) { err = "name too long"; goto fail; }
                memcpy(g->name, val, strlen(val) + 1);
            }
            else if (!strcmp(key, "memory")) g->memory_mib = strtoull(val, NULL, 10);
            else if (is_disk && add_disk(g, val) < 0) { err = "out of memory"; goto fail; }
        }
    }
    if (!g->name[0]) { snprintf(why, whylen, "no name = \"...\" setting"); xd_guestcfg_free(g); return -1; }
    if (!xd_name_ok(g->name)) {
        snprintf(why, whylen, "name \"%s\" cannot be used as a file name", g->name);
        xd_guestcfg_free(g);
        return -1;
    }
    return 0;
fail:
    snprintf(why, whylen, "line %d: %s", l.line, err);
    xd_guestcfg_free(g);
    return -1;
}

int xd_guestcfg_read(const char *path, struct xd_guestcfg *g, char *why, size_t whylen)
{
    char *buf, sub[400];
    size_t n;
    int rc;

    memset(g, 0, sizeof *g);
    if (xh_read_file(path, CFG_MAX, &buf, &n) < 0) {
        snprintf(why, whylen, "%s: %s", path, errno == EFBIG ? "file too large" : strerror(errno));
        return -1;
    }
    rc = xd_guestcfg_parse(buf, n, g, sub, sizeof sub);
    free(buf);
    if (rc < 0) snprintf(why, whylen, "%s: %s", path, sub);
    return rc;
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
