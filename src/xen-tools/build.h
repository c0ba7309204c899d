/* build.h - xen-create-image's build: a guest made without mounting anything.
 * A base tree (debootstrap, cached whole per dist/arch/mirror/package set), a
 * per-guest staging tree, per-guest files written as new inodes, then mke2fs -d
 * into a temporary volume renamed into place at the end. Every object the run
 * creates is recorded and removed on failure or signal.
 *
 * One concern per file, each step taking the run's state, a struct xci_build:
 *   build.c      xci_build(): the checks before anything is touched, the phases
 *   undo.c       what this run created, removed again on failure
 *   signals.c    SIGINT/TERM/HUP/QUIT: remember, stop the running child's group
 *   sweep.c      temporaries of runs killed by SIGKILL, removed at the start
 *   progress.c   one line per phase, a ticking line on a terminal
 *   run.c        running commands (argv only, output shown on failure)
 *   tree.c       files and trees of ours: put(), removal with debootstrap's mounts
 *   base.c       the base system: debootstrap, its cache, copy or tar
 *   guestfiles.c the text of the per-guest files (pure: fuzzed)
 *   configure.c  writing the per-guest files, links and SSH host keys
 *   password.c   the root password: generated, hashed into /etc/shadow
 *   hooks.c      hook and role scripts
 *   volume.c     volumes: file images and LVM logical volumes
 *   image.c      filesystems on the volumes: mke2fs -d, mkswap
 *   overlay.c    the per-guest files added to an image with debugfs
 *   bootdisk.c   --type=hvm: the MBR and GRUB for BIOS from the guest's own packages
 *   publish.c    volumes renamed into place, the xl config, the autostart link */
#ifndef XCI_BUILD_H
#define XCI_BUILD_H
#include "plan.h"
#include "../lib/buf.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#define pf xci_pf  /* snprintf without gcc's truncation guesswork: paths are bounded by validate() */

enum xci_undo_kind { U_FILE, U_TREE, U_DIR, U_LV };
struct xci_undo { enum xci_undo_kind kind; char *path; };

struct xci_progress {
    int64_t t_start, t_phase;
    const char *phase;          /* the phase running, or NULL */
    pthread_t ticker;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int tick_on, tick_thread;
};

/* The state of one run. */
struct xci_build {
    const struct xci *o;
    struct xci_plan *p;
    struct xci_undo *undo;      /* undo.c: what this run created, oldest first */
    size_t nundo, undo_cap;
    int undo_lost;              /* an entry could not be recorded: the build must stop */
    struct xci_progress prog;   /* progress.c */
};

/* Check what exists, then build. Returns an exit status of xci_exits (opts.c,
 * xen-create-image(8)): 0 built; 1 failed, interrupted, or a target exists
 * (without --force): what this run created is removed; 2 refused before
 * anything was touched (not root, no --install-source, a missing role, no
 * terminal for --genpass). */
int xci_build(const struct xci *o, struct xci_plan *p);

/* undo.c */
/* Record path; -1 (logged, undo_lost set: the next phase fails) when out of memory. */
int xci_undo_push(struct xci_build *b, enum xci_undo_kind k, const char *path);
void xci_undo_drop(struct xci_build *b, const char *path);
void xci_undo_rename(struct xci_build *b, const char *from, const char *to);
void xci_undo_forget(struct xci_build *b);          /* built: nothing to undo any more */
void xci_undo_all(struct xci_build *b);             /* remove everything recorded, newest first */
void xci_undo_free(struct xci_build *b);
/* mkdir -p, logging a failure; with record, each directory made is undone */
int xci_mkdirs(struct xci_build *b, const char *path, mode_t mode, int record);

/* signals.c */
void xci_signals_install(void);
int xci_signalled(void);                            /* the signal received, or 0 */

/* sweep.c */
void xci_sweep(const struct xci *o);

/* progress.c */
void xci_progress_start(struct xci_build *b);
/* Start a phase (ending the last); -1 when a signal came. */
int xci_phase(struct xci_build *b, const char *name);
void xci_phase_end(struct xci_build *b, const char *note);
double xci_elapsed(const struct xci_build *b);      /* seconds since the start */

/* run.c: 0, or -1 after logging (the last lines of output shown) */
int xci_run(const struct xci_build *b, const char *what, char *const argv[]);
int xci_run_env(const struct xci_build *b, const char *what, char *const argv[], char *const *envp);
/* quietly, for cleanup: the exit status, a failure logged as a warning */
int xci_run_quiet(char *const argv[]);

