-- +goose Up
-- History was the largest part of a large database: every record keeps
-- its first revision's snapshot, compressed alone, about 500 bytes an
-- event. Records written together, by an import or `sitrep synth`, share
-- most of what their snapshots say (the same actors, places, sources and
-- field names), which a snapshot compressed alone cannot refer back to.
-- So a bulk write stores its snapshots in blocks: one block holds the
-- snapshots of many consecutive revisions, compressed together, and each
-- of those revisions names its block and holds, where the snapshot was,
-- the snapshot's place in the block (internal/sqlite/snapshot.go). Like
-- revisions, blocks are written once and never change.
CREATE TABLE snapshot_blocks (
    id   INTEGER PRIMARY KEY,
    data BLOB NOT NULL
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER snapshot_blocks_no_update BEFORE UPDATE ON snapshot_blocks
BEGIN
    SELECT RAISE(ABORT, 'snapshot blocks are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER snapshot_blocks_no_delete BEFORE DELETE ON snapshot_blocks
BEGIN
    SELECT RAISE(ABORT, 'snapshot blocks are immutable');
END;
-- +goose StatementEnd

-- Adding a column with no default rewrites nothing: the revisions stored
-- before read it as NULL, their snapshots their own.
ALTER TABLE revisions ADD COLUMN block_id INTEGER REFERENCES snapshot_blocks (id);

-- +goose Down
-- Migrations only move forward.
