/* state.c - the change set of one setup: every file it changes, with its bytes
 * before (backup/N) and after (written/N) under /var/lib/xenhost-network, and
 * the plan itself (state, KEY='value' lines). remove and every rollback put the
 * old bytes back; a file the admin edited after setup is left alone unless
 * --force (whole files), or gets only its one line back (XN_LINE files). */
#define _GNU_SOURCE
#include "xn.h"
#include "atomicfile.h"
#include "buf.h"
#include "files.h"
#include "kvconf.h"
#include "log.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void xn_plan_free(struct xn_plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++) { free(p->files[i].old); free(p->files[i].new); }
    p->nfiles = 0;
}

struct xn_file *xn_plan_file(struct xn_plan *p, const char *path, enum xn_fkind kind)
{
    char real[XN_PATH];
    struct xn_file *f;
    struct stat st;

    for (size_t i = 0; i < p->nfiles; i++)
        if (!strcmp(p->files[i].path, path)) return &p->files[i];
    if (p->nfiles == XN_MAX_FILES) { xh_err("%s: too many files to change (%d at most)", path, XN_MAX_FILES); return NULL; }
    if (strchr(path, '\n')) { xh_err("%s: a newline in a file name: not handled", path); return NULL; }
    f = &p->files[p->nfiles];
    memset(f, 0, sizeof *f);
    xn_pf(f->path, sizeof f->path, "%s", path);
    f->kind = kind;
    f->mode = 0644;
    xn_path(real, sizeof real, path);
    if (lstat(real, &st) == 0) {
        if (!S_ISREG(st.st_mode)) { xh_err("%s: not a regular file (a symbolic link?): not changed", real); return NULL; }
        if (xh_read_file(real, XN_MAX_TEXT, &f->old, &f->old_len) < 0) {
            xh_err("%s: cannot read it: %s", real, xh_read_file_why(errno));
            return NULL;
        }
        f->existed = 1;
        f->mode = st.st_mode & 07777;
        f->uid = st.st_uid;
        f->gid = st.st_gid;
    } else if (errno != ENOENT) {
        xh_err("%s: %s", real, strerror(errno));
        return NULL;
    } else {
        char *slash = strrchr(real, '/');
        if (slash) { *slash = '\0'; f->made_dir = stat(real, &st) != 0; *slash = '/'; }
    }
    f->new = f->old ? malloc(f->old_len + 1) : NULL;
    if (f->old) { memcpy(f->new, f->old, f->old_len + 1); f->new_len = f->old_len; }
    p->nfiles++;
    return f;
}

void xn_file_set(struct xn_file *f, const char *text, size_t len)
{
    free(f->new);
    f->new = NULL;
    f->new_len = 0;
    if (!text) return;
    f->new = malloc(len + 1);
    if (!f->new) { xh_err("%s: out of memory", f->path); return; }
    memcpy(f->new, text, len);
    f->new[len] = '\0';
    f->new_len = len;
}

int xn_file_changes(const struct xn_file *f)
{
    if (!f->new) return f->existed;
    return !f->existed || f->new_len != f->old_len || memcmp(f->new, f->old, f->new_len) != 0;
}

const char *xn_state_path(char *buf, size_t len, const char *name)
{
    char rel[XN_PATH];
    xn_pf(rel, sizeof rel, "%s%s%s", XN_STATE_DIR, name[0] ? "/" : "", name);
    return xn_path(buf, len, rel);
}

/* KEY='value' with ' written as '\'' (src/lib/kvconf.h reads it back). */
static void add_kv(struct xh_buf *b, const char *key, const char *val)
{
    xh_buf_add(b, "%s='", key);
    for (const char *c = val; *c; c++)
        if (*c == '\'') xh_buf_add(b, "'\\''");
        else if (*c != '\n') xh_buf_add(b, "%c", *c);
    xh_buf_add(b, "'\n");
}

