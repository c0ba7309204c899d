/* files.h - whole files and directory trees: read a file into memory, mkdir -p.
 * (Writing a file whole: atomicfile.h.) Nothing here logs: errors are errno. */
#ifndef XH_FILES_H
#define XH_FILES_H
#include <stddef.h>
#include <sys/types.h>

/* Read the file at path into a malloc'd buffer, NUL-terminated after its *len
 * bytes (which may themselves hold NULs). Returns 0, or -1 with errno set (EFBIG:
 * larger than max bytes) and *buf NULL. */
int xh_read_file(const char *path, size_t max, char **buf, size_t *len);
/* The reason xh_read_file failed with errnum, for a message ("file too large", or strerror). */
const char *xh_read_file_why(int errnum);

/* mkdir -p -m MODE: make path and its missing parents; path gets mode, parents
 * 0755 (both under the umask). made(dir, ctx), when given, is called for each
 * directory this call created, outermost first (callers that undo record them).
 * An existing directory is fine; an existing non-directory is ENOTDIR. Returns 0,
 * or -1 with errno set (directories made before the failure stay). */
typedef void (*xh_made_fn)(const char *dir, void *ctx);
int xh_mkdir_p(const char *path, mode_t mode, xh_made_fn made, void *ctx);
#endif
