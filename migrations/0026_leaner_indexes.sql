-- +goose Up
-- Indexes that every bulk write kept up for rows no query asks them about.
-- At a million events (with a revision each and 1.6 million citations)
-- they held 98 MB, and an import or a load wrote each of their entries.

-- Nothing reads events by the time they last changed: the feeds and the
-- history read revisions, and lists read events by their dates.
DROP INDEX events_updated_idx;

-- A revision is looked up by its author only for a signed-in user's own
-- work (their desk, their activity), always as author_id = ?, which a
-- partial index serves. Imported and generated revisions have no author:
-- they were every entry of the index.
DROP INDEX revisions_author_idx;
CREATE INDEX revisions_author_idx ON revisions (author_id, created_at) WHERE author_id IS NOT NULL;

-- A citation supports an event or an estimate, never both (its CHECK), so
-- each index by record held the other kind's citations under NULL. Every
-- lookup (a record's citations, the cascade when a record is deleted) is
-- by a record's id, which a partial index serves.
DROP INDEX citations_event_idx;
CREATE INDEX citations_event_idx ON citations (event_id, position) WHERE event_id IS NOT NULL;
DROP INDEX citations_estimate_idx;
CREATE INDEX citations_estimate_idx ON citations (estimate_id, position) WHERE estimate_id IS NOT NULL;

-- +goose Down
-- Migrations only move forward.
