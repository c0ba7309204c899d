/* nat.c - the host-only NAT network: a bridge with no port (guests' vifs
 * join it), a /24 that collides with nothing on the host, DHCP and DNS for
 * the guests from dnsmasq, masquerading with nftables. The uplink is never
 * touched. setup writes /etc/xenhost-network/nat.conf; xenhost-network-nat.service
 * (or setup itself on a host without systemd) runs nat-up and nat-down. */
#define _GNU_SOURCE
#include "xn.h"
#include "atomicfile.h"
#include "buf.h"
#include "files.h"
#include "kvconf.h"
#include "log.h"
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct natcfg { char bridge[IF_NAMESIZE], address[32], mac[18], range[64]; };

static int overlaps(uint32_t net, uint32_t mask, const struct xn_net4 *nets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t m = mask & nets[i].mask;   /* the shorter prefix decides */
        if ((net & m) == (nets[i].addr & m)) return 1;
    }
    return 0;
}

static void nat_mac(const char *bridge, char *mac, size_t len)
{
    char p[XN_PATH], *id = NULL;
    size_t n = 0;
    uint64_t h = 1469598103934665603ull;
    if (xh_read_file(xn_path(p, sizeof p, "/etc/machine-id"), 4096, &id, &n) < 0) { id = NULL; n = 0; }
    for (size_t i = 0; i < n; i++) { h ^= (uint8_t)id[i]; h *= 1099511628211ull; }
    for (const char *c = bridge; *c; c++) { h ^= (uint8_t)*c; h *= 1099511628211ull; }
    free(id);
    /* locally administered, unicast */
    xn_pf(mac, len, "02:%02x:%02x:%02x:%02x:%02x", (unsigned)(h >> 8) & 0xff, (unsigned)(h >> 16) & 0xff,
             (unsigned)(h >> 24) & 0xff, (unsigned)(h >> 32) & 0xff, (unsigned)(h >> 40) & 0xff);
}

static int have(const char *prog, const char *pkg, char *why, size_t whylen)
{
    char *argv[] = { (char *)prog, "--version", NULL };
    if (xn_run(NULL, argv, 10, NULL, 0) == 0) return 1;
    xn_pf(why, whylen, "%s is not installed (apt install %s): nat mode needs it", prog, pkg);
    return 0;
}

int xn_nat_plan(struct xn_plan *p, char *why, size_t whylen)
{
    struct xn_net4 nets[256];
    size_t n = xn_host_nets4(nets, 256);
    uint32_t net = 0;
    char a[INET_ADDRSTRLEN], lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN], text[1024];
    struct in_addr ia;

    if (!have("dnsmasq", "dnsmasq-base", why, whylen) || !have("nft", "nftables", why, whylen)) return XN_REFUSED;
    if (xn_link_exists(p->bridge)) { xn_pf(why, whylen, "an interface named %s exists already: choose another --bridge", p->bridge); return XN_REFUSED; }
    for (unsigned i = 0; i < 256 + 55 && !net; i++) {
        uint32_t cand = i < 256 ? (10u << 24 | 200u << 16 | i << 8) : (192u << 24 | 168u << 16 | (200u + i - 256) << 8);
        if (!overlaps(cand, 0xffffff00u, nets, n)) net = cand;
    }
    if (!net) { xn_pf(why, whylen, "every candidate /24 (10.200.0-255.0, 192.168.200-254.0) collides with an address or route of the host"); return XN_REFUSED; }
    ia.s_addr = htonl(net | 1); inet_ntop(AF_INET, &ia, a, sizeof a);
    ia.s_addr = htonl(net | 10); inet_ntop(AF_INET, &ia, lo, sizeof lo);
    ia.s_addr = htonl(net | 250); inet_ntop(AF_INET, &ia, hi, sizeof hi);
    xn_pf(p->nat_addr, sizeof p->nat_addr, "%s/24", a);
    nat_mac(p->bridge, p->mac, sizeof p->mac);
    int len = xn_pf(text, sizeof text,
                       "# xenhost-network: the guests' host-only NAT network (xenhost-network(8)); written by setup --mode nat,\n"
                       "# removed by remove. xenhost-network-nat.service reads it.\n"
                       "BRIDGE=%s\nADDRESS=%s\nMAC=%s\nDHCP_RANGE=%s,%s\n", p->bridge, p->nat_addr, p->mac, lo, hi);
    struct xn_file *f = xn_plan_file(p, XN_NAT_CONF, XN_WHOLE);
    if (!f) { xn_pf(why, whylen, "%s: cannot be recorded", XN_NAT_CONF); return XN_FAIL; }
    if (f->existed) { xn_pf(why, whylen, "%s exists already: run xenhost-network remove first", XN_NAT_CONF); return XN_REFUSED; }
    xn_file_set(f, text, (size_t)len);
    xn_pf(p->summary, sizeof p->summary, "host-only bridge %s, %s, DHCP %s-%s, masquerading out of the host's routes", p->bridge, p->nat_addr, lo, hi);
    return 0;
}

