/* run.c - the commands a build runs (argv only, through xh_run): output
 * captured, shown when a command fails (its last lines) or with --verbose. */
#define _GNU_SOURCE
#include "build.h"
#include "../lib/log.h"
#include "../lib/spawn.h"
#include <stdio.h>
#include <string.h>

int xci_run_env(const struct xci_build *b, const char *what, char *const argv[], char *const *envp)
{
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .envp = envp, .timeout_ms = 3600000 };
    struct xh_run_result r;
    if (xci_signalled()) return -1;
    if (b->o->verbose) {
        char line[2048];
        struct xh_buf lb;
        xh_buf_init(&lb, line, sizeof line);
        for (int i = 0; argv[i]; i++) xh_buf_add(&lb, "%s%s", i ? " " : "", argv[i]);
        xh_info("run: %s%s", line, xh_buf_status(&lb) ? " ..." : "");
    }
    xh_run(argv, &ro, &r);
    int rc = r.status;
    if (xci_signalled()) rc = -1;
    else if (rc != 0) {
        if (r.status < 0) xh_err("%s: %s", what, r.why);
        else xh_err("%s: %s exited with status %d", what, argv[0], r.status);
        if (r.out && r.out_len) {   /* the last lines say why */
            size_t n = r.out_len;
            for (int lines = 0; n > 0 && lines < 16; n--) if (r.out[n - 1] == '\n') lines++;
            fprintf(stderr, "%s%s", r.out + n, r.out[r.out_len - 1] == '\n' ? "" : "\n");
        }
    } else if (b->o->verbose && r.out) {
        fputs(r.out, stderr);
    }
    xh_run_result_free(&r);
    return rc == 0 ? 0 : -1;
}

int xci_run(const struct xci_build *b, const char *what, char *const argv[]) { return xci_run_env(b, what, argv, NULL); }

int xci_run_quiet(char *const argv[])
{
    struct xh_run_opts ro = { .capture = XH_CAP_OUT | XH_CAP_MERGE, .timeout_ms = 600000 };
    struct xh_run_result r;
    int last = 0;
    while (argv[last + 1]) last++;
    xh_run(argv, &ro, &r);
    int rc = r.status;
    if (rc != 0) xh_warn("cleanup: %s %s: %s", argv[0], argv[last], r.out ? r.out : r.why);
    xh_run_result_free(&r);
    return rc;
}
