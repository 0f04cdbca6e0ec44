/* plugins/csv/csv.c: the built-in csv output plugin (export.md §6): a
 * header, then one record per row, quoted by libcsv only where needed.
 * Knows only spanport-plugin.h; the host owns the file's name and rename. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "spanport-plugin.h"

struct csv_state {
    FILE *fp;
    int crlf;          /* records end in \r\n */
    int formula_guard; /* prefix ' to fields that a spreadsheet evaluates */
    char *quoted;      /* csv_write's output, reused */
    size_t quoted_cap;
};

static int csv_fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "csv: %s: %s", what, strerror(errno));
    return SP_ERROR;
}

/* "bom", "bom=1", "bom=true", "bom=yes" turn an option on; "0", "false",
 * "no" turn it off. */
static int option_flag(const struct sp_option *o, int *flag, char *err,
                       size_t errlen)
{
    static const char *const on[] = {"", "1", "true", "yes", "on"};
    static const char *const off[] = {"0", "false", "no", "off"};
    size_t i;

    for (i = 0; i < sizeof(on) / sizeof(on[0]); i++)
        if (strcmp(o->value, on[i]) == 0)
            return *flag = 1, SP_OK;
    for (i = 0; i < sizeof(off) / sizeof(off[0]); i++)
        if (strcmp(o->value, off[i]) == 0)
            return *flag = 0, SP_OK;
    snprintf(err, errlen, "csv: option %s=%s: expected true or false", o->name,
             o->value);
    return SP_ERROR;
}

static int read_options(struct csv_state *cs, const struct sp_output_info *in,
                        int *bom, char *err, size_t errlen)
{
    size_t i;

    for (i = 0; i < in->n_options; i++) {
        const struct sp_option *o = &in->options[i];
        int *flag = strcmp(o->name, "bom") == 0             ? bom
                    : strcmp(o->name, "crlf") == 0          ? &cs->crlf
                    : strcmp(o->name, "formula-guard") == 0 ? &cs->formula_guard
                                                            : NULL;

        if (!flag) {
            snprintf(err, errlen,
                     "csv: unknown option \"%s\" (known: bom, crlf, "
                     "formula-guard)",
                     o->name);
            return SP_ERROR;
        }
        if (option_flag(o, flag, err, errlen) != SP_OK)
            return SP_ERROR;
    }
    return SP_OK;
}

/* export.md §6: quoted if and only if the field holds " , \n or \r. */
static int needs_quotes(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
            return 1;
    return 0;
}

static int write_quoted(struct csv_state *cs, const char *s, size_t len)
{
    size_t need = 2 * len + 2, n;

    if (need > cs->quoted_cap) {
        char *p = realloc(cs->quoted, need);

        if (!p)
            return -1;
        cs->quoted = p;
        cs->quoted_cap = need;
    }
    n = csv_write(cs->quoted, cs->quoted_cap, s, len);
    return fwrite(cs->quoted, 1, n, cs->fp) == n ? 0 : -1;
}

static int write_field(struct csv_state *cs, const char *s, size_t len)
{
    int guard =
        cs->formula_guard && len > 0 && strchr("=+-@\t\r", s[0]) != NULL;

    if (guard) { /* the guard is part of the field, then quoting applies */
        char *g = malloc(len + 1);
        int rc;

        if (!g)
            return -1;
        g[0] = '\'';
        memcpy(g + 1, s, len);
        rc = needs_quotes(g, len + 1)
                 ? write_quoted(cs, g, len + 1)
                 : (fwrite(g, 1, len + 1, cs->fp) == len + 1 ? 0 : -1);
        free(g);
        return rc;
    }
    if (needs_quotes(s, len))
        return write_quoted(cs, s, len);
    return len == 0 || fwrite(s, 1, len, cs->fp) == len ? 0 : -1;
}

static int end_record(struct csv_state *cs)
{
    return fputs(cs->crlf ? "\r\n" : "\n", cs->fp) < 0 ? -1 : 0;
}

static int csvout_open(void **state, int fd, const struct sp_output_info *in,
                       char *err, size_t errlen)
{
    struct csv_state *cs = calloc(1, sizeof(*cs));
    int bom = 0;
    size_t i;

    if (!cs)
        return csv_fail(err, errlen, "cannot start");
    if (read_options(cs, in, &bom, err, errlen) != SP_OK) {
        free(cs);
        return SP_ERROR;
    }
    cs->fp = fdopen(fd, "w");
    if (!cs->fp) {
        free(cs);
        return csv_fail(err, errlen, "cannot open the output");
    }
    setvbuf(cs->fp, NULL, _IOFBF, 1u << 20);
    if (bom && fputs("\xEF\xBB\xBF", cs->fp) < 0)
        goto fail;
    for (i = 0; i < in->n_columns; i++)
        if ((i && fputc(',', cs->fp) < 0) ||
            write_field(cs, in->columns[i], strlen(in->columns[i])) != 0)
            goto fail;
    if (end_record(cs) != 0)
        goto fail;
    *state = cs;
    return SP_OK;
fail:
    csv_fail(err, errlen, "cannot write the header");
    fclose(cs->fp);
    free(cs);
    return SP_ERROR;
}

static int csvout_write_row(void *state, const struct sp_row *row, char *err,
                            size_t errlen)
{
    struct csv_state *cs = state;
    size_t i;

    for (i = 0; i < row->n_values; i++) {
        const struct sp_value *v = &row->values[i];

        if ((i && fputc(',', cs->fp) < 0) ||
            write_field(cs, v->text, v->len) != 0)
            return csv_fail(err, errlen, "write failed");
    }
    if (end_record(cs) != 0)
        return csv_fail(err, errlen, "write failed");
    return SP_OK;
}

static int csvout_close(void *state, int abandon, char *err, size_t errlen)
{
    struct csv_state *cs = state;
    int rc = fclose(cs->fp);

    free(cs->quoted);
    free(cs);
    if (rc != 0 && !abandon)
        return csv_fail(err, errlen, "flush failed");
    return SP_OK;
}

SP_PLUGIN_EXPORT const struct sp_output_plugin spanport_output_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(struct sp_output_plugin),
    .name = "csv",
    .version = "1.0",
    .extension = "csv",
    .description = "comma-separated values (RFC 4180 quoting); options bom, "
                   "crlf, formula-guard",
    .open = csvout_open,
    .write_row = csvout_write_row,
    .close = csvout_close,
    .options_help = "bom: start the file with a UTF-8 byte order mark\n"
                    "crlf: end records with CR LF\n"
                    "formula-guard: prefix ' to fields starting with = + - "
                    "@ TAB or CR",
};
