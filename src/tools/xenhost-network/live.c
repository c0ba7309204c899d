/* live.c - the running network: the programs that change it (ifup, ifdown,
 * networkctl, ip, each with a deadline, through src/lib/spawn), the bounded
 * ICMP echo of the gateway check, and what status shows as live. */
#define _GNU_SOURCE
#include "xn.h"
#include "log.h"
#include "spawn.h"
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int xn_run(const char *what, char *const argv[], int timeout_s, char *out, size_t outlen)
{
    struct xh_run_opts o = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .timeout_ms = (int64_t)timeout_s * 1000 };
    struct xh_run_result r;
    char cmd[512] = "";
    size_t n = 0;
    for (size_t i = 0; argv[i] && n < sizeof cmd - 1; i++) {
        int w = xn_pf(cmd + n, sizeof cmd - n, "%s%s", i ? " " : "", argv[i]);
        if (w < 0) break;
        n += (size_t)w;
        if (n >= sizeof cmd) n = sizeof cmd - 1;
    }
    xh_debug("running %s", cmd);
    int rc = xh_run(argv, &o, &r);
    if (out && outlen) {
        xn_pf(out, outlen, "%s", rc == -1 ? r.why : r.timed_out ? "timed out" : r.out ? r.out : "");
        size_t l = strlen(out);
        while (l && out[l - 1] == '\n') out[--l] = '\0';
    }
    if (rc != 0 && what) {
        char first[512] = "";
        if (r.out) { xn_pf(first, sizeof first, "%s", r.out); for (char *c = first; *c; c++) if (*c == '\n') *c = ' '; }
        xh_err("%s: %s: %s", what, cmd, rc == -1 ? r.why : r.timed_out ? "timed out" : first[0] ? first : "failed");
    }
    xh_run_result_free(&r);
    return rc;
}

static uint16_t csum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1) s += (uint32_t)(p[len - 1] << 8);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return htons((uint16_t)~s);
}

int xn_ping(const char *gw, int family, const char *dev, int tries, int wait_ms)
{
    struct sockaddr_storage to;
    socklen_t tolen;
    int fd, v6 = family == AF_INET6;
    uint16_t id = (uint16_t)(getpid() & 0xffff);
    memset(&to, 0, sizeof to);
    if (v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&to;
        s6->sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, gw, &s6->sin6_addr) != 1) return -1;
        s6->sin6_scope_id = if_nametoindex(dev);
        tolen = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&to;
        s4->sin_family = AF_INET;
        if (inet_pton(AF_INET, gw, &s4->sin_addr) != 1) return -1;
        tolen = sizeof *s4;
    }
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (fd < 0) { xh_warn("ICMP socket: %s: the gateway cannot be checked", strerror(errno)); return -1; }
    if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1) < 0) {
        xh_debug("SO_BINDTODEVICE %s: %s", dev, strerror(errno));
        close(fd);
        return 0;   /* no such device: no answer through it */
    }
    for (int t = 0; t < tries; t++) {
        uint8_t pkt[64] = { 0 }, buf[1500];
        pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
        pkt[4] = (uint8_t)(id >> 8); pkt[5] = (uint8_t)id;
        pkt[6] = (uint8_t)(t >> 8); pkt[7] = (uint8_t)t;
        memcpy(pkt + 8, "xenhost-network", 15);
        if (!v6) { uint16_t c = csum(pkt, sizeof pkt); memcpy(pkt + 2, &c, 2); }  /* the kernel sums ICMPv6 */
        if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&to, tolen) < 0) {
            xh_debug("echo to %s: %s", gw, strerror(errno));
            struct timespec ts = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
            continue;
        }
        int64_t deadline = xh_now_ms() + wait_ms;
        for (int64_t left; (left = deadline - xh_now_ms()) > 0;) {
            struct pollfd pfd = { fd, POLLIN, 0 };
            if (poll(&pfd, 1, (int)left) <= 0) break;
            struct sockaddr_storage from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
            if (n <= 0) continue;
            const uint8_t *icmp = buf;
            if (!v6) {
                size_t hl = (size_t)(buf[0] & 0x0f) * 4;
                if ((size_t)n < hl + 8) continue;
                icmp = buf + hl;
                n -= (ssize_t)hl;
                if (((struct sockaddr_in *)&from)->sin_addr.s_addr != ((struct sockaddr_in *)&to)->sin_addr.s_addr) continue;
            } else if (memcmp(&((struct sockaddr_in6 *)&from)->sin6_addr, &((struct sockaddr_in6 *)&to)->sin6_addr, 16)) continue;
            if (n >= 8 && icmp[0] == (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) && icmp[4] == (uint8_t)(id >> 8) && icmp[5] == (uint8_t)id) {
                close(fd);
                return 1;
            }
        }
    }
    close(fd);
    return 0;
}

static int has_address(const char *dev, int family)
{
    struct ifaddrs *ifa = NULL;
    int found = 0;
    if (getifaddrs(&ifa) < 0) return 0;
    for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
        if (!i->ifa_addr || strcmp(i->ifa_name, dev)) continue;
        if (i->ifa_addr->sa_family == family || (family == 0 && (i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6))) {
            if (i->ifa_addr->sa_family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr)) continue;
            found = 1;
        }
    }
    freeifaddrs(ifa);
    return found;
}

