/* cli.c: the helpers every command shares: store opening, error and usage
 * lines, JSON output. Knows the error kinds and exit codes of cli.md. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

int cli_fail(const struct sp_err *err)
{
    fprintf(stderr, "spanport: %s\n", err->msg[0] ? err->msg : "failed");
    return sp_err_exit_code(err->kind == SP_ENONE ? SP_EFAIL : err->kind);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("spanport: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; see `spanport %s%s--help`\n", cmd ? cmd : "",
            cmd ? " " : "");
    return 2;
}

int cli_parse_seconds_ms(const char *text)
{
    char *end;
    double s = strtod(text, &end);

    if (end == text || *end || !(s >= 0) || s > 86400)
        return -1;
    return (int)(s * 1000 + 0.5);
}

static void tell_waiting(void *arg, const char *path)
{
    const struct cli *cli = arg;

    if (cli_progress_on(cli))
        fprintf(stderr,
                "spanport: waiting for another spanport to release %s (up "
                "to %g s; --lock-timeout changes it)...\n",
                path, cli->lock_timeout_ms / 1000.0);
}

int cli_open_store(const struct cli *cli, struct store **st, int flags)
{
    struct sp_err err = {0};
    struct store_options o = {.flags = flags,
                              .lock_timeout_ms = cli->lock_timeout_ms,
                              .on_wait = tell_waiting,
                              .on_wait_arg = (void *)cli};

    if (store_open_with(st, cli->db_path, &o, &err) != 0)
        return cli_fail(&err);
    return 0;
}

int cli_progress_on(const struct cli *cli)
{
    return cli->stderr_is_tty && !cli->quiet;
}

int cli_print_json(cJSON *doc)
{
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    int rc = 0;

    if (!text) {
        fputs("spanport: out of memory\n", stderr);
        rc = 1;
    } else {
        puts(text);
    }
    cJSON_free(text);
    cJSON_Delete(doc);
    return rc;
}
