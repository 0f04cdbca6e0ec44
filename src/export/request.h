/* export/request.h: builds and validates an export request from option
 * values (cli.md): keys, UUIDs, times, lists as JSON arrays, modes and
 * their conflicts. Knows struct export_request; nothing of SQL or output. */
#ifndef SP_REQUEST_H
#define SP_REQUEST_H

#include <cjson/cJSON.h>

#include "export/export.h"
#include "util/err.h"

#define REQUEST_MAX_OPTIONS 32

struct export_args {
    struct export_request req; /* filled by export_args_finish */
    int has_workspace;
    const char *format; /* output plugin name, "csv" by default */
    const char *output; /* -o PATH, or NULL */
    int wait;
    int all;
    int has_except, has_only; /* --except*, --only* or --conversation given */
    struct sp_option options[REQUEST_MAX_OPTIONS];
    size_t n_options;
    /* Lists as they are collected; finish prints them into the request. */
    cJSON *commits, *experiments, *test_deployments, *except_keys, *only_keys,
        *conversations;
    cJSON *notify; /* "PLUGIN:TARGET" strings from --notify */
    char *json[6]; /* the printed lists, owned */
    char *option_text[REQUEST_MAX_OPTIONS]; /* owned copies of NAME=VALUE */
    char *document;
};

void export_args_init(struct export_args *a);
void export_args_free(struct export_args *a);

/* Takes one option by its getopt code (see cmd_export.c) and value. */
int export_args_add(struct export_args *a, int code, const char *value,
                    struct sp_err *err);

/* Checks conflicts and fills a->req. */
int export_args_finish(struct export_args *a, struct sp_err *err);

/* Reads a key file: one TRACE_ID:SPAN_ID per line, blank lines and lines
 * starting with # ignored; appends to list. Errors name FILE:LINE. */
int request_read_key_file(const char *path, cJSON *list, struct sp_err *err);

/* The request as JSON for the export record, and back: everything a worker
 * needs to run the same export later (filters, selection, rows, format,
 * options, notification targets). Times and ids travel as strings so no
 * digit is lost. */
char *request_to_json(const struct export_args *a); /* malloc'd, or NULL */
int request_from_json(const char *json, struct export_args *a,
                      struct sp_err *err);
#endif
