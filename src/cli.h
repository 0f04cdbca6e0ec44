/* cli.h: what every command shares: global options, opening the store,
 * printing errors and picking exit codes (cli.md). Only cmd_*.c and main.c
 * include it; nothing below the CLI prints. */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdio.h>

#include "store.h"
#include "util/err.h"

struct cli {
    const char *db_path; /* --db, $SPANPORT_DB, or ./spanport.db */
    int quiet;
    int json;
    int stderr_is_tty;
    int lock_timeout_ms; /* --lock-timeout, $SPANPORT_LOCK_TIMEOUT */
};

int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_worker(struct cli *cli, int argc, char **argv);
int cmd_exports(struct cli *cli, int argc, char **argv);
int cmd_plugins(struct cli *cli, int argc, char **argv);

/* Prints "spanport: MESSAGE" on stderr; returns the exit code for it. */
int cli_fail(const struct sp_err *err);
/* A usage error: prints the message and a hint; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Opens the store with the lock timeout; a long wait for the lock is told
 * on a terminal. */
int cli_open_store(const struct cli *cli, struct store **st, int flags);
/* "SECONDS" (fractions allowed, at most a day) as milliseconds, or -1. */
int cli_parse_seconds_ms(const char *text);
/* Whether progress may be drawn on stderr. */
int cli_progress_on(const struct cli *cli);
/* Prints a JSON document (cJSON *) on stdout and frees it. */
struct cJSON;
int cli_print_json(struct cJSON *doc);

#endif
