-- +goose Up
-- A second full-text index of the public events whose rowids sort as the
-- lists do: the day number of date_lo times 2^32 plus the event id. FTS5
-- keeps each word's matches in rowid order, so "events mentioning convoys,
-- oldest first, after this cursor" is a read of one word's matches from a
-- point, stopping after a page; checking a common word row by row against
-- events_fts costs a full-text lookup per event instead. It holds no copy
-- of the text (content=''); events_fts still serves snippets and search.
CREATE VIRTUAL TABLE events_date_fts USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER events_date_fts_insert AFTER INSERT ON events
WHEN new.status IN ('published', 'retracted') BEGIN
    INSERT INTO events_date_fts (rowid, title, body)
        VALUES (CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_date_fts_update AFTER UPDATE OF status, date_lo, title, body ON events BEGIN
    DELETE FROM events_date_fts WHERE rowid = CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id
        AND old.status IN ('published', 'retracted');
    INSERT INTO events_date_fts (rowid, title, body)
        SELECT CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, new.title, new.body
        WHERE new.status IN ('published', 'retracted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_date_fts_delete AFTER DELETE ON events
WHEN old.status IN ('published', 'retracted') BEGIN
    DELETE FROM events_date_fts WHERE rowid = CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id;
END;
-- +goose StatementEnd

INSERT INTO events_date_fts (rowid, title, body)
    SELECT CAST(julianday(date_lo) + 0.5 AS INTEGER) * 4294967296 + id, title, body
    FROM events WHERE status IN ('published', 'retracted');

-- A list from a date reads its ranges from that date on; the events that
-- begin before it and still reach into it are the spanned ones, found here
-- with date_hi and status at hand to test without reading the event. Those
-- of a month or less (most: a month, an approximate day) can only begin in
-- the month before the date; the longer intervals are few, and are read
-- back to the longest span.
CREATE INDEX events_spanned_idx ON events (date_lo, id, date_hi, status)
    WHERE status IN ('published', 'retracted') AND date_hi > date_lo
    AND julianday(date_hi) - julianday(date_lo) <= 31;
CREATE INDEX events_long_idx ON events (date_lo, id, date_hi, status)
    WHERE status IN ('published', 'retracted') AND julianday(date_hi) - julianday(date_lo) > 31;

-- +goose Down
-- Migrations only move forward.
