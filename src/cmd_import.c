/* cmd_import.c: `spanport import`: options, one import per file, the
 * summary (text or --json) and the exit code of cli.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "import/import.h"

static const char IMPORT_HELP[] =
    "usage: spanport import [--format auto|latitude-ndjson|latitude-csv|\n"
    "                        latitude-pgdump|otlp] [--metadata-dir DIR]\n"
    "                       [--workspace ID] [--strict] FILE...\n"
    "\n"
    "Imports span dumps into the store, one transaction per file; `-` reads\n"
    "standard input, .gz files are decompressed. Re-importing a span\n"
    "replaces it. Bad records are reported as FILE:LINE and skipped;\n"
    "--strict stops at the first one instead (exit 3, nothing of that file\n"
    "kept).\n"
    "\n"
    "--workspace ID  the workspace (a positive integer, default 1) of the\n"
    "                spans of OTLP files; Latitude formats are not given\n"
    "                one: their rows carry their own workspace_id.\n";

static void print_report(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "%s\n", line);
}

struct refusal {
    char *file;
    char *reason;
};

/* The object store's tree starts at workspaces/: a directory without it
 * (one level too deep or too shallow) would give no span its metadata. */
static int check_metadata_dir(const char *dir)
{
    char sub[4096];
    struct stat sb;

    if (!dir)
        return 0;
    if (stat(dir, &sb) != 0)
        return cli_usage("import", "--metadata-dir %s: %s", dir,
                         strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return cli_usage("import", "--metadata-dir %s is not a directory", dir);
    snprintf(sub, sizeof(sub), "%s/workspaces", dir);
    if (stat(sub, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return cli_usage("import",
                         "--metadata-dir %s holds no workspaces/ directory; "
                         "give the directory that holds workspaces/ (the "
                         "bucket's root)",
                         dir);
    return 0;
}

/* Digits only, 1 to INT64_MAX: strtoll alone takes signs, blanks, and
 * clamps what does not fit. */
static int parse_workspace(const char *v, struct import_opts *o)
{
    char *end;
    long long n;

    if (*v < '0' || *v > '9')
        return -1;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (*end != '\0' || errno != 0 || n <= 0)
        return -1;
    o->workspace_id = n;
    o->workspace_given = 1;
    return 0;
}

static int parse_options(int argc, char **argv, struct import_opts *o)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"metadata-dir", required_argument, NULL, 'm'},
        {"workspace", required_argument, NULL, 'w'},
        {"strict", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, stdin_named;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (import_format_parse(optarg, &o->format) != 0)
                return cli_usage("import", "unknown format \"%s\"", optarg);
            break;
        case 'm': o->metadata_dir = optarg; break;
        case 'w':
            if (parse_workspace(optarg, o) != 0)
                return cli_usage("import",
                                 "--workspace \"%.60s\" is not a positive "
                                 "64-bit integer (a workspace id)",
                                 optarg);
            break;
        case 's': o->strict = 1; break;
        case 'h': fputs(IMPORT_HELP, stdout); exit(0);
        default: return cli_usage("import", "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage("import", "no dump file given");
    for (c = optind, stdin_named = 0; c < argc; c++)
        if (strcmp(argv[c], "-") == 0 && stdin_named++)
            return cli_usage("import", "- (standard input) can be read "
                                       "only once");
    return check_metadata_dir(o->metadata_dir);
}

/* How the files fared: only committed files count as imported. */
struct outcome {
    uint64_t imported;       /* files read and committed */
    const char *rolled_back; /* the file a --strict stop or store failure
                                rolled back, or NULL */
    size_t not_read;         /* files after it */
};

static void print_text_summary(const struct import_summary *s,
                               const struct outcome *o)
{
    char tail[4200] = "";

    if (o->rolled_back)
        snprintf(tail, sizeof(tail), "; %s rolled back, %zu file%s not read",
                 o->rolled_back, o->not_read, o->not_read == 1 ? "" : "s");
    fprintf(stderr,
            "imported %llu file%s: %llu spans inserted, %llu replaced, %llu "
            "records skipped, %llu warnings, %llu files refused%s\n",
            (unsigned long long)o->imported, o->imported == 1 ? "" : "s",
            (unsigned long long)s->inserted, (unsigned long long)s->replaced,
            (unsigned long long)s->skipped, (unsigned long long)s->warnings,
            (unsigned long long)s->refused, tail);
}

static void print_summary(const struct cli *cli, const struct import_summary *s,
                          const struct outcome *o,
                          const struct refusal *refused, size_t n_refused)
{
    cJSON *doc, *list;
    size_t i;

    if (!cli->json) {
        if (!cli->quiet)
            print_text_summary(s, o);
        return;
    }
    doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "files", (double)s->files);
    cJSON_AddNumberToObject(doc, "inserted", (double)s->inserted);
    cJSON_AddNumberToObject(doc, "replaced", (double)s->replaced);
    cJSON_AddNumberToObject(doc, "skipped", (double)s->skipped);
    cJSON_AddNumberToObject(doc, "warnings", (double)s->warnings);
    list = cJSON_AddArrayToObject(doc, "refused");
    for (i = 0; i < n_refused; i++) {
        cJSON *r = cJSON_CreateObject();

        cJSON_AddStringToObject(r, "file", refused[i].file);
        cJSON_AddStringToObject(r, "reason", refused[i].reason);
        cJSON_AddItemToArray(list, r);
    }
    cJSON_AddNumberToObject(doc, "without_metadata",
                            (double)s->without_metadata);
    cJSON_AddNumberToObject(doc, "imported_files", (double)o->imported);
    if (o->rolled_back)
        cJSON_AddStringToObject(doc, "rolled_back", o->rolled_back);
    cJSON_AddNumberToObject(doc, "not_read", (double)o->not_read);
    cli_print_json(doc);
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
    struct import_opts opts = {.workspace_id = 1, .report = print_report};
    struct import_summary sum = {0};
    struct outcome out = {0};
    struct refusal *refused = NULL;
    struct store *st = NULL;
    size_t n_refused = 0, i;
    int rc, exit_code = 0;

    if ((rc = parse_options(argc, argv, &opts)) != 0)
        return rc;
    if ((rc = cli_open_store(cli, &st, 0)) != 0)
        return rc;
    refused = calloc((size_t)(argc - optind), sizeof(*refused));
    for (i = (size_t)optind; refused && i < (size_t)argc; i++) {
        struct sp_err err = {0};

        sum.files++;
        if (import_file(st, argv[i], &opts, &sum, &err) == 0) {
            out.imported++;
            continue;
        }
        if (err.kind == SP_EINPUT || err.kind == SP_ESTORE ||
            err.kind == SP_ENOMEM) { /* --strict stop, or the store broke */
            exit_code = cli_fail(&err);
            out.rolled_back = argv[i];
            out.not_read = (size_t)argc - i - 1;
            if (!cli->quiet && !cli->json)
                fprintf(stderr,
                        "spanport: %s was rolled back; files before it: "
                        "%llu imported, %zu refused; after it: %zu, not "
                        "read\n",
                        argv[i], (unsigned long long)out.imported, n_refused,
                        out.not_read);
            break;
        }
        fprintf(stderr, "spanport: %s\n", err.msg);
        sum.refused++;
        refused[n_refused].file = argv[i];
        refused[n_refused++].reason = strdup(err.msg);
        exit_code = 1;
    }
    print_summary(cli, &sum, &out, refused, n_refused);
    for (i = 0; i < n_refused; i++)
        free(refused[i].reason);
    free(refused);
    store_close(st);
    return exit_code;
}
