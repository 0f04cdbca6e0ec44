/* plugins/ndjson/ndjson.c: the built-in ndjson output plugin (export.md §7,
 * §9): one compact JSON object per row and line, escaped as JSON.stringify
 * does. Knows only spanport-plugin.h and cJSON; the host owns the file.
 * cJSON's string escaping is JSON.stringify's: ", \ and C0 controls only,
 * non-ASCII and U+2028/2029 as they are; numbers go in as raw text. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "spanport-plugin.h"

struct ndjson_state {
    FILE *fp;
    const char *const *keys; /* the column names, kept by the host */
    size_t n_keys;
};

static int ndjson_fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "ndjson: %s: %s", what, strerror(errno));
    return SP_ERROR;
}

static int ndjson_open(void **state, int fd, const struct sp_output_info *in,
                       char *err, size_t errlen)
{
    struct ndjson_state *ns;

    if (in->n_options > 0) {
        snprintf(err, errlen, "ndjson: unknown option \"%s\" (it has none)",
                 in->options[0].name);
        return SP_ERROR;
    }
    ns = calloc(1, sizeof(*ns));
    if (!ns)
        return ndjson_fail(err, errlen, "cannot start");
    ns->fp = fdopen(fd, "w");
    if (!ns->fp) {
        free(ns);
        return ndjson_fail(err, errlen, "cannot open the output");
    }
    setvbuf(ns->fp, NULL, _IOFBF, 1u << 20);
    ns->keys = in->columns;
    ns->n_keys = in->n_columns;
    *state = ns;
    return SP_OK;
}

/* The row as a cJSON object: strings copied, numbers as their digits. */
static cJSON *row_object(const struct ndjson_state *ns,
                         const struct sp_row *row)
{
    cJSON *obj = cJSON_CreateObject();
    size_t i;

    for (i = 0; obj && i < row->n_values && i < ns->n_keys; i++) {
        const struct sp_value *v = &row->values[i];
        cJSON *item = v->type == SP_VALUE_STRING ? cJSON_CreateString(v->text)
                                                 : cJSON_CreateRaw(v->text);

        if (!item || !cJSON_AddItemToObject(obj, ns->keys[i], item)) {
            cJSON_Delete(item);
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}

static int ndjson_write_row(void *state, const struct sp_row *row, char *err,
                            size_t errlen)
{
    struct ndjson_state *ns = state;
    cJSON *obj = row_object(ns, row);
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
    int rc = SP_OK;

    if (!text) {
        snprintf(err, errlen, "ndjson: out of memory");
        rc = SP_ERROR;
    } else if (fputs(text, ns->fp) < 0 || fputc('\n', ns->fp) < 0) {
        rc = ndjson_fail(err, errlen, "write failed");
    }
    cJSON_free(text);
    cJSON_Delete(obj);
    return rc;
}

static int ndjson_close(void *state, int abandon, char *err, size_t errlen)
{
    struct ndjson_state *ns = state;
    int rc = fclose(ns->fp);

    free(ns);
    if (rc != 0 && !abandon)
        return ndjson_fail(err, errlen, "flush failed");
    return SP_OK;
}

SP_PLUGIN_EXPORT const struct sp_output_plugin spanport_output_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(struct sp_output_plugin),
    .name = "ndjson",
    .version = "1.0",
    .extension = "ndjson",
    .description = "one JSON object per row and line",
    .open = ndjson_open,
    .write_row = ndjson_write_row,
    .close = ndjson_close,
};
