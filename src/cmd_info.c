/* cmd_info.c: `spanport stats` and `spanport plugins list`: what the store
 * holds and which plugins the plugin path offers. Read-only commands. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "plugin.h"
#include "util/jsonw.h"
#include "util/time.h"

/* What `stats` reports, read in one go. */
struct stats {
    int64_t spans, traces, bytes, first_ns, last_ns;
    cJSON *by_type;    /* type -> count (exact integers) */
    cJSON *workspaces; /* ids (exact integers) */
};

static int query_i64(struct store *st, const char *sql, int64_t *v,
                     struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        *v = sqlite3_column_int64(s, 0);
        rc = 0;
    } else {
        store_fail(st, err, "reading the store's statistics");
    }
    sqlite3_finalize(s);
    return rc;
}

/* Rows of (key, count) into an object, or of (id) into an array. */
static cJSON *rows_as_json(struct store *st, const char *sql, int as_object,
                           struct sp_err *err)
{
    cJSON *out = as_object ? cJSON_CreateObject() : cJSON_CreateArray();
    sqlite3_stmt *s = NULL;
    int rc = SQLITE_ERROR;

    if (out && sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (as_object)
                jsonw_add_int(out, (const char *)sqlite3_column_text(s, 0),
                              sqlite3_column_int64(s, 1));
            else
                cJSON_AddItemToArray(out,
                                     jsonw_int(sqlite3_column_int64(s, 0)));
        }
    }
    if (rc != SQLITE_DONE) {
        store_fail(st, err, "reading the store's statistics");
        cJSON_Delete(out);
        out = NULL;
    }
    sqlite3_finalize(s);
    return out;
}

static int stats_read(struct store *st, struct stats *t, struct sp_err *err)
{
    if (query_i64(st, "SELECT count(*) FROM spans", &t->spans, err) != 0 ||
        query_i64(st, "SELECT count(DISTINCT trace_id) FROM spans", &t->traces,
                  err) != 0 ||
        query_i64(st, "SELECT coalesce(min(started_at_ns), 0) FROM spans",
                  &t->first_ns, err) != 0 ||
        query_i64(st, "SELECT coalesce(max(started_at_ns), 0) FROM spans",
                  &t->last_ns, err) != 0 ||
        query_i64(st,
                  "SELECT page_count * page_size"
                  " FROM pragma_page_count, pragma_page_size",
                  &t->bytes, err) != 0)
        return -1;
    t->by_type = rows_as_json(st,
                              "SELECT type, count(*) FROM spans GROUP BY type"
                              " ORDER BY type",
                              1, err);
    if (!t->by_type)
        return -1;
    t->workspaces = rows_as_json(st,
                                 "SELECT DISTINCT workspace_id FROM spans"
                                 " ORDER BY workspace_id",
                                 0, err);
    return t->workspaces ? 0 : -1;
}

static void add_time(cJSON *doc, const char *key, int64_t ns, int64_t spans)
{
    char text[SP_TIME_RFC3339_LEN];

    if (spans == 0) {
        cJSON_AddNullToObject(doc, key);
        return;
    }
    sp_time_format_rfc3339(ns, text);
    cJSON_AddStringToObject(doc, key, text);
}

/* Takes over t's lists. */
static cJSON *stats_json(struct stats *t)
{
    cJSON *doc = cJSON_CreateObject();

    jsonw_add_int(doc, "spans", t->spans);
    jsonw_add_int(doc, "traces", t->traces);
    cJSON_AddItemToObject(doc, "by_type", t->by_type);
    cJSON_AddItemToObject(doc, "workspaces", t->workspaces);
    t->by_type = t->workspaces = NULL;
    add_time(doc, "first_started_at", t->first_ns, t->spans);
    add_time(doc, "last_started_at", t->last_ns, t->spans);
    jsonw_add_int(doc, "bytes", t->bytes);
    return doc;
}

static void print_stats_text(const struct stats *t)
{
    char first[SP_TIME_RFC3339_LEN] = "-", last[SP_TIME_RFC3339_LEN] = "-";
    const cJSON *item;

    printf("spans:       %" PRId64 "\n", t->spans);
    printf("traces:      %" PRId64 "\n", t->traces);
    cJSON_ArrayForEach(item, t->by_type)
        printf("  %-18s %s\n", item->string, item->valuestring);
    printf("workspaces: ");
    cJSON_ArrayForEach(item, t->workspaces) printf(" %s", item->valuestring);
    if (t->spans > 0) {
        sp_time_format_rfc3339(t->first_ns, first);
        sp_time_format_rfc3339(t->last_ns, last);
    }
    printf("\nfirst span:  %s\n", first);
    printf("last span:   %s\n", last);
    printf("store size:  %" PRId64 " bytes\n", t->bytes);
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct store *st = NULL;
    struct stats t = {0};
    struct sp_err err = {0};
    int rc;

    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: spanport stats\n\nSpans per type and workspace, "
             "traces, date range and store size.");
        return 0;
    }
    if (argc > 1)
        return cli_usage("stats", "unexpected argument \"%s\"", argv[1]);
    if ((rc = cli_open_store(cli, &st, STORE_MUST_EXIST)) != 0)
        return rc;
    /* One read transaction: one snapshot of a store an import may be
     * writing to, so that by_type adds up to spans. */
    if (store_exec(st, "BEGIN", &err) != 0 || stats_read(st, &t, &err) != 0) {
        rc = cli_fail(&err);
    } else if (cli->json) {
        rc = cli_print_json(stats_json(&t));
    } else {
        print_stats_text(&t);
    }
    store_rollback(st); /* nothing was written */
    cJSON_Delete(t.by_type);
    cJSON_Delete(t.workspaces);
    store_close(st);
    return rc;
}

struct plugin_listing {
    int json;
    cJSON *list;
    int n_found; /* plugins that loaded, refused ones not counted */
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

    if (p)
        l->n_found++;
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
    if (!l.json && l.n_found == 0)
        puts("no output or notifier plugin found: set SPANPORT_PLUGIN_PATH "
             "to the directory that holds csv.so, ndjson.so, smtp.so and "
             "webhook.so (several directories: separate them with ':')");
    if (l.json) {
        cJSON *doc = cJSON_CreateObject();

        cJSON_AddStringToObject(doc, "path", plugin_search_path());
        cJSON_AddItemToObject(doc, "plugins", l.list);
        return cli_print_json(doc);
    }
    return 0;
}
