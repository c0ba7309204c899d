/* facts.c - what the host has, read from /proc, /sys and /run (never guessed):
 * the default route, an interface's MAC, whether it is a bridge, a bridge port,
 * a bond, a VLAN or wireless, whether NetworkManager manages it. */
#define _GNU_SOURCE
#include "xn.h"
#include "files.h"
#include "log.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sys_exists(const char *dev, const char *leaf)
{
    char rel[XN_PATH], p[XN_PATH];
    struct stat st;
    xn_pf(rel, sizeof rel, "/sys/class/net/%s%s%s", dev, leaf[0] ? "/" : "", leaf);
    return lstat(xn_sys(p, sizeof p, rel), &st) == 0;
}

static int sys_read(const char *rel, char *out, size_t len)
{
    char p[XN_PATH];
    FILE *f = fopen(xn_sys(p, sizeof p, rel), "re");
    if (!f) return -1;
    if (!fgets(out, (int)len, f)) { fclose(f); return -1; }
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
    return 0;
}

int xn_link_exists(const char *dev) { return sys_exists(dev, ""); }
int xn_link_is_bridge(const char *dev) { return sys_exists(dev, "bridge"); }

int xn_link_ifindex(const char *dev, char *idx, size_t len)
{
    char rel[XN_PATH];
    xn_pf(rel, sizeof rel, "/sys/class/net/%s/ifindex", dev);
    return sys_read(rel, idx, len);
}

int xn_link_mac(const char *dev, char *mac, size_t len)
{
    char rel[XN_PATH];
    xn_pf(rel, sizeof rel, "/sys/class/net/%s/address", dev);
    if (sys_read(rel, mac, len) < 0 || strlen(mac) != 17) return -1;
    for (char *c = mac; *c; c++) if (*c >= 'A' && *c <= 'F') *c = (char)(*c - 'A' + 'a');
    return strcmp(mac, "00:00:00:00:00:00") ? 0 : -1;
}

int xn_link_master(const char *dev, char *master, size_t len)
{
    char rel[XN_PATH], p[XN_PATH], target[XN_PATH];
    ssize_t n;
    xn_pf(rel, sizeof rel, "/sys/class/net/%s/master", dev);
    n = readlink(xn_sys(p, sizeof p, rel), target, sizeof target - 1);
    if (n < 0) return 0;
    target[n] = '\0';
    xn_pf(master, len, "%s", strrchr(target, '/') ? strrchr(target, '/') + 1 : target);
    return 1;
}

static void list_dir(const char *rel, const char *prefix, char *out, size_t len)
{
    char p[XN_PATH];
    size_t n = 0, pl = strlen(prefix);
    DIR *d = opendir(xn_sys(p, sizeof p, rel));
    struct dirent *e;
    out[0] = '\0';
    if (!d) return;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, pl) != 0) continue;
        int w = xn_pf(out + n, len - n, "%s%s", n ? " " : "", e->d_name + pl);
        if (w < 0 || (size_t)w >= len - n) break;
        n += (size_t)w;
    }
    closedir(d);
}

int xn_link_ports(const char *bridge, char *out, size_t len)
{
    char rel[XN_PATH];
    xn_pf(rel, sizeof rel, "/sys/class/net/%s/brif", bridge);
    list_dir(rel, "", out, len);
    return 0;
}

int xn_link_unbridgeable(const char *dev, char *why, size_t len)
{
    char rel[XN_PATH], buf[256], uppers[256];
    if (sys_exists(dev, "bonding")) { xn_pf(why, len, "%s is a bond: bonds are not converted", dev); return 1; }
    if (sys_exists(dev, "wireless") || sys_exists(dev, "phy80211")) {
        xn_pf(why, len, "%s is a wireless interface: an access point accepts only its own client's MAC, "
                 "so a bridge on it does not work; use --mode nat", dev);
        return 1;
    }
    xn_pf(rel, sizeof rel, "/proc/net/vlan/%s", dev);
    if (sys_read(rel, buf, sizeof buf) == 0) { xn_pf(why, len, "%s is a VLAN interface: VLANs are not converted", dev); return 1; }
    xn_pf(rel, sizeof rel, "/sys/class/net/%s/uevent", dev);
    {
        char p[XN_PATH], line[256];
        FILE *f = fopen(xn_sys(p, sizeof p, rel), "re");
        while (f && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!strncmp(line, "DEVTYPE=", 8) && strcmp(line + 8, "bridge") != 0) {
                const char *t = line + 8;
                if (!strcmp(t, "vlan") || !strcmp(t, "bond") || !strcmp(t, "wlan") || !strcmp(t, "team") ||
                    !strcmp(t, "macvlan") || !strcmp(t, "wwan")) {
                    xn_pf(why, len, "%s is a %s interface: not converted%s", dev, t,
                             !strcmp(t, "wlan") || !strcmp(t, "wwan") ? "; use --mode nat" : "");
                    fclose(f);
                    return 1;
                }
            }
        }
        if (f) fclose(f);
    }
    xn_pf(rel, sizeof rel, "/sys/class/net/%s", dev);
    list_dir(rel, "upper_", uppers, sizeof uppers);
    if (uppers[0]) {
        xn_pf(why, len, "%s carries other interfaces (%s: VLANs, macvlans or a bond): they would have to move "
                 "with it, which is not converted", dev, uppers);
        return 1;
    }
    return 0;
}