int xn_kv_write(const char *path, const char *const *kv)
{
    static char text[65536];
    struct xh_buf b;
    xh_buf_init(&b, text, sizeof text);
    for (size_t i = 0; kv[i]; i += 2) add_kv(&b, kv[i], kv[i + 1] ? kv[i + 1] : "");
    if (xh_buf_status(&b) < 0) { xh_err("%s: too long", path); return -1; }
    if (xh_atomic_write(path, b.p, b.len, 0600, 0) < 0) { xh_err("%s: cannot write it: %s", path, strerror(errno)); return -1; }
    return 0;
}

struct get_ctx { const char *key; char *out; size_t len; int found; };
static int get_kv(const char *key, const char *value, const char *file, int line, void *vctx)
{
    struct get_ctx *c = vctx;
    (void)file; (void)line;
    if (!strcmp(key, c->key)) { xn_pf(c->out, c->len, "%s", value); c->found = 1; }
    return 0;
}

int xn_kv_get(const char *path, const char *key, char *out, size_t len)
{
    struct get_ctx c = { key, out, len, 0 };
    char err[256];
    out[0] = '\0';
    if (xh_kv_parse_file(path, XH_KV_SHELL, get_kv, &c, err, sizeof err) < 0) return -1;
    return c.found ? 0 : -1;
}

int xn_state_exists(void)
{
    char p[XN_PATH];
    return access(xn_state_path(p, sizeof p, "state"), F_OK) == 0;
}

