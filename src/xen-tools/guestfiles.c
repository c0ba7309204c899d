/* guestfiles.c - the text of the files each guest gets of its own: hostname,
 * hosts, fstab, network interfaces, resolv.conf, apt sources, GRUB config.
 * Pure functions of the settings and the plan (the fuzz target calls them);
 * configure.c writes them into the guest's tree. */
#define _GNU_SOURCE
#include "build.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xci_text_hostname(const struct xci *o, char *buf, size_t len)
{
    pf(buf, len, "%s\n", o->hostname);
    return 0;
}

int xci_text_hosts(const struct xci *o, const struct xci_plan *p, char *buf, size_t len)
{
    const char *dot = strchr(o->hostname, '.');
    pf(buf, len,
       "127.0.0.1\tlocalhost\n%s\t%s%s%.*s\n\n::1\tlocalhost ip6-localhost ip6-loopback\n"
       "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
       o->dhcp ? "127.0.1.1" : p->ip, o->hostname, dot ? " " : "",
       dot ? (int)(dot - o->hostname) : 0, o->hostname);
    return 0;
}

int xci_text_fstab(const struct xci *o, const struct xci_plan *p, char *buf, size_t len)
{
    const char *mopts = !strcmp(o->fs, "ext4") ? o->ext4_options : !strcmp(o->fs, "ext3") ? o->ext3_options : o->ext2_options;
    int n = pf(buf, len, "# /etc/fstab: written by xen-create-image\n"
                         "/dev/%s\t/\t%s\t%s\t0\t1\n", o->disk_device, o->fs, mopts);
    if (p->swap[0]) pf(buf + n, len - (size_t)n, "/dev/%s\tnone\tswap\tsw\t0\t0\n", p->swap_dev);
    return 0;
}

/* ifupdown, for the name this dist's kernel and udev give a Xen vif */
int xci_text_interfaces(const struct xci *o, const struct xci_plan *p, char *buf, size_t len)
{
    int n = pf(buf, len, "# written by xen-create-image\nsource /etc/network/interfaces.d/*\n\n"
                         "auto lo\niface lo inet loopback\n\nallow-hotplug %s\n", p->nic);
    if (o->dhcp) {
        pf(buf + n, len - (size_t)n, "iface %s inet dhcp\n", p->nic);
        return 0;
    }
    n += pf(buf + n, len - (size_t)n, "iface %s inet static\n    address %s/%d\n", p->nic, p->ip, p->prefix);
    if (o->gateway) n += pf(buf + n, len - (size_t)n, "    gateway %s\n", o->gateway);
    if (o->broadcast) n += pf(buf + n, len - (size_t)n, "    broadcast %s\n", o->broadcast);
    for (size_t i = 1; i < o->nip; i++)
        n += pf(buf + n, len - (size_t)n, "    up ip addr add %s%s dev %s\n", o->ip[i],
                strchr(o->ip[i], '/') ? "" : "/32", p->nic);
    return 0;
}

int xci_text_resolv(const struct xci *o, char *buf, size_t len)
{
    char *copy = strdup(o->nameserver), *save = NULL;
    if (!copy) return -1;
    int n = pf(buf, len, "# written by xen-create-image\n");
    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
        n += pf(buf + n, len - (size_t)n, "nameserver %s\n", t);
    free(copy);
    return 0;
}

/* the dist, and for stable releases its -updates and security */
int xci_text_sources(const struct xci *o, const struct xci_plan *p, char *buf, size_t len)
{
    char comps[300];
    pf(comps, sizeof comps, "%s", o->components);
    for (char *c = comps; *c; c++) if (*c == ',') *c = ' ';
    const struct xci_dist *di = xci_dist_info(o->dist);
    int n = pf(buf, len, "deb %s %s %s\n", p->mirror, o->dist, comps);
    if (di && di->security) {
        n += pf(buf + n, len - (size_t)n, "deb %s %s-updates %s\n", p->mirror, o->dist, comps);
        if (p->security[0])
            n += pf(buf + n, len - (size_t)n, "deb %s %s %s\n", p->security, di->security, comps);
    }
    return 0;
}

/* GRUB inside the guest: the links /vmlinuz and /initrd.img follow kernel upgrades */
int xci_text_grub(const struct xci *o, char *buf, size_t len)
{
    pf(buf, len,
       "# GRUB config read by grub-xen-host's PVH/PV GRUB, written by xen-create-image.\n"
       "# /vmlinuz and /initrd.img are kept current by the kernel packages.\n"
       "set default=0\nset timeout=2\n"
       "menuentry 'Debian GNU/Linux' {\n\tlinux /vmlinuz root=/dev/%s ro console=%s\n\tinitrd /initrd.img\n}\n"
       "menuentry 'Debian GNU/Linux (previous kernel)' {\n\tlinux /vmlinuz.old root=/dev/%s ro console=%s\n\tinitrd /initrd.img.old\n}\n",
       o->disk_device, o->serial_device, o->disk_device, o->serial_device);
    return 0;
}
