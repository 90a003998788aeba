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

-- Everything else a person may search for — actors with their aliases,
-- places with their names in any script, sources, and the quotes cited from
-- them — in one index. The rowid encodes the record: id * 8 + kind, with
-- kind 1 actor, 2 place, 3 source, 4 citation.
CREATE VIRTUAL TABLE records_fts USING fts5(
    title, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER actors_fts_insert AFTER INSERT ON actors BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 1, new.name, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_update AFTER UPDATE OF name, description ON actors BEGIN
    DELETE FROM records_fts WHERE rowid = new.id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 1, new.name,
        new.description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.id), ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_delete AFTER DELETE ON actors BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_insert AFTER INSERT ON actor_aliases BEGIN
    DELETE FROM records_fts WHERE rowid = new.actor_id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 1, name,
        description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.actor_id), '')
        FROM actors WHERE id = new.actor_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_delete AFTER DELETE ON actor_aliases BEGIN
    DELETE FROM records_fts WHERE rowid = old.actor_id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 1, name,
        description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = old.actor_id), '')
        FROM actors WHERE id = old.actor_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER places_fts_insert AFTER INSERT ON places BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_update AFTER UPDATE OF name, description ON places BEGIN
    DELETE FROM records_fts WHERE rowid = new.id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 2, new.name,
        new.description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.id), ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_delete AFTER DELETE ON places BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_insert AFTER INSERT ON place_names BEGIN
    DELETE FROM records_fts WHERE rowid = new.place_id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 2, name,
        description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.place_id), '')
        FROM places WHERE id = new.place_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_delete AFTER DELETE ON place_names BEGIN
    DELETE FROM records_fts WHERE rowid = old.place_id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 2, name,
        description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = old.place_id), '')
        FROM places WHERE id = old.place_id;
END;
-- +goose StatementEnd

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

-- +goose StatementBegin
CREATE TRIGGER citations_fts_insert AFTER INSERT ON citations WHEN new.quote <> '' BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 4, '', new.quote);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_update AFTER UPDATE OF quote ON citations BEGIN
    DELETE FROM records_fts WHERE rowid = new.id * 8 + 4;
    INSERT INTO records_fts (rowid, title, body) SELECT new.id * 8 + 4, '', new.quote WHERE new.quote <> '';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_delete AFTER DELETE ON citations BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 4;
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
