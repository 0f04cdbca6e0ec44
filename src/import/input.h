/* import/input.h: reads one input file (plain, gzip, or stdin) for a reader.
 * Hands out lines or raw chunks and counts lines; knows nothing of formats. */
#ifndef SP_INPUT_H
#define SP_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define SP_INPUT_MAX_LINE (256u << 20) /* a longer record is refused */

struct sp_input;

/* Opens path ("-" is standard input). gzip is detected by its magic bytes,
 * whatever the name. The name used in messages is `path` ("<stdin>"). */
int input_open(struct sp_input **in, const char *path, struct sp_err *err);
void input_close(struct sp_input *in);

const char *input_name(const struct sp_input *in);

/* Looks at up to n of the first bytes (decompressed) without consuming
 * them; sets *p and *got (fewer at end of file). n <= 65536. */
int input_peek(struct sp_input *in, size_t n, const char **p, size_t *got,
               struct sp_err *err);

/* The next line without its "\n" (and without a "\r" before it). Returns 1
 * with *line and *len set (valid until the next call; line[len] is NUL), 0 at
 * end of file, -1 on a read error or a line longer than SP_INPUT_MAX_LINE.
 * A missing final newline is fine. */
int input_line(struct sp_input *in, char **line, size_t *len,
               struct sp_err *err);

/* The number of the line last returned by input_line (1-based). */
uint64_t input_lineno(const struct sp_input *in);

/* Raw bytes: up to cap bytes into buf; returns the count, 0 at end of file,
 * -1 on error. Do not mix with input_line on one input. */
long input_read(struct sp_input *in, void *buf, size_t cap, struct sp_err *err);

/* Bytes consumed from the underlying file so far (compressed size). */
uint64_t input_bytes_read(const struct sp_input *in);

#endif
