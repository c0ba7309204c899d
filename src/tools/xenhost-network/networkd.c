/* networkd.c - systemd-networkd's files (systemd.network(5), systemd.netdev(5)):
 * which .network file configures a link (the first by file name, over
 * /etc, /run and /lib, whose [Match] matches), and the bridge conversion. No
 * file of the admin's is changed: setup adds three files that sort first,
 *   00-xenhost-BRIDGE.netdev    the bridge (uplink's MAC, STP off, no forward delay)
 *   00-xenhost-BRIDGE.network   [Match] Name=BRIDGE + every other section of the uplink's file
 *   00-xenhost-UPLINK.network   [Match] Name=UPLINK, [Network] Bridge=BRIDGE
 * and remove deletes them. A [Match] that cannot be evaluated from here
 * (Path=, Driver=, Property=...) is refused when it would decide. */
#define _GNU_SOURCE
#include "xn.h"
#include "buf.h"
#include "files.h"
#include "log.h"
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const DIRS[] = { "/etc/systemd/network", "/run/systemd/network", "/usr/local/lib/systemd/network",
                                    "/usr/lib/systemd/network", "/lib/systemd/network", NULL };
#define ETC_DIR "/etc/systemd/network"
#define MAXF 128

struct nfile { char name[256], path[XN_PATH]; char *text; size_t len; };
struct nset { struct nfile f[MAXF]; size_t n; };

static void set_free(struct nset *s) { for (size_t i = 0; i < s->n; i++) free(s->f[i].text); s->n = 0; }

static int cmp_nfile(const void *a, const void *b) { return strcmp(((const struct nfile *)a)->name, ((const struct nfile *)b)->name); }

/* Every file with suffix, first directory winning for a name, masked ones
 * (empty or /dev/null) dropped; planned files (overlay) replace or add. */
static int load_set(struct nset *s, const char *suffix, const struct xn_plan *overlay, char *why, size_t whylen)
{
    size_t sl = strlen(suffix);
    memset(s, 0, sizeof *s);
    for (const char *const *d = DIRS; *d; d++) {
        char real[XN_PATH];
        DIR *dir = opendir(xn_path(real, sizeof real, *d));
        struct dirent *e;
        if (!dir) continue;
        while ((e = readdir(dir))) {
            size_t nl = strlen(e->d_name), k;
            if (nl <= sl || strcmp(e->d_name + nl - sl, suffix) || e->d_name[0] == '.') continue;
            for (k = 0; k < s->n && strcmp(s->f[k].name, e->d_name); k++);
            if (k < s->n) continue;  /* an earlier directory has it */
            if (s->n == MAXF) { closedir(dir); xn_pf(why, whylen, "more than %d %s files", MAXF, suffix); return -1; }
            struct nfile *f = &s->f[s->n++];
            xn_pf(f->name, sizeof f->name, "%s", e->d_name);
            xn_pf(f->path, sizeof f->path, "%s/%s", *d, e->d_name);
            char fp[XN_PATH];
            if (xh_read_file(xn_path(fp, sizeof fp, f->path), XN_MAX_TEXT, &f->text, &f->len) < 0) { f->text = NULL; f->len = 0; }
        }
        closedir(dir);
    }
    for (size_t i = 0; overlay && i < overlay->nfiles; i++) {
        const struct xn_file *o = &overlay->files[i];
        const char *base = strrchr(o->path, '/') ? strrchr(o->path, '/') + 1 : o->path;
        size_t nl = strlen(base), k;
        if (nl <= sl || strcmp(base + nl - sl, suffix)) continue;
        for (k = 0; k < s->n && strcmp(s->f[k].name, base); k++);
        if (k == s->n) { if (s->n == MAXF) continue; s->n++; }
        free(s->f[k].text);
        xn_pf(s->f[k].name, sizeof s->f[k].name, "%s", base);
        xn_pf(s->f[k].path, sizeof s->f[k].path, "%s", o->path);
        s->f[k].text = o->new ? strndup(o->new, o->new_len) : NULL;
        s->f[k].len = o->new ? o->new_len : 0;
    }
    /* masked: empty or unreadable (a /dev/null link reads as empty) */
    size_t j = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->f[i].text || s->f[i].len == 0) { free(s->f[i].text); continue; }
        s->f[j++] = s->f[i];
    }
    s->n = j;
    qsort(s->f, s->n, sizeof s->f[0], cmp_nfile);
    return 0;
}

