/* buf.c - bounded append buffers (buf.h). */
#include "buf.h"
#include <stdio.h>

void xh_buf_init(struct xh_buf *b, char *storage, size_t cap)
{
    b->p = storage;
    b->cap = cap;
    b->len = 0;
    b->overflow = cap == 0;
    if (cap) storage[0] = '\0';
}

int xh_buf_vadd(struct xh_buf *b, const char *fmt, va_list ap)
{
    if (b->overflow) return -1;
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->p + b->len, room, fmt, ap);
    if (n < 0 || (size_t)n >= room) {
        b->p[b->len] = '\0';   /* back to the text before this append */
        b->overflow = 1;
        return -1;
    }
    b->len += (size_t)n;
    return 0;
}

int xh_buf_add(struct xh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = xh_buf_vadd(b, fmt, ap);
    va_end(ap);
    return rc;
}

void xh_buf_truncate(struct xh_buf *b, size_t len)
{
    if (!b->cap) return;
    if (len < b->len) b->len = len;
    b->p[b->len] = '\0';
    b->overflow = 0;
}

int xh_buf_status(const struct xh_buf *b) { return b->overflow ? -1 : 0; }
