/* xendomains.h - shared types of the xendomains engine.
 * One concern per file: conf.c (configuration), xl.c (the toolstack backend),
 * guestcfg.c (guest config files), state.c (status records, systemd notify),
 * slots.c (the parallelism bound), budget.c (the time a start or stop may take, the unit's
 * timeouts), start.c, stop.c, report.c (status, list), main.c (command table). */
#ifndef XENDOMAINS_H
#define XENDOMAINS_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define XD_NAME_MAX 128
#define XD_XL_DEFAULT "/usr/sbin/xl"  /* the packaged toolstack */

enum xd_timeout_action { XD_TMO_DESTROY, XD_TMO_LEAVE };

struct xd_conf {
    char file[PATH_MAX];        /* the file read, or "" for built-in defaults */
    char auto_dir[PATH_MAX];    /* XENDOMAINS_AUTO */
    char save_dir[PATH_MAX];    /* XENDOMAINS_SAVE; "" = never save */
    int restore;                /* XENDOMAINS_RESTORE */
    char migrate[1024];         /* XENDOMAINS_MIGRATE: xl migrate arguments */
    uint64_t stop_maxwait;      /* XENDOMAINS_STOP_MAXWAIT, seconds per guest */
    char sysrq[8];              /* XENDOMAINS_SYSRQ */
    int auto_only;              /* XENDOMAINS_AUTO_ONLY */
    uint64_t parallel;          /* XENDOMAINS_PARALLEL: saves/restores/creates/migrations at once */
    uint64_t start_delay;       /* XENDOMAINS_START_DELAY, seconds between launches */
    uint64_t start_maxwait;     /* XENDOMAINS_START_MAXWAIT, seconds per create/restore */
    uint64_t disk_wait;         /* XENDOMAINS_DISK_WAIT, seconds per guest */
    int timeout_action;         /* XENDOMAINS_STOP_TIMEOUT_ACTION */
    uint64_t save_margin;       /* XENDOMAINS_SAVE_MARGIN, bytes beyond the memory image */
    char state_dir[PATH_MAX];   /* XENDOMAINS_STATE_DIR */
    char xl[PATH_MAX];          /* XENDOMAINS_XL */
    uint64_t poll_ms;           /* how often waits look again (test builds: XENHOST_XD_POLL_MS) */
};

/* conf.c */
void xd_conf_defaults(struct xd_conf *c);
/* Read path (NULL: /etc/default/xendomains, else /etc/sysconfig/xendomains, else
 * defaults). Returns 0, or -1 after logging file, line and reason. */
int xd_conf_load(struct xd_conf *c, const char *path);

/* xl.c - the toolstack backend. Every call is thread-safe. */
struct xd_dom { char name[XD_NAME_MAX]; unsigned id; uint64_t mem_mib; int dying; };
struct xd_xl_res { int status; int timed_out; char why[512]; };
/* Run "xl ARGS..." (NULL-terminated) with a time limit; returns 0 on success,
 * else fills r->why with the reason (xl's last stderr line, the signal, or the timeout). */
int xd_xl(const struct xd_conf *c, int64_t timeout_ms, struct xd_xl_res *r, ...) __attribute__((sentinel));
/* Same with an argv vector (after "xl"). */
int xd_xlv(const struct xd_conf *c, int64_t timeout_ms, struct xd_xl_res *r, char *const args[]);
/* Running domains except Domain-0 (retries a crashing xl); returns count or -1 (why set). */
int xd_xl_list(const struct xd_conf *c, struct xd_dom **doms, char *why, size_t whylen);
/* Parse "xl list" output; exposed for the tests. Returns count or -1. */
int xd_parse_list(const char *text, struct xd_dom **doms, char *why, size_t whylen);
/* 1 if a domain of that name runs, 0 if not, -1 if the toolstack could not tell. */
int xd_xl_exists(const struct xd_conf *c, const char *name);
/* Where domain state comes from: "libxl" when the engine was built with the
 * library and drives the toolstack it belongs to (XD_XL_DEFAULT), else "xl list"
 * of the configured xl (another toolstack or a test double). */
