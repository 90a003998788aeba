-- +goose Up
-- Dates are stored as canonical EDTF text plus sortable day bounds
-- (YYYY-MM-DD), so that filtering and ordering use plain indexed columns.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 320),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role          TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

-- The session store's own layout.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    url          TEXT NOT NULL UNIQUE CHECK (url LIKE 'http%://%'),
    publisher    TEXT NOT NULL CHECK (length(publisher) BETWEEN 1 AND 200),
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    published    TEXT NOT NULL DEFAULT '',
    published_lo TEXT NOT NULL DEFAULT '',
    authors      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    language     TEXT NOT NULL DEFAULT '',
    archived_url TEXT NOT NULL DEFAULT '',
    reliability  TEXT NOT NULL DEFAULT '' CHECK (reliability IN ('', 'A', 'B', 'C', 'D', 'E', 'F')),
    notes        TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sources_published_idx ON sources (published_lo, id);

CREATE TABLE actors (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug <> ''),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES actors (id) ON DELETE SET NULL CHECK (parent_id IS NOT id),
    colour      TEXT NOT NULL DEFAULT '' CHECK (colour = '' OR (length(colour) = 7 AND colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')),
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX actors_parent_idx ON actors (parent_id);
CREATE INDEX actors_name_idx ON actors (name COLLATE NOCASE);

CREATE TABLE actor_aliases (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    alias    TEXT NOT NULL CHECK (length(alias) BETWEEN 1 AND 200),
    PRIMARY KEY (actor_id, alias)
) STRICT, WITHOUT ROWID;
CREATE INDEX actor_aliases_alias_idx ON actor_aliases (alias COLLATE NOCASE);

CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug <> ''),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES places (id) ON DELETE SET NULL CHECK (parent_id IS NOT id),
    latitude    REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude   REAL CHECK (longitude BETWEEN -180 AND 180),
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
) STRICT;
CREATE INDEX places_parent_idx ON places (parent_id);
CREATE INDEX places_name_idx ON places (name COLLATE NOCASE);

CREATE TABLE place_names (
    place_id INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    name     TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    lang     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (place_id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX place_names_name_idx ON place_names (name COLLATE NOCASE);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL CHECK (slug <> ''),
    title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    date        TEXT NOT NULL CHECK (date <> ''),
    date_lo     TEXT NOT NULL,
    date_hi     TEXT NOT NULL,
    place_id    INTEGER REFERENCES places (id),
    body        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'rejected', 'retracted')),
    status_note TEXT NOT NULL DEFAULT '',
    external_id TEXT UNIQUE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (date_lo <= date_hi)
) STRICT;
-- Timelines list published events in date order, keyset-paginated.
CREATE INDEX events_status_date_idx ON events (status, date_lo, id);
CREATE INDEX events_place_idx ON events (place_id, date_lo);
CREATE INDEX events_updated_idx ON events (updated_at);

