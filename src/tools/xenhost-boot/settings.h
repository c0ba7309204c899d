/* settings.h - /etc/default/xen, the one place where the host's boot settings
 * live, turned into the Xen and dom0 command lines the grub.d hook writes.
 * Bad values are reported (file, line, key, value, reason) and left out; the
 * result is always a usable command line. */
#ifndef XB_SETTINGS_H
#define XB_SETTINGS_H
#include <stdint.h>

#define XB_DEFAULT_CONF "/etc/default/xen"

enum xb_default { XB_DEFAULT_YES, XB_DEFAULT_NO, XB_DEFAULT_FORCE };

struct xb_settings {
    /* dom0 memory in MiB; mem_auto says it came from the formula */
    uint64_t dom0_mem_mib;
    int mem_auto;
    uint64_t host_mib;          /* host RAM the formula saw, in MiB */
    char vcpus[32];             /* "" = Xen's default, else "N" or "N-M" */
    int vcpus_pin;
    int ballooning;
    int serial_port;            /* 0 none, 1..4 = comN */
    unsigned serial_speed;
    int panic_reboot;           /* seconds; 0 = stay halted for debugging */
    enum xb_default default_entry;
    int trial;
    char extra[1024];           /* XEN_CMDLINE_EXTRA, checked word by word */
    int errors;                 /* number of values reported and left out */
};

struct xb_sources {
    const char *conf;           /* NULL = XB_DEFAULT_CONF */
    const char *meminfo;        /* NULL = /proc/meminfo (or xl info under Xen) */
    const char *proc;           /* NULL = /proc */
};

/* Load settings; never fails: problems are logged, counted in s->errors, and
 * the affected setting keeps its default. */
void xb_settings_load(const struct xb_sources *src, struct xb_settings *s);

/* dom0 memory the documented formula gives for a host with host_mib MiB:
 * R = host RAM rounded up to whole GiB; min(1024 + 64*R, 8192, 512*R) MiB. */
uint64_t xb_auto_dom0_mib(uint64_t host_mib);

/* Check one word of a Xen option variable (name for messages). Returns 0 and
 * copies it to out, or -1 with *why set. Allowed: letters, digits, _.,:=+/@%-
 * (nothing GRUB's script parser would interpret). */
int xb_xen_word(const char *word, char *out, unsigned outlen, const char **why);
/* 1 when we run as Xen's dom0 (control_d in PROC/xen/capabilities) */
int xb_is_dom0(const char *proc);
#endif