const char *xd_state_source(const struct xd_conf *c);

/* libxl.c - running domains except Domain-0, read through libxenlight; returns
 * count or -1 (why set). Always -1 when built without the library. */
int xd_libxl_list(struct xd_dom **doms, char *why, size_t whylen);

/* guestcfg.c - what we need from an xl guest config file. */
struct xd_guestcfg {
    char name[XD_NAME_MAX];
    uint64_t memory_mib;
    char **disks;               /* local paths the guest needs (phy devices, files) */
    size_t ndisks;
};
int xd_guestcfg_read(const char *path, struct xd_guestcfg *g, char *why, size_t whylen);
int xd_guestcfg_parse(const char *text, size_t len, struct xd_guestcfg *g, char *why, size_t whylen);
void xd_guestcfg_free(struct xd_guestcfg *g);
/* The local path a disk spec refers to, or NULL when it is not a local path. */
char *xd_disk_path(const char *spec);
/* A name safe to use as a file name in our directories. */
int xd_name_ok(const char *name);

/* state.c - per-guest records of the last start and stop, and systemd notify. */
void xd_record(const struct xd_conf *c, const char *name, const char *phase, int ok, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int xd_record_read(const struct xd_conf *c, const char *name, const char *phase, char *buf, size_t len);
/* Tell systemd (if it listens) that we are still working, for up to until_ms (monotonic). */
void xd_keepalive_start(int64_t until_ms);
void xd_keepalive_stop(void);
/* Move a saved image to <save>/quarantine/NAME.<UTC time>, keeping it for the
 * admin; dest gets the new path. Returns 0, or -1 after logging. */
int xd_quarantine(const struct xd_conf *c, const char *image, const char *name, char *dest, size_t len);
/* Sleep until the monotonic time t (ms). */
void xd_sleep_until(int64_t t);

/* A guest the engine knows of: from the auto directory, a saved image, or running. */
struct xd_guest {
    char name[XD_NAME_MAX];
    char config[PATH_MAX];      /* "" if not in the auto directory */
    char image[PATH_MAX];       /* "" if no saved image */
    struct xd_guestcfg cfg;     /* parsed config (when config != "") */
    int running;
    uint64_t mem_mib;
    int ok;                     /* outcome */
};
/* budget.c - seconds a start or stop of n guests may take (n = 1: the unit's
 * timeouts, "xendomains timeouts"); every timeout and keep-alive bound comes from it. */
enum xd_op { XD_START, XD_STOP };
uint64_t xd_budget_s(const struct xd_conf *c, enum xd_op op, size_t n);

/* report.c - the guests of the auto directory and the saved images; returns
 * the number of config files that could not be used (each one logged). */
int xd_collect(const struct xd_conf *c, struct xd_guest **gs, size_t *n, int with_images);
void xd_guests_free(struct xd_guest *gs, size_t n);

/* slots.c - at most XENDOMAINS_PARALLEL heavy operations (save, restore,
 * create, migrate) at once, granted first come first served, and at least
 * XENDOMAINS_START_DELAY between launches. Waits for shutdowns take no slot. */
struct xd_slots;
struct xd_slots *xd_slots_new(unsigned max, uint64_t delay_s);
void xd_slot_take(struct xd_slots *s, int launch);
void xd_slot_give(struct xd_slots *s);
void xd_slots_free(struct xd_slots *s);

int xd_cmd_start(const struct xd_conf *c);
int xd_cmd_stop(const struct xd_conf *c);
int xd_cmd_status(const struct xd_conf *c);
int xd_cmd_list(const struct xd_conf *c);
int xd_cmd_timeouts(const struct xd_conf *c);
int xd_cmd_check(const struct xd_conf *c);
#endif
