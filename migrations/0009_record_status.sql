-- +goose Up
-- Actors, places, sources and timelines go through review as events and
-- estimates do: one an editor creates is a draft, private until a
-- reviewer publishes it (or it is published with the submission that
-- cites it). What exists already was public, so it stays published.
-- Retraction is for claims (events, estimates) only: these records are
-- what claims point at, and a retracted actor would leave published
-- events citing a hidden name.
ALTER TABLE actors ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'submitted', 'published', 'rejected'));
ALTER TABLE actors ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE places ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'submitted', 'published', 'rejected'));
ALTER TABLE places ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'submitted', 'published', 'rejected'));
ALTER TABLE sources ADD COLUMN status_note TEXT NOT NULL DEFAULT '';

-- Timelines had a published flag an editor could tick. The status takes
-- its place, so that there is one source of truth: a ticked timeline was
-- public and stays published, an unticked one is a draft.
ALTER TABLE timelines ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'submitted', 'published', 'rejected'));
ALTER TABLE timelines ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
UPDATE timelines SET status = CASE published WHEN 1 THEN 'published' ELSE 'draft' END;
ALTER TABLE timelines DROP COLUMN published;

-- +goose Down
-- Migrations only move forward.
