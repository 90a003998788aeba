-- +goose Up
-- A change to a claimant readers see (one of its estimates is published)
-- waits here for a second person, as pending edits do for other records
-- (conflict.ClaimantChangeGoesLive). Only open proposals are kept, one per
-- claimant: accepting one writes it to the claimant, rejecting one drops
-- it. base_version is the claimant's version it was made from, so that a
-- proposal overtaken by another change is not applied over it.
CREATE TABLE claimant_proposals (
    id           INTEGER PRIMARY KEY,
    claimant_id  INTEGER NOT NULL UNIQUE REFERENCES claimants (id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type         TEXT NOT NULL
        CHECK (type IN ('government', 'military', 'armed_group', 'media', 'ngo', 'other')),
    actor_id     INTEGER REFERENCES actors (id),
    description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    base_version INTEGER NOT NULL,
    proposed_by  INTEGER NOT NULL REFERENCES users (id),
    summary      TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
    created_at   TEXT NOT NULL
) STRICT;

-- +goose Down
-- Migrations only move forward.
