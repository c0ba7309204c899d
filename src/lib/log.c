#define _GNU_SOURCE
#include "log.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static const char *prog_name = "xenhost";
static int to_syslog;
static enum xh_level max_level = XH_INFO;

void xh_log_init(const char *prog, int use_syslog)
{
    const char *slash = strrchr(prog, '/');
    prog_name = slash ? slash + 1 : prog;
    to_syslog = use_syslog;
    if (use_syslog)
        openlog(prog_name, LOG_PID, LOG_DAEMON);
}

void xh_log_verbosity(enum xh_level max) { max_level = max; }
const char *xh_prog(void) { return prog_name; }

void xh_vlog(enum xh_level lvl, const char *fmt, va_list ap)
{
    static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
    static const char *const tag[] = { "", "warning: ", "", "debug: " };
    char msg[4096];
    int saved = errno;

    if (lvl > max_level)
        return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "%s: %s%s\n", prog_name, tag[lvl], msg);
    if (to_syslog)
        syslog(prio[lvl], "%s", msg);
    errno = saved;
}

void xh_log(enum xh_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xh_vlog(lvl, fmt, ap);
    va_end(ap);
}

void xh_print_exits(void *stream, const struct xh_exit *t)
{
    FILE *f = stream;
    fprintf(f, "Exit status:\n");
    for (; t->meaning; t++) fprintf(f, "  %d  %s\n", t->code, t->meaning);
}

void xh_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xh_vlog(XH_ERR, fmt, ap);
    va_end(ap);
    exit(code);
}
