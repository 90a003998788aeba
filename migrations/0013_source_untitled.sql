-- +goose NO TRANSACTION
-- +goose Up
-- A source may lack a title (a wire item, a leaflet): the title's CHECK
-- no longer asks for one. SQLite changes a CHECK only by rebuilding the
-- table, which drops its triggers and indexes, so they are made again
-- here exactly as migrations 0002, 0001, 0010 and 0012 made them (the bulk
-- loader knows the search triggers by their text). Foreign keys are off
-- for the rebuild, or dropping the table would first delete every row
-- that citations point at; every row is copied, ids and all.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE sources_new (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL UNIQUE CHECK (url LIKE 'http%://%'),
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
