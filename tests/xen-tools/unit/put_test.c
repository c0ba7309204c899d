/* Unit tests of xen-create-image's guest-file writer (tree.c: xci_put) and the
 * texts it writes (guestfiles.c) at their limits. */
#define _GNU_SOURCE
#include "../../unit/test.h"
#include "../../../src/xen-tools/build.h"
#include "../../../src/lib/buf.h"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/xci-put.XXXXXX", path[300], tmp[320], big[3000];
    struct stat st;
    REQUIRE(mkdtemp(dir), "mkdtemp %s", dir);
    CHECK(xci_put(dir, "etc/hostname", "g1\n", 0644) == 0, "a guest file is written (its directory made)");
    snprintf(path, sizeof path, "%s/etc/hostname", dir);
    CHECK(stat(path, &st) == 0 && st.st_size == 3 && (st.st_mode & 0777) == 0644, "with its size and mode");

    /* a write that stops short (the file size limit): an error, no descriptor
     * left open, no temporary left, the old file kept */
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct rlimit rl = { 1000, 1000 };
    signal(SIGXFSZ, SIG_IGN);
    int before = open_fds();
    REQUIRE(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit RLIMIT_FSIZE");
    int rc = xci_put(dir, "etc/hostname", big, 0644);
    rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &rl);
    CHECK(rc < 0, "a short write is an error");
    CHECK(open_fds() == before, "... and leaves no descriptor open (%d before, %d after)", before, open_fds());
    snprintf(tmp, sizeof tmp, "%s.xci-new", path);
    CHECK(access(tmp, F_OK) < 0, "... and no temporary file");
    CHECK(stat(path, &st) == 0 && st.st_size == 3, "... and the file as it was");
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
    return TEST_END();
}
