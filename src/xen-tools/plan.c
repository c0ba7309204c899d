/* plan.c - derive paths, names and the xl config from the settings. */
#define _GNU_SOURCE
#include "plan.h"
#include "../lib/aptsrc.h"
#include "../lib/buf.h"
#include "../lib/value.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t xci_fnv64(const char *s, uint64_t h)
{
    if (!h) h = 0xcbf29ce484222325ULL;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 0x100000001b3ULL; }
    return h;
}

void xci_mac_from_name(const char *name, char out[18])
{
    uint64_t h = xci_fnv64(name, 0);
    /* Xen's OUI; the top bit of the fourth byte clear, as xl's own random MACs */
    snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", (unsigned)(h >> 16) & 0x7f,
             (unsigned)(h >> 8) & 0xff, (unsigned)h & 0xff);
}

struct mirror_ctx { char mirror[1024], security[1024]; };

static int pick_mirror(const struct xh_apt_entry *e, void *vctx)
{
    struct mirror_ctx *m = vctx;
    const char *uri = e->uri, *suite = e->suite;
    if (strcmp(e->type, "deb") || strlen(uri) >= sizeof m->mirror || strpbrk(uri, " '\"\\\n")) return 0;
    const char *dash = strchr(suite, '-'), *slash = strchr(suite, '/');
    size_t base = dash ? (size_t)(dash - suite) : slash ? (size_t)(slash - suite) : strlen(suite);
    char b[64];
    if (base >= sizeof b) return 0;
    memcpy(b, suite, base);
    b[base] = '\0';
    if (!xci_debian_suite(b)) return 0;
    if ((dash && !strcmp(dash, "-security")) || (slash && !strcmp(slash, "/updates"))) {
        if (!m->security[0]) snprintf(m->security, sizeof m->security, "%s", uri);
    } else if (!dash && !m->mirror[0]) {
        snprintf(m->mirror, sizeof m->mirror, "%s", uri);
    }
    return 0;
}

#define PF(buf, ...) ((size_t)(unsigned)xci_pf(buf, sizeof buf, __VA_ARGS__) >= sizeof buf)

int xci_plan(const struct xci *o, struct xci_plan *p, const char *apt_dir, char *err, size_t errlen)
{
    const struct xci_dist *di = xci_dist_info(o->dist);
    int bad = 0;

    memset(p, 0, sizeof *p);
    if (o->lvm) {
        bad |= PF(p->lv_disk, "%s-disk", o->hostname);
        bad |= PF(p->disk, "/dev/%s/%s", o->lvm, p->lv_disk);
        bad |= PF(p->disk_tmp, "%s-disk.xci%ld", o->hostname, (long)getpid());
        if (o->swap) {
            bad |= PF(p->lv_swap, "%s-swap", o->hostname);
            bad |= PF(p->swap, "/dev/%s/%s", o->lvm, p->lv_swap);
            bad |= PF(p->swap_tmp, "%s-swap.xci%ld", o->hostname, (long)getpid());
        }
    } else {
        bad |= PF(p->domdir, "%s/domains/%s", o->dir, o->hostname);
        bad |= PF(p->disk, "%s/disk.img", p->domdir);
        bad |= PF(p->disk_tmp, "%s/.disk.img.xci%ld", p->domdir, (long)getpid());
        if (o->swap) {
            bad |= PF(p->swap, "%s/swap.img", p->domdir);
            bad |= PF(p->swap_tmp, "%s/.swap.img.xci%ld", p->domdir, (long)getpid());
        }
    }
    bad |= PF(p->cfg, "%s/%s%s", o->output, o->hostname, o->extension);
    bad |= PF(p->autolink, "%s/auto/%s%s", o->output, o->hostname, o->extension);
    if (bad) return xci_errf(err, errlen, "--hostname '%s': resulting paths are too long", o->hostname);
    snprintf(p->swap_dev, sizeof p->swap_dev, "%s", o->disk_device);
    p->swap_dev[strlen(p->swap_dev) - 1]++;     /* xvda -> xvdb; validate() refuses a final 'z' */

    if (o->mac) snprintf(p->mac, sizeof p->mac, "%s", o->mac);
    else if (!o->randommac) xci_mac_from_name(o->hostname, p->mac);
    snprintf(p->nic, sizeof p->nic, "%s", di ? di->nic : "enX0");
    p->security_suite = di ? di->security : NULL;
    if (o->nip) {
        const char *slash = strchr(o->ip[0], '/');
        snprintf(p->ip, sizeof p->ip, "%.*s", slash ? (int)(slash - o->ip[0]) : (int)strlen(o->ip[0]), o->ip[0]);
        p->prefix = slash ? xci_netmask_prefix(slash) : xci_netmask_prefix(o->netmask);
    }

    struct mirror_ctx m = { "", "" };
    if (di && di->debian) xh_apt_sources(apt_dir, pick_mirror, &m);
    if (o->mirror) snprintf(p->mirror, sizeof p->mirror, "%s", o->mirror);
    else if (m.mirror[0]) snprintf(p->mirror, sizeof p->mirror, "%s", m.mirror);
    else return xci_errf(err, errlen, "--mirror: none given and no Debian archive found in %s/sources.list{,.d}", apt_dir);
    if (m.security[0] && di && di->debian) snprintf(p->security, sizeof p->security, "%s", m.security);

    /* hvm: the guest's own GRUB for BIOS. grub-pc-bin only ships the images and
     * modules; grub-pc would also run grub-install in its postinst (at a disk
     * debconf asks for, in a chroot without one) and pull in update-grub, which
     * would replace our grub.cfg at every kernel upgrade. */
    if (PF(p->packages, "%s,openssh-server%s%s%s", o->kernel_package, xci_is_hvm(o) ? ",grub-pc-bin" : "",
           o->include ? "," : "", o->include ? o->include : ""))
        return xci_errf(err, errlen, "--include: list too long");
    for (char *c = p->packages; *c; c++) if (*c == ' ') *c = ',';
    char keytext[16384];
    struct xh_buf kb;
    xh_buf_init(&kb, keytext, sizeof keytext);
    xh_buf_add(&kb, "v2|%s|%s|%s|%s|%s|%s|%s|%s|%s", o->dist, o->arch, p->mirror,
               o->variant ? o->variant : "", p->packages, o->exclude ? o->exclude : "", o->components,
               o->keyring ? o->keyring : "", o->install_method);
    if (strcmp(o->install_method, "debootstrap")) xh_buf_add(&kb, "|%s", o->install_source);
    /* a key cut short would let different base systems share a cache entry */
    if (xh_buf_status(&kb)) return xci_errf(err, errlen, "--include/--exclude/--components: too long for the cache key");
    snprintf(p->base_key, sizeof p->base_key, "%.20s-%s-%016llx", o->dist, o->arch,
             (unsigned long long)xci_fnv64(keytext, 0));
    xci_pf(p->base, sizeof p->base, "%s/base/%s", o->cachedir, p->base_key);
    xci_pf(p->stage, sizeof p->stage, "%s/stage/%s.%ld", o->cachedir, o->hostname, (long)getpid());
    p->full_copy = o->role != NULL;  /* build.c adds: hooks present */
    return 0;
}

