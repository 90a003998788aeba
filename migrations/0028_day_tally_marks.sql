-- +goose Up
-- A mark for each key of the day tallies (0021) that moves whenever the
-- key's counts do. The counts over time above every list are cuts of a
-- key's whole series of days, which sitrep keeps in memory
-- (internal/sqlite/day_series.go). Before, every write dropped every
-- series, and at a million events reading an actor's series again took a
-- fifth of the time of that actor's list; now a series is read again only
-- when its own mark has moved.
--
-- n only grows. The key '' stands for every key: a bulk load, which sets
-- the triggers below aside (internal/sqlite/load.go) and fills the tallies
-- all at once, moves it when it puts them back, in the same transaction.
-- A kept series is current while its key's n plus the n of '' is what it
-- was when the series was read. A migration that writes to the tallies
-- without these triggers must move '' too.
CREATE TABLE day_tally_marks (
    key TEXT PRIMARY KEY,
    n   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER day_tally_marks_insert AFTER INSERT ON event_key_days BEGIN
    INSERT INTO day_tally_marks (key, n) VALUES (new.key, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER day_tally_marks_update AFTER UPDATE ON event_key_days BEGIN
    INSERT INTO day_tally_marks (key, n) VALUES (new.key, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
    INSERT INTO day_tally_marks (key, n) SELECT old.key, 1 WHERE old.key <> new.key ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER day_tally_marks_delete AFTER DELETE ON event_key_days BEGIN
    INSERT INTO day_tally_marks (key, n) VALUES (old.key, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
