-- +goose Up
-- An edit to a public record by someone who may not publish it waits here
-- until a second person accepts it (and it becomes a revision) or returns
-- it with a comment. Readers see only the record as it is; the proposed
-- record is kept whole, as a revision snapshot is, so that the review
-- queue can show it as readers would and diff it against what is public.
CREATE TABLE pending_edits (
    id            INTEGER PRIMARY KEY,
    record_type   TEXT NOT NULL CHECK (record_type IN ('event', 'estimate', 'source', 'actor', 'place', 'timeline')),
    record_id     INTEGER NOT NULL,
    -- The version of the record the edit was made from: accepting it after
    -- the record moved on is an edit conflict.
    base_version  INTEGER NOT NULL,
    encoding      INTEGER NOT NULL CHECK (encoding >= 0),
    snapshot      BLOB NOT NULL,
    author_id     INTEGER REFERENCES users (id),
    author_name   TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'returned', 'withdrawn')),
    decided_by    INTEGER REFERENCES users (id),
    decider_name  TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_at    TEXT NOT NULL DEFAULT '',
    -- The revision accepting the edit wrote.
    revision      INTEGER,
    CHECK ((state = 'pending') = (decided_at = '')),
    CHECK (state <> 'returned' OR decision_note <> '')
) STRICT;
CREATE INDEX pending_edits_record_idx ON pending_edits (record_type, record_id, id);
CREATE INDEX pending_edits_queue_idx ON pending_edits (state, id);
CREATE INDEX pending_edits_author_idx ON pending_edits (author_id, state, id);

-- A revision that made a record public without a second person's check:
-- an admin's "publish without review", or any publication where the
-- two-person rule is switched off. History and the activity log say so.
ALTER TABLE revisions ADD COLUMN unreviewed INTEGER NOT NULL DEFAULT 0 CHECK (unreviewed IN (0, 1));

-- +goose Down
-- Migrations only move forward.
