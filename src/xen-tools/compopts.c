/* compopts.c - the companions' command line (compopts.h). */
#define _GNU_SOURCE
#include "compopts.h"
#include "../lib/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int comp_parse(int argc, char **argv, struct comp_opts *o, const char *usage, const struct xh_exit *exits)
{
    o->output = "/etc/xen";
    o->extension = ".cfg";
    o->names = calloc((size_t)argc + 1, sizeof *o->names);
    if (!o->names) { xh_err("out of memory"); return 2; }
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
        else if (IS("help") || IS("h")) { o->help = 1; printf("%s", usage); xh_print_exits(stdout, exits); continue; }
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
