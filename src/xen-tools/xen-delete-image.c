/* xen-delete-image - remove a guest made by xen-create-image: its volumes
 * (files or logical volumes), its autostart link and its xl config. Refuses a
 * running guest and configs it did not write. See xen-delete-image(8). */
#define _GNU_SOURCE
#include "opts.h"
#include "compcfg.h"
#include "compopts.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: xen-delete-image [--output=DIR] [--extension=EXT] [--dry-run] [--verbose] NAME...\n"
    "Remove guests made by xen-create-image: volumes, autostart link, xl config.\n"
    "A running guest is refused, and so is every guest when xl cannot say which run.\n";
/* xen-delete-image(8), EXIT STATUS */
static const struct xh_exit exits[] = {
    { 0, "every guest named was removed (with --dry-run: would be)" },
    { 1, "a guest was refused (running, xl could not say which guests run, a config not written by xen-create-image, missing or unreadable) or a removal failed" },
    { 2, "usage error, or not run as root (without --dry-run)" },
    { -1, NULL },
};

static int run_quiet(char *const argv[], int *status)
{
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .timeout_ms = 120000 };
    struct xh_run_result r;
    xh_run(argv, &ro, &r);
    *status = r.status;
    if (r.status > 0 && r.out) xh_err("%s: %s", argv[0], r.out);
    xh_run_result_free(&r);
    return r.status;
}

/* Whether the guest runs: 1 yes, 0 no, -1 the toolstack could not be asked (why
 * says why). "xl list" lists Domain-0 first whenever xl can reach the hypervisor;
 * anything else (xl missing, not dom0, xenstored down, a timeout, output without
 * Domain-0) is no answer, and no answer is never taken for "not running". */
static int guest_runs(const char *name, char *why, size_t whylen)
{
    char *argv[] = { "xl", "list", NULL };
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_ERR, .timeout_ms = 60000 };
    struct xh_run_result r;
    int dom0 = 0, found = 0;

    xh_run(argv, &ro, &r);
    if (r.status == 0 && !r.timed_out && r.out) {
        for (char *l = r.out, *nl; l && *l; l = nl) {
            size_t n = strcspn(l, " \t\n");
            nl = strchr(l, '\n');
            if (nl) nl++;
            if (n == 8 && !strncmp(l, "Domain-0", 8)) dom0 = 1;
            else if (n == strlen(name) && !strncmp(l, name, n)) found = 1;
        }
    }
    if (!dom0) {
        if (r.timed_out) snprintf(why, whylen, "xl list: no answer within 60 s");
        else if (r.status < 0) snprintf(why, whylen, "xl list: %s", r.why);
        else if (r.status != 0) {
            const char *e = r.err && *r.err ? r.err : r.out ? r.out : "";
            size_t len = strlen(e);
            while (len && e[len - 1] == '\n') len--;
            const char *last = e + len;
            while (last > e && last[-1] != '\n') last--;
            snprintf(why, whylen, "xl list: %s %d%s%.*s", r.status > 128 ? "killed by signal" : "exit",
                     r.status > 128 ? r.status - 128 : r.status, last < e + len ? ": " : "", (int)(e + len - last), last);
        } else snprintf(why, whylen, "xl list: no Domain-0 in its output");
    }
    xh_run_result_free(&r);
    return dom0 ? found : -1;
}

/* a volume xen-create-image would have made for this name */
static int ours(const char *name, const char *target)
{
    static const char *const forms[] = { "/*/domains/%s/disk.img", "/*/domains/%s/swap.img", "/dev/*/%s-disk", "/dev/*/%s-swap" };
    char pat[600];
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        snprintf(pat, sizeof pat, forms[i], name);
        if (!fnmatch(pat, target, i < 2 ? 0 : FNM_PATHNAME) && !strstr(target, "/../")) return 1;
    }
    return 0;
}

