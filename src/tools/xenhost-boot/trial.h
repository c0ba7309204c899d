/* trial.h - the safe first boot: GRUB boots a new Xen configuration once as a
 * trial (the hook's grub.cfg code records "xenhost_tried" in grubenv when the
 * Xen entry starts); "confirm" records "xenhost_good" once dom0 and the Xen
 * daemons run; "check" reports a trial that never confirmed. */
#ifndef XB_TRIAL_H
#define XB_TRIAL_H

struct xb_paths {
    const char *grubenv;   /* /boot/grub/grubenv */
    const char *proc;      /* /proc */
    const char *state;     /* /var/lib/xenhost/boot */
    const char *motd;      /* /run/motd.d/xenhost-boot */
    const char *xl_conf;   /* /etc/xen/xl.conf */
};

int xb_confirm(const struct xb_paths *p);
int xb_check(const struct xb_paths *p);
int xb_status(const struct xb_paths *p);
int xb_retry(const struct xb_paths *p);
#endif
