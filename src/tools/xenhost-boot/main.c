/* xenhost-boot - boot settings and the safe first boot of a Xen host.
 * See xenhost-boot(8) and docs/boot.md. Exit statuses: the table below, as in
 * xenhost-boot(8). */
#define _GNU_SOURCE
#include "buf.h"
#include "log.h"
#include "settings.h"
#include "trial.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: xenhost-boot [-c CONF] [-e GRUBENV] [-m MEMINFO] [-p PROC] [-s STATEDIR] [-M MOTD] [-x XLCONF] [-l] COMMAND\n";

struct opts { struct xb_sources src; struct xb_paths paths; };

/* Append the checked words of an admin's Xen variable (GRUB_CMDLINE_XEN...). */
static void add_legacy(struct xh_buf *b, const char *var, int ballooning, int *errors)
{
    const char *val = getenv(var), *why;
    char *copy, *save = NULL, word[512];
    if (!val || !*val) return;
    copy = strdup(val);
    for (char *w = copy ? strtok_r(copy, " \t\n", &save) : NULL; w; w = strtok_r(NULL, " \t\n", &save)) {
        if (xb_xen_word(w, word, sizeof word, &why) < 0) {
            xh_err("%s=\"%s\": word '%s': %s; word left out", var, val, w, why);
            (*errors)++;
            continue;
        }
        if (strncmp(word, "dom0_mem=", 9) == 0)
            xh_warn("%s sets %s, which overrides XEN_DOM0_MEM%s", var, word,
                    ballooning ? " and keeps ballooning off" : "");
        if (xh_buf_add(b, "%s%s", b->len ? " " : "", word) < 0) { xh_err("%s: too long; rest left out", var); (*errors)++; break; }
    }
    free(copy);
}

/* Print the settings as NAME=VALUE lines for the grub.d hook. */
static int cmd_grub_args(struct opts *o)
{
    struct xb_settings s;
    char xen[4096], xdef[2048];
    struct xh_buf xb, db;

    xb_settings_load(&o->src, &s);
    xh_buf_init(&xb, xen, sizeof xen);
    xh_buf_init(&db, xdef, sizeof xdef);
    if (!s.ballooning)
        xh_buf_add(&xb, "dom0_mem=%llum,max:%llum", (unsigned long long)s.dom0_mem_mib, (unsigned long long)s.dom0_mem_mib);
    if (s.vcpus[0]) xh_buf_add(&xb, "%sdom0_max_vcpus=%s", xb.len ? " " : "", s.vcpus);
    if (s.vcpus_pin) xh_buf_add(&xb, "%sdom0_vcpus_pin", xb.len ? " " : "");
    if (s.serial_port)
        xh_buf_add(&xb, "%scom%d=%u,8n1 console=com%d,vga", xb.len ? " " : "", s.serial_port, s.serial_speed, s.serial_port);
    if (!s.panic_reboot) xh_buf_add(&xb, "%snoreboot", xb.len ? " " : "");
    add_legacy(&xb, "GRUB_CMDLINE_XEN", s.ballooning, &s.errors);
    if (s.extra[0] && xh_buf_status(&xb) == 0 && xh_buf_add(&xb, "%s%s", xb.len ? " " : "", s.extra) < 0) {
        xh_err("XEN_CMDLINE_EXTRA: Xen's command line too long; left out");
        s.errors++;
        xh_buf_truncate(&xb, xb.len);
    }
    add_legacy(&db, "GRUB_CMDLINE_XEN_DEFAULT", s.ballooning, &s.errors);

    printf("xen_args=%s\n", xen);
    printf("xen_args_default=%s\n", xdef);
    printf("linux_args=%spanic=%d\n", s.serial_port ? "console=hvc0 " : "", s.panic_reboot);
    printf("default=%s\n", s.default_entry == XB_DEFAULT_NO ? "no" : s.default_entry == XB_DEFAULT_FORCE ? "force" : "yes");
    printf("trial=%s\n", s.trial ? "yes" : "no");
    if (s.serial_port) printf("serial=--unit=%d --speed=%u\n", s.serial_port - 1, s.serial_speed);
    else printf("serial=\n");
    printf("summary=dom0 %llu MiB%s (host %llu MiB), ballooning %s\n", (unsigned long long)s.dom0_mem_mib,
           s.mem_auto ? " auto" : "", (unsigned long long)s.host_mib, s.ballooning ? "on" : "off");
    return s.errors ? 2 : 0;
}

static int cmd_confirm(struct opts *o) { return xb_confirm(&o->paths); }
static int cmd_check(struct opts *o)   { return xb_check(&o->paths); }
static int cmd_status(struct opts *o)  { return xb_status(&o->paths); }
static int cmd_retry(struct opts *o)   { return xb_retry(&o->paths); }

static const struct cmd {
    const char *name;
    int (*fn)(struct opts *);
    const char *help;
} cmds[] = {
    { "grub-args", cmd_grub_args, "print the Xen and dom0 command lines from /etc/default/xen (for the grub.d hook)" },
    { "confirm",   cmd_confirm,   "in dom0: mark this Xen configuration good once the toolstack answers" },
    { "check",     cmd_check,     "at boot: report a trial boot of Xen that failed (journal and login message)" },
    { "status",    cmd_status,    "show the trial boot state" },
    { "retry",     cmd_retry,     "forget a failed trial so that the next boot tries Xen again" },
};

/* xenhost-boot(8), EXIT STATUS */
static const struct xh_exit exits[] = {
    { 0, "success" },
    { 1, "an operation failed (confirm: the trial boot was not confirmed; retry: GRUB's environment block was not written)" },
    { 2, "usage error or bad configuration (grub-args: some values were left out, each one named; the output is still complete)" },
    { -1, NULL },
};

static void usage(FILE *f)
{
    fputs(USAGE, f);
    fputs("commands:\n", f);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
    xh_print_exits(f, exits);
}

int main(int argc, char **argv)
{
    struct opts o = { .paths = { "/boot/grub/grubenv", "/proc", "/var/lib/xenhost/boot", "/run/motd.d/xenhost-boot", "/etc/xen/xl.conf" } };
    int c, use_syslog = 0;

    xh_log_init("xenhost-boot", 0);
    while ((c = getopt(argc, argv, "+c:e:m:p:s:M:x:lh")) != -1) {
        switch (c) {
        case 'c': o.src.conf = optarg; break;
        case 'e': o.paths.grubenv = optarg; break;
        case 'm': o.src.meminfo = optarg; break;
        case 'p': o.src.proc = o.paths.proc = optarg; break;
        case 's': o.paths.state = optarg; break;
        case 'M': o.paths.motd = optarg; break;
        case 'x': o.paths.xl_conf = optarg; break;
        case 'l': use_syslog = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind + 1 != argc) { usage(stderr); return 2; }
    if (use_syslog) xh_log_init("xenhost-boot", 1);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[optind], cmds[i].name) == 0)
            return cmds[i].fn(&o);
    xh_err("%s: unknown command", argv[optind]);
    usage(stderr);
    return 2;
}
