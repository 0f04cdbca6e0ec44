/* tests/unit/export_fixture.h: the export tests' store with a writer open on
 * it, and export runs into a capturing output plugin. No export rule. */
#ifndef SP_TEST_EXPORT_FIXTURE_H
#define SP_TEST_EXPORT_FIXTURE_H

#include <stddef.h>

#include "export/run.h"
#include "import/writer.h"
#include "store.h"
#include "util/buf.h"

/* A completion's metadata whose one output message is %s. */
#define EFX_DOC_OK                                                             \
    "{\"type\":\"completion\",\"input\":[{\"role\":\"user\",\"content\":"      \
    "\"q\"}],\"output\":[{\"role\":\"assistant\",\"content\":\"%s\"}]}"

extern struct store *efx_store;    /* fixture.c's temp store */
extern struct writer *efx_writer;  /* a transaction on it (efx_commit) */
extern struct sp_buf efx_captured; /* one "TRACE:SPAN|output" line per row */

/* cmocka setup and teardown: *state is fixture.c's struct fx. */
int efx_setup(void **state);
int efx_teardown(void **state);

/* Commits the spans put so far and begins the next transaction. */
void efx_commit(void);
/* Workspace 1, all of time, everything the store holds. */
struct export_request efx_request(void);
/* Exports req into efx_captured (emptied first); fails the test on error. */
struct export_stats efx_run(const struct export_request *req);
/* v as `digits` lowercase hex digits, zero-padded, into out[digits + 1]. */
void efx_hex(char *out, size_t digits, unsigned long long v);

#endif
