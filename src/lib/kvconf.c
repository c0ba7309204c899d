#define _GNU_SOURCE
#include "kvconf.h"
#include "files.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (4u << 20) /* configuration files are small; refuse absurd ones */

static int fail(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "%s:%d: ", name, line);
    if (n >= 0 && (size_t)n < errlen) {
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int valid_key(const char *k, size_t n, enum xh_kv_dialect d)
{
    if (n == 0 || !(isalpha((unsigned char)k[0]) || k[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (!(isalnum(c) || c == '_' || (d == XH_KV_SPACED && c == '-')))
            return 0;
    }
    return 1;
}

/* Shell dialect value: concatenation of unquoted, '...' and "..." pieces. */
static int shell_value(const char *p, const char *end, char *out, const char **why)
{
    size_t o = 0;
    while (p < end) {
        char c = *p;
        if (c == '\'') {
            const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));
            if (!q) { *why = "unterminated single quote"; return -1; }
            memcpy(out + o, p + 1, (size_t)(q - p - 1));
            o += (size_t)(q - p - 1);
            p = q + 1;
        } else if (c == '"') {
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end && strchr("\"\\$`", p[1])) { out[o++] = *++p; continue; }
                if (*p == '$' || *p == '`') { *why = "shell expansion is not supported (write the value literally)"; return -1; }
                out[o++] = *p;
            }
            if (p >= end) { *why = "unterminated double quote"; return -1; }
            p++;
        } else if (c == ' ' || c == '\t') {
            /* blank ends the value; only a comment may follow */
            while (p < end && (*p == ' ' || *p == '\t')) p++;
            if (p < end && *p != '#') { *why = "unquoted blank in value (quote the value)"; return -1; }
            break;
        } else if (c == '$' || c == '`' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')') {
            *why = "shell syntax is not supported (quote the value or write it literally)";
            return -1;
        } else if (c == '\\') {
            if (p + 1 >= end) { *why = "backslash at end of line"; return -1; }
            out[o++] = p[1];
            p += 2;
        } else {
            out[o++] = c;
            p++;
        }
    }
    out[o] = '\0';
    return 0;
}

/* With bad, a line with a syntax error goes to bad() and parsing goes on. */
static int parse(const char *buf, size_t len, const char *name, enum xh_kv_dialect d,
                 xh_kv_fn fn, xh_kv_bad_fn bad, void *ctx, char *err, size_t errlen)
{
    const char *p = buf, *end = buf + len;
    int line = 0, rc = 0;
    char *key = NULL, *val = NULL;

    if (errlen) err[0] = '\0';
    key = malloc(len + 1);
    val = malloc(len + 1);
    if (!key || !val) { rc = fail(err, errlen, name, 0, "out of memory"); goto out; }

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *e = eol ? eol : end, *eq;
        const char *why = NULL;
        size_t klen;

        line++;
        p = eol ? eol + 1 : end;
/* a syntax error: the end of the parse, or (with bad) of this line only */
#define SYNTAX(...) do {                                        \
            rc = fail(err, errlen, name, line, __VA_ARGS__);    \
            if (!bad) goto out;                                 \
            bad(err, ctx);                                      \
            rc = 0;                                             \
            goto next;                                          \
        } while (0)
        if (memchr(s, '\0', (size_t)(e - s))) SYNTAX("NUL byte in line");
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        if (s == e || *s == '#')
            continue;
        if (d == XH_KV_SHELL && e - s > 7 && strncmp(s, "export ", 7) == 0)
            for (s += 7; s < e && *s == ' '; s++);
        eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) SYNTAX("expected KEY=VALUE, got '%.*s'", (int)(e - s), s);
        klen = (size_t)(eq - s);
        if (d == XH_KV_SPACED)
            while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t')) klen--;
        if (!valid_key(s, klen, d))
            SYNTAX("invalid key '%.*s'%s", (int)klen, s,
                   d == XH_KV_SHELL && klen && (s[klen - 1] == ' ') ? " (no blanks around '=')" : "");
        memcpy(key, s, klen);
        key[klen] = '\0';
        if (d == XH_KV_SPACED) {
            const char *v = eq + 1, *hash = memchr(v, '#', (size_t)(e - v)), *ve = hash ? hash : e;
            while (v < ve && (*v == ' ' || *v == '\t')) v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            memcpy(val, v, (size_t)(ve - v));
            val[ve - v] = '\0';
        } else if (shell_value(eq + 1, e, val, &why) < 0) {
            SYNTAX("%s: %s", key, why);
        }
        if ((rc = fn(key, val, name, line, ctx)) != 0)
            goto out;
    next:;
#undef SYNTAX
    }
out:
    free(key);
    free(val);
    return rc;
}

int xh_kv_parse_buf(const char *buf, size_t len, const char *name, enum xh_kv_dialect d,
                    xh_kv_fn fn, void *ctx, char *err, size_t errlen)
{
    return parse(buf, len, name, d, fn, NULL, ctx, err, errlen);
}

static int parse_file(const char *path, enum xh_kv_dialect d, xh_kv_fn fn, xh_kv_bad_fn bad, void *ctx,
                      char *err, size_t errlen)
{
    char *buf;
    size_t n;
    int rc;

    if (xh_read_file(path, MAX_FILE, &buf, &n) < 0) {
        snprintf(err, errlen, "%s: %s", path, xh_read_file_why(errno));
        return errno == ENOENT ? -2 : -1;
    }
    rc = parse(buf, n, path, d, fn, bad, ctx, err, errlen);
    free(buf);
    return rc;
}

int xh_kv_parse_file(const char *path, enum xh_kv_dialect d, xh_kv_fn fn, void *ctx,
                     char *err, size_t errlen)
{
    return parse_file(path, d, fn, NULL, ctx, err, errlen);
}

int xh_kv_parse_file_each(const char *path, enum xh_kv_dialect d, xh_kv_fn fn, xh_kv_bad_fn bad, void *ctx,
                          char *err, size_t errlen)
{
    return parse_file(path, d, fn, bad, ctx, err, errlen);
}
