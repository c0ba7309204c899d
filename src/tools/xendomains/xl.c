/* xl.c - the toolstack backend: xl run through xh_run (argv only, time limit,
 * stderr captured so failures say why) for every action, and domain state from
 * libxl (libxl.c) or, for another toolstack or a test double, a strict reader
 * of "xl list". */
#define _GNU_SOURCE
#include "xendomains.h"
#include "buf.h"
#include "log.h"
#include "spawn.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XL_MAX_ARGS 64

/* The last non-empty line of text, trimmed, into buf. */
static void last_line(const char *text, char *buf, size_t len)
{
    const char *e = text ? text + strlen(text) : NULL, *s;
    buf[0] = '\0';
    if (!e) return;
    while (e > text && isspace((unsigned char)e[-1])) e--;
    for (s = e; s > text && s[-1] != '\n'; s--);
    snprintf(buf, len, "%.*s", (int)(e - s), s);
}

int xd_xlv(const struct xd_conf *c, int64_t timeout_ms, struct xd_xl_res *r, char *const args[])
{
    char *argv[XL_MAX_ARGS + 2];
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = timeout_ms, .grace_ms = 3000 };
    struct xh_run_result res;
    char line[400];
    size_t n = 0;

    argv[n++] = (char *)c->xl;
    for (; args[n - 1] && n <= XL_MAX_ARGS; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    xh_run(argv, &o, &res);
    r->status = res.status;
    r->timed_out = res.timed_out;
    r->why[0] = '\0';
    if (res.timed_out) {
        snprintf(r->why, sizeof r->why, "xl %.40s: no answer within %lld s, killed", args[0],
                 (long long)(timeout_ms / 1000));
    } else if (res.status == -1) {
        snprintf(r->why, sizeof r->why, "%s", res.why);
    } else if (res.status != 0) {
        last_line(res.err && *res.err ? res.err : res.out, line, sizeof line);
        if (res.status > 128)
            snprintf(r->why, sizeof r->why, "xl %.40s: killed by signal %d%s%.400s", args[0],
                     res.status - 128, line[0] ? ": " : "", line);
        else
            snprintf(r->why, sizeof r->why, "xl %.40s: exit %d%s%.400s", args[0], res.status,
                     line[0] ? ": " : "", line);
    }
    xh_run_result_free(&res);
    return r->status == 0 && !r->timed_out ? 0 : -1;
}

int xd_xl(const struct xd_conf *c, int64_t timeout_ms, struct xd_xl_res *r, ...)
{
    char *args[XL_MAX_ARGS + 1];
    size_t n = 0;
    va_list ap;
    va_start(ap, r);
    while (n < XL_MAX_ARGS && (args[n] = va_arg(ap, char *)) != NULL) n++;
    va_end(ap);
    args[n] = NULL;
    return xd_xlv(c, timeout_ms, r, args);
}

static int all_digits(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

/* "Name  ID  Mem VCPUs  State  Time(s)": the last five columns are fixed, the
 * name is everything before them. Lines that do not have that shape are an
 * error: a guest we cannot see is a guest we would not save. */
int xd_parse_list(const char *text, struct xd_dom **doms, char *why, size_t whylen)
{
    struct xd_dom *d = NULL;
    int n = 0, lineno = 0;
    const char *p = text;

    *doms = NULL;
    while (p && *p) {
        const char *eol = strchrnul(p, '\n');
        char line[1024], *tok[64], *save = NULL;
        int nt = 0;

        lineno++;
        snprintf(line, sizeof line, "%.*s", (int)(eol - p), p);
        p = *eol ? eol + 1 : eol;
        for (char *t = strtok_r(line, " \t\r", &save); t && nt < 64; t = strtok_r(NULL, " \t\r", &save))
            tok[nt++] = t;
        if (nt == 0 || (lineno == 1 && !strcmp(tok[0], "Name")))
            continue;
        if (nt < 6 || !all_digits(tok[nt - 5]) || !all_digits(tok[nt - 4]) || !all_digits(tok[nt - 3])) {
            snprintf(why, whylen, "xl list: line %d: unexpected format", lineno);
            free(d);
            return -1;
        }
        unsigned id = (unsigned)strtoul(tok[nt - 5], NULL, 10);
        if (id == 0 || (nt == 6 && !strcmp(tok[0], "(null)")))
            continue; /* Domain-0; a domain without a name is being built or destroyed */
        struct xd_dom *nd = realloc(d, (size_t)(n + 1) * sizeof *d);
        if (!nd) { free(d); snprintf(why, whylen, "out of memory"); return -1; }
        d = nd;
        struct xh_buf nb;
        xh_buf_init(&nb, d[n].name, sizeof d[n].name);
        for (int i = 0; i < nt - 5; i++) xh_buf_add(&nb, "%s%s", i ? " " : "", tok[i]);
        if (xh_buf_status(&nb)) {   /* a name cut short could name another guest */
            snprintf(why, whylen, "xl list: line %d: a domain name longer than %d characters", lineno, XD_NAME_MAX - 1);
            free(d);
            return -1;
        }
        d[n].id = id;
        d[n].mem_mib = strtoull(tok[nt - 4], NULL, 10);
        d[n].dying = strlen(tok[nt - 2]) == 6 && tok[nt - 2][5] == 'd'; /* "r-----": running...dying */
        n++;
    }
    *doms = d;
    return n;
}

const char *xd_state_source(const struct xd_conf *c)
{
#ifdef XD_HAVE_LIBXL
    if (!strcmp(c->xl, XD_XL_DEFAULT))
        return "libxl";
#endif
    (void)c;
    return "xl list";
}

int xd_xl_list(const struct xd_conf *c, struct xd_dom **doms, char *why, size_t whylen)
{
    char *argv[] = { (char *)c->xl, "list", NULL };
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 60000, .grace_ms = 2000 };
    int n = -1;

    if (!strcmp(xd_state_source(c), "libxl")) {
        if ((n = xd_libxl_list(doms, why, whylen)) >= 0)
            return n;
        xh_warn("%s; asking \"xl list\" instead", why);
    }
    /* xl can fail transiently (xenstore busy, a crash): look three times */
    for (int attempt = 0; attempt < 3 && n < 0; attempt++) {
        struct xh_run_result res;
        char line[400];
        if (attempt)
            usleep(300000);
        xh_run(argv, &o, &res);
        if (res.status == 0 && !res.timed_out) {
            n = xd_parse_list(res.out ? res.out : "", doms, why, whylen);
        } else {
            last_line(res.err, line, sizeof line);
            snprintf(why, whylen, "xl list: %.200s%s%.250s",
                     res.timed_out ? "timed out" : res.status == -1 ? res.why : "failed",
                     line[0] ? ": " : "", line);
        }
        xh_run_result_free(&res);
    }
    return n;
}

int xd_xl_exists(const struct xd_conf *c, const char *name)
{
    struct xd_dom *d;
    char why[512];
    int n = xd_xl_list(c, &d, why, sizeof why), found = 0;
    if (n < 0) {
        xh_warn("%s: %s", name, why);
        return -1;
    }
    for (int i = 0; i < n; i++) found |= !strcmp(d[i].name, name);
    free(d);
    return found;
}
