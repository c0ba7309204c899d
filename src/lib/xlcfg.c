/* xlcfg.c - the xl guest config reader (xlcfg.h). */
#define _GNU_SOURCE
#include "xlcfg.h"
#include "files.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lex { const char *p, *end; int line; };
struct vals { char **v; size_t n, cap; };

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

static void vals_free(struct vals *v)
{
    for (size_t i = 0; i < v->n; i++) free(v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

/* A string, number or bare word appended to v. Returns 0, or -1 with *why. */
static int scalar(struct lex *l, struct vals *v, const char **why)
{
    const char *s = l->p;
    char *out;
    size_t o = 0;

    if (v->n + 2 > v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        char **nv = realloc(v->v, cap * sizeof *nv);
        if (!nv) { *why = "out of memory"; return -1; }
        v->v = nv;
        v->cap = cap;
    }
    if (s < l->end && (*s == '"' || *s == '\'')) {
        char q = *s++;
        const char *e = s;
        while (e < l->end && *e != q && *e != '\n') e += (*e == '\\' && q == '"' && e + 1 < l->end) ? 2 : 1;
        if (e >= l->end || *e != q) { *why = "unterminated string"; return -1; }
        if (!(out = malloc((size_t)(e - s) + 1))) { *why = "out of memory"; return -1; }
        for (; s < e; s++) {
            if (*s == '\\' && q == '"' && s + 1 < e) s++;
            out[o++] = *s;
        }
        l->p = e + 1;
    } else {
        const char *e = s;
        while (e < l->end && (isalnum((unsigned char)*e) || (*e && strchr("._-+:/", *e)))) e++;
        if (e == s) { *why = "expected a value"; return -1; }
        if (!(out = strndup(s, (size_t)(e - s)))) { *why = "out of memory"; return -1; }
        o = (size_t)(e - s);
        l->p = e;
    }
    out[o] = '\0';
    v->v[v->n++] = out;
    v->v[v->n] = NULL;
    return 0;
}

int xh_xlcfg_parse(const char *text, size_t len, xh_xlcfg_fn fn, void *ctx, char *why, size_t whylen)
{
    struct lex l = { text, text + len, 1 };
    const char *err = NULL;
    char key[64];
    int rc = 0;

    for (;;) {
        struct vals v = { 0 };
        size_t k = 0;
        int is_list = 0, line;
        skip_blank(&l);
        if (l.p >= l.end) break;
        line = l.line;
        /* xl's own lexer: [a-z][._0-9a-z]* (xl.conf has vif.default.bridge) */
        while (l.p < l.end && (isalnum((unsigned char)*l.p) || *l.p == '_' || (k > 0 && *l.p == '.'))) {
            if (k + 1 >= sizeof key) { err = "setting name too long"; goto fail; }
            key[k++] = *l.p++;
        }
        key[k] = '\0';
        while (l.p < l.end && (*l.p == ' ' || *l.p == '\t')) l.p++;
        if (k == 0 || l.p >= l.end || *l.p != '=') { err = "expected 'setting = value'"; goto fail; }
        l.p++;
        while (l.p < l.end && (*l.p == ' ' || *l.p == '\t')) l.p++;
        if (l.p < l.end && *l.p == '[') {
            is_list = 1;
            l.p++;
            for (;;) {
                skip_blank(&l);
                if (l.p < l.end && *l.p == ']') { l.p++; break; }
                if (scalar(&l, &v, &err) < 0) goto fail_v;
                skip_blank(&l);
                if (l.p < l.end && *l.p == ',') l.p++;
                else if (l.p >= l.end || *l.p != ']') { err = "expected ',' or ']' in list"; goto fail_v; }
            }
        } else if (scalar(&l, &v, &err) < 0) {
            goto fail_v;
        }
        /* a setting ends at a newline, ';' or a comment */
        while (l.p < l.end && (*l.p == ' ' || *l.p == '\t')) l.p++;
        if (l.p < l.end && *l.p != '\n' && *l.p != ';' && *l.p != '#' && *l.p != '\r') { err = "unexpected text after the value"; goto fail_v; }
        rc = fn(key, v.v ? v.v : (char *[]){ NULL }, v.n, is_list, line, ctx);
        vals_free(&v);
        if (rc) return rc;
        continue;
    fail_v:
        vals_free(&v);
        goto fail;
    }
    return 0;
fail:
    snprintf(why, whylen, "line %d: %s", l.line, err);
    return -1;
}

int xh_xlcfg_read(const char *path, xh_xlcfg_fn fn, void *ctx, char *why, size_t whylen)
{
    char *buf, sub[256];
    size_t n;
    int rc;

    if (xh_read_file(path, XH_XLCFG_MAX, &buf, &n) < 0) {
        snprintf(why, whylen, "%s: %s", path, xh_read_file_why(errno));
        return -1;
    }
    sub[0] = '\0';
    rc = xh_xlcfg_parse(buf, n, fn, ctx, sub, sizeof sub);
    free(buf);
    if (rc == -1 && sub[0]) snprintf(why, whylen, "%s: %s", path, sub);
    return rc;
}

int xh_xlcfg_spec_value(const char *spec, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *p = spec; p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
        while (*p == ' ' || *p == '\t') p++;
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t len = strcspn(v, ",");
            while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
            snprintf(out, outlen, "%.*s", (int)len, v);
            return 0;
        }
    }
    return -1;
}
