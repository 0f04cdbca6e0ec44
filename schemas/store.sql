-- schemas/store.sql: the spanport store as first created (schema version 1).
-- Compiled into the binary; store.c applies it to a new store, then the
-- migrations in store.c bring any store to the current version.
-- Times are integer nanoseconds since the epoch, UTC.

-- One row per span, keyed by (trace_id, id) as in Latitude's spans table.
-- import_seq is the import that first stored the span: an export records
-- the last one it may see, so spans imported later never leak into it.
CREATE TABLE spans (
    trace_id           TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    parent_id          TEXT,
    previous_trace_id  TEXT,
    workspace_id       INTEGER NOT NULL,
    api_key_id         INTEGER,
    project_id         INTEGER,
    test_deployment_id INTEGER,
    document_uuid      TEXT,
    commit_uuid        TEXT,
    experiment_uuid    TEXT,
    document_log_uuid  TEXT,
    name               TEXT,
    kind               TEXT,
    type               TEXT    NOT NULL,
    status             TEXT,
    message            TEXT,
    source             TEXT,
    duration_ms        INTEGER,
    started_at_ns      INTEGER NOT NULL,
    ended_at_ns        INTEGER,
    tokens_prompt      INTEGER,
    tokens_cached      INTEGER,
    tokens_reasoning   INTEGER,
    tokens_completion  INTEGER,
    model              TEXT,
    cost               INTEGER,
    provider           TEXT,
    created_at         TEXT,
    updated_at         TEXT,
    import_seq         INTEGER NOT NULL
);
CREATE UNIQUE INDEX spans_key ON spans (trace_id, id);
-- The export's page order, (started_at_ns, id, trace_id) descending, read
-- backwards off these; prompt and completion rows use the first, a
-- document-scoped export the second, root rows (--rows trace) the third.
CREATE INDEX spans_page ON spans
    (workspace_id, type, started_at_ns, id, trace_id);
CREATE INDEX spans_document_page ON spans
    (workspace_id, document_uuid, type, started_at_ns, id, trace_id)
    WHERE document_uuid IS NOT NULL;
CREATE INDEX spans_time ON spans (workspace_id, started_at_ns, id, trace_id);
-- Enrichment walks down from a row span to its completions.
CREATE INDEX spans_children ON spans (trace_id, parent_id)
    WHERE parent_id IS NOT NULL;
-- --conversation resolves document_log_uuid to spans.
CREATE INDEX spans_conversation ON spans (document_log_uuid)
    WHERE document_log_uuid IS NOT NULL;

-- The metadata document of a span (a JSON object), by the span's rowid.
CREATE TABLE span_metadata (
    span_rowid INTEGER PRIMARY KEY,
    doc        TEXT    NOT NULL
);

-- One row per imported file.
CREATE TABLE imports (
    seq           INTEGER PRIMARY KEY,
    path          TEXT    NOT NULL,
    format        TEXT    NOT NULL,
    started_at_ns INTEGER NOT NULL,
    inserted      INTEGER NOT NULL DEFAULT 0,
    replaced      INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0
);

-- Export records (export.md §8). request is the export request as JSON.
CREATE TABLE exports (
    uuid           TEXT    PRIMARY KEY,
    state          TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN
                       ('queued', 'running', 'ready', 'failed', 'cancelled')),
    request        TEXT    NOT NULL,
    format         TEXT    NOT NULL,
    path           TEXT    NOT NULL,
    cutoff_seq     INTEGER NOT NULL,
    rows           INTEGER,
    warnings       INTEGER,
    bytes          INTEGER,
    sha256         TEXT,
    error          TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at_ns  INTEGER NOT NULL,
    started_at_ns  INTEGER,
    finished_at_ns INTEGER
);
CREATE INDEX exports_created ON exports (created_at_ns);

-- The persistent job queue: exports and notification deliveries.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('export', 'delivery')),
    ref              TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN
                         ('queued', 'running', 'done', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL DEFAULT 3,
    run_after_ns     INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_ns INTEGER,
    last_error       TEXT,
    UNIQUE (kind, ref)
);
CREATE INDEX jobs_due ON jobs (state, run_after_ns);

-- One notification per export and target.
CREATE TABLE deliveries (
    id          TEXT    PRIMARY KEY,
    export_uuid TEXT    NOT NULL REFERENCES exports (uuid) ON DELETE CASCADE,
    plugin      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN
                    ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    sent_at_ns  INTEGER,
    UNIQUE (export_uuid, plugin, target)
);
