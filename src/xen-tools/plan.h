/* plan.h - everything a build derives from the settings: paths, temporary
 * names, the MAC, the mirror, the cache key, the xl config text. */
#ifndef XCI_PLAN_H
#define XCI_PLAN_H
#include "opts.h"
#include <limits.h>

struct xci_plan {
    char domdir[PATH_MAX];              /* DIR/domains/HOST (file images) */
    char disk[PATH_MAX], swap[PATH_MAX]; /* final volume paths ("" = no swap) */
    char disk_tmp[PATH_MAX], swap_tmp[PATH_MAX]; /* files: path; LVM: LV name */
    char lv_disk[256], lv_swap[256];    /* LVM: final LV names */
    char cfg[PATH_MAX], autolink[PATH_MAX];
    char mac[18], nic[16], swap_dev[8];
    char mirror[1024], security[1024];  /* security "" when unknown */
    const char *security_suite;
    char ip[64]; int prefix;            /* first static address and prefix */
    char packages[2048];                /* debootstrap --include list */
    char base_key[64];                  /* DIST-ARCH-HASH */
    char stage[PATH_MAX], base[PATH_MAX];
    int full_copy;                      /* hooks/roles write into the tree */
    int overlay;                        /* stage holds only per-guest files, applied to the image of base */
    char root_uuid[37];                 /* --type=hvm: the root filesystem's UUID (build.c makes it) */
    char swap_uuid[37];                 /* --type=hvm: the swap volume's UUID (build.c makes it) */
};

/* --type=hvm's disk (bootdisk.c): an MBR, GRUB's core.img behind it, the root
 * filesystem in the one partition from sector 2048 (1 MiB) to the end. */
#define XCI_PART_START_SECTOR 2048ULL
#define XCI_PART_OFFSET (XCI_PART_START_SECTOR * 512)
/* The bytes of the root volume: --size, and for hvm the 1 MiB before the partition. */
uint64_t xci_disk_bytes(const struct xci *o);

/* Fill p from validated settings. apt_dir is the host's /etc/apt (for the
 * default mirror). Returns 0 or 2 with err set. */
int xci_plan(const struct xci *o, struct xci_plan *p, const char *apt_dir, char *err, size_t errlen);
/* The xl config; malloc'd. */
char *xci_xl_config(const struct xci *o, const struct xci_plan *p);
/* Human-readable plan for --dry-run. */
void xci_print_plan(const struct xci *o, const struct xci_plan *p, void *stream);
/* 00:16:3e:xx:xx:xx from a name (stable across runs and machines). */
void xci_mac_from_name(const char *name, char out[18]);
uint64_t xci_fnv64(const char *s, uint64_t h);
#endif
