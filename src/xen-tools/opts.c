/* opts.c - the option table: one row per xen-tools option, shared by the
 * command line and xen-tools.conf; usage is printed from it. */
#define _GNU_SOURCE
#include "opts.h"
#include "../lib/guestbridge.h"
#include "../lib/kvconf.h"
#include "../lib/log.h"
#include "../lib/value.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

enum kind {
    K_STR,    /* string */
    K_BOOL,   /* --x, --nox, --no-x, --x=0|1|yes|no */
    K_INT,    /* decimal within [min,max] */
    K_SIZE,   /* size, bare number in MiB */
    K_LIST,   /* repeatable string */
    K_OPTSTR, /* string whose value may be omitted (--extension) */
    K_NOTE,   /* accepted for compatibility, ignored with a note */
    K_UNSUP,  /* a xen-tools option we do not support: error with the reason */
};
enum { CLI = 1, CONF = 2, BOTH = 3 };

struct optdef {
    const char *name;
    enum kind kind;
    size_t off;
    int where;
    uint64_t min, max;
    const char *arg, *help;   /* for K_NOTE/K_UNSUP, help is the reason */
};

#define O(f) offsetof(struct xci, f)
#define NOOFF ((size_t)-1)
static const struct optdef opts[] = {
    /* name               kind     field                where min max arg       help */
    { "hostname",         K_STR,   O(hostname),         BOTH, 0, 0, "NAME",   "guest host name (RFC 1123), also the domain name" },
    { "dist",             K_STR,   O(dist),             BOTH, 0, 0, "SUITE",  "distribution to install (default: bookworm)" },
    { "mirror",           K_STR,   O(mirror),           BOTH, 0, 0, "URI",    "archive to install from (default: the host's own apt mirror)" },
    { "arch",             K_STR,   O(arch),             BOTH, 0, 0, "ARCH",   "guest architecture: amd64 or i386 (default: the host's)" },
    { "size",             K_SIZE,  O(size),             BOTH, 0, 0, "SIZE",   "root filesystem size, e.g. 4G, 8Gb, 512M (bare number: MiB)" },
    { "swap",             K_SIZE,  O(swap),             BOTH, 0, 0, "SIZE",   "swap volume size (0 or --noswap: none)" },
    { "noswap",           K_BOOL,  O(noswap),           BOTH, 0, 0, NULL,     "create no swap volume" },
    { "memory",           K_SIZE,  O(memory),           BOTH, 0, 0, "SIZE",   "guest memory" },
    { "maxmem",           K_SIZE,  O(maxmem),           BOTH, 0, 0, "SIZE",   "guest maximum memory (ballooning)" },
    { "vcpus",            K_INT,   O(vcpus),            BOTH, 1, 512, "N",    "virtual CPUs" },
    { "fs",               K_STR,   O(fs),               BOTH, 0, 0, "FS",     "root filesystem: ext4, ext3, ext2" },
    { "image",            K_STR,   O(image),            BOTH, 0, 0, "TYPE",   "file images: sparse or full" },
    { "dir",              K_STR,   O(dir),              BOTH, 0, 0, "DIR",    "store file images under DIR/domains/HOSTNAME/" },
    { "lvm",              K_STR,   O(lvm),              BOTH, 0, 0, "VG",     "store volumes as logical volumes in volume group VG" },
    { "install-method",   K_STR,   O(install_method),   BOTH, 0, 0, "M",      "debootstrap, copy or tar" },
    { "install-source",   K_STR,   O(install_source),   BOTH, 0, 0, "PATH",   "directory (copy) or tarball (tar) holding a root tree" },
    { "cache",            K_STR,   O(cache),            BOTH, 0, 0, "yes|no", "keep the prepared base system for the next guest" },
    { "cachedir",         K_STR,   O(cachedir),         BOTH, 0, 0, "DIR",    "base system cache (default /var/cache/xenhost/xen-create-image)" },
    { "dhcp",             K_BOOL,  O(dhcp),             BOTH, 0, 0, NULL,     "configure the network with DHCP" },
    { "ip",               K_LIST,  O(ip),               BOTH, 0, 0, "ADDR",   "static IPv4 address, ADDR or ADDR/PREFIX (repeatable)" },
    { "gateway",          K_STR,   O(gateway),          BOTH, 0, 0, "ADDR",   "default gateway" },
    { "netmask",          K_STR,   O(netmask),          BOTH, 0, 0, "MASK",   "netmask, dotted or /PREFIX" },
    { "broadcast",        K_STR,   O(broadcast),        BOTH, 0, 0, "ADDR",   "broadcast address" },
    { "nameserver",       K_STR,   O(nameserver),       BOTH, 0, 0, "LIST",   "name servers, blank- or comma-separated" },
    { "mac",              K_STR,   O(mac),              BOTH, 0, 0, "MAC",    "MAC address (default: 00:16:3e:xx:xx:xx derived from the hostname)" },
    { "randommac",        K_BOOL,  O(randommac),        BOTH, 0, 0, NULL,     "random MAC address in 00:16:3e:xx:xx:xx" },
    { "bridge",           K_STR,   O(bridge),           BOTH, 0, 0, "BR",     "bridge the guest's interface is attached to (default: XENHOST_GUEST_BRIDGE in /etc/default/xenhost-network, else xenbr0)" },
    { "vifname",          K_STR,   O(vifname),          BOTH, 0, 0, "NAME",   "name of the guest's interface in dom0" },
    { "password",         K_STR,   O(password),         BOTH, 0, 0, "PW",     "root password (stored hashed)" },
    { "genpass",          K_INT,   O(genpass),          BOTH, 0, 1, "0|1",    "generate a root password, shown once on the terminal" },
    { "genpass_len",      K_INT,   O(genpass_len),      BOTH, 8, 256, "N",    "length of the generated password" },
    { "genpass-len",      K_INT,   O(genpass_len),      BOTH, 8, 256, "N",    NULL },
    { "hash_method",      K_STR,   O(hash_method),      BOTH, 0, 0, "M",      "password hash: yescrypt (default), sha512, sha256" },
    { "role",             K_STR,   O(role),             BOTH, 0, 0, "LIST",   "comma-separated role scripts from the role directory" },
    { "role-args",        K_STR,   O(role_args),        BOTH, 0, 0, "ARGS",   "passed to each role script as its second argument" },
    { "roledir",          K_STR,   O(roledir),          BOTH, 0, 0, "DIR",    "role scripts (default /etc/xen-tools/role.d)" },
    { "hooks",            K_INT,   O(hooks),            BOTH, 0, 1, "0|1",    "run the hook scripts of the hooks directory" },
    { "hooksdir",         K_STR,   O(hooksdir),         BOTH, 0, 0, "DIR",    "hook scripts (default /etc/xen-tools/hooks.d)" },
    { "output",           K_STR,   O(output),           BOTH, 0, 0, "DIR",    "where the xl config is written (default /etc/xen)" },
    { "extension",        K_OPTSTR,O(extension),        BOTH, 0, 0, "EXT",    "xl config file name extension (default .cfg)" },
    { "force",            K_BOOL,  O(force),            BOTH, 0, 0, NULL,     "replace an existing image, volume or config" },
    { "verbose",          K_BOOL,  O(verbose),          BOTH, 0, 0, NULL,     "show the commands run and their output" },
    { "debug",            K_BOOL,  O(verbose),          BOTH, 0, 0, NULL,     NULL },
    { "config",           K_STR,   O(config),           CLI,  0, 0, "FILE",   "read FILE (after xen-tools.conf) for more defaults" },
    { "boot",             K_BOOL,  O(boot),             BOTH, 0, 0, NULL,     "start the guest with xl create when it is built" },
    { "autostart",        K_BOOL,  O(autostart),        BOTH, 0, 0, NULL,     "link the config into /etc/xen/auto" },
    { "type",             K_STR,   O(type),             BOTH, 0, 0, "pvh|pv|hvm", "guest type: pvh, pv (booted by grub-xen-host's GRUB) or hvm (a partitioned disk booted by SeaBIOS and the guest's own GRUB)" },
    { "dry-run",          K_BOOL,  O(dry_run),          CLI,  0, 0, NULL,     "validate and print the plan and xl config; change nothing" },
    { "variant",          K_STR,   O(variant),          BOTH, 0, 0, "V",      "debootstrap variant (default: debootstrap's own)" },
    { "include",          K_STR,   O(include),          BOTH, 0, 0, "PKGS",   "extra packages, comma-separated" },
    { "exclude",          K_STR,   O(exclude),          BOTH, 0, 0, "PKGS",   "packages debootstrap leaves out, comma-separated" },
    { "components",       K_STR,   O(components),       BOTH, 0, 0, "LIST",   "archive components, comma-separated (default main)" },
    { "kernel-package",   K_STR,   O(kernel_package),   BOTH, 0, 0, "PKG",    "guest kernel package (default linux-image-cloud-amd64 on amd64)" },
    { "keyring",          K_STR,   O(keyring),          BOTH, 0, 0, "FILE",   "keyring debootstrap checks the archive with" },
    { "serial_device",    K_STR,   O(serial_device),    BOTH, 0, 0, "DEV",    "console with a login getty (default hvc0; ttyS0 for --type=hvm)" },
    { "disk_device",      K_STR,   O(disk_device),      BOTH, 0, 0, "DEV",    "root disk device in the guest (default xvda)" },
    { "ext4_options",     K_STR,   O(ext4_options),     BOTH, 0, 0, "OPTS",   "fstab mount options of an ext4 root" },
    { "ext3_options",     K_STR,   O(ext3_options),     BOTH, 0, 0, "OPTS",   "fstab mount options of an ext3 root" },
    { "ext2_options",     K_STR,   O(ext2_options),     BOTH, 0, 0, "OPTS",   "fstab mount options of an ext2 root" },
    { "debootstrap-cmd",  K_STR,   O(debootstrap_cmd),  BOTH, 0, 0, "CMD",    "only debootstrap is supported" },
    { "pygrub",           K_NOTE,  O(pygrub),           BOTH, 0, 0, NULL,     "the guest boots its own kernel with the PVH/PV GRUB of grub-xen-host; pygrub (which parses guest files in dom0) is not used" },
    { "kernel",           K_NOTE,  O(kernel),           BOTH, 0, 0, "FILE",   "the guest has its own kernel, booted by GRUB inside the guest; dom0's kernel is not used" },
    { "initrd",           K_NOTE,  O(initrd),           BOTH, 0, 0, "FILE",   "the guest has its own initramfs; dom0's is not used" },
    { "ide",              K_NOTE,  O(ide),              BOTH, 0, 0, NULL,     "PV disks are always xvd*" },
    { "scsi",             K_NOTE,  O(scsi),             BOTH, 0, 0, NULL,     "PV disks are always xvd*" },
    { "no-xen-ok",        K_NOTE,  NOOFF,               BOTH, 0, 0, NULL,     "deprecated in xen-tools too" },
    { "help",             K_BOOL,  O(show_help),        CLI,  0, 0, NULL,     "show this help" },
    { "version",          K_BOOL,  O(show_version),     CLI,  0, 0, NULL,     "show the version" },
    /* xen-tools options we do not support, with why (see docs/xen-create-image.md) */
    { "evms",             K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "EVMS is long dead; use --lvm or --dir" },
    { "zpool",            K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "ZFS volumes are not supported; use --lvm or --dir" },
    { "lvm_thin",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "thin pools are not supported; use --lvm with a regular volume group" },
    { "image-dev",        K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "writing onto an existing device would destroy data we did not create; use --lvm or --dir" },
    { "swap-dev",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "writing onto an existing device would destroy data we did not create; use --lvm or --dir" },
    { "partitions",       K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "one root filesystem (plus swap) per guest; extra partitions need mounting" },
    { "apt_proxy",        K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "set http_proxy in the environment instead (debootstrap honours it)" },
    { "modules",          K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the guest has its own kernel and modules" },
    { "accounts",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "copying dom0's user accounts into guests leaks credentials" },
    { "admins",           K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "xen-shell administrators are not supported" },
    { "copyhosts",        K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the guest gets its own /etc/hosts" },
    { "copy-hosts",       K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the guest gets its own /etc/hosts" },
    { "nohosts",          K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "dom0's /etc/hosts is never changed" },
    { "no-hosts",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "dom0's /etc/hosts is never changed" },
    { "p2p",              K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "point-to-point setups are not supported; use --bridge" },
    { "vlan",             K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "VLAN tagging belongs to the bridge in dom0" },
    { "passwd",           K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "interactive prompts break unattended use; use --genpass or --password" },
    { "finalrole",        K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "use --role; roles run in the order given" },
    { "template",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the xl config is generated; edit it afterwards" },
    { "keep",             K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "a failed build is always removed whole" },
    { "dontformat",       K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "filesystems are always created fresh" },
    { "install",          K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "a guest without a system cannot boot" },
    { "copy-cmd",         K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the copy is done internally" },
    { "tar-cmd",          K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "the unpacking is done internally" },
    { "dumpconfig",       K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "use --dry-run" },
    { "manual",           K_UNSUP, NOOFF, BOTH, 0, 0, NULL, "see xen-create-image(8)" },
};
#define NOPTS (sizeof opts / sizeof *opts)

static const struct optdef *find_opt(const char *name, size_t n)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0)
            return &opts[i];
    return NULL;
}

static void set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = strdup(v);
}

/* Store value v (NULL: none given) for option d, named as "where" in messages. */
static int set_opt(struct xci *o, const struct optdef *d, const char *v, const char *where,
                   char *err, size_t errlen)
{
    char *base = (char *)o;
    const char *why = NULL;
    uint64_t n;
    int b;

    switch (d->kind) {
    case K_STR:
        if (!v) return xci_errf(err, errlen, "%s: needs a value (%s)", where, d->arg);
        set_str((char **)(base + d->off), v);
        return 0;
    case K_OPTSTR:
        set_str((char **)(base + d->off), v ? v : "");
        return 0;
    case K_LIST: {
        if (!v) return xci_errf(err, errlen, "%s: needs a value (%s)", where, d->arg);
        char ***list = (char ***)(base + d->off);
        char **nl = realloc(*list, (o->nip + 2) * sizeof **list);
        if (!nl) return xci_errf(err, errlen, "out of memory");
        nl[o->nip++] = strdup(v);
        nl[o->nip] = NULL;
        *list = nl;
        return 0;
    }
    case K_BOOL:
        if (!v) b = 1;   /* --flag */
        else if (xh_parse_bool(v, &b) < 0) return xci_errf(err, errlen, "%s: '%s' is not a yes/no value", where, v);
        *(int *)(base + d->off) = b;
        return 0;
    case K_INT:
        if (!v) return xci_errf(err, errlen, "%s: needs a value (%s)", where, d->arg);
        if (xh_parse_uint(v, d->min, d->max, &n, &why) < 0)
            return xci_errf(err, errlen, "%s: '%s': %s (%llu..%llu)", where, v, why,
                        (unsigned long long)d->min, (unsigned long long)d->max);
        *(uint64_t *)(base + d->off) = n;
        return 0;
    case K_SIZE:
        if (!v) return xci_errf(err, errlen, "%s: needs a size", where);
        if (xh_parse_size(v, 1ULL << 20, &n, &why) < 0)
            return xci_errf(err, errlen, "%s: '%s' is not a size: %s", where, v, why);
        *(uint64_t *)(base + d->off) = n;
        return 0;
    case K_NOTE:
        if (d->off != NOOFF) {
            if (d->arg) set_str((char **)(base + d->off), v ? v : "");
            else if (!v || xh_parse_bool(v, &b) == 0) *(int *)(base + d->off) = v ? b : 1;
        }
        return 0;
    case K_UNSUP:
        return xci_errf(err, errlen, "%s: not supported: %s", where, d->help);
    }
    return 0;
}

void xci_defaults(struct xci *o)
{
    memset(o, 0, sizeof *o);
    set_str(&o->dist, "bookworm");
    set_str(&o->fs, "ext4");
    set_str(&o->image, "sparse");
    set_str(&o->dir, "/srv/xen");
    set_str(&o->install_method, "debootstrap");
    set_str(&o->cache, "yes");
    set_str(&o->cachedir, "/var/cache/xenhost/xen-create-image");
    set_str(&o->output, "/etc/xen");
    set_str(&o->extension, ".cfg");
    set_str(&o->bridge, XH_GUEST_BRIDGE_DEFAULT);   /* main() reads the host's setting over it */
    set_str(&o->hash_method, "yescrypt");
    set_str(&o->roledir, "/etc/xen-tools/role.d");
    set_str(&o->hooksdir, "/etc/xen-tools/hooks.d");
    set_str(&o->type, "pvh");
    set_str(&o->components, "main");
    /* serial_device: unset here; validate() picks hvc0, or ttyS0 for --type=hvm */
    set_str(&o->disk_device, "xvda");
    set_str(&o->ext4_options, "noatime,errors=remount-ro");
    set_str(&o->ext3_options, "noatime,errors=remount-ro");
    set_str(&o->ext2_options, "noatime,errors=remount-ro");
    set_str(&o->debootstrap_cmd, "debootstrap");
    o->size = 4ULL << 30;
    o->swap = 512ULL << 20;
    o->memory = 512ULL << 20;
    o->vcpus = 1;
    o->genpass_len = 20;
    o->hooks = 1;
    o->dhcp = -1; /* unset: DHCP unless --ip */
}

void xci_free(struct xci *o)
{
    for (size_t i = 0; i < NOPTS; i++)
        if ((opts[i].kind == K_STR || opts[i].kind == K_OPTSTR ||
             (opts[i].kind == K_NOTE && opts[i].arg)) && opts[i].off != NOOFF) {
            char **s = (char **)((char *)o + opts[i].off);
            free(*s);
            *s = NULL;
        }
    for (size_t i = 0; i < o->nip; i++) free(o->ip[i]);
    free(o->ip);
    o->ip = NULL;
    o->nip = 0;
}

int xci_parse_args(struct xci *o, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *name, *eq, *v = NULL;
        const struct optdef *d;
        int neg = 0;
        size_t n;

        if (a[0] != '-' || a[1] == '\0')
            return xci_errf(err, errlen, "unexpected argument '%s' (options start with --)", a);
        if (!strcmp(a, "-h")) { o->show_help = 1; continue; }
        if (!strcmp(a, "-v")) { o->verbose = 1; continue; }
        name = a + (a[1] == '-' ? 2 : 1);  /* Getopt::Long also takes -name */
        eq = strchr(name, '=');
        n = eq ? (size_t)(eq - name) : strlen(name);
        if (eq) v = eq + 1;
        d = find_opt(name, n);
        if (!d && n > 2 && !strncmp(name, "no", 2)) {
            size_t skip = name[2] == '-' ? 3 : 2;
            d = find_opt(name + skip, n - skip);
            if (d && d->kind != K_BOOL && !(d->kind == K_NOTE && !d->arg)) d = NULL;
            neg = d != NULL;
        }
        if (!d || !(d->where & CLI))
            return xci_errf(err, errlen, "unknown option '--%.*s' (see --help)", (int)n, name);
        char where[128];
        snprintf(where, sizeof where, "--%s", d->name);
        if (neg) {
            if (v) return xci_errf(err, errlen, "--no%s takes no value", d->name);
            v = "0";
        } else if (!v && (d->kind == K_STR || d->kind == K_LIST || d->kind == K_INT || d->kind == K_SIZE ||
                          (d->kind == K_NOTE && d->arg))) {
            if (i + 1 >= argc)
                return xci_errf(err, errlen, "%s: needs a value (%s)", where, d->arg ? d->arg : "VALUE");
            v = argv[++i];
        } else if (!v && d->kind == K_OPTSTR && i + 1 < argc && argv[i + 1][0] != '-') {
            v = argv[++i];
        }
        int rc = set_opt(o, d, v, where, err, errlen);
        if (rc) return rc;
        if (d->kind == K_NOTE)
            snprintf(err, errlen, "%s: accepted for compatibility and ignored: %s", where, d->help);
    }
    return 0;
}

struct conf_ctx { struct xci *o; xci_warn_fn warn; char *err; size_t errlen; int rc; };

static int conf_kv(const char *key, const char *value, const char *file, int line, void *vctx)
{
    struct conf_ctx *c = vctx;
    const struct optdef *d = find_opt(key, strlen(key));
    char where[512], msg[768];

    snprintf(where, sizeof where, "%s:%d: %s", file, line, key);
    if (!d || !(d->where & CONF)) {
        snprintf(msg, sizeof msg, XH_KV_UNKNOWN, file, line, key);
        if (c->warn) c->warn(msg);
        return 0;
    }
    if (!*value) return 0;   /* "key =": keep the default */
    if (strchr(value, '`') || strstr(value, "$(")) {
        snprintf(msg, sizeof msg, "%s: value needs a shell to evaluate; ignored (built-in default used)", where);
        if (c->warn) c->warn(msg);
        return 0;
    }
    if (d->kind == K_UNSUP || d->kind == K_NOTE) {
        snprintf(msg, sizeof msg, "%s: %s, ignored: %s", where,
                 d->kind == K_UNSUP ? "not supported" : "accepted for compatibility", d->help);
        if (c->warn) c->warn(msg);
        return 0;
    }
    if (d->kind == K_LIST) {  /* a config value replaces, the command line appends */
        for (size_t i = 0; i < c->o->nip; i++) free(c->o->ip[i]);
        c->o->nip = 0;
    }
    c->rc = set_opt(c->o, d, value, where, c->err, c->errlen);
    return c->rc;
}

int xci_parse_config(struct xci *o, const char *buf, size_t len, const char *name,
                     xci_warn_fn warn, char *err, size_t errlen)
{
    struct conf_ctx c = { o, warn, err, errlen, 0 };
    int rc = xh_kv_parse_buf(buf, len, name, XH_KV_SPACED, conf_kv, &c, err, errlen);
    if (c.rc) return c.rc;
    return rc ? 2 : 0;
}

/* xen-create-image(8), EXIT STATUS; build.c and xen-create-image.c return these */
const struct xh_exit xci_exits[] = {
    { 0, "the guest was built (and with --boot started); with --dry-run: the settings are valid and the plan was printed" },
    { 1, "the build failed or was interrupted (everything this run created is removed), a volume, config or autostart link of the guest exists (without --force), or --boot could not start the guest (which stays built)" },
    { 2, "usage or configuration error: an unknown option, a bad value, an unreadable configuration file, no mirror, a missing --install-source or role, no terminal for --genpass, not run as root: nothing was touched" },
    { -1, NULL },
};

void xci_usage(void *stream)
{
    FILE *f = stream;
    fprintf(f, "usage: xen-create-image --hostname=NAME [options]\n"
               "Build a Debian guest with its own kernel into file images or LVM volumes\n"
               "and write its xl config. Options (also keys of /etc/xen-tools/xen-tools.conf):\n");
    for (size_t i = 0; i < NOPTS; i++) {
        const struct optdef *d = &opts[i];
        char lhs[64];
        if (!d->help || d->kind == K_UNSUP) continue;
        snprintf(lhs, sizeof lhs, "--%s%s%s", d->name, d->arg ? "=" : "", d->arg ? d->arg : "");
        fprintf(f, "  %-26s %s%s\n", lhs, d->kind == K_NOTE ? "accepted, ignored: " : "", d->help);
    }
    fprintf(f, "Not supported (exit 2):");
    for (size_t i = 0; i < NOPTS; i++)
        if (opts[i].kind == K_UNSUP) fprintf(f, " --%s", opts[i].name);
    fprintf(f, "\n");
    xh_print_exits(f, xci_exits);
}
