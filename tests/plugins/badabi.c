/* tests/plugins/badabi.c: an output plugin built for a future plugin ABI.
 * The host must refuse it with a message naming both ABI versions. */
#include "spanport-plugin.h"

static int never(void)
{
    return SP_ERROR;
}

SP_PLUGIN_EXPORT const struct sp_output_plugin spanport_output_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION + 1,
    .struct_size = sizeof(struct sp_output_plugin),
    .name = "badabi",
    .open = (int (*)(void **, int, const struct sp_output_info *, char *,
                     size_t))never,
    .write_row = (int (*)(void *, const struct sp_row *, char *, size_t))never,
    .close = (int (*)(void *, int, char *, size_t))never,
};