static int cfg_kv(const char *key, const char *v, const char *file, int line, void *vctx)
{
    struct natcfg *c = vctx;
    (void)file; (void)line;
    if (!strcmp(key, "BRIDGE")) xn_pf(c->bridge, sizeof c->bridge, "%s", v);
    else if (!strcmp(key, "ADDRESS")) xn_pf(c->address, sizeof c->address, "%s", v);
    else if (!strcmp(key, "MAC")) xn_pf(c->mac, sizeof c->mac, "%s", v);
    else if (!strcmp(key, "DHCP_RANGE")) xn_pf(c->range, sizeof c->range, "%s", v);
    return 0;
}

static int load_cfg(struct natcfg *c)
{
    char path[XN_PATH], err[512];
    memset(c, 0, sizeof *c);
    xn_path(path, sizeof path, XN_NAT_CONF);
    int rc = xh_kv_parse_file(path, XH_KV_SHELL, cfg_kv, c, err, sizeof err);
    if (rc == -2) { xh_err("%s: no such file: no NAT network is configured", path); return -1; }
    if (rc < 0) { xh_err("%s", err); return -1; }
    if (!c->bridge[0] || !c->address[0] || !c->mac[0] || !c->range[0]) { xh_err("%s: BRIDGE, ADDRESS, MAC and DHCP_RANGE must all be set", path); return -1; }
    return 0;
}

static void run_paths(const struct natcfg *c, char *conf, char *pid, char *nft, char *fwd, size_t len)
{
    char rel[XN_PATH];
    xn_pf(rel, sizeof rel, "%s/dnsmasq-%s.conf", XN_RUN_DIR, c->bridge); xn_path(conf, len, rel);
    xn_pf(rel, sizeof rel, "%s/dnsmasq-%s.pid", XN_RUN_DIR, c->bridge); xn_path(pid, len, rel);
    xn_pf(rel, sizeof rel, "%s/nat-%s.nft", XN_RUN_DIR, c->bridge); xn_path(nft, len, rel);
    xn_pf(rel, sizeof rel, "%s/ip_forward-before", XN_RUN_DIR); xn_path(fwd, len, rel);
}

static int table_name(const struct natcfg *c, char *out, size_t len)
{
    /* nft identifiers: letters, digits, '_' */
    int n = xn_pf(out, len, "xenhost_%s", c->bridge);
    for (char *p = out; *p; p++) if (*p == '-' || *p == '.') *p = '_';
    return n;
}