int xn_wait_address(const char *dev, int family, int timeout_s)
{
    int64_t deadline = xh_now_ms() + (int64_t)timeout_s * 1000;
    while (!has_address(dev, family)) {
        if (xh_now_ms() >= deadline) return -1;
        struct timespec ts = { 0, 200 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return 0;
}

void xn_live_report(FILE *out, const char *bridge)
{
    struct ifaddrs *ifa = NULL;
    char mac[32] = "?", ports[256] = "", addrs[1024] = "";
    size_t n = 0;
    if (!bridge[0]) return;
    if (!xn_link_exists(bridge)) { fprintf(out, "live: %s does not exist\n", bridge); return; }
    xn_link_mac(bridge, mac, sizeof mac);
    xn_link_ports(bridge, ports, sizeof ports);
    if (getifaddrs(&ifa) == 0) {
        for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
            char a[INET6_ADDRSTRLEN] = "";
            int plen = 0;
            if (!i->ifa_addr || strcmp(i->ifa_name, bridge)) continue;
            if (i->ifa_addr->sa_family == AF_INET) {
                inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof a);
                if (i->ifa_netmask) plen = __builtin_popcount(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
            } else if (i->ifa_addr->sa_family == AF_INET6) {
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof a);
                if (i->ifa_netmask) for (int k = 0; k < 16; k++) plen += __builtin_popcount(((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr[k]);
            } else continue;
            int w = xn_pf(addrs + n, sizeof addrs - n, "%s%s/%d", n ? " " : "", a, plen);
            if (w > 0 && (size_t)w < sizeof addrs - n) n += (size_t)w;
        }
        freeifaddrs(ifa);
    }
    fprintf(out, "live: %s is a bridge, MAC %s, ports: %s, addresses: %s\n", bridge, mac, ports[0] ? ports : "(none)",
            addrs[0] ? addrs : "(none)");
}

/* ---- the sequence, per backend ---- */

static int ifupdown(const char *op, const char *iface, int timeout_s)
{
    char what[128], out[4096];
    char *argv[] = { (char *)op, (char *)iface, NULL };
    xn_pf(what, sizeof what, "%s %s", op, iface);
    int rc = xn_run(what, argv, timeout_s, out, sizeof out);
    if (rc == 0) xh_info("%s %s: done", op, iface);
    return rc == 0 ? 0 : -1;
}

static int ip_del(const char *dev)
{
    char *argv[] = { "ip", "link", "del", (char *)dev, NULL };
    if (!xn_link_exists(dev)) return 0;
    return xn_run("ip link del", argv, 30, NULL, 0) == 0 ? 0 : -1;
}

static int networkctl(const char *op, const char *dev)
{
    char what[128];
    char *argv[] = { "networkctl", (char *)op, (char *)dev, NULL };
    xn_pf(what, sizeof what, "networkctl %s", op);
    if (xn_run(what, argv, 60, NULL, 0) != 0) return -1;
    xh_info("networkctl %s%s%s: done", op, dev ? " " : "", dev ? dev : "");
    return 0;
}

static int nat_service(const char *op)
{
    if (xn_systemd_running()) {
        char *argv[] = { "systemctl", (char *)op, "xenhost-network-nat.service", NULL };
        char what[64];
        xn_pf(what, sizeof what, "systemctl %s", op);
        return xn_run(what, argv, 90, NULL, 0) == 0 ? 0 : -1;
    }
    return (!strcmp(op, "start") ? xn_nat_up() : xn_nat_down()) == 0 ? 0 : -1;
}

int xn_live_apply(const struct xn_plan *p)
{
    if (p->mode == XN_MODE_BRIDGE && p->backend == XN_BE_IFUPDOWN)
        return ifupdown("ifdown", p->uplink, 60);   /* with the old files: they know what to undo */
    return 0;
}

int xn_live_up(const struct xn_plan *p)
{
    if (p->mode == XN_MODE_NAT) return nat_service("start");
    if (p->mode != XN_MODE_BRIDGE) return 0;
    if (p->backend == XN_BE_IFUPDOWN) return ifupdown("ifup", p->bridge, 120);
    if (networkctl("reload", NULL) < 0) return -1;
    /* the bridge appears with reload; the uplink changes files */
    return networkctl("reconfigure", p->uplink);
}

int xn_live_down_new(const struct xn_plan *p)
{
    if (p->mode == XN_MODE_NAT) return nat_service("stop");
    if (p->mode != XN_MODE_BRIDGE) return 0;
    if (p->backend == XN_BE_IFUPDOWN) {
        if (ifupdown("ifdown", p->bridge, 60) == 0 && !xn_link_exists(p->bridge)) return 0;
        /* ifupdown did not know it (or kept it): take it apart by hand */
        char *argv[] = { "ifdown", "--force", (char *)p->bridge, NULL };
        xn_run(NULL, argv, 60, NULL, 0);
        return ip_del(p->bridge);
    }
    return 0;   /* networkd: the files go first (xn_live_up_old) */
}

int xn_live_up_old(const struct xn_plan *p)
{
    int rc = 0;
    if (p->mode != XN_MODE_BRIDGE) return 0;
    if (p->backend == XN_BE_IFUPDOWN) {
        char *argv[] = { "ip", "link", "set", (char *)p->uplink, "nomaster", NULL };
        if (xn_link_exists(p->uplink)) xn_run(NULL, argv, 30, NULL, 0);
        return ifupdown("ifup", p->uplink, 120);
    }
    if (networkctl("reload", NULL) < 0) rc = -1;
    if (ip_del(p->bridge) < 0) rc = -1;
    if (networkctl("reconfigure", p->uplink) < 0) rc = -1;
    return rc;
}