/* Call fn for each "Key=Value" of section sec (NULL: all sections) */
typedef int (*kv_fn)(const char *sec, const char *key, const char *val, void *ctx);
static int each_kv(const char *text, size_t len, const char *sec, kv_fn fn, void *ctx)
{
    char cur[64] = "", line[4096];
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl ? nl + 1 : end;
        char *l = line + strspn(line, " \t");
        size_t ll = strlen(l);
        while (ll && (l[ll - 1] == ' ' || l[ll - 1] == '\t' || l[ll - 1] == '\r')) l[--ll] = '\0';
        if (!*l || *l == '#' || *l == ';') continue;
        if (*l == '[') { char *e = strchr(l, ']'); if (e) { *e = '\0'; xn_pf(cur, sizeof cur, "%s", l + 1); } continue; }
        char *eq = strchr(l, '=');
        if (!eq) continue;
        *eq = '\0';
        char *k = l, *v = eq + 1;
        size_t kl = strlen(k);
        while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t')) k[--kl] = '\0';
        v += strspn(v, " \t");
        if (sec && strcmp(cur, sec)) continue;
        int rc = fn(cur, k, v, ctx);
        if (rc) return rc;
    }
    return 0;
}

struct link { const char *name, *type, *mac; };
struct mctx { const struct link *lk; int fail, unknown; char unknown_key[64]; };

static int glob_list_match(const char *list, const char *what)
{
    int neg = 0, any = 0;
    char tok[256];
    if (*list == '!') { neg = 1; list++; }
    while (*(list += strspn(list, " \t"))) {
        size_t n = strcspn(list, " \t");
        xn_pf(tok, sizeof tok, "%.*s", (int)n, list);
        list += n;
        if (what && fnmatch(tok, what, 0) == 0) any = 1;
    }
    return neg ? !any : any;
}

static int mac_list_match(const char *list, const char *mac)
{
    char tok[64];
    while (*(list += strspn(list, " \t"))) {
        size_t n = strcspn(list, " \t");
        xn_pf(tok, sizeof tok, "%.*s", (int)n, list);
        list += n;
        for (char *c = tok; *c; c++) if (*c >= 'A' && *c <= 'F') *c = (char)(*c - 'A' + 'a');
        if (!strcmp(tok, mac)) return 1;
    }
    return 0;
}

static int match_kv(const char *sec, const char *key, const char *val, void *vctx)
{
    struct mctx *c = vctx;
    (void)sec;
    if (!*val) return 0;     /* an empty assignment resets the list */
    if (!strcmp(key, "Name") || !strcmp(key, "OriginalName")) { if (!glob_list_match(val, c->lk->name)) c->fail = 1; }
    else if (!strcmp(key, "MACAddress")) { if (!mac_list_match(val, c->lk->mac)) c->fail = 1; }
    else if (!strcmp(key, "Type")) { if (!glob_list_match(val, c->lk->type)) c->fail = 1; }
    else if (!c->unknown) { c->unknown = 1; xn_pf(c->unknown_key, sizeof c->unknown_key, "%s", key); }
    return 0;
}

/* The file for a link: index in s, -1 none, -2 undecidable (why) */
static int match_set(const struct nset *s, const struct link *lk, char *why, size_t whylen)
{
    for (size_t i = 0; i < s->n; i++) {
        struct mctx c = { lk, 0, 0, "" };
        each_kv(s->f[i].text, s->f[i].len, "Match", match_kv, &c);
        if (c.fail) continue;
        if (c.unknown) {
            xn_pf(why, whylen, "%s: [Match] %s= cannot be evaluated here, and it decides whether the file configures %s: not converted",
                     s->f[i].path, c.unknown_key, lk->name);
            return -2;
        }
        return (int)i;
    }
    return -1;
}

int xn_networkd_file_for(const char *dev, const char *type, const char *mac, char *path, size_t len, char *why, size_t whylen)
{
    struct nset s;
    struct link lk = { dev, type, mac };
    path[0] = '\0';
    if (load_set(&s, ".network", NULL, why, whylen) < 0) return -1;
    int i = match_set(&s, &lk, why, whylen);
    if (i >= 0) xn_pf(path, len, "%s", s.f[i].path);
    set_free(&s);
    return i == -2 ? -1 : 0;
}