static int save_blob(const char *dir, size_t i, const char *data, size_t len)
{
    char rel[64], p[XN_PATH];
    xn_pf(rel, sizeof rel, "%s/%zu", dir, i);
    xn_state_path(p, sizeof p, rel);
    if (xh_atomic_write(p, data ? data : "", data ? len : 0, 0600, 0) < 0) {
        xh_err("%s: cannot write it: %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

int xn_state_save(const struct xn_plan *p)
{
    static char text[131072];
    char path[XN_PATH], num[32], key[64];
    struct xh_buf b;

    for (const char *d = "", *dirs[] = { "backup", "written", NULL }, **dp = dirs; ; d = *dp++) {
        xn_state_path(path, sizeof path, d);
        if (xh_mkdir_p(path, 0700, NULL, NULL) < 0) { xh_err("%s: cannot create it: %s", path, strerror(errno)); return -1; }
        if (!*dp) break;
    }
    xh_buf_init(&b, text, sizeof text);
    add_kv(&b, "MODE", xn_mode_name(p->mode));
    add_kv(&b, "BACKEND", xn_backend_name(p->backend));
    add_kv(&b, "UPLINK", p->uplink);
    add_kv(&b, "BRIDGE", p->bridge);
    add_kv(&b, "MAC", p->mac);
    add_kv(&b, "GW", p->gw.gw);
    add_kv(&b, "GW_DEV", p->gw.dev);
    add_kv(&b, "GW_FAMILY", p->gw.family == 0 ? "" : p->gw.family == 10 ? "6" : "4");
    add_kv(&b, "NAT_ADDR", p->nat_addr);
    add_kv(&b, "SUMMARY", p->summary);
    xn_pf(num, sizeof num, "%zu", p->nfiles);
    add_kv(&b, "FILES", num);
    for (size_t i = 0; i < p->nfiles; i++) {
        const struct xn_file *f = &p->files[i];
#define FKV(name, val) do { xn_pf(key, sizeof key, "F%zu_%s", i, name); add_kv(&b, key, val); } while (0)
        FKV("PATH", f->path);
        FKV("KIND", f->kind == XN_LINE ? "line" : "whole");
        FKV("EXISTED", f->existed ? "yes" : "no");
        FKV("NEWDIR", f->made_dir ? "yes" : "no");
        FKV("DELETE", f->new ? "no" : "yes");
        xn_pf(num, sizeof num, "%04o", (unsigned)f->mode); FKV("MODE", num);
        xn_pf(num, sizeof num, "%u", (unsigned)f->uid); FKV("UID", num);
        xn_pf(num, sizeof num, "%u", (unsigned)f->gid); FKV("GID", num);
        FKV("KEY", f->key);
        FKV("OLD_LINE", f->old_line);
        FKV("NEW_LINE", f->new_line);
#undef FKV
        if (save_blob("backup", i, f->old, f->old_len) < 0 || save_blob("written", i, f->new, f->new_len) < 0) return -1;
    }
    if (xh_buf_status(&b) < 0) { xh_err("the state is too large to record"); return -1; }
    xn_state_path(path, sizeof path, "state");
    if (xh_atomic_write(path, b.p, b.len, 0600, 0) < 0) { xh_err("%s: cannot write it: %s", path, strerror(errno)); return -1; }
    return 0;
}

struct load_ctx { struct xn_plan *p; int bad; };

static int load_kv(const char *key, const char *v, const char *file, int line, void *vctx)
{
    struct load_ctx *c = vctx;
    struct xn_plan *p = c->p;
    (void)file; (void)line;
    if (!strcmp(key, "MODE")) p->mode = !strcmp(v, "nat") ? XN_MODE_NAT : !strcmp(v, "adopt") ? XN_MODE_ADOPT : XN_MODE_BRIDGE;
    else if (!strcmp(key, "BACKEND")) p->backend = !strcmp(v, "ifupdown") ? XN_BE_IFUPDOWN : !strcmp(v, "networkd") ? XN_BE_NETWORKD : XN_BE_NONE;
    else if (!strcmp(key, "UPLINK")) xn_pf(p->uplink, sizeof p->uplink, "%s", v);
    else if (!strcmp(key, "BRIDGE")) xn_pf(p->bridge, sizeof p->bridge, "%s", v);
    else if (!strcmp(key, "MAC")) xn_pf(p->mac, sizeof p->mac, "%s", v);
    else if (!strcmp(key, "GW")) xn_pf(p->gw.gw, sizeof p->gw.gw, "%s", v);
    else if (!strcmp(key, "GW_DEV")) xn_pf(p->gw.dev, sizeof p->gw.dev, "%s", v);
    else if (!strcmp(key, "GW_FAMILY")) p->gw.family = !strcmp(v, "6") ? 10 : !strcmp(v, "4") ? 2 : 0;
    else if (!strcmp(key, "NAT_ADDR")) xn_pf(p->nat_addr, sizeof p->nat_addr, "%s", v);
    else if (!strcmp(key, "SUMMARY")) xn_pf(p->summary, sizeof p->summary, "%s", v);
    else if (!strcmp(key, "FILES")) {
        p->nfiles = (size_t)strtoul(v, NULL, 10);
        if (p->nfiles > XN_MAX_FILES) { c->bad = 1; p->nfiles = 0; }
    } else if (key[0] == 'F' && key[1] >= '0' && key[1] <= '9') {
        char *rest;
        unsigned long i = strtoul(key + 1, &rest, 10);
        struct xn_file *f;
        if (i >= XN_MAX_FILES || *rest != '_') return 0;
        f = &p->files[i];
        rest++;
        if (!strcmp(rest, "PATH")) xn_pf(f->path, sizeof f->path, "%s", v);
        else if (!strcmp(rest, "KIND")) f->kind = !strcmp(v, "line") ? XN_LINE : XN_WHOLE;
        else if (!strcmp(rest, "EXISTED")) f->existed = !strcmp(v, "yes");
        else if (!strcmp(rest, "NEWDIR")) f->made_dir = !strcmp(v, "yes");
        else if (!strcmp(rest, "DELETE")) f->new_len = !strcmp(v, "yes") ? (size_t)-1 : 0;
        else if (!strcmp(rest, "MODE")) f->mode = (mode_t)strtoul(v, NULL, 8);
        else if (!strcmp(rest, "UID")) f->uid = (uid_t)strtoul(v, NULL, 10);
        else if (!strcmp(rest, "GID")) f->gid = (gid_t)strtoul(v, NULL, 10);
        else if (!strcmp(rest, "KEY")) xn_pf(f->key, sizeof f->key, "%s", v);
        else if (!strcmp(rest, "OLD_LINE")) xn_pf(f->old_line, sizeof f->old_line, "%s", v);
        else if (!strcmp(rest, "NEW_LINE")) xn_pf(f->new_line, sizeof f->new_line, "%s", v);
    }
    return 0;
}

static int load_blob(const char *dir, size_t i, char **data, size_t *len)
{
    char rel[64], p[XN_PATH];
    xn_pf(rel, sizeof rel, "%s/%zu", dir, i);
    if (xh_read_file(xn_state_path(p, sizeof p, rel), XN_MAX_TEXT, data, len) < 0) {
        xh_err("%s: cannot read it: %s", p, xh_read_file_why(errno));
        return -1;
    }
    return 0;
}

int xn_state_load(struct xn_plan *p)
{
    struct load_ctx c = { p, 0 };
    char path[XN_PATH], err[512];
    memset(p, 0, sizeof *p);
    xn_state_path(path, sizeof path, "state");
    if (xh_kv_parse_file(path, XH_KV_SHELL, load_kv, &c, err, sizeof err) < 0 || c.bad) {
        xh_err("%s", c.bad ? "the state file lists too many files" : err);
        memset(p, 0, sizeof *p);
        return -1;
    }
    for (size_t i = 0; i < p->nfiles; i++) {
        struct xn_file *f = &p->files[i];
        int del = f->new_len == (size_t)-1;
        f->new_len = 0;
        if (!f->path[0] || load_blob("backup", i, &f->old, &f->old_len) < 0 || load_blob("written", i, &f->new, &f->new_len) < 0) {
            xh_err("%s: the record of file %zu is incomplete", path, i);
            xn_plan_free(p);
            return -1;
        }
        if (!f->existed) { free(f->old); f->old = NULL; f->old_len = 0; }
        if (del) { free(f->new); f->new = NULL; f->new_len = 0; }
    }
    return 0;
}

int xn_state_clear(void)
{
    char p[XN_PATH], rel[64];
    int rc = 0;
    /* the state file first: without it nothing below counts */
    if (unlink(xn_state_path(p, sizeof p, "state")) < 0 && errno != ENOENT) { xh_err("%s: %s", p, strerror(errno)); rc = -1; }
    for (size_t i = 0; i < XN_MAX_FILES; i++)
        for (const char *const *d = (const char *const[]){ "backup", "written", NULL }; *d; d++) {
            xn_pf(rel, sizeof rel, "%s/%zu", *d, i);
            unlink(xn_state_path(p, sizeof p, rel));
        }
    return rc;
}

/* Write one file whole with its mode and owner (atomic). data NULL: delete. */
static int put(const char *path, const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
    char real[XN_PATH], dir[XN_PATH], *slash;
    xn_path(real, sizeof real, path);
    if (!data) {
        if (unlink(real) < 0 && errno != ENOENT) { xh_err("%s: cannot remove it: %s", real, strerror(errno)); return -1; }
        xh_fsync_parent(real);
        return 0;
    }
    xn_pf(dir, sizeof dir, "%s", real);
    if ((slash = strrchr(dir, '/')) && slash != dir) {
        *slash = '\0';
        if (xh_mkdir_p(dir, 0755, NULL, NULL) < 0) { xh_err("%s: cannot create it: %s", dir, strerror(errno)); return -1; }
    }
    if (xh_atomic_write(real, data, len, mode, 0) < 0) { xh_err("%s: cannot write it: %s", real, strerror(errno)); return -1; }
    if (geteuid() == 0 && chown(real, uid, gid) < 0) xh_warn("%s: cannot set its owner: %s", real, strerror(errno));
    return 0;
}

int xn_files_install(struct xn_plan *p)
{
    for (size_t i = 0; i < p->nfiles; i++) {
        struct xn_file *f = &p->files[i];
        if (!xn_file_changes(f)) continue;
        if (put(f->path, f->new, f->new_len, f->mode, f->existed ? f->uid : 0, f->existed ? f->gid : 0) < 0) {
            xh_err("%s: not written; putting back the files written before it", f->path);
            for (size_t j = 0; j < i; j++) {
                struct xn_file *g = &p->files[j];
                if (xn_file_changes(g)) put(g->path, g->existed ? g->old : NULL, g->old_len, g->mode, g->uid, g->gid);
            }
            return -1;
        }
        xh_info("%s: %s", f->path, f->new ? (f->existed ? "rewritten" : "created") : "removed");
    }
    return 0;
}

int xn_files_restore(struct xn_plan *p, int force, int *edited)
{
    int failed = 0;
    *edited = 0;
    for (size_t i = p->nfiles; i-- > 0;) {
        struct xn_file *f = &p->files[i];
        char real[XN_PATH], *cur = NULL;
        size_t cur_len = 0;
        int present;
        if (!xn_file_changes(f)) continue;
        xn_path(real, sizeof real, f->path);
        present = xh_read_file(real, XN_MAX_TEXT, &cur, &cur_len) == 0;
        int as_written = f->new ? present && cur_len == f->new_len && !memcmp(cur, f->new, cur_len) : !present;
        int as_before = f->existed ? present && cur_len == f->old_len && !memcmp(cur, f->old, cur_len) : !present;
        if (as_before) { free(cur); continue; }
        if (!as_written && f->kind == XN_LINE && present) {
            /* edited since: only our one line goes back */
            size_t n;
            char *t = xn_line_edit(cur, cur_len, f->key, strchr(f->key, '.') ? xn_xl_key : xn_sh_key, f->old_line, &n);
            if (!t || put(f->path, t, n, f->mode, f->uid, f->gid) < 0) failed++;
            else xh_info("%s: edited since setup: only its %s line was put back", f->path, f->key);
            free(t);
        } else if (!as_written && !force) {
            xh_err("%s: changed since setup: not restored (xenhost-network remove --force restores the backup, "
                   "%s/backup/%zu, anyway)", real, XN_STATE_DIR, i);
            (*edited)++;
        } else if (put(f->path, f->existed ? f->old : NULL, f->old_len, f->mode, f->uid, f->gid) < 0) {
            failed++;
        } else {
            xh_info("%s: %s", f->path, f->existed ? "restored" : "removed");
            if (!f->existed && f->made_dir) {
                char *slash = strrchr(real, '/');
                if (slash) { *slash = '\0'; if (rmdir(real) == 0) xh_info("%s: removed (setup made it)", real); }
            }
        }
        free(cur);
    }
    return failed;
}

int xn_key_line(const char *text, size_t len, const char *key, xn_key_fn is_key, size_t *start, size_t *end_off)
{
    const char *best = NULL, *best_end = NULL, *p = text, *end = text + len;
    int best_active = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *e = eol ? eol : end;
        int active = 0;
        if (is_key(p, (size_t)(e - p), key, &active) && (active || !best_active)) {
            best = p; best_end = e; best_active = active;
        }
        p = eol ? eol + 1 : end;
    }
    if (!best) return -1;
    *start = (size_t)(best - text);
    *end_off = (size_t)(best_end - text);
    return best_active;
}

/* The line of text that sets key (the last active one, else the last
 * commented one: a commented default becomes the setting) is replaced by
 * new_line ("" drops it with its newline); with no such line, new_line is
 * appended. */
char *xn_line_edit(const char *text, size_t len, const char *key, xn_key_fn is_key,
                   const char *new_line, size_t *out_len)
{
    const char *best = NULL, *best_end = NULL, *end = text + len;
    size_t s, e;
    if (xn_key_line(text, len, key, is_key, &s, &e) >= 0) {
        best = text + s;
        best_end = text + e;
        if (!*new_line && best_end < end) best_end++;   /* the newline goes with the line */
    }
    size_t nl = strlen(new_line), cap = len + nl + 2, o = 0;
    char *out = malloc(cap + 1);
    if (!out) return NULL;
    if (best) {
        memcpy(out, text, (size_t)(best - text)); o = (size_t)(best - text);
        memcpy(out + o, new_line, nl); o += nl;
        memcpy(out + o, best_end, (size_t)(end - best_end)); o += (size_t)(end - best_end);
    } else {
        memcpy(out, text, len); o = len;
        if (nl) {
            if (o && out[o - 1] != '\n') out[o++] = '\n';
            memcpy(out + o, new_line, nl); o += nl; out[o++] = '\n';
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}
