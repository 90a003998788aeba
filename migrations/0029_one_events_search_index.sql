-- +goose Up
-- Events had two full-text indexes of the same text: events_fts, by event
-- id, for search's ranking and for checking a word row by row, and
-- events_date_fts (0007), by day and id, for lists that a word drives.
-- At a million events the two were 360 MB, a seventh of the database,
-- and every write of an event's text went into both. One serves all:
-- ranking needs only the index (bm25 reads no text; search marks its
-- matches in Go), a row is checked by its date key as well as by its id,
-- and a word's sets (term_sets.go) keep event ids, the low half of a key.
--
-- events_date_fts held only public events; it now holds every event, as
-- events_fts did, so that an editor's lists of drafts can still be
-- searched. What reads it for readers joins the event and tests its
-- status. A status is no longer part of the index, so publishing an
-- event no longer rewrites its words.
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_update;
DROP TRIGGER events_fts_delete;
DROP TABLE events_fts;

DROP TRIGGER events_date_fts_insert;
DROP TRIGGER events_date_fts_update;
DROP TRIGGER events_date_fts_delete;

INSERT INTO events_date_fts (rowid, title, body)
    SELECT CAST(julianday(date_lo) + 0.5 AS INTEGER) * 4294967296 + id, search_fold(title), search_fold(body)
    FROM events WHERE status NOT IN ('published', 'retracted') ORDER BY 1;

-- +goose StatementBegin
CREATE TRIGGER events_date_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_date_fts (rowid, title, body)
        VALUES (CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_date_fts_update AFTER UPDATE OF date_lo, title, body ON events BEGIN
    DELETE FROM events_date_fts WHERE rowid = CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id;
    INSERT INTO events_date_fts (rowid, title, body)
        VALUES (CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_date_fts_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_date_fts WHERE rowid = CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id;
END;
-- +goose StatementEnd

-- The change log (0027) names the index's rows, which are now date keys:
-- an event that moves to another day leaves one row and enters another.
-- Entries of the old index name no row of the new; a set of its words
-- was of events_fts and is not used again.
DELETE FROM search_changes WHERE search_index = 'events_fts';
-- The drafts were written above without the log's triggers.
INSERT INTO search_changes (search_index, row)
    SELECT 'events_date_fts', NULL WHERE EXISTS (SELECT 1 FROM events WHERE status NOT IN ('published', 'retracted'));
DROP TRIGGER search_changes_event_insert;
DROP TRIGGER search_changes_event_update;
DROP TRIGGER search_changes_event_delete;
-- +goose StatementBegin
CREATE TRIGGER search_changes_event_insert AFTER INSERT ON events BEGIN
    INSERT INTO search_changes (search_index, row)
        VALUES ('events_date_fts', CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_event_update AFTER UPDATE OF date_lo, title, body ON events BEGIN
    INSERT INTO search_changes (search_index, row)
        VALUES ('events_date_fts', CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id);
    INSERT INTO search_changes (search_index, row)
        SELECT 'events_date_fts', CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id
        WHERE new.date_lo <> old.date_lo OR new.id <> old.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_changes_event_delete AFTER DELETE ON events BEGIN
    INSERT INTO search_changes (search_index, row)
        VALUES ('events_date_fts', CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
