/* compcfg.c - read back the xl configs xen-create-image writes. */
#define _GNU_SOURCE
#include "compcfg.h"
#include "../lib/files.h"
#include "../lib/xlcfg.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *out, size_t n, const char *v) { snprintf(out, n, "%s", v); }

static int setting(const char *key, char *const *v, size_t n, int is_list, int line, void *ctx)
{
    struct compcfg *c = ctx;
    (void)line;
    if (!is_list && n == 1) {
        if (!strcmp(key, "name")) copy(c->name, sizeof c->name, v[0]);
        else if (!strcmp(key, "type")) copy(c->type, sizeof c->type, v[0]);
        else if (!strcmp(key, "memory")) copy(c->memory, sizeof c->memory, v[0]);
        else if (!strcmp(key, "vcpus")) copy(c->vcpus, sizeof c->vcpus, v[0]);
        else if (!strcmp(key, "kernel")) copy(c->kernel, sizeof c->kernel, v[0]);
        return 0;
    }
    if (!strcmp(key, "disk")) {
        char **nt = realloc(c->targets, (c->ntargets + n) * sizeof *nt);
        if (!nt && n) return 1;
        c->targets = nt;
        for (size_t i = 0; i < n; i++) {
            char t[4096];
            if (xh_xlcfg_spec_value(v[i], "target", t, sizeof t) == 0 && t[0]) {
                if (!(c->targets[c->ntargets] = strdup(t))) return 1;
                c->ntargets++;
            }
        }
    } else if (!strcmp(key, "vif")) {
        for (size_t i = 0; i < n; i++) {
            if (!c->mac[0]) xh_xlcfg_spec_value(v[i], "mac", c->mac, sizeof c->mac);
            if (!c->ip[0]) xh_xlcfg_spec_value(v[i], "ip", c->ip, sizeof c->ip);
        }
    }
    return 0;
}

/* Our marker: a comment line "#xci KEY=VALUE..." */
static void meta(const char *text, size_t len, struct compcfg *c)
{
    for (const char *l = text, *end = text + len; l < end;) {
        const char *nl = memchr(l, '\n', (size_t)(end - l)), *e = nl ? nl : end;
        if (e - l > 5 && !strncmp(l, "#xci ", 5)) { snprintf(c->meta, sizeof c->meta, "%.*s", (int)(e - l - 5), l + 5); return; }
        l = nl ? nl + 1 : end;
    }
}

int compcfg_parse(const char *text, size_t len, struct compcfg *c, char *why, size_t whylen)
{
    memset(c, 0, sizeof *c);
    int rc = xh_xlcfg_parse(text, len, setting, c, why, whylen);
    if (rc > 0) snprintf(why, whylen, "out of memory");
    if (rc) return -1;
    if (!c->name[0]) { snprintf(why, whylen, "no name = \"...\" setting"); return -1; }
    meta(text, len, c);
    return 0;
}

int compcfg_read(const char *path, struct compcfg *c, char *why, size_t whylen)
{
    char *buf, sub[300];
    size_t len;
    memset(c, 0, sizeof *c);
    if (xh_read_file(path, XH_XLCFG_MAX, &buf, &len) < 0) {
        snprintf(why, whylen, "%s: %s", path, xh_read_file_why(errno));
        return -1;
    }
    int rc = compcfg_parse(buf, len, c, sub, sizeof sub);
    free(buf);
    if (rc < 0) snprintf(why, whylen, "%s: %s", path, sub);
    return rc;
}

void compcfg_free(struct compcfg *c)
{
    for (size_t i = 0; i < c->ntargets; i++) free(c->targets[i]);
    free(c->targets);
    c->targets = NULL;
    c->ntargets = 0;
}
