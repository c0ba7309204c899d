/* spawn.h - run a program safely: argv only (never a shell), no inherited
 * descriptors, optional stdin data (for secrets: never on a command line),
 * captured stdout/stderr, an absolute deadline after which the whole process
 * group gets SIGTERM and, after a grace period, SIGKILL.
 * Thread-safe: no global state, no signal handlers; run one per thread to do
 * N jobs at once with each job's output kept apart. */
#ifndef XH_SPAWN_H
#define XH_SPAWN_H
#include <stddef.h>
#include <stdint.h>

struct xh_run_opts {
    const char *input;       /* bytes written to the child's stdin, then EOF; NULL = /dev/null */
    size_t input_len;
    int capture;             /* XH_CAP_* flags; uncaptured streams go to our own stdout/stderr */
    char *const *envp;       /* NULL = inherit our environment */
    const char *cwd;         /* NULL = our working directory */
    int64_t timeout_ms;      /* 0 = no limit */
    int64_t grace_ms;        /* after SIGTERM, before SIGKILL; 0 = 5000 */
};
enum { XH_CAP_OUT = 1, XH_CAP_ERR = 2, XH_CAP_MERGE = 4 /* stderr into the stdout buffer */ };

struct xh_run_result {
    int status;     /* exit code; 128+N if killed by signal N; -1 if it could not be started
                     * or watched (then it was killed) */
    int timed_out;  /* 1 if the deadline passed and we killed it */
    char *out;      /* NUL-terminated captured stdout (or merged), or NULL; free() it */
    size_t out_len;
    char *err;      /* NUL-terminated captured stderr, or NULL; free() it */
    size_t err_len;
    char why[256];  /* when status == -1: why */
};

/* Run argv[0] (looked up in PATH when it has no '/'). Returns res->status. */
int xh_run(char *const argv[], const struct xh_run_opts *opts, struct xh_run_result *res);
void xh_run_result_free(struct xh_run_result *res);

/* Monotonic clock in milliseconds (for deadlines). */
int64_t xh_now_ms(void);
#endif
