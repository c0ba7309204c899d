/* validate.c - check every setting before anything is touched. */
#define _GNU_SOURCE
#include "opts.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

int xci_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 2;
}

int xci_pf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int xci_is_hvm(const struct xci *o) { return !strcmp(o->type, "hvm"); }

int xci_valid_hostname(const char *h)
{
    size_t len = strlen(h), lab = 0;
    if (len == 0 || len > 253) return 0;
    for (size_t i = 0; i <= len; i++) {
        char c = h[i];
        if (c == '.' || c == '\0') {
            if (lab == 0 || lab > 63 || h[i - 1] == '-') return 0;
            lab = 0;
            continue;
        }
        if (!(isascii((unsigned char)c) && (isalnum((unsigned char)c) || c == '-'))) return 0;
        if (lab == 0 && c == '-') return 0;
        lab++;
    }
    return 1;
}

int xci_valid_mac(const char *m)
{
    unsigned b[6];
    char tail;
    if (strlen(m) != 17) return 0;
    for (int i = 0; i < 17; i++)
        if ((i % 3 == 2) ? m[i] != ':' : !isxdigit((unsigned char)m[i])) return 0;
    if (sscanf(m, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6) return 0;
    if (b[0] & 1) return 0;                               /* multicast */
    return (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) != 0;
}

int xci_valid_ipv4(const char *s, int *prefix)
{
    char buf[32];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    struct in_addr a;
    *prefix = -1;
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, &a) != 1) return 0;
    if (slash && (*prefix = xci_netmask_prefix(slash)) < 1) return 0;
    return 1;
}

int xci_netmask_prefix(const char *s)
{
    struct in_addr a;
    if (*s == '/') s++;
    if (*s && strlen(s) <= 2 && strspn(s, "0123456789") == strlen(s)) {
        int p = atoi(s);
        return p <= 32 ? p : -1;
    }
    if (inet_pton(AF_INET, s, &a) != 1) return -1;
    uint32_t m = ntohl(a.s_addr);
    int p = 0;
    while (p < 32 && (m & (0x80000000u >> p))) p++;
    return (p < 32 && (m << p)) ? -1 : p;   /* contiguous ones only */
}

static int name_ok(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || s[0] == '-' || s[0] == '.') return 0;
    for (size_t i = 0; i < n; i++)
        if (!isascii((unsigned char)s[i]) || !(isalnum((unsigned char)s[i]) || strchr(extra, s[i]))) return 0;
    return 1;
}

static int list_ok(const char *s, const char *extra)  /* comma/blank separated names */
{
    char *copy = strdup(s), *save = NULL, *t;
    int ok = copy != NULL;
    for (t = copy ? strtok_r(copy, ", ", &save) : NULL; ok && t; t = strtok_r(NULL, ", ", &save))
        ok = name_ok(t, 128, extra);
    free(copy);
    return ok;
}

static int safe_path(const char *p)  /* absolute, no newline/quote (it lands in config files) */
{
    return p[0] == '/' && !strpbrk(p, "\n\r'\"\\,=") && strlen(p) < 1024;
}

static const char *host_arch(void)
{
    struct utsname u;
    if (uname(&u) == 0) {
        if (u.machine[0] == 'i' && strstr(u.machine, "86")) return "i386";
    }
    return "amd64";
}

