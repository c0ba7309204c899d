/* guestfiles.c - the text of the files each guest gets of its own: hostname,
 * hosts, fstab, network interfaces, resolv.conf, apt sources, GRUB config.
 * Pure functions of the settings and the plan, appending to a bounded buffer
 * (a text that does not fit fails, whole); configure.c writes them into the
 * guest's tree, the fuzz target calls them. */
#define _GNU_SOURCE
#include "build.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xci_text_hostname(const struct xci *o, struct xh_buf *b)
{
    xh_buf_add(b, "%s\n", o->hostname);
    return xh_buf_status(b);
}

int xci_text_hosts(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    const char *dot = strchr(o->hostname, '.');
    xh_buf_add(b, "127.0.0.1\tlocalhost\n%s\t%s%s%.*s\n\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                  "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
               o->dhcp ? "127.0.1.1" : p->ip, o->hostname, dot ? " " : "",
               dot ? (int)(dot - o->hostname) : 0, o->hostname);
    return xh_buf_status(b);
}

int xci_text_fstab(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    const char *mopts = !strcmp(o->fs, "ext4") ? o->ext4_options : !strcmp(o->fs, "ext3") ? o->ext3_options : o->ext2_options;
    /* hvm: the root partition is xvda1 with the PV drivers, sda1 without them, the
     * swap xvdb or sdb: both by UUID */
    if (xci_is_hvm(o))
        xh_buf_add(b, "# /etc/fstab: written by xen-create-image\nUUID=%s\t/\t%s\t%s\t0\t1\n", p->root_uuid, o->fs, mopts);
    else
        xh_buf_add(b, "# /etc/fstab: written by xen-create-image\n/dev/%s\t/\t%s\t%s\t0\t1\n", o->disk_device, o->fs, mopts);
    if (p->swap[0] && xci_is_hvm(o)) xh_buf_add(b, "UUID=%s\tnone\tswap\tsw\t0\t0\n", p->swap_uuid);
    else if (p->swap[0]) xh_buf_add(b, "/dev/%s\tnone\tswap\tsw\t0\t0\n", p->swap_dev);
    return xh_buf_status(b);
}

/* ifupdown, for the name this dist's kernel and udev give a Xen vif */
int xci_text_interfaces(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    xh_buf_add(b, "# written by xen-create-image\nsource /etc/network/interfaces.d/*\n\n"
                  "auto lo\niface lo inet loopback\n\nallow-hotplug %s\n", p->nic);
    if (o->dhcp) {
        xh_buf_add(b, "iface %s inet dhcp\n", p->nic);
        return xh_buf_status(b);
    }
    xh_buf_add(b, "iface %s inet static\n    address %s/%d\n", p->nic, p->ip, p->prefix);
    if (o->gateway) xh_buf_add(b, "    gateway %s\n", o->gateway);
    if (o->broadcast) xh_buf_add(b, "    broadcast %s\n", o->broadcast);
    for (size_t i = 1; i < o->nip; i++)
        xh_buf_add(b, "    up ip addr add %s%s dev %s\n", o->ip[i], strchr(o->ip[i], '/') ? "" : "/32", p->nic);
    return xh_buf_status(b);
}

int xci_text_resolv(const struct xci *o, struct xh_buf *b)
{
    char *copy = strdup(o->nameserver), *save = NULL;
    if (!copy) return -1;
    xh_buf_add(b, "# written by xen-create-image\n");
    for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
        xh_buf_add(b, "nameserver %s\n", t);
    free(copy);
    return xh_buf_status(b);
}

/* the dist, and for stable releases its -updates and security */
int xci_text_sources(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    char *comps = strdup(o->components);
    if (!comps) return -1;
    for (char *c = comps; *c; c++) if (*c == ',') *c = ' ';
    const struct xci_dist *di = xci_dist_info(o->dist);
    xh_buf_add(b, "deb %s %s %s\n", p->mirror, o->dist, comps);
    if (di && di->security) {
        xh_buf_add(b, "deb %s %s-updates %s\n", p->mirror, o->dist, comps);
        if (p->security[0]) xh_buf_add(b, "deb %s %s %s\n", p->security, di->security, comps);
    }
    free(comps);
    return xh_buf_status(b);
}

/* hvm: read by the GRUB in the disk's MBR (bootdisk.c). GRUB and the kernel on the
 * emulated serial port (xl console) and the VGA; the root by UUID (xvda1 or sda1). */
static int text_grub_hvm(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    const char *s = o->serial_device;
    int ttys = !strncmp(s, "ttyS", 4);
    /* GRUB's serial unit N is COM(N+1), the kernel's ttySN */
    const char *unit = ttys ? s + 4 : "0";
    xh_buf_add(b, "# GRUB config read by the guest's own GRUB for BIOS (in the disk's MBR), written by\n"
                  "# xen-create-image. /vmlinuz and /initrd.img are kept current by the kernel packages.\n"
                  "serial --unit=%s --speed=115200\nterminal_input serial console\nterminal_output serial console\n"
                  "set default=0\nset timeout=2\n", unit);
    const char *entries[][3] = { { "", "vmlinuz", "initrd.img" }, { " (previous kernel)", "vmlinuz.old", "initrd.img.old" } };
    for (size_t i = 0; i < 2; i++)
        /* the echo lines, as Debian's own grub.cfg has them: on a serial console they show
         * that GRUB has begun reading the kernel, then the initrd (slow through the BIOS) */
        xh_buf_add(b, "menuentry 'Debian GNU/Linux%s' {\n\techo 'Loading Linux ...'\n"
                      "\tlinux /%s root=UUID=%s ro console=tty0 console=%s%s\n"
                      "\techo 'Loading initial ramdisk ...'\n\tinitrd /%s\n}\n",
                   entries[i][0], entries[i][1], p->root_uuid, s, ttys ? ",115200n8" : "", entries[i][2]);
    return xh_buf_status(b);
}

/* GRUB inside the guest: the links /vmlinuz and /initrd.img follow kernel upgrades */
int xci_text_grub(const struct xci *o, const struct xci_plan *p, struct xh_buf *b)
{
    if (xci_is_hvm(o)) return text_grub_hvm(o, p, b);
    xh_buf_add(b, "# GRUB config read by grub-xen-host's PVH/PV GRUB, written by xen-create-image.\n"
                  "# /vmlinuz and /initrd.img are kept current by the kernel packages.\n"
                  "set default=0\nset timeout=2\n"
                  "menuentry 'Debian GNU/Linux' {\n\tlinux /vmlinuz root=/dev/%s ro console=%s\n\tinitrd /initrd.img\n}\n"
                  "menuentry 'Debian GNU/Linux (previous kernel)' {\n\tlinux /vmlinuz.old root=/dev/%s ro console=%s\n\tinitrd /initrd.img.old\n}\n",
               o->disk_device, o->serial_device, o->disk_device, o->serial_device);
    return xh_buf_status(b);
}

int xci_text_machine_id(const unsigned char id[16], struct xh_buf *b)
{
    for (int i = 0; i < 16; i++) xh_buf_add(b, "%02x", id[i]);
    xh_buf_add(b, "\n");
    return xh_buf_status(b);
}
