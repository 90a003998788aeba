-- +goose Up
-- Snapshots are stored compressed: history was most of a large database's
-- size. The table is rebuilt with a BLOB snapshot and an encoding saying
-- how each row's snapshot is stored: 0 is JSON text, as every row written
-- before this migration keeps it; 1 is JSON compressed with DEFLATE and the
-- store's preset dictionary. The store decodes both.
CREATE TABLE revisions_compact (
    id          INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('event', 'estimate', 'source', 'actor', 'place', 'timeline')),
    record_id   INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'submit', 'publish', 'reject', 'retract', 'revert', 'import')),
    encoding    INTEGER NOT NULL DEFAULT 0 CHECK (encoding IN (0, 1)),
    snapshot    BLOB NOT NULL CHECK (encoding <> 0 OR json_valid(CAST(snapshot AS TEXT))),
    author_id   INTEGER REFERENCES users (id),
    author_name TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (record_type, record_id, number)
) STRICT;

INSERT INTO revisions_compact
    (id, record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at)
    SELECT id, record_type, record_id, number, action, 0, CAST(snapshot AS BLOB), author_id, author_name, summary, created_at
    FROM revisions ORDER BY id;

DROP TRIGGER revisions_no_update;
DROP TRIGGER revisions_no_delete;
DROP TABLE revisions;
ALTER TABLE revisions_compact RENAME TO revisions;

CREATE INDEX revisions_created_idx ON revisions (created_at, id);
CREATE INDEX revisions_author_idx ON revisions (author_id, created_at);

-- Revisions are the record of record: once written they never change.
-- +goose StatementBegin
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
