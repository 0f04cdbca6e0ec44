/* util/err.h: the error record every layer fills and only the CLI prints.
 * Knows nothing of commands or exit codes beyond the error kinds. */
#ifndef SP_ERR_H
#define SP_ERR_H

enum sp_err_kind {
    SP_ENONE = 0,
    SP_EUSAGE,  /* bad option or value: exit 2 */
    SP_EINPUT,  /* bad input data: exit 3 under --strict, else reported */
    SP_ESTORE,  /* cannot open, locked, corrupt store: exit 4 */
    SP_EPLUGIN, /* plugin not found or incompatible: exit 5 */
    SP_EFAIL,   /* the work failed (I/O, export failed): exit 1 */
    SP_ENOMEM,  /* out of memory: exit 1 */
};

struct sp_err {
    enum sp_err_kind kind;
    char msg[512]; /* one line: what failed, why, what to do */
    int busy;      /* SP_ESTORE: another process held the store's lock past
                      the lock timeout (worth trying again later) */
};

/* Sets kind and message; always returns -1 so callers can `return
 * sp_err_set(...)`. A NULL err is allowed and ignored. */
int sp_err_set(struct sp_err *err, enum sp_err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the current message with "PREFIX: " (e.g. a file name). */
void sp_err_prefix(struct sp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The process exit code of cli.md for an error kind. */
int sp_err_exit_code(enum sp_err_kind kind);

#endif
