/* xen-create-image - build a Debian Xen guest with its own kernel, booted by
 * the PVH/PV GRUB of grub-xen-host; compatible with xen-tools' options and
 * /etc/xen-tools/xen-tools.conf. See xen-create-image(8). */
#define _GNU_SOURCE
#include "build.h"
#include "opts.h"
#include "plan.h"
#include "../lib/files.h"
#include "../lib/guestbridge.h"
#include "../lib/log.h"
#include "../lib/testhooks.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONF "/etc/xen-tools/xen-tools.conf"

static void warn_cb(const char *msg) { xh_warn("%s", msg); }

/* Returns 0, or 2 after logging. A missing default config is fine. */
static int load_config(struct xci *o, const char *path, int must_exist)
{
    char err[1024] = "", *buf;
    size_t len;
    if (xh_read_file(path, 4u << 20, &buf, &len) < 0) {
        if (!must_exist && errno == ENOENT) return 0;
        xh_err("%s: %s", path, xh_read_file_why(errno));
        return 2;
    }
    int rc = xci_parse_config(o, buf, len, path, warn_cb, err, sizeof err);
    free(buf);
    if (rc) xh_err("%s", err);
    return rc;
}

int main(int argc, char **argv)
{
    struct xci o, cli;
    struct xci_plan p;
    char err[1024] = "";
    int rc;

    xh_log_init("xen-create-image", 0);
    /* The command line is parsed twice: first to find --config/--help and
     * report its errors before anything else, then over the config files. */
    xci_defaults(&cli);
    if ((rc = xci_parse_args(&cli, argc, argv, err, sizeof err)) != 0) {
        xh_err("%s", err);
        fprintf(stderr, "Try 'xen-create-image --help'.\n");
        return rc;
    }
    if (cli.show_help) { xci_usage(stdout); return 0; }
    if (cli.show_version) { printf("xen-create-image %s (xenhost)\n", XCI_PROG_VERSION); return 0; }

    xci_defaults(&o);
    /* the guests' default bridge is the host's one setting (docs/network.md);
     * xen-tools.conf's "bridge =" and --bridge, read after it, still win */
    const char *netdef = XH_TEST_ENV("XENHOST_NETWORK_DEFAULTS");
    char bridge[64], why[600];
    if (xh_guest_bridge(netdef ? netdef : XH_NETWORK_DEFAULTS, bridge, sizeof bridge, why, sizeof why) < 0) {
        xh_err("%s", why);
        return 2;
    }
    free(o.bridge);
    o.bridge = strdup(bridge);
    if (!o.bridge) { xh_err("out of memory"); return 1; }
    const char *conf = XH_TEST_ENV("XENHOST_XEN_TOOLS_CONF");
    if ((rc = load_config(&o, conf ? conf : DEFAULT_CONF, 0)) != 0) return rc;
    if (cli.config) {
        char path[4096];
        /* like xen-tools: a bare name is looked up in /etc/xen-tools/ */
        if (!strchr(cli.config, '/')) snprintf(path, sizeof path, "/etc/xen-tools/%s", cli.config);
        else snprintf(path, sizeof path, "%s", cli.config);
        if ((rc = load_config(&o, path, 1)) != 0) return rc;
    }
    err[0] = '\0';
    if ((rc = xci_parse_args(&o, argc, argv, err, sizeof err)) != 0) { xh_err("%s", err); return rc; }
    if (err[0]) xh_warn("%s", err);  /* last compatibility note */
    xci_free(&cli);
    if (o.verbose) xh_log_verbosity(XH_DEBUG);

    err[0] = '\0';
    if ((rc = xci_validate(&o, err, sizeof err)) != 0) { xh_err("%s", err); return rc; }
    if (err[0]) xh_warn("%s", err);
    const char *apt = XH_TEST_ENV("XENHOST_APT_DIR");
    if ((rc = xci_plan(&o, &p, apt ? apt : "/etc/apt", err, sizeof err)) != 0) { xh_err("%s", err); return rc; }

    if (o.dry_run) {
        xci_print_plan(&o, &p, stdout);
        xci_free(&o);
        return 0;
    }
    {
        char sys[128];
        snprintf(sys, sizeof sys, "/sys/class/net/%s/bridge", o.bridge);
        if (access(sys, F_OK) != 0)
            xh_warn("bridge %s does not exist on this host: the guest's vif cannot be connected until it does "
                    "(xenhost-network setup makes it)", o.bridge);
    }
    rc = xci_build(&o, &p);
    xci_free(&o);
    return rc;
}
