/* tests/fuzz/fuzz.h: what the fuzz targets share: libFuzzer's entry point
 * and one import into a scratch store. Knows import.h; no format's details. */
#ifndef SP_FUZZ_H
#define SP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "import/import.h"

/* Each target defines it; libFuzzer's main or tests/fuzz/driver.c calls it
 * once per input. Returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Imports data[0..size) as fmt through import_file, as the CLI would, into
 * a store made on first use in a temporary directory (with a metadata tree
 * holding one document, for the archive readers) and emptied after each
 * import, so that every input meets the same store. The input may be
 * refused; what aborts is an import that breaks its promises: a failure
 * without a message, a transaction left open, a count of inserted spans
 * that is not what the store holds, an id that is not lowercase hex. */
void fuzz_import(const uint8_t *data, size_t size, enum import_format fmt);

/* The metadata tree's one document: workspace 1, this trace, this span. */
#define FUZZ_META_TRACE_ID "0123456789abcdef0123456789abcdef"
#define FUZZ_META_SPAN_ID "00000000000000a1"

#endif
