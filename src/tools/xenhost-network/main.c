/* xenhost-network - give Xen guests a network with one command, without ever
 * locking the admin out. See xenhost-network(8) and docs/network.md; the
 * concerns are listed in xn.h. Exit statuses: the table below, as in the man page. */
#define _GNU_SOURCE
#include "xn.h"
#include "buf.h"
#include "guestbridge.h"
#include "log.h"
#include "value.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: xenhost-network [-v] setup [--uplink IF] [--bridge NAME] [--mode bridge|nat] [--backend auto|ifupdown|networkd]\n"
    "                                  [--confirm-timeout SECONDS] [--dry-run]\n"
    "       xenhost-network [-v] confirm | status | remove [--force]\n";

/* xenhost-network(8), EXIT STATUS */
static const struct xh_exit exits[] = {
    { 0, "success (setup: the new configuration is up, and on trial unless --confirm-timeout 0)" },
    { 1, "an operation failed and what it had changed is back as it was (setup: the change did not come up or was rolled back; confirm: no trial to confirm; remove: a file was edited since setup; status: something disagrees)" },
    { 2, "usage error, not run as root, or a bad configuration file" },
    { 3, "refused: the host's network cannot be converted safely (the reason is printed); nothing was changed" },
    { 4, "the configuration from before could not be fully restored: see status and /var/lib/xenhost-network/log" },
    { -1, NULL },
};

static int cmd_setup(struct xn_opts *o);
static int cmd_confirm(struct xn_opts *o) { (void)o; return xn_confirm(); }
static int cmd_remove(struct xn_opts *o) { return xn_remove(o->force); }
static int cmd_status(struct xn_opts *o);

static const struct cmd {
    const char *name;
    int (*fn)(struct xn_opts *);
    int hidden;
    const char *help;
} cmds[] = {
    { "setup",   cmd_setup,   0, "make the guests' bridge (bridge mode) or a host-only NAT network, on trial" },
    { "confirm", cmd_confirm, 0, "keep the configuration a setup put on trial" },
    { "status",  cmd_status,  0, "what is configured, what is live, whether a trial is pending, whether the settings agree" },
    { "remove",  cmd_remove,  0, "put back the configuration from before setup, byte for byte" },
    { "guard",   NULL,        1, "(internal) the detached guard of a trial" },
    { "boot",    NULL,        1, "(internal) at boot, before networking: restore the old files if a trial was pending" },
    { "nat-up",  NULL,        1, "(internal) bring the NAT network up (xenhost-network-nat.service)" },
    { "nat-down", NULL,       1, "(internal) take the NAT network down" },
};

static void usage(FILE *f)
{
    fputs(USAGE, f);
    fputs("commands:\n", f);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!cmds[i].hidden) fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
    fprintf(f, "setup options:\n"
               "  --uplink IF            the interface to bridge (default: the one of the default route)\n"
               "  --bridge NAME          the bridge (default: %s; %s with --mode nat)\n"
               "  --mode bridge|nat      bridge the uplink (default), or a host-only bridge with DHCP, DNS and NAT\n"
               "  --backend auto|ifupdown|networkd  the network stack to write for (default: the one that configures the uplink)\n"
               "  --confirm-timeout S    roll back unless confirmed within S seconds (default %d; 0: no trial)\n"
               "  --dry-run              print the files it would write; change nothing\n",
            XN_DEFAULT_BRIDGE, XN_DEFAULT_NAT_BRIDGE, XN_DEFAULT_TIMEOUT);
    xh_print_exits(f, exits);
}

/* ---- setup ---- */

static int refuse(const char *why)
{
    xh_err("refused: %s; nothing was changed", why);
    return XN_REFUSED;
}

