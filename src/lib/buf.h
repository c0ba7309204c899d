/* buf.h - text built by appending, bounded by construction. The storage is the
 * caller's (usually an array on its stack). An append that does not fit leaves
 * the text as it was before it, marks the buffer as overflowed and makes every
 * later append do nothing: one check at the end says whether the whole text was
 * written. The text is always NUL-terminated. Use it instead of
 * "n += snprintf(buf + n, sizeof buf - n, ...)", whose size wraps once n passes
 * the end. */
#ifndef XH_BUF_H
#define XH_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct xh_buf {
    char *p;            /* the text */
    size_t len, cap;    /* strlen(p); the size of the storage */
    int overflow;       /* an append did not fit */
};

/* Start an empty text in storage of cap bytes (cap >= 1). */
void xh_buf_init(struct xh_buf *b, char *storage, size_t cap);
/* Append; 0, or -1 when it does not fit (then, and for any later append,
 * nothing is changed but the overflow mark). */
int xh_buf_add(struct xh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xh_buf_vadd(struct xh_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Back to the text's first len bytes (len <= b->len) and no overflow: for a
 * caller that leaves out a part that did not fit and goes on. */
void xh_buf_truncate(struct xh_buf *b, size_t len);
/* 0 when every append fitted, else -1 */
int xh_buf_status(const struct xh_buf *b);
#endif
