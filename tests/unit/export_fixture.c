/* tests/unit/export_fixture.c: the export tests' store with a writer open on
 * it, and export runs into a capturing output plugin. No export rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_fixture.h"
#include "fixture.h"

struct store *efx_store;
struct writer *efx_writer;
struct sp_buf efx_captured;

/* ---- a capturing output plugin, no dlopen needed ---------------------- */

static int cap_open(void **state, int fd, const struct sp_output_info *info,
                    char *err, size_t errlen)
{
    (void)info, (void)err, (void)errlen;
    close(fd);
    *state = &efx_captured;
    return SP_OK;
}

static int cap_write(void *state, const struct sp_row *row, char *err,
                     size_t errlen)
{
    (void)err, (void)errlen;
    sp_buf_printf(state, "%s:%s|%s\n", row->values[3].text, row->values[2].text,
                  row->values[1].text);
    return SP_OK;
}

static int cap_close(void *state, int abandon, char *err, size_t errlen)
{
    (void)state, (void)abandon, (void)err, (void)errlen;
    return SP_OK;
}

static struct plugin capture = {
    .kind = PLUGIN_OUTPUT,
    .path = (char *)"capture",
    .d.output = {.abi_version = SP_PLUGIN_ABI_VERSION,
                 .struct_size = sizeof(struct sp_output_plugin),
                 .name = "capture",
                 .open = cap_open,
                 .write_row = cap_write,
                 .close = cap_close},
};

/* ---- the store -------------------------------------------------------- */

int efx_setup(void **state)
{
    struct sp_err err = {0};
    struct fx *f;

    if (fx_setup(state) != 0)
        return -1;
    f = *state;
    efx_store = f->st;
    if (writer_new(&efx_writer, efx_store, &err) != 0)
        return -1;
    sp_buf_init(&efx_captured, 0);
    return writer_begin(efx_writer, "test", "test", &err);
}

int efx_teardown(void **state)
{
    writer_rollback(efx_writer);
    writer_free(efx_writer);
    efx_writer = NULL;
    efx_store = NULL;
    sp_buf_free(&efx_captured);
    return fx_teardown(state);
}

/* Commits what was put and opens the next transaction: queries then meet
 * the store as an import leaves it (a bulk load builds its indexes only
 * at commit). */
void efx_commit(void)
{
    struct sp_err err = {0};

    if (writer_commit(efx_writer, &err) != 0 ||
        writer_begin(efx_writer, "test", "test", &err) != 0)
        fail_msg("committing the test spans: %s", err.msg);
}

/* ---- running an export ------------------------------------------------ */

void efx_hex(char *out, size_t digits, unsigned long long v)
{
    snprintf(out, digits + 1, "%0*llx", (int)digits, v);
}

struct export_request efx_request(void)
{
    struct export_request r = {.workspace_id = 1,
                               .from_ns = INT64_MIN,
                               .to_ns = INT64_MAX,
                               .cutoff_seq = INT64_MAX};
    return r;
}

struct export_stats efx_run(const struct export_request *req)
{
    struct export_output out = {.plugin = &capture};
    struct export_stats stats = {0};
    struct sp_err err = {0};
    int fd = dup(STDERR_FILENO);

    efx_commit();
    sp_buf_reset(&efx_captured);
    if (export_write(efx_store, req, &out, fd, &stats, &err) != 0)
        fail_msg("export failed: %s", err.msg);
    return stats;
}