/* what networkd itself says about dev: its .network file (links/IFINDEX) */
static int live_network_file(const char *dev, char *file, size_t len, char *admin, size_t alen)
{
    char rel[XN_PATH], p[XN_PATH], idx[32];
    if (xn_link_ifindex(dev, idx, sizeof idx) < 0) return -1;
    xn_pf(rel, sizeof rel, "/run/systemd/netif/links/%s", idx);
    xn_path(p, sizeof p, rel);
    if (xn_kv_get(p, "NETWORK_FILE", file, len) < 0) file[0] = '\0';
    if (xn_kv_get(p, "ADMIN_STATE", admin, alen) < 0) admin[0] = '\0';
    return access(p, F_OK) == 0 ? 0 : -1;
}

int xn_networkd_running(void)
{
    char p[XN_PATH];
    return access(xn_path(p, sizeof p, "/run/systemd/netif/links"), F_OK) == 0;
}

struct refuse_ctx { const char *up; char *why; size_t len; const char *file; };
static int refuse_kv(const char *sec, const char *key, const char *val, void *vctx)
{
    struct refuse_ctx *c = vctx;
    static const char *const stacked[] = { "Bond", "VLAN", "MACVLAN", "MACVTAP", "IPVLAN", "IPVTAP", "VXLAN", "Tunnel",
                                           "VRF", "Xfrm", "BatmanAdvanced", "L2TP", "MACsec", NULL };
    if (strcmp(sec, "Network")) return 0;
    if (!strcmp(key, "Bridge") && *val) {
        xn_pf(c->why, c->len, "%s: %s is already a port of the bridge %s: use --uplink %s (setup then makes %s the guests' bridge and changes no network file)",
                 c->file, c->up, val, val, val);
        return 1;
    }
    for (const char *const *s = stacked; *s; s++)
        if (!strcmp(key, *s) && *val) {
            xn_pf(c->why, c->len, "%s: %s=%s: %s %s, which would have to move with it: not converted", c->file, key, val, c->up,
                     !strcmp(key, "Bond") ? "is a bond slave" : "carries other interfaces");
            return 1;
        }
    return 0;
}

struct netdev_ctx { const char *name; int hit; char kind[64]; };
static int netdev_kv(const char *sec, const char *key, const char *val, void *vctx)
{
    struct netdev_ctx *c = vctx;
    if (!strcmp(sec, "NetDev") && !strcmp(key, "Name") && !strcmp(val, c->name)) c->hit = 1;
    if (!strcmp(sec, "NetDev") && !strcmp(key, "Kind")) xn_pf(c->kind, sizeof c->kind, "%s", val);
    return 0;
}

struct dhcp_ctx { int dhcp4, has_id; };
static int dhcp_kv(const char *sec, const char *key, const char *val, void *vctx)
{
    struct dhcp_ctx *c = vctx;
    if (!strcmp(sec, "Network") && !strcmp(key, "DHCP")) c->dhcp4 = !strcmp(val, "yes") || !strcmp(val, "ipv4") || !strcmp(val, "true") || !strcmp(val, "both");
    if (!strcmp(sec, "DHCPv4") && (!strcmp(key, "ClientIdentifier") || !strcmp(key, "IAID"))) c->has_id = 1;
    if (!strcmp(sec, "DHCP") && !strcmp(key, "ClientIdentifier")) c->has_id = 1;
    return 0;
}
struct mtu_ctx { char mtu[32]; };
static int mtu_kv(const char *sec, const char *key, const char *val, void *vctx)
{
    struct mtu_ctx *c = vctx;
    if (!strcmp(sec, "Link") && !strcmp(key, "MTUBytes")) xn_pf(c->mtu, sizeof c->mtu, "%s", val);
    return 0;
}

/* The IAID networkd's DHCPv4 client used on dev (its lease's CLIENTID is
 * 0xff, IAID, DUID): the bridge reuses it so that the DHCP server sees the
 * same client and hands out the same address. */