int xci_validate(struct xci *o, char *err, size_t errlen)
{
    int prefix;

    if (!o->hostname || !*o->hostname) return xci_errf(err, errlen, "--hostname is required");
    if (!xci_valid_hostname(o->hostname))
        return xci_errf(err, errlen, "--hostname '%s': not a valid RFC 1123 host name (letters, digits, '-', dot-separated labels of 1-63)", o->hostname);
    for (char *c = o->hostname; *c; c++) *c = (char)tolower((unsigned char)*c);

    if (!name_ok(o->dist, 32, "-.")) return xci_errf(err, errlen, "--dist '%s': not a suite name", o->dist);
    const struct xci_dist *di = xci_dist_info(o->dist);
    if (!di && !o->mirror) {
        char known[256];
        xci_known_dists(known, sizeof known);
        return xci_errf(err, errlen, "--dist '%s': unknown distribution (known: %s; others need --mirror)", o->dist, known);
    }
    if (o->mirror && (strncmp(o->mirror, "http://", 7) && strncmp(o->mirror, "https://", 8) &&
                      strncmp(o->mirror, "file:/", 6) && strncmp(o->mirror, "ftp://", 6)))
        return xci_errf(err, errlen, "--mirror '%s': not an http://, https://, ftp:// or file:/ URI", o->mirror);
    if (o->mirror && strpbrk(o->mirror, " \t\n'\"\\"))
        return xci_errf(err, errlen, "--mirror '%s': blanks or quotes in URI", o->mirror);
    if (!o->arch) o->arch = strdup(host_arch());
    if (strcmp(o->arch, "amd64") && strcmp(o->arch, "i386"))
        return xci_errf(err, errlen, "--arch '%s': not supported (amd64, i386: the guest boots with grub-xen-host's x86 GRUB)", o->arch);

    if (o->size < (256ULL << 20)) return xci_errf(err, errlen, "--size: at least 256M is needed for a Debian system");
    if (o->size > (64ULL << 40)) return xci_errf(err, errlen, "--size: more than 64T is surely a mistake");
    if (o->noswap) o->swap = 0;
    if (o->swap && o->swap < (16ULL << 20)) return xci_errf(err, errlen, "--swap: at least 16M (or --noswap)");
    if (o->swap > (1ULL << 40)) return xci_errf(err, errlen, "--swap: more than 1T is surely a mistake");
    if (o->memory < (64ULL << 20)) return xci_errf(err, errlen, "--memory: at least 64M");
    if (o->memory > (16ULL << 40) || o->maxmem > (16ULL << 40)) return xci_errf(err, errlen, "--memory/--maxmem: more than 16T");
    if (o->maxmem && o->maxmem < o->memory) return xci_errf(err, errlen, "--maxmem: smaller than --memory");
    if (o->memory % (1ULL << 20) || o->maxmem % (1ULL << 20)) return xci_errf(err, errlen, "--memory/--maxmem: must be whole MiB");

    if (strcmp(o->fs, "ext4") && strcmp(o->fs, "ext3") && strcmp(o->fs, "ext2")) {
        if (!strcmp(o->fs, "xfs") || !strcmp(o->fs, "btrfs") || !strcmp(o->fs, "reiserfs"))
            return xci_errf(err, errlen, "--fs '%s': not supported: the filesystem is populated without mounting (mkfs.ext4 -d); use ext4", o->fs);
        return xci_errf(err, errlen, "--fs '%s': unknown filesystem (ext4, ext3, ext2)", o->fs);
    }
    if (strcmp(o->image, "sparse") && strcmp(o->image, "full"))
        return xci_errf(err, errlen, "--image '%s': must be sparse or full", o->image);
    if (!safe_path(o->dir)) return xci_errf(err, errlen, "--dir '%s': needs an absolute path without quotes, commas or '='", o->dir);
    if (o->lvm && !name_ok(o->lvm, 127, "+_.-")) return xci_errf(err, errlen, "--lvm '%s': not a volume group name", o->lvm);
    if (strcmp(o->install_method, "debootstrap") && strcmp(o->install_method, "copy") && strcmp(o->install_method, "tar")) {
        if (!strcmp(o->install_method, "rinse") || !strcmp(o->install_method, "rpmstrap") || !strcmp(o->install_method, "emerge"))
            return xci_errf(err, errlen, "--install-method '%s': not supported: Debian guests only (debootstrap, copy, tar)", o->install_method);
        return xci_errf(err, errlen, "--install-method '%s': must be debootstrap, copy or tar", o->install_method);
    }
    if (strcmp(o->install_method, "debootstrap") && (!o->install_source || !safe_path(o->install_source)))
        return xci_errf(err, errlen, "--install-method=%s needs --install-source with an absolute path", o->install_method);
    if (strcmp(o->debootstrap_cmd, "debootstrap") && strcmp(o->debootstrap_cmd, "/usr/sbin/debootstrap"))
        return xci_errf(err, errlen, "--debootstrap-cmd '%s': not supported: only debootstrap", o->debootstrap_cmd);
    if (strcasecmp(o->cache, "yes") && strcasecmp(o->cache, "no"))
        return xci_errf(err, errlen, "--cache '%s': must be yes or no", o->cache);
    if (!safe_path(o->cachedir)) return xci_errf(err, errlen, "--cachedir '%s': needs an absolute path", o->cachedir);
    if (o->variant && !name_ok(o->variant, 32, "-")) return xci_errf(err, errlen, "--variant '%s': not a debootstrap variant", o->variant);
    if (o->include && !list_ok(o->include, "+-.:")) return xci_errf(err, errlen, "--include '%s': not a package list", o->include);
    if (o->exclude && !list_ok(o->exclude, "+-.:")) return xci_errf(err, errlen, "--exclude '%s': not a package list", o->exclude);
    if (!list_ok(o->components, "-")) return xci_errf(err, errlen, "--components '%s': not a component list", o->components);
    if (o->kernel_package && !name_ok(o->kernel_package, 128, "+-.")) return xci_errf(err, errlen, "--kernel-package '%s': not a package name", o->kernel_package);
    if (o->keyring && !safe_path(o->keyring)) return xci_errf(err, errlen, "--keyring '%s': needs an absolute path", o->keyring);

    /* network */
    if (o->dhcp == 1 && o->nip) return xci_errf(err, errlen, "--dhcp and --ip: choose one");
    if (o->dhcp == -1) o->dhcp = o->nip == 0;
    for (size_t i = 0; i < o->nip; i++)
        if (!xci_valid_ipv4(o->ip[i], &prefix))
            return xci_errf(err, errlen, "--ip '%s': not an IPv4 address (A.B.C.D or A.B.C.D/PREFIX)", o->ip[i]);
    if (o->netmask && xci_netmask_prefix(o->netmask) < 1) return xci_errf(err, errlen, "--netmask '%s': not a netmask", o->netmask);
    if (o->nip && !o->netmask && (xci_valid_ipv4(o->ip[0], &prefix), prefix < 0))
        return xci_errf(err, errlen, "--ip '%s': needs a prefix (--ip=A.B.C.D/24) or --netmask", o->ip[0]);
    if (o->gateway && (!xci_valid_ipv4(o->gateway, &prefix) || prefix >= 0)) return xci_errf(err, errlen, "--gateway '%s': not an IPv4 address", o->gateway);
    if (o->broadcast && (!xci_valid_ipv4(o->broadcast, &prefix) || prefix >= 0)) return xci_errf(err, errlen, "--broadcast '%s': not an IPv4 address", o->broadcast);
    if (o->nameserver) {
        char *copy = strdup(o->nameserver), *save = NULL, *t;
        int bad = 0;
        unsigned char buf[16];
        for (t = strtok_r(copy, ", \t", &save); t && !bad; t = strtok_r(NULL, ", \t", &save))
            if (inet_pton(AF_INET, t, buf) != 1 && inet_pton(AF_INET6, t, buf) != 1) {
                bad = xci_errf(err, errlen, "--nameserver '%s': not an IP address", t);
            }
        free(copy);
        if (bad) return bad;
    }
    if (o->mac && o->randommac) return xci_errf(err, errlen, "--mac and --randommac: choose one");
    if (o->mac && !xci_valid_mac(o->mac)) return xci_errf(err, errlen, "--mac '%s': not a unicast MAC address (xx:xx:xx:xx:xx:xx)", o->mac);
    if (!name_ok(o->bridge, 15, "_.-")) return xci_errf(err, errlen, "--bridge '%s': not an interface name (15 characters at most)", o->bridge);
    if (o->vifname && !name_ok(o->vifname, 15, "_.-")) return xci_errf(err, errlen, "--vifname '%s': not an interface name (15 characters at most)", o->vifname);

    /* accounts, roles, output */
    if (o->password && (!*o->password || strchr(o->password, '\n')))
        return xci_errf(err, errlen, "--password: empty or multi-line password");
    if (o->password && o->genpass) return xci_errf(err, errlen, "--password and --genpass: choose one");
    if (!strcasecmp(o->hash_method, "md5")) {
        snprintf(err, errlen, "--hash_method=md5 is broken; using yescrypt");
        free(o->hash_method);
        o->hash_method = strdup("yescrypt");
    }
    if (strcasecmp(o->hash_method, "yescrypt") && strcasecmp(o->hash_method, "sha512") &&
        strcasecmp(o->hash_method, "sha256") && strcasecmp(o->hash_method, "md5"))
        return xci_errf(err, errlen, "--hash_method '%s': must be yescrypt, sha512 or sha256", o->hash_method);
    if (o->role && !list_ok(o->role, "_.-")) return xci_errf(err, errlen, "--role '%s': not a comma-separated list of role names", o->role);
    if (o->role_args && strpbrk(o->role_args, "\n")) return xci_errf(err, errlen, "--role-args: no newlines");
    if (!safe_path(o->roledir)) return xci_errf(err, errlen, "--roledir '%s': needs an absolute path", o->roledir);
    if (!safe_path(o->hooksdir)) return xci_errf(err, errlen, "--hooksdir '%s': needs an absolute path", o->hooksdir);
    if (!safe_path(o->output)) return xci_errf(err, errlen, "--output '%s': needs an absolute path", o->output);
    if (*o->extension && !name_ok(o->extension + (o->extension[0] == '.'), 32, "._-"))
        return xci_errf(err, errlen, "--extension '%s': letters, digits, '.', '_' and '-' only", o->extension);
    if (strcmp(o->type, "pvh") && strcmp(o->type, "pv") && strcmp(o->type, "hvm"))
        return xci_errf(err, errlen, "--type '%s': must be pvh, pv or hvm", o->type);
    if (xci_is_hvm(o)) {
        /* the root partition is described by an MBR: 32-bit sector numbers, so it
         * must end below 2 TiB (1 MiB before it, and LVM may round up a little) */
        if (o->size > (2047ULL << 30))
            return xci_errf(err, errlen, "--size: at most 2047G for --type=hvm (its MBR partition table cannot describe 2 TiB)");
        /* the filesystem inside the image is addressed as "IMAGE?offset=N" by debugfs */
        if (!o->lvm && strchr(o->dir, '?'))
            return xci_errf(err, errlen, "--dir '%s': no '?' with --type=hvm (debugfs reads the image as PATH?offset=N)", o->dir);
    }
    if (!o->serial_device) o->serial_device = strdup(xci_is_hvm(o) ? "ttyS0" : "hvc0");
    if (!o->serial_device) return xci_errf(err, errlen, "out of memory");
    {
        const char *s = o->serial_device;
        if (!strncmp(s, "/dev/", 5)) s += 5;
        size_t pre = !strncmp(s, "ttyS", 4) ? 4 : 3;   /* ttyS0: an HVM guest's emulated serial port */
        if (!((strncmp(s, "hvc", 3) == 0 || strncmp(s, "tty", 3) == 0 || strncmp(s, "xvc", 3) == 0) &&
              s[pre] && strspn(s + pre, "0123456789") == strlen(s + pre) && strlen(s) < 12))
            return xci_errf(err, errlen, "--serial_device '%s': must be hvcN, ttyN, ttySN or xvcN", o->serial_device);
        memmove(o->serial_device, s, strlen(s) + 1);
    }
    {
        const char *s = o->disk_device;
        if (!strncmp(s, "/dev/", 5)) s += 5;
        if (strncmp(s, "xvd", 3) || !s[3] || strspn(s + 3, "abcdefghijklmnopqrstuvwxyz") != strlen(s + 3) || strlen(s) > 6 || s[strlen(s) - 1] == 'z')
            return xci_errf(err, errlen, "--disk_device '%s': must be xvdX (xvda, xvdb, ...)", o->disk_device);
        memmove(o->disk_device, s, strlen(s) + 1);
    }
    const char **mo[] = { (const char **)&o->ext4_options, (const char **)&o->ext3_options, (const char **)&o->ext2_options };
    for (size_t i = 0; i < 3; i++)
        if (!**mo[i] || strpbrk(*mo[i], " \t\n#")) return xci_errf(err, errlen, "ext%zu_options '%s': not a mount option list", 4 - i, *mo[i]);
    if (!o->kernel_package) {
        const char *k = !strcmp(o->arch, "amd64") ? "linux-image-cloud-amd64" : "linux-image-686-pae";
        if (di && !di->debian) k = "linux-image-virtual";
        o->kernel_package = strdup(k);
    }
    return 0;
}