/* tree.c */
int xci_exists(const char *path);
void xci_unlink_glob(const char *root, const char *pattern);
/* Write root/rel whole as a new inode (the tree may share inodes with the cache). */
int xci_put(const char *root, const char *rel, const char *text, mode_t mode);
/* Remove a tree of ours, and whatever debootstrap mounted in it; 0 when gone. */
int xci_remove_tree(const char *path);
char *xci_slurp(const char *path);

/* base.c: produce the staging tree p->stage (or the overlay's base) */
int xci_base_system(struct xci_build *b, const char **note);

/* guestfiles.c: the text of each per-guest file, appended to b; 0, or -1 when it does not fit */
int xci_text_hostname(const struct xci *o, struct xh_buf *b);
int xci_text_hosts(const struct xci *o, const struct xci_plan *p, struct xh_buf *b);
int xci_text_fstab(const struct xci *o, const struct xci_plan *p, struct xh_buf *b);
int xci_text_interfaces(const struct xci *o, const struct xci_plan *p, struct xh_buf *b);
int xci_text_resolv(const struct xci *o, struct xh_buf *b);
int xci_text_sources(const struct xci *o, const struct xci_plan *p, struct xh_buf *b);
int xci_text_grub(const struct xci *o, const struct xci_plan *p, struct xh_buf *b);
int xci_text_machine_id(const unsigned char id[16], struct xh_buf *b);

/* configure.c: the per-guest files, read from tree S, written into tree D */
int xci_configure(struct xci_build *b, const char *S, const char *D, const char *password);

/* password.c */
int xci_random_bytes(void *buf, size_t n);         /* getrandom(2), all or -1 */
int xci_genpass(char *out, size_t len);            /* len characters and a NUL into out */
/* Hash password into dst/etc/shadow (read from src/etc/shadow, owner kept). */
int xci_set_root_password(const char *src, const char *dst, const char *password, const char *method);

/* hooks.c */
int xci_hooks_present(const struct xci *o);         /* an executable hook exists */
int xci_roles_check(const struct xci *o);           /* 0, or 2 after logging a missing role */
int xci_run_scripts(struct xci_build *b);

/* volume.c */
int xci_make_volume(struct xci_build *b, const char *tmp, uint64_t bytes, char *dev, size_t devlen);
int xci_lv_exists(const char *vg, const char *lv);
int xci_publish_volume(struct xci_build *b, const char *tmp, const char *lv, const char *final);

/* image.c */
int xci_make_images(struct xci_build *b);

/* overlay.c */
int xci_apply_overlay(struct xci_build *b, const char *dev);

/* bootdisk.c: --type=hvm's MBR, GRUB for BIOS from the guest's grub-pc-bin */
/* Sectors of the partition in a volume of disk_bytes: from 2048 to the end. */
uint64_t xci_part_sectors(uint64_t disk_bytes);
/* Sector 0: code (440 bytes, NULL: zeros), disk signature, one active Linux
 * partition from sector 2048 to the end, 0x55AA. 0, or -1 with why (too small,
 * not describable: 2 TiB). Pure. */
int xci_mbr(unsigned char sector[512], const unsigned char *code, uint32_t disk_id, uint64_t disk_bytes,
            char *why, size_t whylen);
/* The 440 bytes of boot code from GRUB's boot.img as grub-bios-setup writes them
 * (core.img at sector 1). 0, or -1 with why when boot is not GRUB 2's boot.img. Pure. */
int xci_grub_boot_code(unsigned char code[440], const unsigned char *boot, size_t len, char *why, size_t whylen);
/* Check that core.img (from grub-mkimage) fits before the partition and fill its
 * blocklist for sector 1 onwards. 0, or -1 with why. Pure. */
int xci_core_place(unsigned char *core, size_t len, char *why, size_t whylen);
/* Copy the tree S's GRUB modules into R/boot/grub/i386-pc (R: the per-guest files). */
int xci_grub_modules(struct xci_build *b, const char *S, const char *R);
/* core.img made by tree's own grub-mkimage (through the file tmp, removed again),
 * placed: malloc'd into *core, *len. 0, or -1 after logging. */
int xci_core_image(struct xci_build *b, const char *tree, const char *tmp, char **core, size_t *len);
/* Sector 0 (boot.img of tree, the partition table) and core.img into dev. */
int xci_write_bootdisk(const char *dev, const char *tree, const char *core, size_t len);

/* publish.c */
int xci_publish(struct xci_build *b);
#endif
