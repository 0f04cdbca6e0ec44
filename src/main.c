/* main.c: command dispatch only: global options, then one command family
 * per file (cmd_import.c, cmd_export.c, cmd_info.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "spanport-plugin.h"

static const struct {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *summary;
} commands[] = {
    {"import", cmd_import, "import span dumps into the store"},
    {"export", cmd_export, "export a dataset of spans through a plugin"},
    {"worker", cmd_worker, "run queued export jobs"},
    {"exports", cmd_exports, "list, show, cancel, retry, prune exports"},
    {"stats", cmd_stats, "spans per workspace and type, date range, size"},
    {"plugins", cmd_plugins, "list plugins and why any was refused"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
    size_t i;

    fputs("usage: spanport [--db PATH] [--quiet] [--json] COMMAND [ARGS]\n"
          "\n"
          "Turns archived LLM span dumps (Latitude, OpenTelemetry) into\n"
          "datasets, offline.\n\ncommands:\n",
          fp);
    for (i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs(
        "\noptions:\n"
        "  --db PATH   the store (default $SPANPORT_DB, else ./spanport.db);\n"
        "              `import` creates it, other commands need it to exist\n"
        "  --quiet     no progress or summaries on stderr\n"
        "  --lock-timeout SECONDS\n"
        "              how long to wait while another spanport holds the\n"
        "              store (default $SPANPORT_LOCK_TIMEOUT, else 60)\n"
        "  --json      machine-readable output on stdout\n"
        "  --version   print the version\n"
        "\n`spanport COMMAND --help` tells more about a command.\n",
        fp);
}

static int set_lock_timeout(struct cli *cli, const char *text, const char *what)
{
    cli->lock_timeout_ms = cli_parse_seconds_ms(text);
    if (cli->lock_timeout_ms >= 0)
        return 0;
    cli_usage(NULL, "%s takes seconds (0 to 86400), not \"%s\"", what, text);
    return -2;
}

/* --db PATH, --db=PATH, --lock-timeout S, --quiet, --json at argv[i]: how
 * many words it took (0: none of them); -2 after a usage message. */
static int take_global(struct cli *cli, int argc, char **argv, int i)
{
    if (strcmp(argv[i], "--lock-timeout") == 0) {
        if (i + 1 >= argc) {
            cli_usage(NULL, "--lock-timeout needs SECONDS");
            return -2;
        }
        return set_lock_timeout(cli, argv[i + 1], "--lock-timeout") ? -2 : 2;
    }
    if (strncmp(argv[i], "--lock-timeout=", 15) == 0)
        return set_lock_timeout(cli, argv[i] + 15, "--lock-timeout") ? -2 : 1;
    if (strcmp(argv[i], "--db") == 0) {
        if (i + 1 >= argc) {
            cli_usage(NULL, "--db needs the store's PATH");
            return -2;
        }
        cli->db_path = argv[i + 1];
        return 2;
    }
    if (strncmp(argv[i], "--db=", 5) == 0)
        cli->db_path = argv[i] + 5;
    else if (strcmp(argv[i], "--quiet") == 0)
        cli->quiet = 1;
    else if (strcmp(argv[i], "--json") == 0)
        cli->json = 1;
    else
        return 0;
    return 1;
}

/* The global options may also follow the command word (`stats --json`):
 * they are taken out of the command's arguments, up to a `--`. */
static int hoist_globals(struct cli *cli, int *argc, char **argv)
{
    int i, out = 1, used;

    for (i = 1; i < *argc && strcmp(argv[i], "--") != 0; i += used) {
        used = take_global(cli, *argc, argv, i);
        if (used < 0)
            return -1;
        if (used == 0) {
            argv[out++] = argv[i];
            used = 1;
        }
    }
    while (i < *argc)
        argv[out++] = argv[i++];
    argv[out] = NULL;
    *argc = out;
    return 0;
}

/* Global options come before the command word. */
static int parse_globals(struct cli *cli, int argc, char **argv, int *next)
{
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        int used = take_global(cli, argc, argv, i);

        if (used < 0)
            return 2;
        if (used > 0) {
            i += used - 1;
        } else if (strcmp(argv[i], "-q") == 0) {
            cli->quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("spanport %s (plugin ABI %d, store schema %d)\n",
                   PACKAGE_VERSION, SP_PLUGIN_ABI_VERSION,
                   STORE_SCHEMA_VERSION);
            exit(0);
        } else {
            return cli_usage(NULL, "unknown option %s", argv[i]);
        }
    }
    *next = i;
    return 0;
}

/* What a command printed must have reached its reader (a full disk, a
 * closed pipe): otherwise exit 1, like any failed work. */
static int flush_stdout(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "spanport: writing standard output: %s\n", strerror(errno));
    return rc ? rc : 1;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    const char *env_db = getenv("SPANPORT_DB");
    const char *env_lock = getenv("SPANPORT_LOCK_TIMEOUT");
    int first = 1;
    size_t i;

    cli.db_path = env_db && *env_db ? env_db : "spanport.db";
    cli.stderr_is_tty = isatty(STDERR_FILENO);
    cli.lock_timeout_ms = STORE_LOCK_TIMEOUT_MS;
    if (env_lock && *env_lock &&
        set_lock_timeout(&cli, env_lock, "SPANPORT_LOCK_TIMEOUT") != 0)
        return 2;
    if (parse_globals(&cli, argc, argv, &first) != 0)
        return 2;
    if (first >= argc) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[first], "help") == 0) {
        usage(stdout);
        return 0;
    }
    argc -= first;
    argv += first;
    if (hoist_globals(&cli, &argc, argv) != 0)
        return 2;
    for (i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[0], commands[i].name) == 0)
            return flush_stdout(commands[i].run(&cli, argc, argv));
    return cli_usage(NULL, "unknown command \"%s\"", argv[0]);
}