/* Delete guest name, whose config is cfg (read into c, which the caller frees). */
static int delete_from(const struct comp_opts *o, const char *name, char *cfg, struct compcfg *c, char *why, size_t whylen)
{
    char link[PATH_MAX], dir[PATH_MAX];
    int st, rc = 0;

    if (compcfg_read(cfg, c, why, whylen) < 0) { xh_err("%s", why); return 1; }
    if (!c->meta[0]) { xh_err("%s: not written by xen-create-image; refusing to guess what to delete", cfg); return 1; }
    if (strcmp(c->name, name)) { xh_err("%s: names guest '%s', not '%s'", cfg, c->name, name); return 1; }
    int running = guest_runs(name, why, whylen);
    if (running < 0) {
        xh_err("%s: cannot tell whether the guest is running (%s); refusing to delete it", name, why);
        return 1;
    }
    if (running) { xh_err("%s: the guest is running; shut it down first (xl shutdown -w %s)", name, name); return 1; }

    for (size_t i = 0; i < c->ntargets; i++) {
        const char *t = c->targets[i];
        if (!ours(name, t)) { xh_warn("%s: volume %s is not one xen-create-image makes; left alone", name, t); continue; }
        if (o->dry_run) { printf("would remove %s\n", t); continue; }
        struct stat sb;
        if (!strncmp(t, "/dev/", 5)) {
            if (stat(t, &sb) < 0) { xh_warn("%s: already gone", t); continue; }
            char *argv[] = { "lvremove", "-q", "-f", (char *)t, NULL };
            if (run_quiet(argv, &st) != 0) { xh_err("%s: lvremove failed", t); rc = 1; continue; }
        } else if (unlink(t) < 0) {
            if (errno != ENOENT) { xh_err("%s: %s", t, strerror(errno)); rc = 1; continue; }
            xh_warn("%s: already gone", t);
        }
        if (o->verbose) xh_info("removed %s", t);
        if (strncmp(t, "/dev/", 5)) {  /* its DIR/domains/NAME directory, once empty */
            snprintf(dir, sizeof dir, "%s", t);
            *strrchr(dir, '/') = '\0';
            if (rmdir(dir) < 0 && errno != ENOTEMPTY && errno != ENOENT && errno != EEXIST) xh_warn("%s: %s", dir, strerror(errno));
        }
    }
    if (rc) return rc;
    snprintf(link, sizeof link, "%s/auto/%s%s", o->output, name, o->extension);
    char target[PATH_MAX];
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n > 0) {
        target[n] = '\0';
        if (o->dry_run) printf("would remove %s\n", link);
        else if (unlink(link) < 0) { xh_err("%s: %s", link, strerror(errno)); return 1; }
    }
    if (o->dry_run) { printf("would remove %s\n", cfg); return 0; }
    if (unlink(cfg) < 0) { xh_err("%s: %s", cfg, strerror(errno)); return 1; }
    printf("%s: deleted\n", name);
    return 0;
}

static int delete_one(const struct comp_opts *o, const char *name)
{
    char cfg[PATH_MAX];
    struct compcfg c = { 0 };
    if (!xci_valid_hostname(name)) { xh_err("%s: not a valid guest name", name); return 1; }
    snprintf(cfg, sizeof cfg, "%s/%s%s", o->output, name, o->extension);
    char why[PATH_MAX + 400];
    int rc = delete_from(o, name, cfg, &c, why, sizeof why);
    compcfg_free(&c);
    return rc;
}

int main(int argc, char **argv)
{
    struct comp_opts o = { 0 };
    int rc = 0;
    xh_log_init("xen-delete-image", 0);
    if ((rc = comp_parse(argc, argv, &o, usage, exits)) != 0) return rc;
    if (o.help) return 0;
    if (!o.nnames) { xh_err("no guest named\n%s", usage); return 2; }
    if (geteuid() != 0 && !o.dry_run) { xh_err("must be run as root"); return 2; }
    for (int i = 0; i < o.nnames; i++)
        if (delete_one(&o, o.names[i])) rc = 1;
    free(o.names);
    return rc;
}
