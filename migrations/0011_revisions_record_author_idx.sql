-- +goose Up
-- The editor's desk lists a user's drafts, submissions and rejected
-- records by their status, and for each asks when that user last wrote to
-- it; the header's count and the desk's returned edits ask whether the
-- user wrote to a record since. Through the records' own revisions that
-- means reading every revision row, snapshot and all; through the author
-- index, every revision a prolific curator ever wrote. This index answers
-- it from the index alone. It holds only revisions people wrote: imports,
-- synthetic data and other system writes (no author) are most of a large
-- database's revisions and are left out, so it grows with editorial work,
-- not with the record.
CREATE INDEX revisions_record_author_idx ON revisions (record_type, record_id, author_id, created_at, action)
    WHERE author_id IS NOT NULL;

-- +goose Down
-- Migrations only move forward.
