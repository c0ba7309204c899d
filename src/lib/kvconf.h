/* kvconf.h - strict readers for KEY=VALUE configuration files. Nothing is ever
 * evaluated: a value that needs a shell (command substitution, variable
 * expansion) is an error, reported with file, line and reason.
 *
 * Two dialects:
 *  XH_KV_SHELL   /etc/default, /etc/sysconfig: KEY=value, KEY="value", KEY='value',
 *                optional leading "export ", '#' comments on their own line or
 *                after an unquoted value preceded by a blank.
 *  XH_KV_SPACED  xen-tools.conf: "key = value"; blanks around '=' allowed, the
 *                rest of the line after the first '#' is a comment, value trimmed.
 */
#ifndef XH_KVCONF_H
#define XH_KVCONF_H
#include <stddef.h>

enum xh_kv_dialect { XH_KV_SHELL, XH_KV_SPACED };

/* Called for each assignment; return 0 to go on, non-zero to stop parsing
 * (that value is returned by xh_kv_parse_*). */
typedef int (*xh_kv_fn)(const char *key, const char *value, const char *file, int line, void *ctx);

/* Parse text (len bytes; need not be NUL-terminated). name is used in messages.
 * Syntax errors are written to err (up to errlen bytes, "file:line: reason")
 * and make the call return -1 after the first error. */
int xh_kv_parse_buf(const char *buf, size_t len, const char *name, enum xh_kv_dialect d,
                    xh_kv_fn fn, void *ctx, char *err, size_t errlen);
/* Same for a file; a missing file returns -2 with err set (callers decide). */
int xh_kv_parse_file(const char *path, enum xh_kv_dialect d, xh_kv_fn fn, void *ctx,
                     char *err, size_t errlen);
/* The same, but a line with a syntax error costs only itself: bad(msg, ctx) gets
 * "FILE:LINE: reason" (msg is err, errlen bytes) and parsing goes on with the next
 * line. Returns 0, the callback's value, -2 (missing file) or -1 (unreadable). */
typedef void (*xh_kv_bad_fn)(const char *msg, void *ctx);
int xh_kv_parse_file_each(const char *path, enum xh_kv_dialect d, xh_kv_fn fn, xh_kv_bad_fn bad, void *ctx,
                          char *err, size_t errlen);
/* The one wording of an unknown key, a format for the caller's warning with the
 * arguments file, line, key: "FILE:LINE: KEY: unknown setting, ignoring". */
#define XH_KV_UNKNOWN "%s:%d: %s: unknown setting, ignoring"
#endif
