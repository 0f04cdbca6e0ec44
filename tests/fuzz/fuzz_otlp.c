/* tests/fuzz/fuzz_otlp.c: feeds any bytes to the OTLP/JSON reader
 * (dumps.md §4) and its sniffer. Knows fuzz.h and otlp.h. */
#include "fuzz.h"
#include "import/otlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    otlp_sniff((const char *)data, size);
    fuzz_import(data, size, IMPORT_OTLP);
    return 0;
}
