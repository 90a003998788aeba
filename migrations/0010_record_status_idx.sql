-- +goose Up
-- The header of every page a signed-in user sees counts what reviewers
-- rejected of theirs, and the review queue lists what was submitted: both
-- look actors, places, sources and timelines up by status, as they do
-- events and estimates, instead of reading the tables whole.
CREATE INDEX actors_status_idx ON actors (status);
CREATE INDEX places_status_idx ON places (status);
CREATE INDEX sources_status_idx ON sources (status);
CREATE INDEX timelines_status_idx ON timelines (status);

-- +goose Down
-- Migrations only move forward.
