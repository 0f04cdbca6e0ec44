-- tests/bench/export_join.sql: the sqlite3 shell's side of the export
-- benchmark (tests/bench/run.sh): one query over a spanport store that
-- produces the rows of `spanport export --all` (export.md section 4), in
-- the export's order, for the sqlite3 shell to print with -csv:
--
--   sqlite3 -csv -header STORE.db < tests/bench/export_join.sql > out.csv
--
-- Every prompt span of workspace 1 is joined with its latest completion
-- (greatest started_at_ns, then id) among the spans below it in its trace,
-- not descending into nested prompt spans (the ownership rule of export.md
-- section 1), and with that completion's metadata row; prompt spans whose
-- completion has no metadata, metadata of another type or no output are
-- left out, as the export skips them. `input` and `output` are built with
-- SQLite's JSON functions: the message contents joined with two newlines,
-- and the content of the last output message. That is close to, not the
-- same as, format_message (no part formatting, no trimming), so the two
-- files have the same rows, keys and numbers, not the same bytes.
SELECT
    (SELECT group_concat(json_extract(i.value, '$.content'), char(10, 10))
       FROM json_each(m.doc, '$.input') AS i) AS input,
    json_extract(m.doc, '$.output[#-1].content') AS output,
    p.id AS span_id,
    p.trace_id AS trace_id,
    coalesce(c.tokens_prompt, 0) AS tokens_prompt,
    coalesce(c.tokens_cached, 0) AS tokens_cached,
    coalesce(c.tokens_reasoning, 0) AS tokens_reasoning,
    coalesce(c.tokens_completion, 0) AS tokens_completion,
    coalesce(c.model, '') AS model,
    coalesce(c.cost, 0) / 100000.0 AS "cost ($)"
FROM spans AS p
JOIN spans AS c ON c.rowid = (
    WITH RECURSIVE walk(trace_id, id) AS (
        SELECT p.trace_id, p.id
        UNION
        SELECT k.trace_id, k.id
          FROM walk AS w
          JOIN spans AS k ON k.trace_id = w.trace_id AND k.parent_id = w.id
         WHERE k.workspace_id = p.workspace_id AND k.type <> 'prompt')
    SELECT s.rowid
      FROM walk AS w
      JOIN spans AS s ON s.trace_id = w.trace_id AND s.id = w.id
     WHERE s.type = 'completion'
     ORDER BY s.started_at_ns DESC, s.id DESC
     LIMIT 1)
JOIN span_metadata AS m ON m.span_rowid = c.rowid
WHERE p.workspace_id = 1
  AND p.type = 'prompt'
  AND json_extract(m.doc, '$.type') = 'completion'
  AND json_array_length(m.doc, '$.output') > 0
ORDER BY p.started_at_ns DESC, p.id DESC, p.trace_id DESC;
