/* util/err.c: fills struct sp_err and maps its kinds to exit codes.
 * Never prints: only cmd_*.c and main.c write errors to stderr. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sp_err_set(struct sp_err *err, enum sp_err_kind kind, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    err->kind = kind;
    err->busy = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

void sp_err_prefix(struct sp_err *err, const char *fmt, ...)
{
    char prefix[256];
    char old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
        err->msg[0] = '\0'; /* truncation is fine: the message stays one line */
}

int sp_err_exit_code(enum sp_err_kind kind)
{
    switch (kind) {
    case SP_ENONE: return 0;
    case SP_EUSAGE: return 2;
    case SP_EINPUT: return 3;
    case SP_ESTORE: return 4;
    case SP_EPLUGIN: return 5;
    case SP_EFAIL:
    case SP_ENOMEM: break;
    }
    return 1;
}
