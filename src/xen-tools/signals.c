/* signals.c - SIGINT, SIGTERM, SIGHUP, SIGQUIT: remembered (the build stops at
 * its next step and undoes itself), and passed on at once to the running
 * child's process group. The one state a handler can reach is file-static. */
#define _GNU_SOURCE
#include "build.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;
static char children_path[64];

int xci_signalled(void) { return got_signal; }

/* async-signal-safe: read our children from /proc, signal each and its group */
static void on_signal(int sig)
{
    char buf[512];
    got_signal = sig;
    int fd = open(children_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = '\0';
    for (char *p = buf; *p;) {
        long pid = 0;
        while (*p == ' ') p++;
        while (*p >= '0' && *p <= '9') pid = pid * 10 + (*p++ - '0');
        if (pid > 0) { kill((pid_t)-pid, SIGTERM); kill((pid_t)pid, SIGTERM); }
        if (*p && (*p < '0' || *p > '9')) p++;
    }
}

void xci_signals_install(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    pf(children_path, sizeof children_path, "/proc/self/task/%ld/children", (long)getpid());
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
}