uint64_t xci_disk_bytes(const struct xci *o)
{
    return o->size + (xci_is_hvm(o) ? XCI_PART_OFFSET : 0);
}

static const char *loader(const struct xci *o)
{
    if (!strcmp(o->type, "pvh")) return "/usr/lib/grub-xen/grub-i386-xen_pvh.bin";
    return !strcmp(o->arch, "i386") ? "/usr/lib/grub-xen/grub-i386-xen.bin" : "/usr/lib/grub-xen/grub-x86_64-xen.bin";
}

char *xci_xl_config(const struct xci *o, const struct xci_plan *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int hvm = xci_is_hvm(o);
    fprintf(f, "# xl config of %s, written by xen-create-image %s (xenhost).\n", o->hostname, XCI_PROG_VERSION);
    if (hvm)
        fprintf(f, "# An HVM guest: SeaBIOS boots the disk's MBR, where the GRUB of the guest's own\n"
                   "# grub-pc-bin reads (hd0,msdos1)/boot/grub/grub.cfg and starts the guest's kernel.\n"
                   "# Its console is the emulated serial port (xl console), disks and NIC are PV.\n");
    else
        fprintf(f, "# The guest boots its own kernel with the %s GRUB of grub-xen-host.\n",
                !strcmp(o->type, "pvh") ? "PVH" : "PV");
    fprintf(f, "#xci dist=%s arch=%s storage=%s%s network=%s\n", o->dist, o->arch,
            o->lvm ? "lvm:" : "dir:", o->lvm ? o->lvm : o->dir,
            o->dhcp ? "dhcp" : p->ip);
    fprintf(f, "name        = \"%s\"\n", o->hostname);
    fprintf(f, "type        = \"%s\"\n", o->type);
    if (hvm) {
        fprintf(f, "boot        = \"c\"\n"
                   "serial      = \"pty\"\n"
                   "# the emulated VGA, for emergencies: reach it with an SSH tunnel to dom0\n"
                   "vnc         = 1\n"
                   "vnclisten   = \"127.0.0.1\"\n"
                   "# an absolute pointer, so a VNC mouse follows the cursor (needs usb = 1; only\n"
                   "# worth it with a desktop in the guest)\n"
                   "#usb        = 1\n"
                   "#usbdevice  = \"tablet\"\n");
    } else {
        fprintf(f, "kernel      = \"%s\"\n", loader(o));
    }
    fprintf(f, "memory      = %llu\n", (unsigned long long)(o->memory >> 20));
    if (o->maxmem) fprintf(f, "maxmem      = %llu\n", (unsigned long long)(o->maxmem >> 20));
    fprintf(f, "vcpus       = %llu\n", (unsigned long long)o->vcpus);
    fprintf(f, "disk        = [ 'format=raw, vdev=%s, access=rw, target=%s'", o->disk_device, p->disk);
    if (p->swap[0]) fprintf(f, ",\n                'format=raw, vdev=%s, access=rw, target=%s'", p->swap_dev, p->swap);
    fprintf(f, " ]\n");
    fprintf(f, "vif         = [ '");
    if (p->mac[0]) fprintf(f, "mac=%s, ", p->mac);
    if (!o->dhcp && p->ip[0]) fprintf(f, "ip=%s, ", p->ip);
    if (o->vifname) fprintf(f, "vifname=%s, ", o->vifname);
    /* hvm: type=vif is netfront only, no emulated NIC beside it (the guest's
     * kernel has the Xen front-end drivers; one NIC, one name: enX0) */
    fprintf(f, "bridge=%s%s' ]\n", o->bridge, hvm ? ", type=vif" : "");
    fprintf(f, "on_poweroff = \"destroy\"\non_reboot   = \"restart\"\non_crash    = \"restart\"\n");
    fclose(f);
    return buf;
}

