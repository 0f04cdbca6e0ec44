/* tests/fuzz/fuzz_latitude_ndjson.c: feeds any bytes to the latitude-ndjson
 * reader (dumps.md §1) through import_file. Knows only fuzz.h. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_import(data, size, IMPORT_LATITUDE_NDJSON);
    return 0;
}
