/* export/summary.c: an export's counts in words, for people: row spans
 * considered and skipped by reason, and why no row resulted. Knows the
 * request, its counts and select; not the CLI, the queue or formats. */
#include "export/summary.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "export/select.h"
#include "util/time.h"

static void append(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *out, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(out);
    va_list ap;

    if (n + 1 >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(out + n, cap - n, fmt, ap);
    va_end(ap);
}

static const char *row_noun(const struct export_request *req)
{
    return req->rows == ROWS_TRACE        ? "root span"
           : req->rows == ROWS_COMPLETION ? "completion span"
                                          : "prompt span";
}

static uint64_t total_skipped(const struct export_stats *s)
{
    uint64_t n = 0;
    int i;

    for (i = 0; i < SKIP_COUNT; i++)
        n += s->skipped[i];
    return n;
}

void summary_counts(const struct export_request *req,
                    const struct export_stats *s, char *out, size_t cap)
{
    const char *sep = " (";
    int i;

    out[0] = '\0';
    append(out, cap, "%llu %s%s considered, %llu skipped",
           (unsigned long long)s->considered, row_noun(req),
           s->considered == 1 ? "" : "s", (unsigned long long)total_skipped(s));
    for (i = 0; i < SKIP_COUNT; i++) {
        if (s->skipped[i] == 0)
            continue;
        append(out, cap, "%s%s %llu", sep, export_skip_name(i),
               (unsigned long long)s->skipped[i]);
        sep = ", ";
    }
    append(out, cap, "%s, %llu warning%s", *sep == ',' ? ")" : "",
           (unsigned long long)s->warnings, s->warnings == 1 ? "" : "s");
}

/* Every considered span was skipped: why, in one phrase. */
static void all_skipped(const struct export_request *req,
                        const struct export_stats *s, char *out, size_t cap)
{
    static const char *const why[SKIP_COUNT] = {
        [SKIP_NO_COMPLETION] = "none has a completion span under it",
        [SKIP_NO_METADATA] = "their latest completions have no metadata",
        [SKIP_NOT_COMPLETION] = "the metadata of their latest completions "
                                "is not of type completion",
        [SKIP_EMPTY_OUTPUT] = "their latest completions have no output",
    };
    const char *phrase = "none has a completion with an output to export";
    int i;

    for (i = 0; i < SKIP_COUNT; i++)
        if (s->skipped[i] == s->considered)
            phrase = why[i];
    append(out, cap,
           "no rows: every one of the %llu %ss considered was "
           "skipped: %s",
           (unsigned long long)s->considered, row_noun(req), phrase);
}

static int array_len(const char *json)
{
    cJSON *a = json ? cJSON_Parse(json) : NULL;
    int n = cJSON_GetArraySize(a);

    cJSON_Delete(a);
    return n;
}

static void list_count(char *out, size_t cap, const char *opt, const char *json)
{
    if (json)
        append(out, cap, ", %s (%d given)", opt, array_len(json));
}

static void time_bound(char *out, size_t cap, const char *opt, int64_t ns)
{
    char t[SP_TIME_RFC3339_LEN];

    sp_time_format_rfc3339(ns, t);
    append(out, cap, ", %s %s", opt, t);
}

/* The filters of export.md §2 that the request sets, workspace first. */
static void filters(const struct export_request *req, char *out, size_t cap)
{
    append(out, cap, "workspace %lld", (long long)req->workspace_id);
    if (req->has_project)
        append(out, cap, ", --project %lld", (long long)req->project_id);
    if (req->document_uuid)
        append(out, cap, ", --document %s", req->document_uuid);
    list_count(out, cap, "--commit", req->commits_json);
    list_count(out, cap, "--experiment", req->experiments_json);
    list_count(out, cap, "--test-deployment", req->test_deployments_json);
    if (req->from_ns != INT64_MIN)
        time_bound(out, cap, "--from", req->from_ns);
    if (req->to_ns != INT64_MAX)
        time_bound(out, cap, "--to", req->to_ns);
    if (req->mode == EXPORT_ALL_EXCEPT)
        list_count(out, cap, "--except", req->keys_json);
}

/* PARTIAL: keys that are no row spans of the workspace, conversations
 * that hold none, and selected spans that the filters left out. */
static int partial_hint(struct store *st, const struct export_request *req,
                        char *out, size_t cap, struct sp_err *err)
{
    struct select *sel = NULL;
    int64_t given, found, selected;
    const char *sep = "no rows: ";

    if (select_open(&sel, st, req, err) != 0)
        return -1;
    select_partial_keys(sel, &given, &found);
    selected = select_partial_count(sel);
    select_close(sel);
    if (given > found) {
        append(out, cap,
               "%s%lld of the %lld key%s given %s not %s%s%s of workspace "
               "%lld (not found)",
               sep, (long long)(given - found), (long long)given,
               given == 1 ? "" : "s", given - found == 1 ? "is" : "are",
               given - found == 1 ? "a " : "", row_noun(req),
               given - found == 1 ? "" : "s", (long long)req->workspace_id);
        sep = "; ";
    }
    if (req->conversations_json && selected == found) {
        append(out, cap,
               "%sthe %d conversation%s given hold%s no %s of "
               "workspace %lld",
               sep, array_len(req->conversations_json),
               array_len(req->conversations_json) == 1 ? "" : "s",
               array_len(req->conversations_json) == 1 ? "s" : "",
               row_noun(req), (long long)req->workspace_id);
        sep = "; ";
    }
    if (selected > 0) {
        append(out, cap,
               "%sthe %lld selected %s%s %s not pass the filters: ", sep,
               (long long)selected, row_noun(req), selected == 1 ? "" : "s",
               selected == 1 ? "does" : "do");
        filters(req, out, cap);
    }
    return 0;
}

/* OpenTelemetry traces of other tools hold no prompt span: say so, and
 * which row sources fit them. */
static int no_prompts_hint(struct store *st, const struct export_request *req,
                           char *out, size_t cap, struct sp_err *err)
{
    int has = 1;

    if (req->rows != ROWS_PROMPT)
        return 0;
    if (select_has_prompt_spans(st, req->workspace_id, &has, err) != 0)
        return -1;
    if (!has)
        append(out, cap,
               "; workspace %lld holds no prompt span at all (traces "
               "from other tools than Latitude have none): export them "
               "with --rows trace (a row per root span) or --rows "
               "completion (a row per LLM call)",
               (long long)req->workspace_id);
    return 0;
}

int summary_empty_hint(struct store *st, const struct export_request *req,
                       const struct export_stats *s, char *out, size_t cap,
                       struct sp_err *err)
{
    out[0] = '\0';
    if (s->rows > 0)
        return 0;
    if (s->considered > 0) {
        all_skipped(req, s, out, cap);
        return 0;
    }
    if (req->mode == EXPORT_PARTIAL)
        return partial_hint(st, req, out, cap, err);
    append(out, cap, "no rows: no %s matched the filters: ", row_noun(req));
    filters(req, out, cap);
    return no_prompts_hint(st, req, out, cap, err);
}
