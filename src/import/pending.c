/* import/pending.c: placeholder entry points for readers under construction. */
#include "import/import.h"
#define PENDING(fn) int fn(struct import_ctx *ctx, struct sp_err *err) { (void)ctx; return sp_err_set(err, SP_EFAIL, #fn " is not built"); }
PENDING(read_otlp)
