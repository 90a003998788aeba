-- +goose NO TRANSACTION
-- +goose Up
-- A source may have no address at all (a broadcast, a printed report, an
-- interview): url is then '' and the source is never linked. The address
-- is no longer unique by itself: many sources have none, and url_key,
-- which stays unique, now holds either the address's key or, for a source
-- without one, a key of its publisher, title and date (conflict.Source.Key),
-- so duplicates of either kind are still refused. SQLite changes a CHECK
-- or drops a UNIQUE only by rebuilding the table, which drops its triggers
-- and indexes, so they are made again here exactly as migration 0013 made
-- them (the bulk loader knows the search triggers by their text). Foreign
-- keys are off for the rebuild, or dropping the table would first delete
-- every row that citations point at; every row is copied, ids and all.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE sources_new (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL DEFAULT '' CHECK (url = '' OR url LIKE 'http%://%'),
    publisher    TEXT NOT NULL CHECK (length(publisher) BETWEEN 1 AND 200),
    title        TEXT NOT NULL CHECK (length(title) <= 300),
    published    TEXT NOT NULL DEFAULT '',
    published_lo TEXT NOT NULL DEFAULT '',
    authors      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    language     TEXT NOT NULL DEFAULT '',
    archived_url TEXT NOT NULL DEFAULT '',
    reliability  TEXT NOT NULL DEFAULT '' CHECK (reliability IN ('', 'A', 'B', 'C', 'D', 'E', 'F')),
    notes        TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('draft', 'submitted', 'published', 'rejected')),
    status_note  TEXT NOT NULL DEFAULT '',
    url_key      TEXT
) STRICT;
INSERT INTO sources_new (id, url, publisher, title, published, published_lo, authors, language, archived_url,
        reliability, notes, version, created_at, updated_at, status, status_note, url_key)
    SELECT id, url, publisher, title, published, published_lo, authors, language, archived_url,
        reliability, notes, version, created_at, updated_at, status, status_note, url_key FROM sources;
DROP TABLE sources;
ALTER TABLE sources_new RENAME TO sources;
CREATE INDEX sources_published_idx ON sources (published_lo, id);
CREATE INDEX sources_status_idx ON sources (status);
CREATE UNIQUE INDEX sources_url_key_idx ON sources (url_key);

-- +goose StatementBegin
CREATE TRIGGER sources_fts_insert AFTER INSERT ON sources BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.publisher || ' ' || new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_update AFTER UPDATE OF title, publisher, notes ON sources BEGIN
    DELETE FROM records_fts WHERE rowid = new.id * 8 + 3;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.publisher || ' ' || new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_delete AFTER DELETE ON sources BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 3;
END;
-- +goose StatementEnd

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Migrations only move forward.
