/* xn.h - xenhost-network: give guests a network without locking the admin out.
 * One concern per file:
 *   main.c      the command table, options, exit statuses
 *   paths.c     where the files are (test builds: fixture roots)
 *   facts.c     what the host has: uplink, default route, MAC, bonds, VLANs, NetworkManager
 *   ifupdown.c  /etc/network/interfaces: parser, converter, validation
 *   networkd.c  systemd-networkd .network/.netdev files: matcher, converter
 *   nat.c       the host-only NAT bridge: subnet, dnsmasq, nftables (nat-up, nat-down)
 *   settings.c  the one guest-bridge setting and xl.conf's vif.default.bridge
 *   state.c     the change set: backups, what was written, restore byte for byte
 *   live.c      running ifup/ifdown/networkctl/ip with deadlines, ICMP echo, live state
 *   trial.c     the detached guard: apply, wait for confirm, roll back; boot-time restore
 * See xenhost-network(8) and docs/network.md. */
#ifndef XN_H
#define XN_H
#include "guestbridge.h"
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit statuses (the table in main.c, xenhost-network(8) EXIT STATUS) */
enum { XN_OK = 0, XN_FAIL = 1, XN_USAGE = 2, XN_REFUSED = 3, XN_BROKEN = 4 };

enum xn_mode { XN_MODE_BRIDGE, XN_MODE_NAT, XN_MODE_ADOPT };
enum xn_backend { XN_BE_AUTO, XN_BE_IFUPDOWN, XN_BE_NETWORKD, XN_BE_NONE };
const char *xn_mode_name(enum xn_mode m);
const char *xn_backend_name(enum xn_backend b);

#define XN_DEFAULT_BRIDGE XH_GUEST_BRIDGE_DEFAULT   /* src/lib/guestbridge.h */
#define XN_DEFAULT_NAT_BRIDGE "xenbr-nat"
#define XN_DEFAULT_TIMEOUT 120
#define XN_MAX_FILES 24
#define XN_PATH 512
#define XN_MAX_TEXT (1u << 20)

/* ---- paths.c ---- */
/* snprintf without gcc's truncation guesswork: every caller bounds its buffer
 * and a cut text is only ever a cut message or a name checked afterwards. */
int xn_pf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Real paths of the host; in test builds XENHOST_NET_ROOT prefixes /etc, /run,
 * /var and /lib, XENHOST_NET_SYSROOT prefixes /proc and /sys. */
const char *xn_path(char *buf, size_t len, const char *path);  /* returns buf */
const char *xn_sys(char *buf, size_t len, const char *path);
int xn_under_root(void);          /* a fixture root is in use (test builds) */
#define XN_STATE_DIR "/var/lib/xenhost-network"
#define XN_RUN_DIR "/run/xenhost-network"
#define XN_NAT_CONF "/etc/xenhost-network/nat.conf"
#define XN_XL_CONF "/etc/xen/xl.conf"
#define XN_XEN_TOOLS_CONF "/etc/xen-tools/xen-tools.conf"
#define XN_SELF "/usr/sbin/xenhost-network"
const char *xn_self(void);        /* this program, for the guard and the unit */

/* ---- facts.c ---- */
struct xn_route { char dev[IF_NAMESIZE]; char gw[64]; int family; };
/* The default route (IPv4 first, then IPv6). 0, or -1 when there is none. */
int xn_default_route(struct xn_route *r);
/* the default route of one device (any family), for the gateway check */
int xn_default_route_dev(const char *dev, struct xn_route *r);
int xn_link_exists(const char *dev);
int xn_link_ifindex(const char *dev, char *idx, size_t len); /* its index as text (networkd names state files by it) */
int xn_link_mac(const char *dev, char *mac, size_t len);      /* "aa:bb:..", 0 or -1 */
int xn_link_is_bridge(const char *dev);
int xn_link_master(const char *dev, char *master, size_t len); /* 1 if dev is enslaved */
int xn_link_ports(const char *bridge, char *out, size_t len);  /* blank-separated port names */
/* Why dev cannot be bridged (bond, VLAN, wireless...), in why; 0 if nothing found. */
int xn_link_unbridgeable(const char *dev, char *why, size_t len);
/* NetworkManager: 1 when it runs and (as far as can be told) manages dev. */
int xn_nm_manages(const char *dev, int in_ifupdown, char *why, size_t len);
int xn_systemd_running(void);
/* Every IPv4 network on the host (addresses and routes), for the NAT subnet choice. */
struct xn_net4 { uint32_t addr, mask; };
size_t xn_host_nets4(struct xn_net4 *nets, size_t max);

/* ---- state.c: the change set ---- */
enum xn_fkind { XN_WHOLE, XN_LINE };
struct xn_file {
    char path[XN_PATH];          /* host path (without the test root) */
    enum xn_fkind kind;
    int existed;                 /* old content present */
    int made_dir;                /* setup creates the file's directory (remove deletes it) */
    char *old; size_t old_len;   /* before */
    char *new; size_t new_len;   /* after; new == NULL: the file is deleted */
    mode_t mode; uid_t uid; gid_t gid;
    char key[64];                /* XN_LINE: the setting that was changed */
    char old_line[512];          /* XN_LINE: that line before ("" when there was none) */
    char new_line[512];
};
struct xn_plan {
    enum xn_mode mode;
    enum xn_backend backend;
    char uplink[IF_NAMESIZE], bridge[IF_NAMESIZE], mac[18];
    struct xn_route gw;          /* the default route at setup (gateway check) */
    char nat_addr[32];           /* nat: "10.200.0.1/24" */
    char summary[512];           /* one line, for status */
    struct xn_file files[XN_MAX_FILES];
    size_t nfiles;
};
void xn_plan_free(struct xn_plan *p);
/* Add a file to the plan with its current content read from disk; returns it or NULL (why logged). */
struct xn_file *xn_plan_file(struct xn_plan *p, const char *path, enum xn_fkind kind);
void xn_file_set(struct xn_file *f, const char *text, size_t len);   /* copies; text NULL = delete */
int xn_file_changes(const struct xn_file *f);