int xn_nat_up(void)
{
    struct natcfg c;
    char conf[XN_PATH], pid[XN_PATH], nftf[XN_PATH], fwd[XN_PATH], dir[XN_PATH], leases[XN_PATH], rel[XN_PATH], table[64], net[32], text[4096];
    struct xh_buf b;
    if (load_cfg(&c) < 0) return XN_FAIL;
    run_paths(&c, conf, pid, nftf, fwd, sizeof conf);
    table_name(&c, table, sizeof table);
    xn_path(dir, sizeof dir, XN_RUN_DIR);
    if (xh_mkdir_p(dir, 0755, NULL, NULL) < 0) { xh_err("%s: %s", dir, strerror(errno)); return XN_FAIL; }
    xn_pf(net, sizeof net, "%s", c.address);
    {   /* the /24's network address */
        char *dot = strrchr(net, '.');
        if (dot) xn_pf(dot + 1, sizeof net - (size_t)(dot + 1 - net), "0/24");
    }
    if (!xn_link_exists(c.bridge)) {
        char *add[] = { "ip", "link", "add", "name", c.bridge, "address", c.mac, "type", "bridge", "stp_state", "0", "forward_delay", "0", NULL };
        if (xn_run("bridge", add, 30, NULL, 0) != 0) return XN_FAIL;
    }
    char *addr[] = { "ip", "address", "replace", c.address, "dev", c.bridge, NULL };
    char *up[] = { "ip", "link", "set", c.bridge, "up", NULL };
    if (xn_run("address", addr, 30, NULL, 0) != 0 || xn_run("link up", up, 30, NULL, 0) != 0) return XN_FAIL;
    xh_info("%s: up with %s", c.bridge, c.address);

    /* IPv4 forwarding, as libvirt's NAT networks do; the value before is put back by nat-down */
    {
        char p[XN_PATH], before[8] = "";
        FILE *f = fopen(xn_sys(p, sizeof p, "/proc/sys/net/ipv4/ip_forward"), "re");
        if (f) { if (!fgets(before, sizeof before, f)) before[0] = '\0'; fclose(f); }
        if (before[0] != '1') {
            if (access(fwd, F_OK) != 0) xh_atomic_write(fwd, before[0] ? before : "0\n", before[0] ? strlen(before) : 2, 0644, 0);
            if (!(f = fopen(p, "we")) || fputs("1\n", f) < 0 || fclose(f) != 0) { xh_err("%s: cannot turn IPv4 forwarding on: %s", p, strerror(errno)); return XN_FAIL; }
            xh_info("IPv4 forwarding turned on");
        }
    }
    xh_buf_init(&b, text, sizeof text);
    xh_buf_add(&b, "add table ip %s\ndelete table ip %s\n"
               "table ip %s {\n"
               "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
               "\t\tip saddr %s oifname != \"%s\" masquerade\n\t}\n"
               "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
               "\t\tiifname \"%s\" ip saddr %s accept\n"
               "\t\toifname \"%s\" ct state established,related accept\n"
               "\t\toifname \"%s\" drop\n\t}\n}\n",
               table, table, table, net, c.bridge, c.bridge, net, c.bridge, c.bridge);
    if (xh_buf_status(&b) < 0 || xh_atomic_write(nftf, b.p, b.len, 0644, XH_ATOMIC_NOSYNC) < 0) { xh_err("%s: cannot write it", nftf); return XN_FAIL; }
    char *nft[] = { "nft", "-f", nftf, NULL };
    if (xn_run("nftables", nft, 30, NULL, 0) != 0) return XN_FAIL;
    xh_info("nftables: table ip %s loaded (masquerading %s)", table, net);

    xn_pf(rel, sizeof rel, "%s/dnsmasq-%s.leases", XN_STATE_DIR, c.bridge);
    xn_path(leases, sizeof leases, rel);
    char *slash = strrchr(leases, '/');
    if (slash) { *slash = '\0'; xh_mkdir_p(leases, 0755, NULL, NULL); *slash = '/'; }
    xh_buf_init(&b, text, sizeof text);
    xh_buf_add(&b, "# written by xenhost-network nat-up from %s\n"
               "interface=%s\nbind-dynamic\nexcept-interface=lo\n"
               "dhcp-range=%s,255.255.255.0,12h\ndhcp-option=option:router,%.*s\ndhcp-option=option:dns-server,%.*s\n"
               "dhcp-authoritative\ndhcp-leasefile=%s\npid-file=%s\n",
               XN_NAT_CONF, c.bridge, c.range, (int)strcspn(c.address, "/"), c.address, (int)strcspn(c.address, "/"), c.address, leases, pid);
    if (xh_buf_status(&b) < 0 || xh_atomic_write(conf, b.p, b.len, 0644, XH_ATOMIC_NOSYNC) < 0) { xh_err("%s: cannot write it", conf); return XN_FAIL; }
    {
        char pidtxt[32] = "";
        FILE *f = fopen(pid, "re");
        if (f) { if (fgets(pidtxt, sizeof pidtxt, f) && atoi(pidtxt) > 1 && kill(atoi(pidtxt), 0) == 0) { fclose(f); xh_info("dnsmasq for %s runs already", c.bridge); return 0; } fclose(f); }
    }
    char cf[XN_PATH + 16];
    xn_pf(cf, sizeof cf, "--conf-file=%s", conf);
    char *dm[] = { "dnsmasq", cf, NULL };
    if (xn_run("dnsmasq", dm, 30, NULL, 0) != 0) return XN_FAIL;
    xh_info("dnsmasq: DHCP %s and DNS on %s", c.range, c.bridge);
    return 0;
}

int xn_nat_down(void)
{
    struct natcfg c;
    char conf[XN_PATH], pid[XN_PATH], nftf[XN_PATH], fwd[XN_PATH], table[64], pidtxt[32] = "";
    int rc = 0;
    FILE *f;
    if (load_cfg(&c) < 0) return XN_FAIL;
    run_paths(&c, conf, pid, nftf, fwd, sizeof conf);
    table_name(&c, table, sizeof table);
    if ((f = fopen(pid, "re"))) {
        if (fgets(pidtxt, sizeof pidtxt, f) && atoi(pidtxt) > 1) {
            pid_t d = atoi(pidtxt);
            if (kill(d, SIGTERM) == 0)
                for (int i = 0; i < 50 && kill(d, 0) == 0; i++) { struct timespec ts = { 0, 100000000L }; nanosleep(&ts, NULL); }
        }
        fclose(f);
        unlink(pid);
    }
    unlink(conf);
    char *del[] = { "nft", "delete", "table", "ip", table, NULL };
    char out[512];
    if (xn_run(NULL, del, 30, out, sizeof out) != 0 && !strstr(out, "No such file")) { xh_err("nftables: delete table ip %s: %s", table, out); rc = XN_FAIL; }
    unlink(nftf);
    if (xn_link_exists(c.bridge)) {
        char *dl[] = { "ip", "link", "del", c.bridge, NULL };
        if (xn_run("bridge", dl, 30, NULL, 0) != 0) rc = XN_FAIL;
    }
    {
        char before[8] = "", p[XN_PATH];
        FILE *b = fopen(fwd, "re");
        if (b) {
            if (fgets(before, sizeof before, b) && before[0] == '0') {
                FILE *w = fopen(xn_sys(p, sizeof p, "/proc/sys/net/ipv4/ip_forward"), "we");
                if (!w || fputs("0\n", w) < 0 || fclose(w) != 0) xh_warn("%s: cannot turn IPv4 forwarding back off", p);
                else xh_info("IPv4 forwarding turned back off");
            }
            fclose(b);
            unlink(fwd);
        }
    }
    xh_info("%s: NAT network down", c.bridge);
    return rc;
}
