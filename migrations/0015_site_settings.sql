-- +goose Up
-- How a deployment presents itself (its name, description, publisher,
-- about and methodology pages, contact address), edited by an admin at
-- /admin/settings. One row, made on first start from serve's flags or the
-- defaults. version counts saves: the data version pages are cached by
-- adds it, so that every cached page, whose title and footer carry the
-- settings, is made afresh after a save.
CREATE TABLE site_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 300),
    publisher   TEXT NOT NULL DEFAULT '' CHECK (length(publisher) <= 200),
    about       TEXT NOT NULL DEFAULT '' CHECK (length(about) <= 100000),
    methodology TEXT NOT NULL DEFAULT '' CHECK (length(methodology) <= 100000),
    contact     TEXT NOT NULL DEFAULT '' CHECK (length(contact) <= 254),
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id)
);

-- +goose Down
-- Migrations only move forward.
