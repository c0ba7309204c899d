/* aptsrc.c - the apt sources reader (aptsrc.h). */
#define _GNU_SOURCE
#include "aptsrc.h"
#include "files.h"
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLANK(c) ((c) == ' ' || (c) == '\t')

/* [s, e) with runs of blanks folded to one blank and the ends trimmed */
static char *folded(const char *s, const char *e)
{
    char *p = malloc((size_t)(e - s) + 1), *o = p;
    if (!p) return NULL;
    while (s < e && BLANK(*s)) s++;
    while (e > s && BLANK(e[-1])) e--;
    for (; s < e; s++) {
        if (BLANK(*s)) { if (!BLANK(s[1])) *o++ = ' '; continue; }
        *o++ = *s;
    }
    *o = '\0';
    return p;
}

static void lower(char *s) { for (; s && *s; s++) *s = (char)tolower((unsigned char)*s); }

/* next blank-separated word of [*p, end); NULL when none */
static const char *word(const char **p, const char *end, size_t *n)
{
    const char *s = *p;
    while (s < end && BLANK(*s)) s++;
    if (s >= end) return NULL;
    const char *e = s;
    while (e < end && !BLANK(*e)) e++;
    *n = (size_t)(e - s);
    *p = e;
    return s;
}

/* value of option key in the one-line options [o, oe), malloc'd, or NULL */
static char *option(const char *o, const char *oe, const char *key)
{
    size_t kl = strlen(key), n;
    const char *w;
    while ((w = word(&o, oe, &n)))
        if (n > kl && !strncmp(w, key, kl) && w[kl] == '=') return strndup(w + kl + 1, n - kl - 1);
    return NULL;
}

static int emit(xh_apt_fn fn, void *ctx, const char *file, const char *t, size_t tn, const char *u, size_t un,
                const char *s, size_t sn, const char *comps, const char *sb, const char *tr)
{
    char *type = strndup(t, tn), *uri = strndup(u, un), *suite = strndup(s, sn);
    int rc = 0;
    if (type && uri && suite) {
        struct xh_apt_entry e = { type, uri, suite, comps ? comps : "", sb ? sb : "", tr ? tr : "", file };
        rc = fn(&e, ctx);
    }
    free(type); free(uri); free(suite);
    return rc;
}

static int one_line(const char *file, const char *s, const char *e, xh_apt_fn fn, void *ctx)
{
    const char *w, *type, *uri, *suite, *o = NULL, *oe = NULL;
    size_t n, tn, un, sn;
    if (!(type = word(&s, e, &tn)) || !((tn == 3 && !strncmp(type, "deb", 3)) || (tn == 7 && !strncmp(type, "deb-src", 7))))
        return 0;
    w = word(&s, e, &n);
    if (w && *w == '[') {               /* [ options ] may contain blanks */
        const char *close = memchr(w, ']', (size_t)(e - w));
        if (!close) return 0;
        o = w + 1;
        oe = close;
        s = close + 1;
        w = word(&s, e, &n);
    }
    if (!(uri = w)) return 0;
    un = n;
    if (!(suite = word(&s, e, &sn))) return 0;
    char *comps = folded(s, e), *sb = o ? option(o, oe, "signed-by") : NULL, *tr = o ? option(o, oe, "trusted") : NULL;
    lower(tr);
    int rc = comps ? emit(fn, ctx, file, type, tn, uri, un, suite, sn, comps, sb, tr) : 0;
    free(comps); free(sb); free(tr);
    return rc;
}

struct stanza { char *types, *uris, *suites, *comps, *signed_by, *trusted; int disabled, embedded_key; };

static void stanza_reset(struct stanza *st)
{
    free(st->types); free(st->uris); free(st->suites); free(st->comps); free(st->signed_by); free(st->trusted);
    memset(st, 0, sizeof *st);
}