static int lease_iaid(const char *dev, char *iaid, size_t len)
{
    char rel[XN_PATH], p[XN_PATH], idx[32], cid[512];
    if (xn_link_ifindex(dev, idx, sizeof idx) < 0) return -1;
    xn_pf(rel, sizeof rel, "/run/systemd/netif/leases/%s", idx);
    if (xn_kv_get(xn_path(p, sizeof p, rel), "CLIENTID", cid, sizeof cid) < 0) return -1;
    if (strlen(cid) < 10 || strncasecmp(cid, "ff", 2)) return -1;
    xn_pf(iaid, len, "0x%.8s", cid + 2);
    return 0;
}

int xn_networkd_plan(struct xn_plan *p, char *why, size_t whylen)
{
    struct nset s, nd;
    struct link lk = { p->uplink, "ether", p->mac };
    char path[XN_PATH], live[XN_PATH], admin[64], iaid[32];
    struct xh_buf b;
    static char text[1 << 16];
    int i, rc = XN_REFUSED;

    if (load_set(&s, ".network", NULL, why, whylen) < 0) return XN_FAIL;
    if (load_set(&nd, ".netdev", NULL, why, whylen) < 0) { set_free(&s); return XN_FAIL; }
    for (size_t k = 0; k < nd.n; k++) {
        struct netdev_ctx c = { p->bridge, 0, "" };
        each_kv(nd.f[k].text, nd.f[k].len, "NetDev", netdev_kv, &c);
        if (c.hit) { xn_pf(why, whylen, "%s: a netdev named %s exists already: choose another --bridge", nd.f[k].path, p->bridge); goto out; }
        struct netdev_ctx u = { p->uplink, 0, "" };
        each_kv(nd.f[k].text, nd.f[k].len, "NetDev", netdev_kv, &u);
        if (u.hit) { xn_pf(why, whylen, "%s: %s is a %s made by networkd: not converted", nd.f[k].path, p->uplink, u.kind); goto out; }
    }
    i = match_set(&s, &lk, why, whylen);
    if (i == -2) goto out;
    if (i < 0) { xn_pf(why, whylen, "no .network file configures %s", p->uplink); goto out; }
    const struct nfile *f = &s.f[i];
    if (!strncmp(f->path, "/run/", 5)) {
        xn_pf(why, whylen, "%s is generated at boot (netplan or cloud-init): a change there would not last; "
                 "make the bridge in their configuration", f->path);
        goto out;
    }
    if (live_network_file(p->uplink, live, sizeof live, admin, sizeof admin) == 0) {
        if (strcmp(live, f->path) != 0) {
            xn_pf(why, whylen, "networkd configures %s with %s, but the files say %s: the running state does not match the files "
                     "(run networkctl reload first?)", p->uplink, live[0] ? live : "no file", f->path);
            goto out;
        }
    } else if (!xn_under_root()) {
        xn_pf(why, whylen, "networkd does not manage %s now (no /run/systemd/netif/links entry)", p->uplink);
        goto out;
    }
    struct refuse_ctx rc_ = { p->uplink, why, whylen, f->path };
    if (each_kv(f->text, f->len, "Network", refuse_kv, &rc_)) goto out;

    /* the bridge's .netdev */
    xh_buf_init(&b, text, sizeof text);
    xh_buf_add(&b, "# xenhost-network: the guests' bridge, with %s as its port (xenhost-network(8)).\n"
               "# It keeps %s's MAC address (DHCP reservations, providers that allow one MAC).\n"
               "[NetDev]\nName=%s\nKind=bridge\nMACAddress=%s\n\n[Bridge]\nSTP=no\nForwardDelaySec=0\n",
               p->uplink, p->uplink, p->bridge, p->mac);
    xn_pf(path, sizeof path, "%s/00-xenhost-%s.netdev", ETC_DIR, p->bridge);
    struct xn_file *nf = xn_plan_file(p, path, XN_WHOLE);
    if (!nf || nf->existed) { xn_pf(why, whylen, "%s exists already", path); goto out; }
    xn_file_set(nf, b.p, b.len);

    /* the bridge's .network: every section of the uplink's file but [Match] */
    xh_buf_init(&b, text, sizeof text);
    xh_buf_add(&b, "# xenhost-network: %s's configuration, from %s, moved onto the bridge %s (xenhost-network(8))\n[Match]\nName=%s\n",
               p->uplink, f->path, p->bridge, p->bridge);
    {
        const char *q = f->text, *end = f->text + f->len;
        int in_match = 0, started = 0;
        while (q < end) {
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            size_t n = nl ? (size_t)(nl - q) + 1 : (size_t)(end - q);
            const char *t = q + strspn(q, " \t");
            if (*t == '[') { in_match = !strncmp(t, "[Match]", 7); if (!in_match && !started) { xh_buf_add(&b, "\n"); started = 1; } }
            if (!in_match && started) xh_buf_add(&b, "%.*s%s", (int)n, q, nl ? "" : "\n");
            q += n;
        }
    }
    struct dhcp_ctx dc = { 0, 0 };
    each_kv(f->text, f->len, NULL, dhcp_kv, &dc);
    if (dc.dhcp4 && !dc.has_id && lease_iaid(p->uplink, iaid, sizeof iaid) == 0)
        xh_buf_add(&b, "\n[DHCPv4]\n# the IAID %s's DHCP client used: the server sees the same client and keeps its address\nIAID=%s\n", p->uplink, iaid);
    else if (dc.dhcp4 && !dc.has_id)
        xh_warn("%s: no DHCP lease of networkd's found: the bridge's DHCP client identifier may differ from %s's and the "
                "server may hand out another address (the trial rolls back if the gateway stops answering)", p->uplink, p->uplink);
    xn_pf(path, sizeof path, "%s/00-xenhost-%s.network", ETC_DIR, p->bridge);
    nf = xn_plan_file(p, path, XN_WHOLE);
    if (!nf || nf->existed) { xn_pf(why, whylen, "%s exists already", path); goto out; }
    if (xh_buf_status(&b) < 0) { xn_pf(why, whylen, "%s: too long", f->path); rc = XN_FAIL; goto out; }
    xn_file_set(nf, b.p, b.len);

    /* the uplink: a bare port */
    struct mtu_ctx mc = { "" };
    each_kv(f->text, f->len, "Link", mtu_kv, &mc);
    xh_buf_init(&b, text, sizeof text);
    xh_buf_add(&b, "# xenhost-network: %s is the port of the bridge %s, which has its configuration (from %s)\n[Match]\nName=%s\n\n",
               p->uplink, p->bridge, f->path, p->uplink);
    if (mc.mtu[0]) xh_buf_add(&b, "[Link]\nMTUBytes=%s\n\n", mc.mtu);
    xh_buf_add(&b, "[Network]\nBridge=%s\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n", p->bridge);
    xn_pf(path, sizeof path, "%s/00-xenhost-%s.network", ETC_DIR, p->uplink);
    nf = xn_plan_file(p, path, XN_WHOLE);
    if (!nf || nf->existed) { xn_pf(why, whylen, "%s exists already", path); goto out; }
    xn_file_set(nf, b.p, b.len);
    xn_pf(p->summary, sizeof p->summary, "%s's configuration (%s) moved onto %s", p->uplink, f->path, p->bridge);
    rc = 0;
out:
    set_free(&s);
    set_free(&nd);
    return rc;
}

