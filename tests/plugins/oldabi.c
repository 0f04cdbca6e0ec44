/* tests/plugins/oldabi.c: an output plugin whose descriptor is smaller than
 * the host's (built against an older header of ABI 1, without the members
 * appended since). The host must load it and treat the rest as NULL. */
#include <stdio.h>
#include <unistd.h>

#include "spanport-plugin.h"

/* The ABI 1 descriptor as the first header declared it, before
 * options_help was appended; the host must not read past struct_size. */
struct old_output_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name;
    const char *version;
    const char *extension;
    const char *description;
    int (*open)(void **, int, const struct sp_output_info *, char *, size_t);
    int (*write_row)(void *, const struct sp_row *, char *, size_t);
    int (*close)(void *, int, char *, size_t);
};

static int old_open(void **state, int fd, const struct sp_output_info *info,
                    char *err, size_t errlen)
{
    (void)info, (void)err, (void)errlen;
    *state = (void *)(long)fd;
    return SP_OK;
}

static int old_write_row(void *state, const struct sp_row *row, char *err,
                         size_t errlen)
{
    int fd = (int)(long)state;

    (void)err, (void)errlen;
    if (row->n_values > 2)
        dprintf(fd, "%.*s\n", (int)row->values[2].len, row->values[2].text);
    return SP_OK;
}

static int old_close(void *state, int abandon, char *err, size_t errlen)
{
    (void)abandon, (void)err, (void)errlen;
    close((int)(long)state);
    return SP_OK;
}

SP_PLUGIN_EXPORT const struct old_output_plugin spanport_output_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(struct old_output_plugin),
    .name = "oldabi",
    .version = "0.1",
    .extension = "txt",
    .open = old_open,
    .write_row = old_write_row,
    .close = old_close,
};
