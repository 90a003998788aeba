-- +goose Up
-- Embeds pinned to a moment read the record as it was then: today's rows,
-- less the records revised since, plus those records' states at the
-- moment. A record created after the moment simply did not exist then; the
-- ones to rebuild are those with a revision past their first written after
-- it. This partial index holds exactly those revisions, so a moment long
-- before a large import costs the edits made since, not the whole import.
CREATE INDEX revisions_edits_idx ON revisions (record_type, created_at, record_id) WHERE number > 1;

-- +goose Down
-- Migrations only move forward.