int xn_systemd_running(void)
{
    char p[XN_PATH];
    struct stat st;
    return stat(xn_path(p, sizeof p, "/run/systemd/system"), &st) == 0 && S_ISDIR(st.st_mode);
}

/* NetworkManager's ifupdown plugin leaves interfaces of /etc/network/interfaces
 * alone unless [ifupdown] managed=true. */
int xn_nm_manages(const char *dev, int in_ifupdown, char *why, size_t len)
{
    char p[XN_PATH], *text = NULL;
    size_t n;
    struct stat st;
    int managed_true = 0;
    if (stat(xn_path(p, sizeof p, "/run/NetworkManager"), &st) != 0) return 0;
    if (xh_read_file(xn_path(p, sizeof p, "/etc/NetworkManager/NetworkManager.conf"), XN_MAX_TEXT, &text, &n) == 0) {
        int in_sec = 0;
        for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
            l += strspn(l, " \t");
            if (*l == '[') in_sec = !strncmp(l, "[ifupdown]", 10);
            else if (in_sec && !strncmp(l, "managed", 7)) {
                char *v = strchr(l, '=');
                if (v) { v++; v += strspn(v, " \t"); managed_true = !strncmp(v, "true", 4); }
            }
        }
        free(text);
    }
    if (in_ifupdown && !managed_true) return 0;
    xn_pf(why, len, "%s is managed by NetworkManager (it runs%s): NetworkManager keeps its own "
             "configuration, which is not converted; make the bridge with nmcli, or use --mode nat",
             dev, in_ifupdown ? " with [ifupdown] managed=true" : " and the interface is in no ifupdown or networkd file");
    return 1;
}

static int hexval(int c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

static int route4(const char *want_dev, struct xn_route *r)
{
    char p[XN_PATH], line[512], dev[64];
    unsigned long dst, gw, flags, mask, metric, best = ~0ul;
    int found = -1;
    FILE *f = fopen(xn_sys(p, sizeof p, "/proc/net/route"), "re");
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63s %lx %lx %lx %*d %*d %lu %lx", dev, &dst, &gw, &flags, &metric, &mask) != 6) continue;
        if (dst || mask || !(flags & 0x1) || !(flags & 0x2)) continue;   /* RTF_UP, RTF_GATEWAY */
        if (want_dev && strcmp(dev, want_dev)) continue;
        if (metric >= best) continue;
        struct in_addr a = { .s_addr = (uint32_t)gw };
        best = metric;
        xn_pf(r->dev, sizeof r->dev, "%s", dev);
        inet_ntop(AF_INET, &a, r->gw, sizeof r->gw);
        r->family = AF_INET;
        found = 0;
    }
    fclose(f);
    return found;
}

static int route6(const char *want_dev, struct xn_route *r)
{
    char p[XN_PATH], line[512], dst[40], nh[40], dev[64];
    unsigned plen, metric, flags, best = ~0u;
    int found = -1;
    FILE *f = fopen(xn_sys(p, sizeof p, "/proc/net/ipv6_route"), "re");
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%32s %x %*s %*x %32s %x %*x %*x %x %63s", dst, &plen, nh, &metric, &flags, dev) != 6) continue;
        if (plen || strspn(dst, "0") != 32 || strspn(nh, "0") == 32 || (flags & 0x200) || !strcmp(dev, "lo")) continue;
        if (want_dev && strcmp(dev, want_dev)) continue;
        if (metric >= best) continue;
        struct in6_addr a;
        for (int i = 0; i < 16; i++) a.s6_addr[i] = (uint8_t)(hexval(nh[2 * i]) << 4 | hexval(nh[2 * i + 1]));
        best = metric;
        xn_pf(r->dev, sizeof r->dev, "%s", dev);
        inet_ntop(AF_INET6, &a, r->gw, sizeof r->gw);
        r->family = AF_INET6;
        found = 0;
    }
    fclose(f);
    return found;
}

int xn_default_route(struct xn_route *r)
{
    memset(r, 0, sizeof *r);
    return route4(NULL, r) == 0 || route6(NULL, r) == 0 ? 0 : -1;
}

int xn_default_route_dev(const char *dev, struct xn_route *r)
{
    memset(r, 0, sizeof *r);
    return route4(dev, r) == 0 || route6(dev, r) == 0 ? 0 : -1;
}

size_t xn_host_nets4(struct xn_net4 *nets, size_t max)
{
    struct ifaddrs *ifa = NULL;
    size_t n = 0;
    char p[XN_PATH], line[512];
    FILE *f;
    if (getifaddrs(&ifa) == 0) {
        for (struct ifaddrs *i = ifa; i && n < max; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask) continue;
            nets[n].addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
            nets[n].mask = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
            n++;
        }
        freeifaddrs(ifa);
    }
    if ((f = fopen(xn_sys(p, sizeof p, "/proc/net/route"), "re"))) {
        unsigned long dst, mask;
        while (n < max && fgets(line, sizeof line, f))
            if (sscanf(line, "%*s %lx %*x %*x %*d %*d %*d %lx", &dst, &mask) == 2 && mask) {
                nets[n].addr = ntohl((uint32_t)dst);
                nets[n].mask = ntohl((uint32_t)mask);
                n++;
            }
        fclose(f);
    }
    return n;
}
