/* spanport-plugin.h: the plugin ABI, the only header a plugin includes.
 * Installed for third-party plugins; knows nothing of the store or the CLI.
 *
 * A plugin is a shared object in the plugin path that exports exactly one
 * descriptor: `spanport_output_plugin` (struct sp_output_plugin) or
 * `spanport_notifier_plugin` (struct sp_notifier_plugin). Each descriptor
 * starts with abi_version and struct_size. The host refuses a descriptor of
 * another abi_version, and accepts a smaller struct_size (a plugin built
 * against an older header of the same ABI): callbacks are only ever
 * appended, and the host treats every member past struct_size as NULL.
 *
 * Every callback returns SP_OK, SP_RETRY (a transient failure: the host may
 * try again later) or SP_ERROR (permanent), and on failure writes one line
 * saying what went wrong into err (errlen bytes, always NUL-terminated).
 * All strings are UTF-8. Memory passed to a callback belongs to the host and
 * is valid only during the call. */
#ifndef SPANPORT_PLUGIN_H
#define SPANPORT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SP_PLUGIN_ABI_VERSION 1

#if defined(__GNUC__)
#define SP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SP_PLUGIN_EXPORT
#endif

enum sp_status {
    SP_OK = 0,
    SP_RETRY = 1,
    SP_ERROR = 2,
};

/* ---- output plugins: rows to a file -------------------------------- */

enum sp_value_type {
    SP_VALUE_STRING = 0,  /* text */
    SP_VALUE_INTEGER = 1, /* integer; text holds its decimal digits too */
    SP_VALUE_DECIMAL = 2, /* exact decimal number written as text ("0.0025") */
};

struct sp_value {
    int type;         /* enum sp_value_type */
    const char *text; /* never NULL; may hold NULs only if len says so */
    size_t len;       /* bytes of text */
    int64_t integer;  /* SP_VALUE_INTEGER only */
};

struct sp_row {
    const struct sp_value *values; /* n_values, in column order */
    size_t n_values;
};

struct sp_option {
    const char *name;  /* from --option NAME=VALUE */
    const char *value; /* "" for a bare --option NAME */
};

struct sp_output_info {
    const char *const *columns; /* n_columns names, in order */
    size_t n_columns;
    const struct sp_option *options; /* the user's --option list */
    size_t n_options;
};

struct sp_output_plugin {
    uint32_t abi_version;    /* SP_PLUGIN_ABI_VERSION */
    uint32_t struct_size;    /* sizeof(struct sp_output_plugin) */
    const char *name;        /* what --format names, e.g. "csv" */
    const char *version;     /* the plugin's own version */
    const char *extension;   /* file extension without the dot, "csv" */
    const char *description; /* one line for `spanport plugins list` */

    /* Starts a file. fd is open for writing at offset 0 (a temporary file
     * the host renames when the export is complete); on SP_OK the plugin
     * owns fd and must close it in close(). Unknown options are SP_ERROR. */
    int (*open)(void **state, int fd, const struct sp_output_info *info,
                char *err, size_t errlen);
    /* Writes one row. The header, if any, is the plugin's business. */
    int (*write_row)(void *state, const struct sp_row *row, char *err,
                     size_t errlen);
    /* Flushes and closes the file, frees state. Called exactly once after
     * a successful open, also when the export is abandoned (then `abandon`
     * is nonzero and the host deletes the file whatever close returns). */
    int (*close)(void *state, int abandon, char *err, size_t errlen);

    /* Appended in ABI 1.1; NULL in plugins built before. */
    const char *options_help; /* "NAME: what it does" lines, '\n'-separated */
};

/* ---- notifier plugins: tell someone an export is ready or failed ----- */

struct sp_event {
    const char *export_uuid;
    const char *state;      /* "ready" or "failed" */
    const char *format;     /* output plugin name */
    int64_t rows;           /* rows written */
    int64_t bytes;          /* size of the file; 0 when failed */
    const char *sha256;     /* hex digest of the file; "" when failed */
    const char *path;       /* absolute path of the file; "" when failed */
    const char *url;        /* download URL when one is configured, else "" */
    const char *error;      /* why it failed; "" when ready */
    const char *created_at; /* RFC 3339 UTC */
    const char *finished_at;
    const char *delivery_id; /* stable across retries of one delivery */
};

struct sp_notify_info {
    const char *target;          /* what follows "NAME:" in --notify */
    const char *config_json;     /* the plugin's section of the config file as
                                    JSON text ("{}" when absent); secrets from the
                                    environment are merged in by the host */
    int attempt;                 /* 1 for the first try */
    int64_t retry_after_seconds; /* out: a wait the target asked for, or 0 */
};

struct sp_notifier_plugin {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name; /* what --notify names, e.g. "smtp" */
    const char *version;
    const char *description;

    /* Checks a target and configuration when the export is requested, so
     * that a typo fails at once. May be NULL. */
    int (*check)(const struct sp_notify_info *info, char *err, size_t errlen);
    /* Delivers one event. SP_RETRY for a transient failure (server down,
     * 5xx, timeout); SP_ERROR when trying again cannot help. */
    int (*notify)(struct sp_notify_info *info, const struct sp_event *event,
                  char *err, size_t errlen);
};

#ifdef __cplusplus
}
#endif

#endif