/* The saved state in XN_STATE_DIR: the plan (without new contents), backups,
 * written copies. */
int xn_state_exists(void);
int xn_state_save(const struct xn_plan *p);          /* 0 or -1 (logged) */
int xn_state_load(struct xn_plan *p);                /* with old/new contents; 0, -1 */
int xn_state_clear(void);
/* Write the plan's new files (atomic each); on a failure what was written is put back. */
int xn_files_install(struct xn_plan *p);
/* Put back the old files. force: even those edited since setup. Returns the
 * number of files that could not be restored (each logged); edited files are
 * counted in *edited and left alone unless force. */
int xn_files_restore(struct xn_plan *p, int force, int *edited);
/* Set or restore "KEY=VALUE"-like line: replace the last line that sets key
 * (commented or not, per is_key) with line, or append it. */
typedef int (*xn_key_fn)(const char *line, size_t len, const char *key, int *active);
char *xn_line_edit(const char *text, size_t len, const char *key, xn_key_fn is_key,
                   const char *new_line, size_t *out_len);
/* Where that line is: 1 active, 0 commented, -1 none; [*start, *end) without its newline. */
int xn_key_line(const char *text, size_t len, const char *key, xn_key_fn is_key, size_t *start, size_t *end);

/* state-dir files for the trial */
const char *xn_state_path(char *buf, size_t len, const char *name);
int xn_kv_write(const char *path, const char *const *kv);       /* NULL-terminated KEY, VALUE, ... */
int xn_kv_get(const char *path, const char *key, char *out, size_t len); /* 0, -1 absent */

/* ---- settings.c ---- */
int xn_settings_plan(struct xn_plan *p);   /* the guest-bridge setting and xl.conf lines */
/* What each place says (status): 0 all agree, 1 a disagreement (printed). */
int xn_settings_report(FILE *out, const char *configured_bridge);
int xn_xl_key(const char *line, size_t len, const char *key, int *active);
int xn_sh_key(const char *line, size_t len, const char *key, int *active);

/* ---- ifupdown.c ---- */
struct xn_opts;
int xn_ifupdown_plan(struct xn_plan *p, char *why, size_t whylen);  /* 0, XN_REFUSED, XN_FAIL */
int xn_ifupdown_validate(const struct xn_plan *p, char *why, size_t whylen);
int xn_ifupdown_has_iface(const char *dev);     /* the uplink is in the ifupdown files */
int xn_ifupdown_nat_plan(struct xn_plan *p, char *why, size_t whylen);

/* ---- networkd.c ---- */
int xn_networkd_plan(struct xn_plan *p, char *why, size_t whylen);
int xn_networkd_validate(const struct xn_plan *p, char *why, size_t whylen);
/* the .network file that configures dev ("" if none); 0, or -1 with why (undecidable) */
int xn_networkd_file_for(const char *dev, const char *type, const char *mac, char *path, size_t len,
                         char *why, size_t whylen);
int xn_networkd_running(void);

/* ---- nat.c ---- */
int xn_nat_plan(struct xn_plan *p, char *why, size_t whylen);
int xn_nat_up(void);     /* bridge, address, forwarding, nftables, dnsmasq; 0 or XN_FAIL */
int xn_nat_down(void);

/* ---- live.c ---- */
/* Run argv with a deadline; output merged into out (may be NULL). Logs failures
 * as "what: reason". Returns the exit status (-1: not run). */
int xn_run(const char *what, char *const argv[], int timeout_s, char *out, size_t outlen);
/* ICMP echo to gw (IPv4 or IPv6, scope dev) out of dev: tries, each waiting
 * wait_ms. 1 answered, 0 not, -1 cannot check (no raw socket). */
int xn_ping(const char *gw, int family, const char *dev, int tries, int wait_ms);
/* Wait (bounded) until dev has an address of family; 0 or -1 */
int xn_wait_address(const char *dev, int family, int timeout_s);
void xn_live_report(FILE *out, const char *bridge);
int xn_live_apply(const struct xn_plan *p);     /* old files still in place: take the old down */
int xn_live_up(const struct xn_plan *p);        /* new files in place */
int xn_live_down_new(const struct xn_plan *p);  /* new files still in place: take the new down */
int xn_live_up_old(const struct xn_plan *p);    /* old files back */

/* ---- trial.c ---- */
struct xn_opts {
    const char *uplink, *bridge;
    enum xn_mode mode;
    enum xn_backend backend;
    int timeout_s, dry_run, force, verbose;
};
int xn_trial_start(struct xn_plan *p, int timeout_s);   /* foreground part of setup */
int xn_guard(const char *op);                           /* the detached guard: "apply" or "remove" */
int xn_confirm(void);
int xn_remove(int force);
int xn_boot(void);
void xn_trial_report(FILE *out);
int xn_trial_pending(void);
#endif
