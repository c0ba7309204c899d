#define _GNU_SOURCE
#include "files.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int xh_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    char *b = NULL;
    size_t n = 0, cap = 0;
    int fd, e;

    *buf = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return -1;
    for (;;) {
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(b, ncap);
            if (!nb) goto fail;
            b = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max) { errno = EFBIG; goto fail; }
    }
    close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
fail:
    e = errno;
    close(fd);
    free(b);
    errno = e;
    return -1;
}

const char *xh_read_file_why(int errnum) { return errnum == EFBIG ? "file too large" : strerror(errnum); }

/* make one directory; an existing one is fine. Returns 1 made, 0 there, -1 error */
static int one_dir(const char *dir, mode_t mode)
{
    struct stat st;
    if (mkdir(dir, mode) == 0) return 1;
    if (errno != EEXIST) return -1;
    if (stat(dir, &st) < 0) return -1;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

int xh_mkdir_p(const char *path, mode_t mode, xh_made_fn made, void *ctx)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    int rc;

    if (len == 0 || len >= sizeof buf) { errno = len ? ENAMETOOLONG : ENOENT; return -1; }
    memcpy(buf, path, len + 1);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        rc = one_dir(buf, 0755);
        if (rc < 0) return -1;
        if (rc && made) made(buf, ctx);
        *p = '/';
        while (p[1] == '/') p++;
    }
    rc = one_dir(buf, mode);
    if (rc < 0) return -1;
    if (rc && made) made(buf, ctx);
    return 0;
}
