/* xen-list-images - list the guests whose xl configs xen-create-image wrote.
 * See xen-list-images(8). */
#define _GNU_SOURCE
#include "compcfg.h"
#include "compopts.h"
#include "../lib/log.h"
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: xen-list-images [--output=DIR] [--extension=EXT] [NAME...]\n"
    "List guests made by xen-create-image (their xl configs in DIR, default /etc/xen).\n";
/* xen-list-images(8), EXIT STATUS */
static const struct xh_exit exits[] = {
    { 0, "success" },
    { 1, "a guest named was not found, or DIR could not be read" },
    { 2, "usage error" },
    { -1, NULL },
};

static void show(const char *path, const struct compcfg *c)
{
    printf("Name: %s\n", c->name);
    printf("Memory: %s MB\n", c->memory[0] ? c->memory : "?");
    printf("VCPUs: %s\n", c->vcpus[0] ? c->vcpus : "1");
    printf("Type: %s\n", c->type[0] ? c->type : "pv");
    const char *net = strstr(c->meta, "network=");
    if (net) printf("%s: %.*s\n", !strncmp(net + 8, "dhcp", 4) ? "DHCP" : "IP", (int)strcspn(net + 8, " "),
                    !strncmp(net + 8, "dhcp", 4) ? "yes" : net + 8);
    if (c->mac[0]) printf("MAC: %s\n", c->mac);
    for (size_t i = 0; i < c->ntargets; i++) printf("Disk: %s\n", c->targets[i]);
    printf("Config: %s\n\n", path);
}

int main(int argc, char **argv)
{
    struct comp_opts o = { 0 };
    int rc;
    xh_log_init("xen-list-images", 0);
    if ((rc = comp_parse(argc, argv, &o, usage, exits)) != 0) return rc;
    if (o.help) return 0;
    struct dirent **ents = NULL;
    int n = scandir(o.output, &ents, NULL, alphasort);
    if (n < 0) { xh_err("%s: cannot read it", o.output); return 1; }
    size_t el = strlen(o.extension);
    char *found = calloc((size_t)o.nnames + 1, 1);
    if (!found) { xh_err("out of memory"); return 1; }
    for (int i = 0; i < n; i++) {
        const char *nm = ents[i]->d_name;
        size_t l = strlen(nm);
        char path[PATH_MAX];
        struct compcfg c = { 0 };
        char why[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", o.output, nm);
        if (nm[0] != '.' && l > el && !strcmp(nm + l - el, o.extension) && compcfg_read(path, &c, why, sizeof why) == 0 && c.meta[0]) {
            int want = o.nnames == 0;
            for (int k = 0; k < o.nnames; k++)
                if (!strcmp(o.names[k], c.name)) { want = 1; found[k] = 1; }
            if (want) show(path, &c);
        }
        compcfg_free(&c);
        free(ents[i]);
    }
    free(ents);
    rc = 0;
    for (int k = 0; k < o.nnames; k++)
        if (!found[k]) { xh_err("%s: no such guest in %s", o.names[k], o.output); rc = 1; }
    free(found);
    free(o.names);
    return rc;
}
