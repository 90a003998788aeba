-- +goose Up
-- Claims that know about each other. An event or an estimate may be linked
-- to another record of its own kind: it supersedes it (a claimant's later
-- claim revises its earlier one), disputes it, duplicates it (the same
-- report relayed elsewhere), or, for events, reports the same event with
-- conflicting dates. The link belongs to the record it starts from: it is
-- saved, reviewed and kept in history with that record, as its citations
-- are, and it names the source that reports it. The other record shows it
-- too ("Revised by …"), read through the target index. Records are never
-- deleted, only retracted, so a link always has both ends.
CREATE TABLE estimate_relations (
    estimate_id INTEGER NOT NULL REFERENCES estimates (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('supersedes', 'disputes', 'duplicates')),
    target_id   INTEGER NOT NULL REFERENCES estimates (id),
    source_id   INTEGER NOT NULL REFERENCES sources (id),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (estimate_id, kind, target_id),
    CHECK (target_id <> estimate_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX estimate_relations_target_idx ON estimate_relations (target_id, kind);

CREATE TABLE event_relations (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('supersedes', 'disputes', 'duplicates', 'conflicting_dates')),
    target_id INTEGER NOT NULL REFERENCES events (id),
    source_id INTEGER NOT NULL REFERENCES sources (id),
    position  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, kind, target_id),
    CHECK (target_id <> event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_relations_target_idx ON event_relations (target_id, kind);

-- +goose Down
-- Migrations only move forward.
