-- +goose Up
-- A proposal's id names the very change a reviewer read: the decision
-- form carries it, and a proposal replaced since must not be decided
-- unseen. A replacement is a new row, and AUTOINCREMENT keeps SQLite from
-- giving it (or any later proposal) an id a decided or replaced proposal
-- had.
CREATE TABLE claimant_proposals_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO claimant_proposals_new SELECT * FROM claimant_proposals;
DROP TABLE claimant_proposals;
ALTER TABLE claimant_proposals_new RENAME TO claimant_proposals;

-- +goose Down
-- Migrations only move forward.