static int cmd_setup(struct xn_opts *o)
{
    struct xn_plan p;
    char why[2048] = "", path[XN_PATH];
    int rc;

    memset(&p, 0, sizeof p);
    p.mode = o->mode;
    if (xn_trial_pending()) return refuse("a trial is pending: confirm it or roll it back (xenhost-network remove) first");
    if (xn_state_exists()) {
        struct xn_plan cur;
        if (xn_state_load(&cur) == 0) {
            xn_pf(why, sizeof why, "xenhost-network is set up already (%s mode, %s): run xenhost-network remove first", xn_mode_name(cur.mode), cur.summary);
            xn_plan_free(&cur);
        } else xn_pf(why, sizeof why, "%s/state is there but unreadable: see status", XN_STATE_DIR);
        return refuse(why);
    }
    if (xn_default_route(&p.gw) < 0 && !o->uplink && o->mode == XN_MODE_BRIDGE)
        return refuse("the host has no default route: name the interface to bridge with --uplink");
    xn_pf(p.uplink, sizeof p.uplink, "%s", o->uplink ? o->uplink : p.gw.dev);
    if (o->uplink && xn_default_route_dev(o->uplink, &p.gw) < 0) memset(&p.gw, 0, sizeof p.gw);

    if (o->mode == XN_MODE_NAT) {
        xn_pf(p.bridge, sizeof p.bridge, "%s", o->bridge ? o->bridge : XN_DEFAULT_NAT_BRIDGE);
        p.backend = XN_BE_NONE;
        if (!xn_systemd_running() && !xn_under_root())
            xh_warn("systemd is not running: the NAT network is brought up now, but nothing brings it up at boot "
                    "(run 'xenhost-network nat-up' from your init)");
        if ((rc = xn_nat_plan(&p, why, sizeof why)) != 0) { xn_plan_free(&p); return rc == XN_REFUSED ? refuse(why) : (xh_err("%s", why), rc); }
        if (p.uplink[0] == '\0') xn_pf(p.uplink, sizeof p.uplink, "%s", "-");
    } else {
        const char *up = p.uplink;
        char master[IF_NAMESIZE];
        if (!xn_link_exists(up)) { xn_pf(why, sizeof why, "%s: no such interface", up); return refuse(why); }
        if (xn_link_is_bridge(up)) {
            /* the uplink is a bridge already: guests use it, no network file changes */
            if (o->bridge && strcmp(o->bridge, up)) { xn_pf(why, sizeof why, "%s is a bridge already; --bridge %s would be a second one on top of it", up, o->bridge); return refuse(why); }
            p.mode = XN_MODE_ADOPT;
            p.backend = XN_BE_NONE;
            xn_pf(p.bridge, sizeof p.bridge, "%s", up);
            xn_link_mac(up, p.mac, sizeof p.mac);
            char ports[256];
            xn_link_ports(up, ports, sizeof ports);
            xn_pf(p.summary, sizeof p.summary, "%s is a bridge already (ports: %s): guests use it; no network file changed", up, ports[0] ? ports : "none");
        } else {
            xn_pf(p.bridge, sizeof p.bridge, "%s", o->bridge ? o->bridge : XN_DEFAULT_BRIDGE);
            if (xn_link_master(up, master, sizeof master)) {
                xn_pf(why, sizeof why, "%s is already a port of the bridge %s: use --uplink %s (setup then makes %s the guests' bridge and changes no network file)", up, master, master, master);
                return refuse(why);
            }
            if (xn_link_unbridgeable(up, why, sizeof why)) return refuse(why);
            if (xn_link_exists(p.bridge)) { xn_pf(why, sizeof why, "an interface named %s exists already: choose another --bridge, or use it with --uplink %s", p.bridge, p.bridge); return refuse(why); }
            if (xn_link_mac(up, p.mac, sizeof p.mac) < 0) { xn_pf(why, sizeof why, "%s: its MAC address cannot be read (not an Ethernet interface?)", up); return refuse(why); }
            int in_ifupdown = xn_ifupdown_has_iface(up);
            if (xn_nm_manages(up, in_ifupdown, why, sizeof why)) return refuse(why);
            p.backend = o->backend;
            if (p.backend == XN_BE_AUTO) {
                char nf[XN_PATH];
                if (in_ifupdown) p.backend = XN_BE_IFUPDOWN;
                else if (xn_networkd_file_for(up, "ether", p.mac, nf, sizeof nf, why, sizeof why) < 0) return refuse(why);
                else if (nf[0] && (xn_networkd_running() || xn_under_root())) p.backend = XN_BE_NETWORKD;
                else {
                    xn_pf(why, sizeof why, "neither ifupdown (/etc/network/interfaces) nor systemd-networkd configures %s: "
                             "its configuration is not known, so it cannot be moved", up);
                    return refuse(why);
                }
            }
            if (p.backend == XN_BE_IFUPDOWN) {
                char out[1024];
                char *q[] = { "ifquery", "--state", (char *)up, NULL };
                if (access(xn_path(path, sizeof path, "/etc/network/if-pre-up.d/bridge"), F_OK) != 0)
                    return refuse("bridge-utils is not installed (apt install bridge-utils): ifupdown makes bridges through its hooks");
                if (xn_run(NULL, q, 30, out, sizeof out) != 0 || !strstr(out, "=")) {
                    xn_pf(why, sizeof why, "ifupdown did not bring %s up (ifquery --state %s: %s): the running state does not match "
                             "/etc/network/interfaces", up, up, out[0] ? out : "not up");
                    return refuse(why);
                }
                rc = xn_ifupdown_plan(&p, why, sizeof why);
                if (!rc) xn_pf(p.summary, sizeof p.summary, "%s's stanzas (/etc/network/interfaces) moved onto %s", up, p.bridge);
            } else {
                rc = xn_networkd_plan(&p, why, sizeof why);
            }
            if (rc) { xn_plan_free(&p); return rc == XN_REFUSED ? refuse(why) : (xh_err("%s", why), rc); }
            char sum[sizeof p.summary];
            struct xh_buf sb;
            xh_buf_init(&sb, sum, sizeof sum);
            xh_buf_add(&sb, "%s; bridge %s with port %s, MAC %s", p.summary, p.bridge, up, p.mac);
            memcpy(p.summary, sum, sizeof sum);
        }
    }
    if (xn_settings_plan(&p) < 0) { xn_plan_free(&p); return XN_USAGE; }

    /* validate before anything is touched */
    rc = 0;
    if (p.mode == XN_MODE_BRIDGE && p.backend == XN_BE_IFUPDOWN) rc = xn_ifupdown_validate(&p, why, sizeof why);
    if (p.mode == XN_MODE_BRIDGE && p.backend == XN_BE_NETWORKD) rc = xn_networkd_validate(&p, why, sizeof why);
    if (rc) { xh_err("the new configuration does not pass its check: %s; nothing was changed", why); xn_plan_free(&p); return XN_FAIL; }

    if (o->dry_run) {
        printf("# xenhost-network setup --dry-run: %s mode%s%s\n# %s\n", xn_mode_name(p.mode), p.backend == XN_BE_NONE ? "" : ", backend ",
               p.backend == XN_BE_NONE ? "" : xn_backend_name(p.backend), p.summary);
        for (size_t i = 0; i < p.nfiles; i++) {
            const struct xn_file *f = &p.files[i];
            if (!xn_file_changes(f)) continue;
            printf("\n=== %s (%s) ===\n", f->path, !f->new ? "removed" : f->existed ? "rewritten" : "created");
            if (f->new) fwrite(f->new, 1, f->new_len, stdout);
            if (f->new && f->new_len && f->new[f->new_len - 1] != '\n') printf("\n");
        }
        printf("\n# nothing was changed\n");
        xn_plan_free(&p);
        return XN_OK;
    }
    rc = xn_trial_start(&p, p.mode == XN_MODE_ADOPT ? 0 : o->timeout_s);
    xn_plan_free(&p);
    return rc;
}

