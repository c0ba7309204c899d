/* ifupdown.c - /etc/network/interfaces and what it sources, read the way
 * ifupdown reads it (interfaces(5): logical lines joined at a trailing
 * backslash, '#' lines, "source" globs and "source-directory" relative to the
 * including file, stanzas iface/mapping/auto/allow-*), and the bridge
 * conversion: the uplink's stanzas become the bridge's, the uplink becomes its
 * manual port. Only the lines that must change are rewritten; every other byte
 * of every file stays as it was. What cannot be converted safely is refused
 * with the file and line. */
#define _GNU_SOURCE
#include "xn.h"
#include "atomicfile.h"
#include "buf.h"
#include "files.h"
#include "log.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAIN_FILE "/etc/network/interfaces"

enum lkind { L_BLANK, L_COMMENT, L_IFACE, L_AUTO, L_ALLOW, L_MAPPING, L_SOURCE, L_SRCDIR, L_OPTION, L_OTHER };

struct lline {
    int file;                 /* index in files */
    size_t start, end;        /* bytes of the physical lines, newline included */
    char *text;               /* joined, leading blanks skipped, no newline */
    enum lkind kind;
    int stanza;               /* the iface/mapping line an option belongs to, -1 */
    int lineno;
};

struct ifile { char path[XN_PATH]; const char *text; size_t len; char *own; };

struct ifparse {
    struct ifile files[64];
    size_t nfiles;
    struct lline *lines;
    size_t nlines, cap;
    const struct xn_plan *overlay;   /* read a planned file's new content instead of the disk's */
    char why[1024];
};

static void parse_free(struct ifparse *ps)
{
    for (size_t i = 0; i < ps->nlines; i++) free(ps->lines[i].text);
    free(ps->lines);
    for (size_t i = 0; i < ps->nfiles; i++) free(ps->files[i].own);
    memset(ps, 0, sizeof *ps);
}

static const char *word(const char *s, char *out, size_t len)
{
    size_t n = 0;
    s += strspn(s, " \t");
    while (*s && *s != ' ' && *s != '\t') { if (n + 1 < len) out[n++] = *s; s++; }
    out[n] = '\0';
    return s;
}

static int parse_file(struct ifparse *ps, const char *path, int depth);

