#define _GNU_SOURCE
#include "atomicfile.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int xh_fsync_parent(const char *path)
{
    char *copy = strdup(path);
    int fd, rc = -1;
    if (!copy) return -1;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) { rc = fsync(fd); close(fd); }
    free(copy);
    return rc;
}

int xh_atomic_open(const char *path, mode_t mode, char *tmp, size_t tmplen)
{
    const char *slash = strrchr(path, '/');
    int n, fd;
    if (slash)
        n = snprintf(tmp, tmplen, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        n = snprintf(tmp, tmplen, ".%s.XXXXXX", path);
    if (n < 0 || (size_t)n >= tmplen) { errno = ENAMETOOLONG; return -1; }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) return -1;
    if (fchmod(fd, mode) < 0) { int e = errno; close(fd); unlink(tmp); errno = e; return -1; }
    return fd;
}

int xh_atomic_commit(int fd, const char *tmp, const char *path, int flags)
{
    int e;
    if (!(flags & XH_ATOMIC_NOSYNC) && fsync(fd) < 0) goto fail;
    if (close(fd) < 0) { fd = -1; goto fail; }
    fd = -1;
    if (flags & XH_ATOMIC_NOREPLACE) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) < 0) {
            /* filesystems without RENAME_NOREPLACE: link() also refuses to replace */
            if (errno != EINVAL && errno != ENOSYS) goto fail;
            if (link(tmp, path) < 0) goto fail;
            unlink(tmp);
        }
    } else if (rename(tmp, path) < 0) {
        goto fail;
    }
    if (!(flags & XH_ATOMIC_NOSYNC)) xh_fsync_parent(path);
    return 0;
fail:
    e = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    errno = e;
    return -1;
}

/* Write all of data to fd; on failure close fd and remove tmp. */
static int write_all(int fd, const char *tmp, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno; close(fd); unlink(tmp); errno = e;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int xh_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags)
{
    char tmp[4096];
    int fd = xh_atomic_open(path, mode, tmp, sizeof tmp);
    if (fd < 0 || write_all(fd, tmp, data, len) < 0) return -1;
    return xh_atomic_commit(fd, tmp, path, flags);
}

int xh_atomic_write_via(const char *path, const char *tmp, const void *data, size_t len, mode_t mode, int flags)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return -1;
    if (fchmod(fd, mode) < 0) { int e = errno; close(fd); unlink(tmp); errno = e; return -1; }
    if (write_all(fd, tmp, data, len) < 0) return -1;
    return xh_atomic_commit(fd, tmp, path, flags);
}