/* ---- status ---- */

static int cmd_status(struct xn_opts *o)
{
    struct xn_plan p;
    int bad = 0;
    const char *bridge = "";
    (void)o;
    memset(&p, 0, sizeof p);
    if (xn_state_exists() && xn_state_load(&p) == 0) {
        printf("configured: %s mode%s%s: %s\n", xn_mode_name(p.mode), p.backend == XN_BE_NONE ? "" : ", ",
               p.backend == XN_BE_NONE ? "" : xn_backend_name(p.backend), p.summary);
        for (size_t i = 0; i < p.nfiles; i++)
            if (xn_file_changes(&p.files[i]))
                printf("file: %s (%s)\n", p.files[i].path, !p.files[i].new ? "removed" : p.files[i].existed ? "rewritten" : "created");
        bridge = p.bridge;
        xn_live_report(stdout, bridge);
        if (!xn_link_exists(bridge) && !xn_trial_pending()) bad = 1;
    } else if (xn_state_exists()) {
        printf("configured: UNREADABLE (%s/state)\n", XN_STATE_DIR);
        bad = 1;
    } else {
        printf("configured: nothing (xenhost-network setup has not been run, or was removed)\n");
    }
    xn_trial_report(stdout);
    bad |= xn_settings_report(stdout, bridge);
    xn_plan_free(&p);
    return bad ? XN_FAIL : XN_OK;
}

