/* cmd_info.c: `spanport stats` and `spanport plugins list`: what the store
 * holds and which plugins the plugin path offers. Read-only commands. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "plugin.h"
#include "util/time.h"

static int64_t query_i64(struct store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int64_t v = 0;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static cJSON *rows_as_json(struct store *st, const char *sql, int as_object)
{
    cJSON *out = as_object ? cJSON_CreateObject() : cJSON_CreateArray();
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (as_object)
            cJSON_AddNumberToObject(out,
                                    (const char *)sqlite3_column_text(s, 0),
                                    (double)sqlite3_column_int64(s, 1));
        else
            cJSON_AddItemToArray(
                out, cJSON_CreateNumber((double)sqlite3_column_int64(s, 0)));
    }
    sqlite3_finalize(s);
    return out;
}

static void add_time(cJSON *doc, const char *key, struct store *st,
                     const char *sql, int64_t n_spans)
{
    char text[SP_TIME_RFC3339_LEN];

    if (n_spans == 0) {
        cJSON_AddNullToObject(doc, key);
        return;
    }
    sp_time_format_rfc3339(query_i64(st, sql), text);
    cJSON_AddStringToObject(doc, key, text);
}

static cJSON *stats_json(struct store *st)
{
    cJSON *doc = cJSON_CreateObject();
    int64_t spans = query_i64(st, "SELECT count(*) FROM spans");

    cJSON_AddNumberToObject(doc, "spans", (double)spans);
    cJSON_AddNumberToObject(
        doc, "traces",
        (double)query_i64(st, "SELECT count(DISTINCT trace_id) FROM spans"));
    cJSON_AddItemToObject(
        doc, "by_type",
        rows_as_json(st,
                     "SELECT type, count(*) FROM spans GROUP BY type"
                     " ORDER BY type",
                     1));
    cJSON_AddItemToObject(doc, "workspaces",
                          rows_as_json(st,
                                       "SELECT DISTINCT workspace_id FROM spans"
                                       " ORDER BY workspace_id",
                                       0));
    add_time(doc, "first_started_at", st,
             "SELECT min(started_at_ns) FROM spans", spans);
    add_time(doc, "last_started_at", st, "SELECT max(started_at_ns) FROM spans",
             spans);
    cJSON_AddNumberToObject(
        doc, "bytes",
        (double)query_i64(st, "SELECT page_count * page_size"
                              " FROM pragma_page_count, pragma_page_size"));
    return doc;
}

static void print_stats_text(const cJSON *doc)
{
    const cJSON *item;

    printf("spans:       %.0f\n",
           cJSON_GetObjectItem(doc, "spans")->valuedouble);
    printf("traces:      %.0f\n",
           cJSON_GetObjectItem(doc, "traces")->valuedouble);
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "by_type"))
        printf("  %-18s %.0f\n", item->string, item->valuedouble);
    printf("workspaces: ");
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "workspaces"))
        printf(" %.0f", item->valuedouble);
    item = cJSON_GetObjectItem(doc, "first_started_at");
    printf("\nfirst span:  %s\n",
           cJSON_IsString(item) ? item->valuestring : "-");
    item = cJSON_GetObjectItem(doc, "last_started_at");
    printf("last span:   %s\n", cJSON_IsString(item) ? item->valuestring : "-");
    printf("store size:  %.0f bytes\n",
           cJSON_GetObjectItem(doc, "bytes")->valuedouble);
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct store *st = NULL;
    cJSON *doc;
    int rc;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: spanport stats\n\nSpans per type and workspace, "
             "traces, date range and store size.");
        return 0;
    }
    if (argc > 1)
        return cli_usage("stats", "unexpected argument \"%s\"", argv[1]);
    if ((rc = cli_open_store(cli, &st, 0)) != 0)
        return rc;
    doc = stats_json(st);
    store_close(st);
    if (cli->json)
        return cli_print_json(doc);
    print_stats_text(doc);
    cJSON_Delete(doc);
    return 0;
}

struct plugin_listing {
    int json;
    cJSON *list;
};

static void list_one(void *arg, const char *path, const struct plugin *p,
                     const char *refused, int shadowed)
{
    struct plugin_listing *l = arg;
    const char *name =
        p ? (p->kind == PLUGIN_OUTPUT ? p->d.output.name : p->d.notifier.name)
          : NULL;
    const char *version = p ? (p->kind == PLUGIN_OUTPUT ? p->d.output.version
                                                        : p->d.notifier.version)
                            : NULL;
    const char *kind =
        p ? (p->kind == PLUGIN_OUTPUT ? "output" : "notifier") : NULL;

    if (!l->json) {
        if (p)
            printf("%-10s %-9s %-6s %s%s\n", name, kind,
                   version ? version : "-", path,
                   shadowed ? " (shadowed by an earlier one)" : "");
        else
            printf("refused    %s: %s\n", path, refused);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", path);
    if (p) {
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "kind", kind);
        cJSON_AddStringToObject(o, "version", version ? version : "");
        cJSON_AddBoolToObject(o, "shadowed", shadowed);
    } else {
        cJSON_AddStringToObject(o, "refused", refused);
    }
    cJSON_AddItemToArray(l->list, o);
}

int cmd_plugins(struct cli *cli, int argc, char **argv)
{
    struct plugin_listing l = {.json = cli->json};

    if (argc < 2 || strcmp(argv[1], "list") != 0 || argc > 2) {
        if (argc > 1 && (strcmp(argv[argc - 1], "--help") == 0 ||
                         strcmp(argv[argc - 1], "-h") == 0)) {
            puts("usage: spanport plugins list\n\nEvery plugin in the "
                 "plugin path ($SPANPORT_PLUGIN_PATH, then the installed\n"
                 "directory), its kind and version, and why any candidate "
                 "was refused.");
            return 0;
        }
        return cli_usage("plugins", "expected `plugins list`");
    }
    if (l.json)
        l.list = cJSON_CreateArray();
    else
        printf("plugin path: %s\n", plugin_search_path());
    plugin_scan(list_one, &l);
    if (l.json) {
        cJSON *doc = cJSON_CreateObject();

        cJSON_AddStringToObject(doc, "path", plugin_search_path());
        cJSON_AddItemToObject(doc, "plugins", l.list);
        return cli_print_json(doc);
    }
    return 0;
}
