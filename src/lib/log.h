/* log.h - messages in the form "prog: object: what failed: reason".
 * Foreground programs write to stderr; services may also send to syslog.
 * Library code returns errors; callers log them once. */
#ifndef XH_LOG_H
#define XH_LOG_H
#include <stdarg.h>

enum xh_level { XH_ERR, XH_WARN, XH_INFO, XH_DEBUG };

void xh_log_init(const char *prog, int use_syslog);
void xh_log_verbosity(enum xh_level max); /* messages above max are dropped */
const char *xh_prog(void);
void xh_log(enum xh_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xh_vlog(enum xh_level lvl, const char *fmt, va_list ap);
#define xh_err(...)   xh_log(XH_ERR, __VA_ARGS__)
#define xh_warn(...)  xh_log(XH_WARN, __VA_ARGS__)
#define xh_info(...)  xh_log(XH_INFO, __VA_ARGS__)
#define xh_debug(...) xh_log(XH_DEBUG, __VA_ARGS__)
/* A program's exit statuses, one table per program: printed by --help
 * ("Exit status:" and a line each) and written the same in its man page's EXIT
 * STATUS (a test compares the two). The table ends with { -1, NULL }. */
struct xh_exit { int code; const char *meaning; };
void xh_print_exits(void *stream, const struct xh_exit *t);   /* FILE * */
/* Log at XH_ERR and exit with code. */
void xh_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
#endif
