/* xlcfg.c - read back xl configs written by xen-create-image. */
#define _GNU_SOURCE
#include "xlcfg.h"
#include "../lib/files.h"
#include "../lib/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_value(const char *v, char *out, size_t n)
{
    while (*v == ' ' || *v == '\t') v++;
    size_t len = strcspn(v, "\n#");
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) { v++; len -= 2; }
    snprintf(out, n, "%.*s", (int)len, v);
}

/* value of "key=" inside a spec like 'format=raw, vdev=xvda, target=/x' */
static void spec_value(const char *spec, size_t speclen, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = spec; p && p < spec + speclen; p = memchr(p, ',', (size_t)(spec + speclen - p)), p = p ? p + 1 : NULL) {
        while (*p == ' ') p++;
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1;
            size_t len = strcspn(v, ",'\"");
            if (v + len > spec + speclen) len = (size_t)(spec + speclen - v);
            snprintf(out, n, "%.*s", (int)len, v);
            return;
        }
    }
}

/* each '...' item of a list value starting at p (up to the closing ']') */
static void list_items(const char *p, void (*fn)(const char *, size_t, struct xlcfg *), struct xlcfg *c)
{
    const char *end = strchr(p, ']');
    if (!end) return;
    for (const char *q = p; q < end;) {
        const char *a = strpbrk(q, "'\"");
        if (!a || a >= end) break;
        const char *b = strchr(a + 1, *a);
        if (!b || b > end) break;
        fn(a + 1, (size_t)(b - a - 1), c);
        q = b + 1;
    }
}
static void disk_item(const char *s, size_t n, struct xlcfg *c)
{
    if (c->ntargets < 4) {
        c->targets[c->ntargets][0] = '\0';
        spec_value(s, n, "target", c->targets[c->ntargets], sizeof c->targets[0]);
        if (c->targets[c->ntargets][0]) c->ntargets++;
    }
}
static void vif_item(const char *s, size_t n, struct xlcfg *c)
{
    if (!c->mac[0]) spec_value(s, n, "mac", c->mac, sizeof c->mac);
    if (!c->ip[0]) spec_value(s, n, "ip", c->ip, sizeof c->ip);
}

int xlcfg_parse(const char *text, struct xlcfg *c)
{
    memset(c, 0, sizeof *c);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        while (*l == ' ' || *l == '\t') l++;
        if (!strncmp(l, "#xci ", 5)) { copy_value(l + 5, c->meta, sizeof c->meta); continue; }
        const char *eq = strchr(l, '='), *nl = strchr(l, '\n');
        if (*l == '#' || !eq || (nl && eq > nl)) continue;
        size_t kl = (size_t)(eq - l);
        while (kl && (l[kl - 1] == ' ' || l[kl - 1] == '\t')) kl--;
#define KEY(k) (kl == strlen(k) && !strncmp(l, k, kl))
        if (KEY("name")) copy_value(eq + 1, c->name, sizeof c->name);
        else if (KEY("type")) copy_value(eq + 1, c->type, sizeof c->type);
        else if (KEY("memory")) copy_value(eq + 1, c->memory, sizeof c->memory);
        else if (KEY("vcpus")) copy_value(eq + 1, c->vcpus, sizeof c->vcpus);
        else if (KEY("kernel")) copy_value(eq + 1, c->kernel, sizeof c->kernel);
        else if (KEY("disk")) list_items(eq + 1, disk_item, c);
        else if (KEY("vif")) list_items(eq + 1, vif_item, c);
#undef KEY
    }
    return c->name[0] ? 0 : -1;
}

int xlcfg_load(const char *path, struct xlcfg *c)
{
    char *buf;
    size_t len;
    if (xh_read_file(path, 1u << 20, &buf, &len) < 0) return -1;
    int rc = len > 0 ? xlcfg_parse(buf, c) : -1;
    free(buf);
    return rc;
}

int comp_parse(int argc, char **argv, struct comp_opts *o, const char *usage)
{
    o->output = "/etc/xen";
    o->extension = ".cfg";
    o->names = calloc((size_t)argc + 1, sizeof *o->names);
    if (!o->names) return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        const char **slot = NULL;
        if (a[0] != '-') { o->names[o->nnames++] = a; continue; }
        const char *name = a + (a[1] == '-' ? 2 : 1), *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
#define IS(s) (n == strlen(s) && !strncmp(name, s, n))
        if (IS("output")) slot = &o->output;
        else if (IS("extension")) slot = &o->extension;
        else if (IS("hostname")) slot = &o->names[o->nnames++];
        else if (IS("dir") || IS("lvm")) slot = &v;          /* read from the config instead */
        else if (IS("test") || IS("dry-run")) { o->dry_run = 1; continue; }
        else if (IS("verbose") || IS("v")) { o->verbose = 1; continue; }
        else if (IS("help") || IS("h")) { o->help = 1; printf("%s", usage); continue; }
        else if (IS("no-xen-ok")) continue;
        else { xh_err("unknown option '%s'\n%s", a, usage); return 2; }
#undef IS
        if (eq) *slot = eq + 1;
        else if (i + 1 < argc) *slot = argv[++i];
        else { xh_err("%s: needs a value", a); return 2; }
    }
    if (o->output[0] != '/') { xh_err("--output '%s': needs an absolute path", o->output); return 2; }
    if (strchr(o->extension, '/')) { xh_err("--extension '%s': no '/' allowed", o->extension); return 2; }
    return 0;
}
