/* xendomains - start and stop Xen guests with the host. Exit statuses: the
 * table below, as in xendomains(8). */
#define _GNU_SOURCE
#include "xendomains.h"
#include "files.h"
#include "log.h"
#include "testhooks.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One start or stop at a time: a second one waits for the first. */
static int lock_runs(const struct xd_conf *c)
{
    char path[PATH_MAX + 16];
    int fd;
    if (!c->state_dir[0] || xh_mkdir_p(c->state_dir, 0755, NULL, NULL) < 0) return 0;
    snprintf(path, sizeof path, "%s/.lock", c->state_dir);
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        xh_warn("%s: %s; running without the lock", path, strerror(errno));
        return 0;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        xh_info("waiting for another xendomains start or stop to finish");
        if (flock(fd, LOCK_EX) < 0) xh_warn("%s: %s; running without the lock", path, strerror(errno));
    }
    return fd; /* held until we exit */
}

static int cmd_restart(const struct xd_conf *c)
{
    int a = xd_cmd_stop(c), b = xd_cmd_start(c);
    return a || b ? 1 : 0;
}

static const struct cmd {
    const char *name;
    int (*fn)(const struct xd_conf *);
    int locked;                 /* start and stop exclude each other */
    const char *help;
} cmds[] = {
    { "start",    xd_cmd_start,    1, "restore saved guests, then create the auto guests not running" },
    { "stop",     xd_cmd_stop,     1, "migrate, save or shut down every running guest, in parallel" },
    { "restart",  cmd_restart,     1, "stop, then start" },
    { "status",   xd_cmd_status,   0, "each guest's state and what happened at the last start and stop" },
    { "list",     xd_cmd_list,     0, "the guests start would restore or create" },
    { "timeouts", xd_cmd_timeouts, 0, "the systemd unit timeouts the configuration needs (a drop-in)" },
    { "check",    xd_cmd_check,    0, "read the settings and print them (exit 2 if they are bad)" },
};

/* xendomains(8), EXIT STATUS */
static const struct xh_exit exits[] = {
    { 0, "success" },
    { 1, "an operation failed for some guest (each one logged and recorded), or the running domains could not be listed" },
    { 2, "usage error or bad settings (file, line, key and reason are named)" },
    { -1, NULL },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: %s [-c FILE] [--xl PATH] [--syslog] [-v] COMMAND\n"
               "  -c, --config FILE  settings (default /etc/default/xendomains, else /etc/sysconfig/xendomains)\n"
               "      --xl PATH      the xl to drive (default XENDOMAINS_XL or /usr/sbin/xl)\n"
               "      --syslog       log to syslog too\n"
               "  -v, --verbose      debug messages\ncommands:\n", xh_prog());
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
    xh_print_exits(f, exits);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "xl", required_argument, NULL, 'x' },
        { "syslog", no_argument, NULL, 's' },       { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *conf_path = NULL, *xl = NULL, *poll = XH_TEST_ENV("XENHOST_XD_POLL_MS");
    int use_syslog = 0, verbose = 0, o;
    struct xd_conf c;

    xh_log_init(argv[0], 0);
    while ((o = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
        switch (o) {
        case 'c': conf_path = optarg; break;
        case 'x': xl = optarg; break;
        case 's': use_syslog = 1; break;
        case 'v': verbose = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) { usage(stderr); return 2; }
    xh_log_init(argv[0], use_syslog);
    if (verbose) xh_log_verbosity(XH_DEBUG);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        if (strcmp(cmds[i].name, argv[optind])) continue;
        xd_conf_defaults(&c);
        if (xd_conf_load(&c, conf_path) < 0) return 2;
        if (xl && snprintf(c.xl, sizeof c.xl, "%s", xl) >= (int)sizeof c.xl) xh_die(2, "--xl: path too long");
        if (poll) c.poll_ms = strtoull(poll, NULL, 10) ? strtoull(poll, NULL, 10) : 1;
        if (cmds[i].locked) lock_runs(&c);
        return cmds[i].fn(&c);
    }
    xh_err("%s: unknown command", argv[optind]);
    usage(stderr);
    return 2;
}
