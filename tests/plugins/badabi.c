/* tests/plugins/badabi.c: an output plugin built for a future plugin ABI.
 * The host must refuse it with a message naming both ABI versions. */
#include <stdio.h>

#include "spanport-plugin.h"

static int bad_open(void **state, int fd, const struct sp_output_info *info,
                    char *err, size_t errlen)
{
    (void)state, (void)fd, (void)info;
    snprintf(err, errlen, "badabi: must never be called");
    return SP_ERROR;
}

static int bad_write_row(void *state, const struct sp_row *row, char *err,
                         size_t errlen)
{
    (void)state, (void)row;
    snprintf(err, errlen, "badabi: must never be called");
    return SP_ERROR;
}

static int bad_close(void *state, int abandon, char *err, size_t errlen)
{
    (void)state, (void)abandon;
    snprintf(err, errlen, "badabi: must never be called");
    return SP_ERROR;
}

SP_PLUGIN_EXPORT const struct sp_output_plugin spanport_output_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION + 1,
    .struct_size = sizeof(struct sp_output_plugin),
    .name = "badabi",
    .open = bad_open,
    .write_row = bad_write_row,
    .close = bad_close,
};
