/* util/buf.h: a growable byte buffer with a size limit, always NUL-ended.
 * Knows nothing of JSON, SQL or files; everything else builds text on it. */
#ifndef SP_BUF_H
#define SP_BUF_H

#include <stddef.h>

/* Invariant: after sp_buf_init, `data` is either NULL (nothing appended yet)
 * or holds `len` bytes followed by a NUL. A failed append (allocation or
 * limit) leaves the buffer unchanged and returns -1. */
struct sp_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t limit; /* the most bytes it may ever hold; 0 = SIZE_MAX / 2 */
};

void sp_buf_init(struct sp_buf *b, size_t limit);
void sp_buf_free(struct sp_buf *b);
void sp_buf_reset(struct sp_buf *b); /* len = 0, keeps the memory */
int sp_buf_reserve(struct sp_buf *b, size_t extra);
int sp_buf_add(struct sp_buf *b, const void *p, size_t n);
int sp_buf_addc(struct sp_buf *b, char c);
int sp_buf_adds(struct sp_buf *b, const char *s);
int sp_buf_printf(struct sp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A NUL-terminated view ("" when empty); valid until the next change. */
const char *sp_buf_str(const struct sp_buf *b);
/* Hands the memory to the caller (who frees it) and empties the buffer. */
char *sp_buf_take(struct sp_buf *b);

#endif