CREATE TABLE event_actors (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor_id INTEGER NOT NULL REFERENCES actors (id),
    role     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, actor_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_actors_actor_idx ON event_actors (actor_id, event_id);

CREATE TABLE event_tags (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (event_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_tags_tag_idx ON event_tags (tag, event_id);

CREATE TABLE estimates (
    id                INTEGER PRIMARY KEY,
    actor_id          INTEGER NOT NULL REFERENCES actors (id),
    place_id          INTEGER REFERENCES places (id),
    as_of             TEXT NOT NULL CHECK (as_of <> ''),
    as_of_lo          TEXT NOT NULL,
    as_of_hi          TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT 'fighters' CHECK (unit <> ''),
    qualifier         TEXT NOT NULL CHECK (qualifier IN ('exact', 'about', 'range', 'at_least', 'at_most')),
    low               INTEGER CHECK (low >= 0),
    high              INTEGER CHECK (high >= 0),
    claimant          TEXT NOT NULL CHECK (length(claimant) BETWEEN 1 AND 200),
    claimant_actor_id INTEGER REFERENCES actors (id),
    notes             TEXT NOT NULL DEFAULT '',
    external_id       TEXT UNIQUE,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'rejected', 'retracted')),
    status_note       TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (as_of_lo <= as_of_hi),
    CHECK (low IS NULL OR high IS NULL OR low <= high),
    -- The qualifier decides which bounds exist.
    CHECK (CASE qualifier
        WHEN 'exact'    THEN low IS NOT NULL AND high = low
        WHEN 'about'    THEN low IS NOT NULL AND high = low
        WHEN 'range'    THEN low IS NOT NULL AND high IS NOT NULL AND low < high
        WHEN 'at_least' THEN low IS NOT NULL AND high IS NULL
        WHEN 'at_most'  THEN low IS NULL AND high IS NOT NULL
    END)
) STRICT;
CREATE INDEX estimates_actor_idx ON estimates (actor_id, status, as_of_lo, id);
CREATE INDEX estimates_status_idx ON estimates (status, as_of_lo, id);
CREATE INDEX estimates_place_idx ON estimates (place_id);

CREATE TABLE citations (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id),
    event_id    INTEGER REFERENCES events (id) ON DELETE CASCADE,
    estimate_id INTEGER REFERENCES estimates (id) ON DELETE CASCADE,
    quote       TEXT NOT NULL DEFAULT '',
    locator     TEXT NOT NULL DEFAULT '',
    credibility INTEGER CHECK (credibility BETWEEN 1 AND 6),
    position    INTEGER NOT NULL DEFAULT 0,
    -- A citation supports exactly one record.
    CHECK ((event_id IS NULL) <> (estimate_id IS NULL))
) STRICT;
CREATE INDEX citations_event_idx ON citations (event_id, position);
CREATE INDEX citations_estimate_idx ON citations (estimate_id, position);
CREATE INDEX citations_source_idx ON citations (source_id);

CREATE TABLE timelines (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE CHECK (slug <> ''),
    title          TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description    TEXT NOT NULL DEFAULT '',
    date_from      TEXT NOT NULL DEFAULT '',
    date_to        TEXT NOT NULL DEFAULT '',
    with_estimates INTEGER NOT NULL DEFAULT 0 CHECK (with_estimates IN (0, 1)),
    published      INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE timeline_actors (
    timeline_id INTEGER NOT NULL REFERENCES timelines (id) ON DELETE CASCADE,
    actor_id    INTEGER NOT NULL REFERENCES actors (id),
    PRIMARY KEY (timeline_id, actor_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE timeline_places (
    timeline_id INTEGER NOT NULL REFERENCES timelines (id) ON DELETE CASCADE,
    place_id    INTEGER NOT NULL REFERENCES places (id),
    PRIMARY KEY (timeline_id, place_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE timeline_tags (
    timeline_id INTEGER NOT NULL REFERENCES timelines (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    PRIMARY KEY (timeline_id, tag)
) STRICT, WITHOUT ROWID;

-- Events pinned into a timeline (excluded = 0) or left out of it (excluded = 1).
CREATE TABLE timeline_events (
    timeline_id INTEGER NOT NULL REFERENCES timelines (id) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    excluded    INTEGER NOT NULL CHECK (excluded IN (0, 1)),
    PRIMARY KEY (timeline_id, event_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('event', 'estimate', 'source', 'actor', 'place', 'timeline')),
    record_id   INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'submit', 'publish', 'reject', 'retract', 'revert', 'import')),
    snapshot    TEXT NOT NULL CHECK (json_valid(snapshot)),
    author_id   INTEGER REFERENCES users (id),
    author_name TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (record_type, record_id, number)
) STRICT;
CREATE INDEX revisions_created_idx ON revisions (created_at, id);
CREATE INDEX revisions_author_idx ON revisions (author_id, created_at);

-- Revisions are the record of record: once written they never change.
-- +goose StatementBegin
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are immutable');
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
