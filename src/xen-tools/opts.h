/* opts.h - xen-create-image's settings: the option table shared by the
 * command line and xen-tools.conf, parsing and validation. No side effects:
 * the fuzz target drives these functions directly. */
#ifndef XCI_OPTS_H
#define XCI_OPTS_H
#include <stddef.h>
#include <stdint.h>
#include "../lib/log.h"

struct xci {
    char *hostname, *dist, *mirror, *arch, *fs, *image, *dir, *lvm;
    char *install_method, *install_source, *cache, *cachedir;
    uint64_t size, swap, memory, maxmem, vcpus;
    int noswap, dhcp, randommac, force, verbose, boot, autostart, pygrub, ide, scsi, dry_run;
    char **ip; size_t nip;
    char *gateway, *netmask, *broadcast, *nameserver, *mac, *bridge, *vifname;
    char *password, *hash_method, *role, *role_args, *roledir, *hooksdir;
    uint64_t genpass, genpass_len, hooks;
    char *output, *extension, *config, *kernel, *initrd, *serial_device, *disk_device;
    char *type, *variant, *include, *exclude, *components, *kernel_package, *keyring;
    char *ext4_options, *ext3_options, *ext2_options, *debootstrap_cmd;
    int show_help, show_version;
};

#define XCI_PROG_VERSION "1.0"

/* Set built-in defaults. */
void xci_defaults(struct xci *o);
void xci_free(struct xci *o);

/* Parse the command line into o. Returns 0, or 2 with a message in err
 * (unknown option, missing or invalid value, unsupported option). */
int xci_parse_args(struct xci *o, int argc, char **argv, char *err, size_t errlen);

/* Apply one xen-tools.conf text (name for messages). Unknown keys and values
 * that need a shell are reported through warn() and ignored; an invalid
 * value returns 2 with err set. */
typedef void (*xci_warn_fn)(const char *msg);
int xci_parse_config(struct xci *o, const char *buf, size_t len, const char *name,
                     xci_warn_fn warn, char *err, size_t errlen);

/* After config and command line: check every value, fill what derives from
 * others. Returns 0 or 2 with err set. Never touches the system. */
int xci_validate(struct xci *o, char *err, size_t errlen);

/* Usage text generated from the option table, and the exit statuses. */
void xci_usage(void *stream); /* FILE * */
extern const struct xh_exit xci_exits[];

/* vsnprintf into err; returns 2 (the usage/configuration exit code). */
int xci_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* snprintf without gcc's truncation guesswork (callers bound their inputs). */
int xci_pf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --type=hvm: a partitioned disk booted by SeaBIOS and the guest's own GRUB */
int xci_is_hvm(const struct xci *o);

/* Validators (also used by the companions). */
int xci_valid_hostname(const char *h);
int xci_valid_mac(const char *m);
int xci_valid_ipv4(const char *s, int *prefix); /* "a.b.c.d" or "a.b.c.d/n" (prefix -1 if absent) */
int xci_netmask_prefix(const char *s);          /* dotted mask or "/n" or "n" -> 0..32, -1 bad */

/* dists.c - facts about a dist (src/lib/dists.h): is it Debian, the NIC name its
 * kernel+udev give a Xen vif, the security suite. NULL for a name that is not a
 * --dist (unknown, or an archive alias such as "stable"). */
struct xci_dist { const char *name; int debian; const char *nic; const char *security; };
const struct xci_dist *xci_dist_info(const char *dist);
/* 1 if suite names the Debian archive (a code name or an alias like "stable"). */
int xci_debian_suite(const char *suite);
/* The Debian --dist names, blank-separated, for messages. */
void xci_known_dists(char *buf, size_t len);
#endif
