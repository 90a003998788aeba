-- +goose Up
-- Full-text search over event titles and bodies, kept in step by triggers.
CREATE VIRTUAL TABLE events_fts USING fts5(
    title, body,
    content = 'events', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, body ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO events_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
