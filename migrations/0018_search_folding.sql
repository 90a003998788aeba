-- +goose Up
-- Search that understands word forms, spellings and scripts. The three
-- search indexes are made again with
--
--   - the porter stemmer over the unicode61 tokenizer: airstrike and
--     airstrikes, fighter and fighters are one word;
--   - non-spacing marks (Arabic harakat, combining accents) and apostrophes
--     kept inside words rather than splitting them, so that folding can
--     drop them: Ba'ath is baath, مُوصِل is موصل;
--   - the text indexed as search_fold gives it (conflict.FoldSearch: Latin
--     diacritics and transliteration signs, Arabic alef, hamza, taa
--     marbuta, alef maqsura, tatweel and the article, Kurdish and Persian
--     letters). Queries are folded by the same function.
--
-- Folding keeps each word in its place, so the indexes still mark matches
-- in the stored, unfolded text (highlight and snippet read it from events
-- and from records_text). An index of folded text no longer equals its
-- content tokenized afresh: never run 'rebuild' on these tables (it would
-- index unfolded text), and check them with
-- INSERT INTO t (t, rank) VALUES ('integrity-check', 0).
--
-- search_fold and search_key are functions the application registers on
-- every connection (internal/sqlite/fold.go); a program writing to these
-- tables without them fails with "no such function".

DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
DROP TABLE events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(
    title, body,
    content = 'events', content_rowid = 'id',
    tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co Mn' tokenchars '''’‘'",
    prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title, body) VALUES (new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, body) VALUES ('delete', old.id, search_fold(old.title), search_fold(old.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, body ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title, body) VALUES ('delete', old.id, search_fold(old.title), search_fold(old.body));
    INSERT INTO events_fts (rowid, title, body) VALUES (new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd

INSERT INTO events_fts (rowid, title, body) SELECT id, search_fold(title), search_fold(body) FROM events;
-- One segment, as a bulk load leaves it (fts_merge.go).
INSERT INTO events_fts (events_fts) VALUES ('optimize');

DROP TRIGGER events_date_fts_insert;
DROP TRIGGER events_date_fts_update;
DROP TRIGGER events_date_fts_delete;
DROP TABLE events_date_fts;
CREATE VIRTUAL TABLE events_date_fts USING fts5(
    title, body,
    content = '', contentless_delete = 1,
    tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co Mn' tokenchars '''’‘'",
    prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER events_date_fts_insert AFTER INSERT ON events
WHEN new.status IN ('published', 'retracted') BEGIN
    INSERT INTO events_date_fts (rowid, title, body)
        VALUES (CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_date_fts_update AFTER UPDATE OF status, date_lo, title, body ON events BEGIN
    DELETE FROM events_date_fts WHERE rowid = CAST(julianday(old.date_lo) + 0.5 AS INTEGER) * 4294967296 + old.id
        AND old.status IN ('published', 'retracted');
    INSERT INTO events_date_fts (rowid, title, body)
        SELECT CAST(julianday(new.date_lo) + 0.5 AS INTEGER) * 4294967296 + new.id, search_fold(new.title), search_fold(new.body)
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
    SELECT CAST(julianday(date_lo) + 0.5 AS INTEGER) * 4294967296 + id, search_fold(title), search_fold(body)
    FROM events WHERE status IN ('published', 'retracted');
INSERT INTO events_date_fts (events_date_fts) VALUES ('optimize');

-- Actors, places, sources and quotes: the text shown moves to records_text
-- (same rowids: id * 8 + kind, as 0002_search.sql explains), which the
-- triggers below keep as they kept records_fts, and records_fts becomes
-- its index of folded text.
CREATE TABLE records_text (
    id    INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    body  TEXT NOT NULL DEFAULT ''
);
INSERT INTO records_text (id, title, body) SELECT rowid, coalesce(title, ''), coalesce(body, '') FROM records_fts;

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
CREATE VIRTUAL TABLE records_fts USING fts5(
    title, body,
    content = 'records_text', content_rowid = 'id',
    tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co Mn' tokenchars '''’‘'",
    prefix = '2 3'
);
INSERT INTO records_fts (rowid, title, body) SELECT id, search_fold(title), search_fold(body) FROM records_text;
INSERT INTO records_fts (records_fts) VALUES ('optimize');

-- +goose StatementBegin
CREATE TRIGGER records_text_insert AFTER INSERT ON records_text BEGIN
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER records_text_delete AFTER DELETE ON records_text BEGIN
    INSERT INTO records_fts (records_fts, rowid, title, body) VALUES ('delete', old.id, search_fold(old.title), search_fold(old.body));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER records_text_update AFTER UPDATE ON records_text BEGIN
    INSERT INTO records_fts (records_fts, rowid, title, body) VALUES ('delete', old.id, search_fold(old.title), search_fold(old.body));
    INSERT INTO records_fts (rowid, title, body) VALUES (new.id, search_fold(new.title), search_fold(new.body));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER actors_fts_insert AFTER INSERT ON actors BEGIN
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 1, new.name, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_update AFTER UPDATE OF name, description ON actors BEGIN
    DELETE FROM records_text WHERE rowid = new.id * 8 + 1;
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 1, new.name,
        new.description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.id), ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actors_fts_delete AFTER DELETE ON actors BEGIN
    DELETE FROM records_text WHERE rowid = old.id * 8 + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_insert AFTER INSERT ON actor_aliases BEGIN
    DELETE FROM records_text WHERE rowid = new.actor_id * 8 + 1;
    INSERT INTO records_text (rowid, title, body) SELECT id * 8 + 1, name,
        description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = new.actor_id), '')
        FROM actors WHERE id = new.actor_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_aliases_fts_delete AFTER DELETE ON actor_aliases BEGIN
    DELETE FROM records_text WHERE rowid = old.actor_id * 8 + 1;
    INSERT INTO records_text (rowid, title, body) SELECT id * 8 + 1, name,
        description || ' ' || coalesce((SELECT group_concat(alias, ' ') FROM actor_aliases WHERE actor_id = old.actor_id), '')
        FROM actors WHERE id = old.actor_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER places_fts_insert AFTER INSERT ON places BEGIN
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 2, new.name, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_update AFTER UPDATE OF name, description ON places BEGIN
    DELETE FROM records_text WHERE rowid = new.id * 8 + 2;
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 2, new.name,
        new.description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.id), ''));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER places_fts_delete AFTER DELETE ON places BEGIN
    DELETE FROM records_text WHERE rowid = old.id * 8 + 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_insert AFTER INSERT ON place_names BEGIN
    DELETE FROM records_text WHERE rowid = new.place_id * 8 + 2;
    INSERT INTO records_text (rowid, title, body) SELECT id * 8 + 2, name,
        description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = new.place_id), '')
        FROM places WHERE id = new.place_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_names_fts_delete AFTER DELETE ON place_names BEGIN
    DELETE FROM records_text WHERE rowid = old.place_id * 8 + 2;
    INSERT INTO records_text (rowid, title, body) SELECT id * 8 + 2, name,
        description || ' ' || coalesce((SELECT group_concat(name, ' ') FROM place_names WHERE place_id = old.place_id), '')
        FROM places WHERE id = old.place_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sources_fts_insert AFTER INSERT ON sources BEGIN
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.publisher || ' ' || new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_update AFTER UPDATE OF title, publisher, notes ON sources BEGIN
    DELETE FROM records_text WHERE rowid = new.id * 8 + 3;
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 3, new.title, new.publisher || ' ' || new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sources_fts_delete AFTER DELETE ON sources BEGIN
    DELETE FROM records_text WHERE rowid = old.id * 8 + 3;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER citations_fts_insert AFTER INSERT ON citations WHEN new.quote <> '' BEGIN
    INSERT INTO records_text (rowid, title, body) VALUES (new.id * 8 + 4, '', new.quote);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_update AFTER UPDATE OF quote ON citations BEGIN
    DELETE FROM records_text WHERE rowid = new.id * 8 + 4;
    INSERT INTO records_text (rowid, title, body) SELECT new.id * 8 + 4, '', new.quote WHERE new.quote <> '';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER citations_fts_delete AFTER DELETE ON citations BEGIN
    DELETE FROM records_text WHERE rowid = old.id * 8 + 4;
END;
-- +goose StatementEnd


-- A name typed whole finds the actor or place it names, under any of its
-- names and spellings: "ISIS" the Islamic State, موصل Mosul. These index
-- each name by its search key (conflict.SearchKey: folded words, lower
-- case, one space apart).
CREATE INDEX actors_search_key_idx ON actors (search_key(name));
CREATE INDEX actor_aliases_search_key_idx ON actor_aliases (search_key(alias));
CREATE INDEX places_search_key_idx ON places (search_key(name));
CREATE INDEX place_names_search_key_idx ON place_names (search_key(name));

-- +goose Down
-- Migrations only move forward.