/* With the new files, networkd's own rule (first file by name whose [Match]
 * matches) picks ours for the uplink and for the bridge. */
int xn_networkd_validate(const struct xn_plan *p, char *why, size_t whylen)
{
    struct nset s;
    struct link up = { p->uplink, "ether", p->mac }, br = { p->bridge, "bridge", p->mac };
    char want[XN_PATH];
    int rc = -1, i;
    if (load_set(&s, ".network", p, why, whylen) < 0) return -1;
    xn_pf(want, sizeof want, "%s/00-xenhost-%s.network", ETC_DIR, p->uplink);
    i = match_set(&s, &up, why, whylen);
    if (i < 0 || strcmp(s.f[i].path, want)) {
        if (i >= 0) xn_pf(why, whylen, "%s would still configure %s (it sorts before %s)", s.f[i].path, p->uplink, want);
        goto out;
    }
    xn_pf(want, sizeof want, "%s/00-xenhost-%s.network", ETC_DIR, p->bridge);
    i = match_set(&s, &br, why, whylen);
    if (i < 0 || strcmp(s.f[i].path, want)) {
        if (i >= 0) xn_pf(why, whylen, "%s would configure the bridge %s instead of %s", s.f[i].path, p->bridge, want);
        goto out;
    }
    rc = 0;
out:
    set_free(&s);
    return rc;
}
