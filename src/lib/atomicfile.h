/* atomicfile.h - publish a file whole or not at all: write a temporary file in
 * the same directory, fsync it, rename it over the target, fsync the directory.
 * Readers see the old content or the new, never a half-written file. */
#ifndef XH_ATOMICFILE_H
#define XH_ATOMICFILE_H
#include <stddef.h>
#include <sys/types.h>

#define XH_ATOMIC_NOREPLACE 1 /* fail with EEXIST if the target exists */
#define XH_ATOMIC_NOSYNC 2    /* whole or not at all, but no fsync: for build trees that are
                               * inputs of a later step, not what is published */

/* Returns 0, or -1 with errno set; the temporary file is removed on failure. */
int xh_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags);
/* The same through a temporary name the caller chose (created with O_EXCL): for
 * callers whose leftovers must be recognisable after a SIGKILL. */
int xh_atomic_write_via(const char *path, const char *tmp, const void *data, size_t len, mode_t mode, int flags);

/* Create a temporary file next to path ("<dir>/.<base>.XXXXXX") with mode;
 * returns the fd and fills tmp (size tmplen). Then xh_atomic_commit() or unlink. */
int xh_atomic_open(const char *path, mode_t mode, char *tmp, size_t tmplen);
/* fsync + close fd, rename tmp to path (no replace with XH_ATOMIC_NOREPLACE), fsync dir
 * (no fsync with XH_ATOMIC_NOSYNC). */
int xh_atomic_commit(int fd, const char *tmp, const char *path, int flags);
/* fsync the directory that holds path. */
int xh_fsync_parent(const char *path);
#endif
