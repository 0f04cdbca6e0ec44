/* tests/fuzz/fuzz_latitude_pgdump.c: feeds any bytes to the latitude-pgdump
 * reader (dumps.md §2b) and its sniffer. Knows fuzz.h, latitude_dump.h. */
#include "fuzz.h"
#include "import/latitude_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    latitude_pgdump_sniff((const char *)data, size);
    fuzz_import(data, size, IMPORT_LATITUDE_PGDUMP);
    return 0;
}