int main(int argc, char **argv)
{
    struct xn_opts o = { .mode = XN_MODE_BRIDGE, .backend = XN_BE_AUTO, .timeout_s = XN_DEFAULT_TIMEOUT };
    static const struct option lopts[] = {
        { "uplink", required_argument, NULL, 'u' }, { "bridge", required_argument, NULL, 'b' },
        { "mode", required_argument, NULL, 'm' }, { "backend", required_argument, NULL, 'B' },
        { "confirm-timeout", required_argument, NULL, 't' }, { "dry-run", no_argument, NULL, 'n' },
        { "force", no_argument, NULL, 'f' }, { "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const struct cmd *cmd = NULL;
    const char *why;
    uint64_t n;
    int c;

    xh_log_init("xenhost-network", 0);
    /* global options, then the command, then its options */
    while ((c = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
        if (c == 'v') { o.verbose = 1; xh_log_verbosity(XH_DEBUG); }
        else if (c == 'h') { usage(stdout); return XN_OK; }
        else { usage(stderr); return XN_USAGE; }
    }
    if (optind >= argc) { usage(stderr); return XN_USAGE; }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[optind], cmds[i].name)) cmd = &cmds[i];
    if (!cmd) { xh_err("%s: unknown command", argv[optind]); usage(stderr); return XN_USAGE; }
    if (!strcmp(cmd->name, "guard")) {
        if (optind + 2 != argc) { usage(stderr); return XN_USAGE; }
        return xn_guard(argv[optind + 1]);
    }
    optind++;
    while ((c = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
        int setup_opt = c == 'u' || c == 'b' || c == 'm' || c == 'B' || c == 't' || c == 'n';
        if (setup_opt && strcmp(cmd->name, "setup")) { xh_err("%s: %s is an option of setup", cmd->name, argv[optind - 1]); return XN_USAGE; }
        switch (c) {
        case 'u':
            if (!xh_ifname_ok(optarg)) { xh_err("--uplink %s: not an interface name", optarg); return XN_USAGE; }
            o.uplink = optarg; break;
        case 'b':
            if (!xh_ifname_ok(optarg)) { xh_err("--bridge %s: not an interface name (1 to 15 letters, digits, '_', '.', '-')", optarg); return XN_USAGE; }
            o.bridge = optarg; break;
        case 'm':
            if (!strcmp(optarg, "bridge")) o.mode = XN_MODE_BRIDGE;
            else if (!strcmp(optarg, "nat")) o.mode = XN_MODE_NAT;
            else { xh_err("--mode %s: bridge or nat", optarg); return XN_USAGE; }
            break;
        case 'B':
            if (!strcmp(optarg, "auto")) o.backend = XN_BE_AUTO;
            else if (!strcmp(optarg, "ifupdown")) o.backend = XN_BE_IFUPDOWN;
            else if (!strcmp(optarg, "networkd")) o.backend = XN_BE_NETWORKD;
            else { xh_err("--backend %s: auto, ifupdown or networkd", optarg); return XN_USAGE; }
            break;
        case 't':
            if (xh_parse_uint(optarg, 0, 3600, &n, &why) < 0) { xh_err("--confirm-timeout %s: %s (0..3600 seconds)", optarg, why); return XN_USAGE; }
            o.timeout_s = (int)n; break;
        case 'n': o.dry_run = 1; break;
        case 'f':
            if (strcmp(cmd->name, "remove")) { xh_err("%s: --force is an option of remove", cmd->name); return XN_USAGE; }
            o.force = 1; break;
        case 'v': o.verbose = 1; xh_log_verbosity(XH_DEBUG); break;
        case 'h': usage(stdout); return XN_OK;
        default: usage(stderr); return XN_USAGE;
        }
    }
    if (optind != argc) { xh_err("%s: unexpected argument '%s'", cmd->name, argv[optind]); return XN_USAGE; }
    if (o.mode == XN_MODE_NAT && o.backend != XN_BE_AUTO) { xh_err("--backend: nat mode uses no network stack's files (its own unit)"); return XN_USAGE; }
    if (geteuid() != 0 && !xn_under_root() && strcmp(cmd->name, "status")) { xh_err("%s: must be run as root", cmd->name); return XN_USAGE; }
    umask(022);
    if (!strcmp(cmd->name, "boot")) return xn_boot();
    if (!strcmp(cmd->name, "nat-up")) { xh_log_init("xenhost-network", 1); return xn_nat_up(); }
    if (!strcmp(cmd->name, "nat-down")) { xh_log_init("xenhost-network", 1); return xn_nat_down(); }
    return cmd->fn(&o);
}
