-- +goose Up
-- A log of the rows each write changes in the two search indexes that
-- keep sets of common words' matches (internal/sqlite/term_sets.go).
-- A set read at one entry of the log is brought up to date by reading
-- again, for its word, only the rows logged since: an event published
-- then costs each set a few lookups rather than a fresh read of every
-- match, which at a million events made searches walk the indexes while
-- the desk wrote and cut their rate to a fifth.
--
-- row is the index's rowid (events_fts: the event's id; records_fts:
-- records_text's id, a record's id * 8 + its kind). A row of NULL says the
-- whole index may have changed: a bulk load, which sets the triggers below
-- aside (internal/sqlite/load.go), writes one when it puts them back, in
-- the same transaction. A set is brought up to date only while these
-- triggers are in place and no such row follows it. A migration that
-- writes to either index without its triggers must write one too.
CREATE TABLE search_changes (
    id           INTEGER PRIMARY KEY,
    search_index TEXT NOT NULL,
    row          INTEGER
);

-- +goose StatementBegin
CREATE TRIGGER search_changes_event_insert AFTER INSERT ON events BEGIN
    INSERT INTO search_changes (search_index, row) VALUES ('events_fts', new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_event_update AFTER UPDATE OF title, body ON events BEGIN
    INSERT INTO search_changes (search_index, row) VALUES ('events_fts', new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_event_delete AFTER DELETE ON events BEGIN
    INSERT INTO search_changes (search_index, row) VALUES ('events_fts', old.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_text_insert AFTER INSERT ON records_text BEGIN
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_text_update AFTER UPDATE ON records_text BEGIN
    INSERT INTO search_changes (search_index, row) SELECT 'records_fts', old.id;
    INSERT INTO search_changes (search_index, row) SELECT 'records_fts', new.id WHERE new.id <> old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_text_delete AFTER DELETE ON records_text BEGIN
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.id);
END;
-- +goose StatementEnd

-- The log keeps its last 16,384 entries or more, trimmed every 1,024; a
-- set older than what is kept is read afresh. An event written by the desk
-- logs a few entries (the event and its quotes).
-- +goose StatementBegin
CREATE TRIGGER search_changes_trim AFTER INSERT ON search_changes WHEN new.id % 1024 = 0 BEGIN
    DELETE FROM search_changes WHERE id <= new.id - 16384;
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
