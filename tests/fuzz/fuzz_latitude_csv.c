/* tests/fuzz/fuzz_latitude_csv.c: feeds any bytes to the latitude-csv
 * reader (dumps.md §2) and its sniffer. Knows fuzz.h and latitude_dump.h. */
#include "fuzz.h"
#include "import/latitude_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    latitude_csv_sniff((const char *)data, size);
    fuzz_import(data, size, IMPORT_LATITUDE_CSV);
    return 0;
}
