-- tests/bench/flat_table.sql: the table the sqlite3 shell's `.import`
-- fills in the import benchmark (tests/bench/run.sh): the columns of
-- Latitude's spans table, as `gen_latitude --flat-csv` writes them, plus
-- the metadata document as JSON text. No index: it measures loading rows.
CREATE TABLE spans (
    id                 TEXT,
    trace_id           TEXT,
    document_log_uuid  TEXT,
    parent_id          TEXT,
    previous_trace_id  TEXT,
    workspace_id       INTEGER,
    api_key_id         INTEGER,
    name               TEXT,
    kind               TEXT,
    type               TEXT,
    status             TEXT,
    message            TEXT,
    duration           INTEGER,
    started_at         TEXT,
    ended_at           TEXT,
    document_uuid      TEXT,
    commit_uuid        TEXT,
    experiment_uuid    TEXT,
    project_id         INTEGER,
    source             TEXT,
    test_deployment_id INTEGER,
    tokens_prompt      INTEGER,
    tokens_cached      INTEGER,
    tokens_reasoning   INTEGER,
    tokens_completion  INTEGER,
    model              TEXT,
    cost               INTEGER,
    created_at         TEXT,
    updated_at         TEXT,
    metadata           TEXT
);
