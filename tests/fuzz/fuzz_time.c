/* tests/fuzz/fuzz_time.c: feeds any bytes to sp_time_parse under every
 * flag, and checks that what it accepts formats and parses back to itself.
 * Knows util/time.h only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/time.h"

/* Every value the parser accepts is within int64 nanoseconds, which RFC
 * 3339 text (years 1677-2262) holds exactly. */
static void check_round_trip(int64_t ns)
{
    char text[SP_TIME_RFC3339_LEN];
    int64_t again = 0;

    sp_time_format_rfc3339(ns, text);
    if (strlen(text) != 30 || sp_time_parse(text, 30, 0, &again) != 0 ||
        again != ns) {
        fprintf(stderr, "fuzz_time: %lld formats as %s, parsed as %lld\n",
                (long long)ns, text, (long long)again);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int flag_sets[] = {0, SP_TIME_EPOCH_MS, SP_TIME_END_OF_DAY,
                                    SP_TIME_EPOCH_MS | SP_TIME_END_OF_DAY};
    size_t i;
    int64_t ns;

    for (i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++)
        if (sp_time_parse((const char *)data, size, flag_sets[i], &ns) == 0)
            check_round_trip(ns);
    return 0;
}