static int stanza_emit(const char *file, struct stanza *st, xh_apt_fn fn, void *ctx)
{
    int rc = 0;
    if (st->disabled || !st->types || !st->uris || !st->suites) goto out;
    lower(st->trusted);
    const char *tp = st->types, *te = tp + strlen(tp), *t;
    size_t tn;
    while (!rc && (t = word(&tp, te, &tn))) {
        if (!((tn == 3 && !strncmp(t, "deb", 3)) || (tn == 7 && !strncmp(t, "deb-src", 7)))) continue;
        const char *up = st->uris, *ue = up + strlen(up), *u;
        size_t un;
        while (!rc && (u = word(&up, ue, &un))) {
            const char *sp = st->suites, *se = sp + strlen(sp), *s;
            size_t sn;
            while (!rc && (s = word(&sp, se, &sn)))
                rc = emit(fn, ctx, file, t, tn, u, un, s, sn, st->comps, st->embedded_key ? "" : st->signed_by, st->trusted);
        }
    }
out:
    stanza_reset(st);
    return rc;
}

int xh_apt_parse_buf(const char *buf, size_t len, const char *name, int is_deb822, xh_apt_fn fn, void *ctx)
{
    const char *p = buf, *end = buf + len;
    struct stanza st = { 0 };
    char **last = NULL;     /* the field a continuation line extends */
    int rc = 0;

    while (p < end && !rc) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = eol ? eol : end;
        p = eol ? eol + 1 : end;
        while (e > s && (BLANK(e[-1]) || e[-1] == '\r')) e--;
        if (memchr(s, '\0', (size_t)(e - s))) continue;   /* not text: no entry of it */
        if (!is_deb822) {
            const char *h = memchr(s, '#', (size_t)(e - s));
            rc = one_line(name, s, h ? h : e, fn, ctx);
            continue;
        }
        if (s == e) { rc = stanza_emit(name, &st, fn, ctx); last = NULL; continue; }
        if (*s == '#') continue;
        if (BLANK(*s)) {            /* continuation: one more value of the field */
            char *more = last && *last && !(last == &st.signed_by && st.embedded_key) ? folded(s, e) : NULL, *j = NULL;
            if (more && last == &st.signed_by && !strncmp(more, "-----BEGIN", 10)) st.embedded_key = 1;
            else if (more && asprintf(&j, "%s%s%s", *last, **last && *more ? " " : "", more) >= 0) { free(*last); *last = j; }
            free(more);
            continue;
        }
        const char *colon = memchr(s, ':', (size_t)(e - s));
        last = NULL;
        if (!colon) continue;
        size_t kn = (size_t)(colon - s);
        char *val = folded(colon + 1, e);
        if (!val) break;
#define KEY(k) (kn == strlen(k) && !strncasecmp(s, k, kn))
        if (KEY("Types")) last = &st.types;
        else if (KEY("URIs")) last = &st.uris;
        else if (KEY("Suites")) last = &st.suites;
        else if (KEY("Components")) last = &st.comps;
        else if (KEY("Signed-By")) {
            /* a path list, or a key block on the lines that follow (no one-line form) */
            last = &st.signed_by;
            st.embedded_key = !strncmp(val, "-----BEGIN", 10);
        }
        else if (KEY("Trusted")) last = &st.trusted;
        else if (KEY("Enabled")) st.disabled = !strcasecmp(val, "no");
#undef KEY
        if (last) { free(*last); *last = val; } else free(val);
    }
    if (!rc && is_deb822) rc = stanza_emit(name, &st, fn, ctx);
    stanza_reset(&st);
    return rc;
}

static int parse_file(const char *path, int is_deb822, xh_apt_fn fn, void *ctx)
{
    char *buf;
    size_t len;
    int rc;
    if (xh_read_file(path, 4u << 20, &buf, &len) < 0) return 0;   /* unreadable: skipped */
    rc = xh_apt_parse_buf(buf, len, path, is_deb822, fn, ctx);
    free(buf);
    return rc;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a > b && strcmp(s + a - b, suf) == 0;
}

int xh_apt_sources(const char *etc_apt, xh_apt_fn fn, void *ctx)
{
    char path[4096];
    struct dirent **ents = NULL;
    int n, rc;

    snprintf(path, sizeof path, "%s/sources.list", etc_apt);
    if ((rc = parse_file(path, 0, fn, ctx)) != 0) return rc;
    snprintf(path, sizeof path, "%s/sources.list.d", etc_apt);
    n = scandir(path, &ents, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        int d822 = ends_with(nm, ".sources");
        if (!rc && nm[0] != '.' && (d822 || ends_with(nm, ".list"))) {
            snprintf(path, sizeof path, "%s/sources.list.d/%s", etc_apt, nm);
            rc = parse_file(path, d822, fn, ctx);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}