void xci_print_plan(const struct xci *o, const struct xci_plan *p, void *stream)
{
    FILE *f = stream;
    char sz[32], sw[32], mem[32];
    xh_format_size(o->size, sz, sizeof sz);
    xh_format_size(o->swap, sw, sizeof sw);
    xh_format_size(o->memory, mem, sizeof mem);
    fprintf(f, "plan for %s:\n", o->hostname);
    fprintf(f, "  system:     %s %s from %s (%s)\n", o->dist, o->arch, p->mirror, o->install_method);
    if (!strcmp(o->install_method, "debootstrap"))
        fprintf(f, "  packages:   %s%s%s\n", p->packages, o->exclude ? " exclude=" : "", o->exclude ? o->exclude : "");
    else
        fprintf(f, "  source:     %s\n", o->install_source);
    fprintf(f, "  cache:      %s (%s)\n", !strcasecmp(o->cache, "yes") ? p->base : "off", o->cachedir);
    if (xci_is_hvm(o))
        fprintf(f, "  root:       %s %s %s image=%s (guest %s1: an MBR partition from 1 MiB, GRUB for BIOS before it)\n",
                p->disk, sz, o->fs, o->lvm ? "lvm" : o->image, o->disk_device);
    else
        fprintf(f, "  root:       %s %s %s image=%s (guest %s)\n", p->disk, sz, o->fs, o->lvm ? "lvm" : o->image, o->disk_device);
    if (p->swap[0]) fprintf(f, "  swap:       %s %s (guest %s)\n", p->swap, sw, p->swap_dev);
    else fprintf(f, "  swap:       none\n");
    fprintf(f, "  console:    %s (login getty)\n", o->serial_device);
    fprintf(f, "  network:    %s %s mac=%s bridge=%s\n", p->nic,
            o->dhcp ? "dhcp" : p->ip, p->mac[0] ? p->mac : "random", o->bridge);
    if (!o->dhcp) {
        fprintf(f, "  address:    %s/%d", p->ip, p->prefix);
        if (o->gateway) fprintf(f, " gateway %s", o->gateway);
        if (o->nameserver) fprintf(f, " nameservers %s", o->nameserver);
        fprintf(f, "\n");
    }
    fprintf(f, "  apt:        %s %s%s%s\n", p->mirror, o->dist,
            p->security[0] ? " + security " : "", p->security);
    fprintf(f, "  memory:     %s, %llu vcpus, type %s\n", mem, (unsigned long long)o->vcpus, o->type);
    fprintf(f, "  password:   %s\n", o->password ? o->hash_method : o->genpass ? "generated" : "none (root login locked)");
    fprintf(f, "  roles:      %s; hooks %s\n", o->role ? o->role : "none", o->hooks ? o->hooksdir : "off");
    fprintf(f, "  config:     %s%s%s\n", p->cfg, o->autostart ? " + " : "", o->autostart ? p->autolink : "");
    fprintf(f, "  overwrite:  %s\n", o->force ? "yes (--force)" : "no");
    char *xl = xci_xl_config(o, p);
    if (xl) fprintf(f, "--- %s\n%s", p->cfg, xl);
    free(xl);
}
