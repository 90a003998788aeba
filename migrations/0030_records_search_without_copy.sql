-- +goose Up
-- The search index of actors, places, sources and quotes (records_fts)
-- read its text from records_text, a copy of the names, descriptions,
-- titles and quotes the records' own tables hold, kept by triggers. At a
-- million events, with a quote a citation, the copy was 107 MB, and every
-- quote was written three times: in its citation, in the copy and in the
-- index. The index now keeps no text, as the events' (0024) keeps none:
-- search marks its matches in Go from the records' own rows, and what
-- reads a row's text reads it there (internal/sqlite/record_text.go).
--
-- Rows are numbered as before, a record's id * 8 + its kind: 1 an actor,
-- 2 a place, 3 a source, 4 a citation's quote. An actor's words are its
-- name, then its description and aliases; a place's its name, then its
-- description and other names; a source's its title, then its publisher
-- and notes; a quote's, the quote. The triggers below each write the
-- change log (0027) themselves, where records_text's wrote it before.
DROP TRIGGER search_changes_text_insert;
DROP TRIGGER search_changes_text_update;
DROP TRIGGER search_changes_text_delete;
DROP TRIGGER records_text_insert;
DROP TRIGGER records_text_update;
DROP TRIGGER records_text_delete;
DROP TRIGGER actors_fts_insert;
DROP TRIGGER actors_fts_update;
DROP TRIGGER actors_fts_delete;
DROP TRIGGER actor_aliases_fts_insert;
DROP TRIGGER actor_aliases_fts_delete;
DROP TRIGGER places_fts_insert;
DROP TRIGGER places_fts_update;
DROP TRIGGER places_fts_delete;
DROP TRIGGER place_names_fts_insert;
DROP TRIGGER place_names_fts_delete;
DROP TRIGGER sources_fts_insert;
DROP TRIGGER sources_fts_update;
DROP TRIGGER sources_fts_delete;
DROP TRIGGER citations_fts_insert;
DROP TRIGGER citations_fts_update;
DROP TRIGGER citations_fts_delete;
DROP TABLE records_fts;
DROP TABLE records_text;

CREATE VIRTUAL TABLE records_fts USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co Mn' tokenchars '''’‘'"
);
INSERT INTO records_fts (rowid, title, body)
    SELECT id * 8 + 1, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = actors.id), ''))
    FROM actors
    UNION ALL
    SELECT id * 8 + 2, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = places.id), ''))
    FROM places
    UNION ALL
    SELECT id * 8 + 3, search_fold(title), search_fold(publisher || ' ' || notes) FROM sources
    UNION ALL
    SELECT id * 8 + 4, '', search_fold(quote) FROM citations WHERE quote <> ''
    ORDER BY 1;
INSERT INTO records_fts (records_fts) VALUES ('optimize');

-- An actor's row, written again whole when its name, description or
-- aliases change.
-- +goose StatementBegin
CREATE TRIGGER actors_fts_insert AFTER INSERT ON actors BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 1, search_fold(new.name), search_fold(new.description));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_update AFTER UPDATE OF name, description ON actors BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 1, search_fold(new.name),
        search_fold(new.description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.id), '')));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_delete AFTER DELETE ON actors BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.id * 8 + 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_insert AFTER INSERT ON actor_aliases BEGIN
    DELETE FROM records_fts WHERE rowid = new.actor_id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 1, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.actor_id), ''))
        FROM actors WHERE id = new.actor_id;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.actor_id * 8 + 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_delete AFTER DELETE ON actor_aliases BEGIN
    DELETE FROM records_fts WHERE rowid = old.actor_id * 8 + 1;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 1, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = old.actor_id), ''))
        FROM actors WHERE id = old.actor_id;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.actor_id * 8 + 1);
END;
-- +goose StatementEnd

-- A place's, likewise with its other names.
-- +goose StatementBegin
CREATE TRIGGER places_fts_insert AFTER INSERT ON places BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 2, search_fold(new.name), search_fold(new.description));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 2);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_update AFTER UPDATE OF name, description ON places BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 2, search_fold(new.name),
        search_fold(new.description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.id), '')));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 2);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_delete AFTER DELETE ON places BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.id * 8 + 2);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_insert AFTER INSERT ON place_names BEGIN
    DELETE FROM records_fts WHERE rowid = new.place_id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 2, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.place_id), ''))
        FROM places WHERE id = new.place_id;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.place_id * 8 + 2);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_delete AFTER DELETE ON place_names BEGIN
    DELETE FROM records_fts WHERE rowid = old.place_id * 8 + 2;
    INSERT INTO records_fts (rowid, title, body) SELECT id * 8 + 2, search_fold(name),
        search_fold(description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = old.place_id), ''))
        FROM places WHERE id = old.place_id;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.place_id * 8 + 2);
END;
-- +goose StatementEnd

-- A source's.
-- +goose StatementBegin
CREATE TRIGGER sources_fts_insert AFTER INSERT ON sources BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 3, search_fold(new.title), search_fold(new.publisher || ' ' || new.notes));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 3);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_update AFTER UPDATE OF title, publisher, notes ON sources BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 3;
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 3, search_fold(new.title), search_fold(new.publisher || ' ' || new.notes));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 3);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_delete AFTER DELETE ON sources BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.id * 8 + 3);
END;
-- +goose StatementEnd

-- A quote's; a citation without one has no row.
-- +goose StatementBegin
CREATE TRIGGER citations_fts_insert AFTER INSERT ON citations WHEN new.quote <> '' BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id * 8 + 4, '', search_fold(new.quote));
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 4);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_update AFTER UPDATE OF quote ON citations BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 4;
    INSERT INTO records_fts (rowid, title, body) SELECT new.id * 8 + 4, '', search_fold(new.quote) WHERE new.quote <> '';
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', new.id * 8 + 4);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_delete AFTER DELETE ON citations WHEN old.quote <> '' BEGIN
    DELETE FROM records_fts WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_changes (search_index, row) VALUES ('records_fts', old.id * 8 + 4);
END;
-- +goose StatementEnd

-- The index was written above without the log's triggers: sets of its
-- words (a server's, on this database) are read again.
INSERT INTO search_changes (search_index, row) SELECT 'records_fts', NULL WHERE EXISTS (SELECT 1 FROM records_fts_docsize);

-- +goose Down
-- Migrations only move forward.