/* The files a "source" pattern or a "source-directory" names, in ifupdown's order. */
static int parse_include(struct ifparse *ps, const char *from, const char *arg, int dir, int depth)
{
    char pat[XN_PATH], real[XN_PATH];
    size_t rl;
    if (arg[0] == '/') xn_pf(pat, sizeof pat, "%s", arg);
    else {
        const char *slash = strrchr(from, '/');
        xn_pf(pat, sizeof pat, "%.*s/%s", slash ? (int)(slash - from) : 1, slash ? from : ".", arg);
    }
    xn_path(real, sizeof real, "/");
    rl = strlen(real) - 1;       /* the test root's length ("" in production) */
    xn_path(real, sizeof real, pat);
    if (!dir) {
        glob_t g;
        int rc = glob(real, 0, NULL, &g);
        if (rc == GLOB_NOMATCH) return 0;
        if (rc != 0) { xn_pf(ps->why, sizeof ps->why, "%s: source %s: cannot expand it", from, arg); return -1; }
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (parse_file(ps, g.gl_pathv[i] + rl, depth + 1) < 0) { globfree(&g); return -1; }
        globfree(&g);
        return 0;
    }
    /* source-directory: run-parts names (letters, digits, '_' and '-'), sorted */
    struct dirent **ents;
    int n = scandir(real, &ents, NULL, alphasort);
    if (n < 0) return 0;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *e = ents[i]->d_name;
        int ok = *e != '\0';
        for (const char *c = e; *c; c++) if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') ok = 0;
        if (ok && rc == 0) {
            char sub[XN_PATH];
            xn_pf(sub, sizeof sub, "%s/%s", pat, e);
            rc = parse_file(ps, sub, depth + 1);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static int add_line(struct ifparse *ps, struct lline *l)
{
    if (ps->nlines == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 256;
        struct lline *n = realloc(ps->lines, cap * sizeof *n);
        if (!n) { xn_pf(ps->why, sizeof ps->why, "out of memory"); return -1; }
        ps->lines = n;
        ps->cap = cap;
    }
    ps->lines[ps->nlines++] = *l;
    return 0;
}

static int parse_file(struct ifparse *ps, const char *path, int depth)
{
    struct ifile *f;
    char real[XN_PATH];
    int fi, lineno = 0, stanza = -1;

    if (depth > 8) { xn_pf(ps->why, sizeof ps->why, "%s: sources nested more than 8 deep", path); return -1; }
    for (size_t i = 0; i < ps->nfiles; i++)
        if (!strcmp(ps->files[i].path, path)) {
            xn_pf(ps->why, sizeof ps->why, "%s: sourced twice (a loop?): not converted", path);
            return -1;
        }
    if (ps->nfiles == sizeof ps->files / sizeof ps->files[0]) { xn_pf(ps->why, sizeof ps->why, "more than 64 interfaces files"); return -1; }
    fi = (int)ps->nfiles;
    f = &ps->files[ps->nfiles++];
    memset(f, 0, sizeof *f);
    xn_pf(f->path, sizeof f->path, "%s", path);
    for (size_t i = 0; ps->overlay && i < ps->overlay->nfiles; i++)
        if (!strcmp(ps->overlay->files[i].path, path)) {
            if (!ps->overlay->files[i].new) { ps->nfiles--; return 0; }
            f->text = ps->overlay->files[i].new;
            f->len = ps->overlay->files[i].new_len;
        }
    if (!f->text) {
        if (xh_read_file(xn_path(real, sizeof real, path), XN_MAX_TEXT, &f->own, &f->len) < 0) {
            if (errno == ENOENT && depth == 0) { f->own = strdup(""); f->len = 0; }
            else { xn_pf(ps->why, sizeof ps->why, "%s: %s", real, xh_read_file_why(errno)); return -1; }
        }
        f->text = f->own;
    }
    if (memchr(f->text, '\0', f->len)) { xn_pf(ps->why, sizeof ps->why, "%s: holds a NUL byte: not converted", path); return -1; }

    for (size_t off = 0; off < f->len;) {
        struct lline l = { .file = fi, .start = off, .stanza = -1 };
        struct xh_buf b;
        char joined[8192], w0[64];
        xh_buf_init(&b, joined, sizeof joined);
        l.lineno = lineno + 1;
        for (;;) {
            const char *s = f->text + off, *nl = memchr(s, '\n', f->len - off);
            size_t n = nl ? (size_t)(nl - s) : f->len - off;
            lineno++;
            off += n + (nl ? 1 : 0);
            while (n && (s[n - 1] == '\r')) n--;
            if (n && s[n - 1] == '\\' && off < f->len) { xh_buf_add(&b, "%.*s", (int)(n - 1), s); continue; }
            xh_buf_add(&b, "%.*s", (int)n, s);
            break;
        }
        if (xh_buf_status(&b) < 0) { xn_pf(ps->why, sizeof ps->why, "%s:%d: line too long", path, l.lineno); return -1; }
        l.end = off;
        const char *t = joined + strspn(joined, " \t");
        l.text = strdup(t);
        if (!l.text) { xn_pf(ps->why, sizeof ps->why, "out of memory"); return -1; }
        word(t, w0, sizeof w0);
        if (!*t) l.kind = L_BLANK;
        else if (*t == '#') l.kind = L_COMMENT;
        else if (!strcmp(w0, "iface")) { l.kind = L_IFACE; stanza = (int)ps->nlines; }
        else if (!strcmp(w0, "mapping")) { l.kind = L_MAPPING; stanza = (int)ps->nlines; }
        else if (!strcmp(w0, "auto")) { l.kind = L_AUTO; stanza = -1; }
        else if (!strncmp(w0, "allow-", 6)) { l.kind = L_ALLOW; stanza = -1; }
        else if (!strcmp(w0, "source")) { l.kind = L_SOURCE; stanza = -1; }
        else if (!strcmp(w0, "source-directory")) { l.kind = L_SRCDIR; stanza = -1; }
        else if (!strcmp(w0, "rename") || !strcmp(w0, "no-auto-down") || !strcmp(w0, "no-scripts")) { l.kind = L_OTHER; stanza = -1; }
        else if (stanza >= 0) l.kind = L_OPTION;
        else { xn_pf(ps->why, sizeof ps->why, "%s:%d: '%s' outside any stanza: ifupdown would refuse this file", path, l.lineno, w0); free(l.text); return -1; }
        l.stanza = l.kind == L_OPTION ? stanza : l.kind == L_IFACE || l.kind == L_MAPPING ? (int)ps->nlines : -1;
        if (add_line(ps, &l) < 0) { free(l.text); return -1; }
        if (l.kind == L_SOURCE || l.kind == L_SRCDIR) {
            char arg[XN_PATH];
            word(word(t, w0, sizeof w0), arg, sizeof arg);
            if (!*arg) continue;
            if (parse_include(ps, path, arg, l.kind == L_SRCDIR, depth) < 0) return -1;
            f = &ps->files[fi];   /* (the array does not move: fixed size) */
        }
    }
    return 0;
}

static int parse_all(struct ifparse *ps, const struct xn_plan *overlay)
{
    memset(ps, 0, sizeof *ps);
    ps->overlay = overlay;
    return parse_file(ps, MAIN_FILE, 0);
}

/* "iface NAME FAMILY METHOD [inherits X]" */
static void iface_words(const char *t, char *name, char *fam, char *method, size_t len)
{
    char w0[64];
    t = word(t, w0, sizeof w0);
    t = word(t, name, len);
    t = word(t, fam, len);
    word(t, method, len);
}

static int has_word(const char *list, const char *w)
{
    char tok[256];
    while (*(list += strspn(list, " \t"))) {
        list = word(list, tok, sizeof tok);
        if (!strcmp(tok, w)) return 1;
    }
    return 0;
}

static const char *fname(const struct ifparse *ps, const struct lline *l) { return ps->files[l->file].path; }

int xn_ifupdown_has_iface(const char *dev)
{
    struct ifparse ps;
    int found = 0;
    char name[64], fam[64], method[64];
    if (parse_all(&ps, NULL) < 0) { parse_free(&ps); return 0; }
    for (size_t i = 0; i < ps.nlines; i++)
        if (ps.lines[i].kind == L_IFACE) {
            iface_words(ps.lines[i].text, name, fam, method, sizeof name);
            if (!strcmp(name, dev)) found = 1;
        }
    parse_free(&ps);
    return found;
}

/* Refuse what is not converted; 0 when the uplink's stanzas can move. */
static int check(struct ifparse *ps, const char *up, const char *br, char *why, size_t len)
{
    char name[64], fam[64], method[64], w0[64], dotted[80];
    int n_up = 0;
    xn_pf(dotted, sizeof dotted, "%s.", up);
    for (size_t i = 0; i < ps->nlines; i++) {
        struct lline *l = &ps->lines[i];
        const char *t = l->text, *rest;
        if (l->kind == L_IFACE) {
            iface_words(t, name, fam, method, sizeof name);
            if (!strcmp(name, br)) { xn_pf(why, len, "%s:%d: a stanza for %s exists already: choose another --bridge, or use it (--uplink %s)", fname(ps, l), l->lineno, br, br); return XN_REFUSED; }
            if (!strncmp(name, dotted, strlen(dotted))) { xn_pf(why, len, "%s:%d: %s is a VLAN on %s: VLANs are not converted", fname(ps, l), l->lineno, name, up); return XN_REFUSED; }
            if (strstr(t, " inherits ") && has_word(strstr(t, " inherits ") + 10, up)) { xn_pf(why, len, "%s:%d: %s inherits from %s: not converted", fname(ps, l), l->lineno, name, up); return XN_REFUSED; }
            if (!strcmp(name, up)) {
                n_up++;
                if (!strcmp(fam, "inet") && strcmp(method, "dhcp") && strcmp(method, "static") && strcmp(method, "manual")) {
                    xn_pf(why, len, "%s:%d: iface %s %s %s: only the dhcp, static and manual methods are converted", fname(ps, l), l->lineno, up, fam, method); return XN_REFUSED;
                }
                if (!strcmp(fam, "inet6") && strcmp(method, "auto") && strcmp(method, "dhcp") && strcmp(method, "static") && strcmp(method, "manual")) {
                    xn_pf(why, len, "%s:%d: iface %s %s %s: only the auto, dhcp, static and manual methods are converted", fname(ps, l), l->lineno, up, fam, method); return XN_REFUSED;
                }
                if (strcmp(fam, "inet") && strcmp(fam, "inet6")) { xn_pf(why, len, "%s:%d: iface %s %s: address family not converted", fname(ps, l), l->lineno, up, fam); return XN_REFUSED; }
            }
        } else if (l->kind == L_MAPPING) {
            rest = word(t, w0, sizeof w0);
            char pat[128];
            while (*(rest += strspn(rest, " \t"))) {
                rest = word(rest, pat, sizeof pat);
                if (fnmatch(pat, up, 0) == 0) { xn_pf(why, len, "%s:%d: a mapping stanza (%s) covers %s: mappings are not converted", fname(ps, l), l->lineno, pat, up); return XN_REFUSED; }
            }
        } else if (l->kind == L_OTHER && !strncmp(t, "rename", 6) && strstr(t, up)) {
            xn_pf(why, len, "%s:%d: %s: renamed interfaces are not converted", fname(ps, l), l->lineno, t); return XN_REFUSED;
        } else if (l->kind == L_OPTION) {
            struct lline *st = &ps->lines[l->stanza];
            char opt[64];
            rest = word(t, opt, sizeof opt);
            for (char *c = opt; *c; c++) if (*c == '_') *c = '-';
            iface_words(st->text, name, fam, method, sizeof name);
            int mine = st->kind == L_IFACE && !strcmp(name, up);
            if ((!strcmp(opt, "bridge-ports") || !strcmp(opt, "bridge-ifaces")) && has_word(rest, up)) {
                xn_pf(why, len, "%s:%d: %s is already a port of the bridge %s: use --uplink %s (setup then makes %s the guests' bridge and changes no network file)",
                         fname(ps, l), l->lineno, up, name, name, name); return XN_REFUSED;
            }
            if (((!strcmp(opt, "bond-slaves") || !strcmp(opt, "slaves")) && has_word(rest, up)) || (mine && !strcmp(opt, "bond-master"))) {
                xn_pf(why, len, "%s:%d: %s is a bond slave: bonds are not converted", fname(ps, l), l->lineno, up); return XN_REFUSED;
            }
            if ((!strcmp(opt, "vlan-raw-device") || !strcmp(opt, "vlan-dev")) && has_word(rest, up)) {
                xn_pf(why, len, "%s:%d: %s carries the VLAN %s: VLANs are not converted", fname(ps, l), l->lineno, up, name); return XN_REFUSED;
            }
            if (!mine) continue;
            if (!strncmp(opt, "bond-", 5) || !strcmp(opt, "slaves")) { xn_pf(why, len, "%s:%d: %s is a bond (%s): bonds are not converted", fname(ps, l), l->lineno, up, opt); return XN_REFUSED; }
            if (!strncmp(opt, "vlan-", 5)) { xn_pf(why, len, "%s:%d: %s is a VLAN (%s): VLANs are not converted", fname(ps, l), l->lineno, up, opt); return XN_REFUSED; }
            if (!strncmp(opt, "wpa-", 4) || !strncmp(opt, "wireless-", 9)) {
                xn_pf(why, len, "%s:%d: %s is wireless (%s): a bridge on a wireless uplink does not work; use --mode nat", fname(ps, l), l->lineno, up, opt); return XN_REFUSED;
            }
            if (!strncmp(opt, "bridge-", 7)) { xn_pf(why, len, "%s:%d: %s has bridge options itself: not converted", fname(ps, l), l->lineno, up); return XN_REFUSED; }
            if (!strcmp(opt, "up") || !strcmp(opt, "down") || !strncmp(opt, "pre-", 4) || !strncmp(opt, "post-", 5)) {
                /* a command that names the uplink would act on the bare port after the move */
                const char *p = rest;
                size_t ul = strlen(up);
                while ((p = strstr(p, up))) {
                    int before = p == rest || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '-' || p[-1] == '.');
                    int after = !(isalnum((unsigned char)p[ul]) || p[ul] == '_' || p[ul] == '-');
                    if (before && after) {
                        xn_pf(why, len, "%s:%d: '%s' names %s: after the move it would act on the bridge's port; write $IFACE instead and run setup again",
                                 fname(ps, l), l->lineno, t, up);
                        return XN_REFUSED;
                    }
                    p += ul;
                }
            }
        }
    }
    if (!n_up) { xn_pf(why, len, "%s (and what it sources) has no 'iface %s' stanza", MAIN_FILE, up); return XN_REFUSED; }
    return 0;
}

/* The indentation of the stanza's first option line (else four blanks). */
static void stanza_indent(struct ifparse *ps, size_t hdr, char *ind, size_t len)
{
    xn_pf(ind, len, "    ");
    if (hdr + 1 < ps->nlines && ps->lines[hdr + 1].kind == L_OPTION && ps->lines[hdr + 1].stanza == (int)hdr) {
        const struct lline *o = &ps->lines[hdr + 1];
        const char *s = ps->files[o->file].text + o->start;
        size_t n = strspn(s, " \t");
        if (n && n < len) { memcpy(ind, s, n); ind[n] = '\0'; }
    }
}

/* The value of option opt (either spelling) in the uplink's stanzas, "" if none. */
static void up_option(struct ifparse *ps, const char *up, const char *opt, char *out, size_t len)
{
    char name[64], fam[64], method[64], o[64];
    out[0] = '\0';
    for (size_t i = 0; i < ps->nlines; i++) {
        struct lline *l = &ps->lines[i];
        if (l->kind != L_OPTION || ps->lines[l->stanza].kind != L_IFACE) continue;
        iface_words(ps->lines[l->stanza].text, name, fam, method, sizeof name);
        const char *rest = word(l->text, o, sizeof o);
        if (!strcmp(name, up) && !strcmp(o, opt)) xn_pf(out, len, "%s", rest + strspn(rest, " \t"));
    }
}

struct edit { size_t line; char *text; };

int xn_ifupdown_plan(struct xn_plan *p, char *why, size_t whylen)
{
    struct ifparse ps;
    struct edit edits[64];
    size_t nedits = 0;
    int rc, first = 1, any_auto = 0;
    char name[64], fam[64], method[64], w0[64], mtu[32], hw[32], ind[32];
    const char *up = p->uplink, *br = p->bridge;

    if (parse_all(&ps, NULL) < 0) { xn_pf(why, whylen, "%s", ps.why); parse_free(&ps); return XN_REFUSED; }
    if ((rc = check(&ps, up, br, why, whylen)) != 0) { parse_free(&ps); return rc; }
    up_option(&ps, up, "mtu", mtu, sizeof mtu);
    up_option(&ps, up, "hwaddress", hw, sizeof hw);
    if (hw[0]) {
        /* "hwaddress [ether] MAC": the bridge takes it too */
        const char *m = strrchr(hw, ' ') ? strrchr(hw, ' ') + 1 : hw;
        xn_pf(p->mac, sizeof p->mac, "%s", m);
    }

    for (size_t i = 0; i < ps.nlines && nedits + 2 < sizeof edits / sizeof edits[0]; i++) {
        struct lline *l = &ps.lines[i];
        struct xh_buf b;
        char text[4096];
        xh_buf_init(&b, text, sizeof text);
        if (l->kind == L_IFACE) {
            iface_words(l->text, name, fam, method, sizeof name);
            if (strcmp(name, up)) continue;
            const char *rest = word(word(word(word(l->text, w0, sizeof w0), name, sizeof name), fam, sizeof fam), method, sizeof method);
            if (first) {
                stanza_indent(&ps, i, ind, sizeof ind);
                xh_buf_add(&b, "# xenhost-network: %s is the port of the bridge %s, which has %s's configuration (xenhost-network(8))\n", up, br, up);
                xh_buf_add(&b, "iface %s %s manual\n", up, fam);
                if (mtu[0]) xh_buf_add(&b, "%smtu %s\n", ind, mtu);
                if (hw[0]) xh_buf_add(&b, "%shwaddress %s\n", ind, hw);
                xh_buf_add(&b, "\niface %s %s %s%s\n", br, fam, method, rest);
                xh_buf_add(&b, "%sbridge_ports %s\n%sbridge_hw %s\n%sbridge_stp off\n%sbridge_fd 0\n", ind, up, ind, p->mac, ind, ind);
                first = 0;
            } else {
                xh_buf_add(&b, "iface %s %s %s%s\n", br, fam, method, rest);
            }
        } else if (l->kind == L_AUTO || l->kind == L_ALLOW) {
            const char *rest = word(l->text, w0, sizeof w0);
            char tok[128];
            int hotplug = !strcmp(w0, "allow-hotplug"), mentioned = 0, others = 0;
            if (!has_word(rest, up)) continue;
            xh_buf_add(&b, "%s", w0);
            while (*(rest += strspn(rest, " \t"))) {
                rest = word(rest, tok, sizeof tok);
                if (!strcmp(tok, up)) {
                    mentioned = 1;
                    if (!hotplug) { xh_buf_add(&b, " %s", br); any_auto = 1; }
                } else { xh_buf_add(&b, " %s", tok); others = 1; }
            }
            if (hotplug && mentioned) {
                /* a bridge is never hotplugged: it comes up with "auto" */
                xh_buf_truncate(&b, 0);
                if (others) {
                    rest = word(l->text, w0, sizeof w0);
                    xh_buf_add(&b, "%s", w0);
                    while (*(rest += strspn(rest, " \t"))) { rest = word(rest, tok, sizeof tok); if (strcmp(tok, up)) xh_buf_add(&b, " %s", tok); }
                    xh_buf_add(&b, "\n");
                }
                if (!any_auto) xh_buf_add(&b, "auto %s\n", br);
                any_auto = 1;
            } else {
                xh_buf_add(&b, "\n");
            }
        } else continue;
        if (xh_buf_status(&b) < 0) { xn_pf(why, whylen, "%s:%d: rewritten line too long", fname(&ps, l), l->lineno); parse_free(&ps); return XN_FAIL; }
        edits[nedits].line = i;
        edits[nedits].text = strdup(text);
        nedits++;
    }

    /* each file that holds an edited line, rewritten line by line */
    for (size_t fi = 0; fi < ps.nfiles; fi++) {
        size_t outcap = ps.files[fi].len + 8192 * 4, o = 0, off = 0;
        char *out = NULL;
        int touched = 0;
        for (size_t e = 0; e < nedits; e++) if (ps.lines[edits[e].line].file == (int)fi) touched = 1;
        if (!touched) continue;
        if (!(out = malloc(outcap))) { xn_pf(why, whylen, "out of memory"); rc = XN_FAIL; goto out; }
        for (size_t e = 0; e < nedits; e++) {
            struct lline *l = &ps.lines[edits[e].line];
            size_t tl = strlen(edits[e].text);
            if (l->file != (int)fi) continue;
            memcpy(out + o, ps.files[fi].text + off, l->start - off); o += l->start - off;
            memcpy(out + o, edits[e].text, tl); o += tl;
            if (l->end == ps.files[fi].len && ps.files[fi].len && ps.files[fi].text[l->end - 1] != '\n') o--; /* no newline added at EOF */
            off = l->end;
        }
        memcpy(out + o, ps.files[fi].text + off, ps.files[fi].len - off); o += ps.files[fi].len - off;
        struct xn_file *f = xn_plan_file(p, ps.files[fi].path, XN_WHOLE);
        if (!f) { free(out); xn_pf(why, whylen, "%s: cannot be recorded", ps.files[fi].path); rc = XN_FAIL; goto out; }
        xn_file_set(f, out, o);
        free(out);
    }
    rc = 0;
out:
    for (size_t e = 0; e < nedits; e++) free(edits[e].text);
    parse_free(&ps);
    return rc;
}

/* The whole configuration as ifupdown reads it, sources inlined, in one file. */
static int flatten(const struct xn_plan *overlay, const char *dest, char *why, size_t whylen)
{
    struct ifparse ps;
    size_t cap = 1 << 16, n = 0;
    char *text;
    int rc = 0;
    if (parse_all(&ps, overlay) < 0) { xn_pf(why, whylen, "%s", ps.why); parse_free(&ps); return -1; }
    text = malloc(cap);
    for (size_t i = 0; text && i < ps.nlines; i++) {
        const struct lline *l = &ps.lines[i];
        size_t tl = strlen(l->text);
        if (l->kind == L_SOURCE || l->kind == L_SRCDIR || l->kind == L_BLANK || l->kind == L_COMMENT) continue;
        if (n + tl + 8 > cap) { char *t = realloc(text, cap *= 2); if (!t) { free(text); text = NULL; break; } text = t; }
        if (l->kind == L_OPTION) text[n++] = ' ';
        memcpy(text + n, l->text, tl); n += tl;
        text[n++] = '\n';
    }
    parse_free(&ps);
    if (!text) { xn_pf(why, whylen, "out of memory"); return -1; }
    if (xh_atomic_write(dest, text, n, 0600, XH_ATOMIC_NOSYNC) < 0) { xn_pf(why, whylen, "%s: %s", dest, strerror(errno)); rc = -1; }
    free(text);
    return rc;
}

/* "key: value" lines of ifquery for iface, sorted out as a set */
static int query(const char *file, const char *iface, char *out, size_t len, char *why, size_t whylen)
{
    char *argv[] = { "ifquery", "--no-mappings", "-i", (char *)file, (char *)iface, NULL };
    int rc = xn_run("ifquery", argv, 30, out, len);
    if (rc != 0) { xn_pf(why, whylen, "ifquery -i %s %s: %s", file, iface, rc < 0 ? "cannot run it (is ifupdown installed?)" : out); return -1; }
    return 0;
}

/* The new configuration as ifupdown itself reads it: it parses (ifup --no-act
 * -a), the bridge has every option the uplink had plus its bridge options, and
 * the uplink is a bare manual port. */
int xn_ifupdown_validate(const struct xn_plan *p, char *why, size_t whylen)
{
    char dir[XN_PATH], oldf[XN_PATH], newf[XN_PATH], state[XN_PATH], out[16384], before[16384], after[16384];
    int rc = -1;
    xn_path(dir, sizeof dir, XN_RUN_DIR);
    if (xh_mkdir_p(dir, 0700, NULL, NULL) < 0) { xn_pf(why, whylen, "%s: %s", dir, strerror(errno)); return -1; }
    xn_pf(oldf, sizeof oldf, "%s/check-old.interfaces", dir);
    xn_pf(newf, sizeof newf, "%s/check-new.interfaces", dir);
    xn_pf(state, sizeof state, "%s/check-state", dir);
    if (flatten(NULL, oldf, why, whylen) < 0 || flatten(p, newf, why, whylen) < 0) goto out;
    xh_mkdir_p(state, 0700, NULL, NULL);
    char *argv[] = { "ifup", "--no-act", "--no-mappings", "--state-dir", state, "-a", "-i", newf, NULL };
    if (xn_run("ifup --no-act", argv, 30, out, sizeof out) != 0) {
        xn_pf(why, whylen, "ifup --no-act -a -i %s refuses the new configuration: %s", newf, out);
        goto out;
    }
    if (query(oldf, p->uplink, before, sizeof before, why, whylen) < 0 || query(newf, p->bridge, after, sizeof after, why, whylen) < 0) goto out;
    for (char *save = NULL, *l = strtok_r(before, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char needle[1024];
        xn_pf(needle, sizeof needle, "\n%s\n", l);
        char framed[sizeof after + 2];
        xn_pf(framed, sizeof framed, "\n%s\n", after);
        if (!strstr(framed, needle)) { xn_pf(why, whylen, "the bridge %s would lose the uplink's setting '%s'", p->bridge, l); goto out; }
    }
    char want[128];
    xn_pf(want, sizeof want, "bridge_ports: %s", p->uplink);
    if (!strstr(after, want)) { xn_pf(why, whylen, "ifquery %s does not show '%s'", p->bridge, want); goto out; }
    if (query(newf, p->uplink, out, sizeof out, why, whylen) < 0) goto out;
    for (char *save = NULL, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (strncmp(l, "mtu:", 4) && strncmp(l, "hwaddress:", 10)) {
            xn_pf(why, whylen, "the port %s would keep the setting '%s'", p->uplink, l);
            goto out;
        }
    rc = 0;
out:
    unlink(oldf);
    unlink(newf);
    rmdir(state);
    return rc;
}
