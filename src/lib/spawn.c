#define _GNU_SOURCE
#include "spawn.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int64_t xh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct buf { char *p; size_t len, cap; };

static int buf_read(struct buf *b, int fd)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN ? 1 : 0;
    if (n == 0)
        return 0;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) return 1; /* drop output rather than fail the child */
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, tmp, (size_t)n);
    b->len += (size_t)n;
    b->p[b->len] = '\0';
    return 1;
}

static void close_fd(int *fd) { if (*fd >= 0) { close(*fd); *fd = -1; } }

int xh_run(char *const argv[], const struct xh_run_opts *opts, struct xh_run_result *res)
{
    static const struct xh_run_opts none;
    const struct xh_run_opts *o = opts ? opts : &none;
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, pidfd = -1;
    struct buf bout = { 0 }, berr = { 0 };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none_set, dfl;
    pid_t pid = -1;
    size_t in_off = 0;
    int64_t deadline = o->timeout_ms > 0 ? xh_now_ms() + o->timeout_ms : 0, kill_at = 0;
    int status = 0, rc;

    memset(res, 0, sizeof *res);
    res->status = -1;
    if (pipe2(in, O_CLOEXEC) < 0 ||
        ((o->capture & XH_CAP_OUT) && pipe2(out, O_CLOEXEC) < 0) ||
        ((o->capture & XH_CAP_ERR) && !(o->capture & XH_CAP_MERGE) && pipe2(err, O_CLOEXEC) < 0)) {
        snprintf(res->why, sizeof res->why, "pipe: %s", strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    if (out[1] >= 0) posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    if (o->capture & XH_CAP_MERGE)
        posix_spawn_file_actions_adddup2(&fa, out[1] >= 0 ? out[1] : 1, 2);
    else if (err[1] >= 0)
        posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    if (o->cwd) posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
    /* own process group so a timeout kills grandchildren too; default signals */
    sigemptyset(&none_set);
    sigfillset(&dfl);
    posix_spawnattr_setsigmask(&at, &none_set);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, o->envp ? o->envp : environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        snprintf(res->why, sizeof res->why, "%s: %s", argv[0], strerror(rc));
        pid = -1;
        goto out;
    }
    close_fd(&in[0]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    if (!o->input || o->input_len == 0)
        close_fd(&in[1]);
    else
        fcntl(in[1], F_SETFL, O_NONBLOCK);
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

    for (;;) {
        struct pollfd pfd[4];
        int n = 0, tmo = -1, ipid = -1, iin = -1, iout = -1, ierr = -1;
        int64_t now = xh_now_ms(), next = 0;

        if (deadline && !kill_at && now >= deadline) {
            res->timed_out = 1;
            kill(-pid, SIGTERM);
            kill_at = now + (o->grace_ms > 0 ? o->grace_ms : 5000);
        }
        if (kill_at && now >= kill_at) {
            kill(-pid, SIGKILL);
            kill_at = INT64_MAX;
        }
        next = kill_at && kill_at != INT64_MAX ? kill_at : (!kill_at ? deadline : 0);
        if (next) tmo = next > now ? (int)(next - now) : 0;
        if (pidfd >= 0) { ipid = n; pfd[n++] = (struct pollfd){ pidfd, POLLIN, 0 }; }
        else if (tmo < 0 || tmo > 50) tmo = 50; /* no pidfd: poll waitpid */
        if (in[1] >= 0) { iin = n; pfd[n++] = (struct pollfd){ in[1], POLLOUT, 0 }; }
        if (out[0] >= 0) { iout = n; pfd[n++] = (struct pollfd){ out[0], POLLIN, 0 }; }
        if (err[0] >= 0) { ierr = n; pfd[n++] = (struct pollfd){ err[0], POLLIN, 0 }; }
        if (poll(pfd, (nfds_t)n, tmo) < 0 && errno != EINTR) {
            /* we can no longer watch the child: stop it (at out:), report no status */
            snprintf(res->why, sizeof res->why, "poll: %s", strerror(errno));
            goto out;
        }
        if (iin >= 0 && pfd[iin].revents) {
            ssize_t w = write(in[1], o->input + in_off, o->input_len - in_off);
            if (w > 0) in_off += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off >= o->input_len)
                close_fd(&in[1]);
        }
        if (iout >= 0 && pfd[iout].revents && !buf_read(&bout, out[0])) close_fd(&out[0]);
        if (ierr >= 0 && pfd[ierr].revents && !buf_read(&berr, err[0])) close_fd(&err[0]);
        /* the child is done when it exited and its pipes are drained (or it exited
         * and left grandchildren holding them: stop reading once it is reaped) */
        if ((ipid < 0 || pfd[ipid].revents) && waitpid(pid, &status, WNOHANG) == pid) {
            pid = -1;
            break;
        }
    }
    if (WIFEXITED(status)) res->status = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) res->status = 128 + WTERMSIG(status);
out:
    if (pid > 0) { kill(-pid, SIGKILL); waitpid(pid, &status, 0); }
    /* drain what is still buffered in the pipes without blocking */
    if (out[0] >= 0) { fcntl(out[0], F_SETFL, O_NONBLOCK); while (buf_read(&bout, out[0]) && errno != EAGAIN) errno = 0; }
    if (err[0] >= 0) { fcntl(err[0], F_SETFL, O_NONBLOCK); while (buf_read(&berr, err[0]) && errno != EAGAIN) errno = 0; }
    close_fd(&in[0]); close_fd(&in[1]); close_fd(&out[0]); close_fd(&out[1]);
    close_fd(&err[0]); close_fd(&err[1]); close_fd(&pidfd);
    res->out = bout.p; res->out_len = bout.len;
    res->err = berr.p; res->err_len = berr.len;
    return res->status;
}

void xh_run_result_free(struct xh_run_result *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}
