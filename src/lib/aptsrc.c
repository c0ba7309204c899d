#define _GNU_SOURCE
#include "aptsrc.h"
#include "files.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) { memcpy(p, s, n); p[n] = '\0'; }
    return p;
}

/* next blank-separated word of [*p, end); NULL when none */
static const char *word(const char **p, const char *end, size_t *n)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    if (s >= end) return NULL;
    const char *e = s;
    while (e < end && *e != ' ' && *e != '\t') e++;
    *n = (size_t)(e - s);
    *p = e;
    return s;
}

static int one_line(const char *s, const char *e, xh_apt_fn fn, void *ctx)
{
    const char *w, *type, *uri, *suite;
    size_t n, tn, un, sn;
    if (!(type = word(&s, e, &tn)) || (tn != 3 && tn != 7) ||
        (strncmp(type, "deb", tn) != 0 && strncmp(type, "deb-src", tn) != 0))
        return 0;
    w = word(&s, e, &n);
    if (w && *w == '[') {               /* [ options ] may contain blanks */
        const char *close = memchr(w, ']', (size_t)(e - w));
        if (!close) return 0;
        s = close + 1;
        w = word(&s, e, &n);
    }
    if (!(uri = w)) return 0;
    un = n;
    if (!(suite = word(&s, e, &sn))) return 0;
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
    char *t = dupn(type, tn), *u = dupn(uri, un), *su = dupn(suite, sn), *c = dupn(s, (size_t)(e - s));
    int rc = t && u && su && c ? fn(t, u, su, c, ctx) : 0;
    free(t); free(u); free(su); free(c);
    return rc;
}

struct stanza { char *types, *uris, *suites, *comps; int disabled; };

static void stanza_reset(struct stanza *st)
{
    free(st->types); free(st->uris); free(st->suites); free(st->comps);
    memset(st, 0, sizeof *st);
}

static int stanza_emit(struct stanza *st, xh_apt_fn fn, void *ctx)
{
    int rc = 0;
    if (st->disabled || !st->types || !st->uris || !st->suites) goto out;
    const char *tp = st->types, *te = tp + strlen(tp), *t;
    size_t tn;
    while (!rc && (t = word(&tp, te, &tn))) {
        const char *up = st->uris, *ue = up + strlen(up), *u;
        size_t un;
        while (!rc && (u = word(&up, ue, &un))) {
            const char *sp = st->suites, *se = sp + strlen(sp), *s;
            size_t sn;
            while (!rc && (s = word(&sp, se, &sn))) {
                char *a = dupn(t, tn), *b = dupn(u, un), *c = dupn(s, sn);
                if (a && b && c) rc = fn(a, b, c, st->comps ? st->comps : "", ctx);
                free(a); free(b); free(c);
            }
        }
    }
out:
    stanza_reset(st);
    return rc;
}

int xh_apt_parse_buf(const char *buf, size_t len, int is_deb822, xh_apt_fn fn, void *ctx)
{
    const char *p = buf, *end = buf + len;
    struct stanza st = { 0 };
    char **last = NULL;     /* field a continuation line extends */
    int rc = 0;

    while (p < end && !rc) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = eol ? eol : end;
        p = eol ? eol + 1 : end;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        if (!is_deb822) {
            const char *h = memchr(s, '#', (size_t)(e - s));
            rc = one_line(s, h ? h : e, fn, ctx);
            continue;
        }
        if (s == e) { rc = stanza_emit(&st, fn, ctx); last = NULL; continue; }
        if (*s == '#') continue;
        if (*s == ' ' || *s == '\t') {  /* continuation */
            if (last && *last) {
                char *more = dupn(s, (size_t)(e - s)), *j = NULL;
                if (more && asprintf(&j, "%s %s", *last, more) >= 0) { free(*last); *last = j; }
                free(more);
            }
            continue;
        }
        const char *colon = memchr(s, ':', (size_t)(e - s));
        if (!colon) { last = NULL; continue; }
        size_t kn = (size_t)(colon - s);
        const char *v = colon + 1;
        while (v < e && (*v == ' ' || *v == '\t')) v++;
        char *val = dupn(v, (size_t)(e - v));
        if (!val) break;
        last = NULL;
        if (kn == 5 && !strncasecmp(s, "Types", 5)) last = &st.types;
        else if (kn == 4 && !strncasecmp(s, "URIs", 4)) last = &st.uris;
        else if (kn == 6 && !strncasecmp(s, "Suites", 6)) last = &st.suites;
        else if (kn == 10 && !strncasecmp(s, "Components", 10)) last = &st.comps;
        else if (kn == 7 && !strncasecmp(s, "Enabled", 7)) st.disabled = !strcasecmp(val, "no");
        if (last) { free(*last); *last = val; } else free(val);
    }
    if (!rc && is_deb822) rc = stanza_emit(&st, fn, ctx);
    stanza_reset(&st);
    return rc;
}

static int parse_file(const char *path, int is_deb822, xh_apt_fn fn, void *ctx)
{
    char *buf;
    size_t len;
    int rc;
    if (xh_read_file(path, 4u << 20, &buf, &len) < 0) return 0;   /* unreadable: skipped */
    rc = xh_apt_parse_buf(buf, len, is_deb822, fn, ctx);
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
