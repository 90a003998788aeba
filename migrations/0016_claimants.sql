-- +goose NO TRANSACTION
-- +goose Up
-- Claimants become records: a person or organisation that makes claims,
-- with a type (government, military, armed group, media, NGO or
-- researcher, other) and, optionally, the actor it belongs to. An
-- estimate keeps the claimant's name as it was reviewed (estimates.claimant)
-- and points at the claimant record of that name (claimant_id). Names
-- that differ only in case, dots and spacing are one claimant: key is the
-- name so normalised, the rule conflict.ClaimantKey states, and is unique.
-- Each claimant named by the estimates already stored is made here, with
-- the type "other" for an editor to set, its most common spelling as its
-- name and the actor its estimates name as its affiliation.
--
-- Triggers keep claimant_id: whichever way an estimate is written (a form,
-- an import, the bulk loader, an accepted edit), its claimant is matched by
-- key or made. The claimant's name is never changed by an estimate, so an
-- estimate's name stays as reviewed.
--
-- Qualifiers gain strict bounds: "fewer than" (fewer_than, a highest
-- number that is not reached) and "more than" (more_than, a lowest number
-- that is exceeded). SQLite changes a CHECK only by rebuilding the table,
-- so estimates is rebuilt with its indexes and triggers exactly as 0006
-- made them, foreign keys off so that dropping the old table does not
-- first delete the citations pointing at it; every row is copied, ids
-- and all. The chart's covering index gains claimant_id, and a claimant's
-- estimates have an index of their own.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE claimants (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    key         TEXT NOT NULL GENERATED ALWAYS AS
        (lower(replace(replace(replace(trim(name), '.', ''), '  ', ' '), '  ', ' '))) STORED,
    type        TEXT NOT NULL DEFAULT 'other'
        CHECK (type IN ('government', 'military', 'armed_group', 'media', 'ngo', 'other')),
    actor_id    INTEGER REFERENCES actors (id),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id)
) STRICT;
CREATE UNIQUE INDEX claimants_key_idx ON claimants (key);
CREATE INDEX claimants_type_idx ON claimants (type, id);
CREATE INDEX claimants_name_idx ON claimants (name COLLATE NOCASE);

INSERT OR IGNORE INTO claimants (name, actor_id, created_at, updated_at)
    SELECT claimant, max(claimant_actor_id), min(created_at), min(created_at)
    FROM estimates GROUP BY claimant ORDER BY count(*) DESC, min(id);

CREATE TABLE estimates_new (
    id                INTEGER PRIMARY KEY,
    actor_id          INTEGER NOT NULL REFERENCES actors (id),
    place_id          INTEGER REFERENCES places (id),
    as_of             TEXT NOT NULL CHECK (as_of <> ''),
    as_of_lo          TEXT NOT NULL,
    as_of_hi          TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT 'fighters' CHECK (unit <> ''),
    qualifier         TEXT NOT NULL CHECK (qualifier IN ('exact', 'about', 'range', 'at_least', 'at_most', 'more_than', 'fewer_than')),
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
    claimant_id       INTEGER REFERENCES claimants (id),
    CHECK (as_of_lo <= as_of_hi),
    CHECK (low IS NULL OR high IS NULL OR low <= high),
    -- The qualifier decides which bounds exist.
    CHECK (CASE qualifier
        WHEN 'exact'      THEN low IS NOT NULL AND high = low
        WHEN 'about'      THEN low IS NOT NULL AND high = low
        WHEN 'range'      THEN low IS NOT NULL AND high IS NOT NULL AND low < high
        WHEN 'at_least'   THEN low IS NOT NULL AND high IS NULL
        WHEN 'more_than'  THEN low IS NOT NULL AND high IS NULL
        WHEN 'at_most'    THEN low IS NULL AND high IS NOT NULL
        WHEN 'fewer_than' THEN low IS NULL AND high IS NOT NULL
    END)
) STRICT;
INSERT INTO estimates_new (id, actor_id, place_id, as_of, as_of_lo, as_of_hi, unit, qualifier, low, high,
        claimant, claimant_actor_id, notes, external_id, status, status_note, version, created_at, updated_at, claimant_id)
    SELECT x.id, x.actor_id, x.place_id, x.as_of, x.as_of_lo, x.as_of_hi, x.unit, x.qualifier, x.low, x.high,
        x.claimant, x.claimant_actor_id, x.notes, x.external_id, x.status, x.status_note, x.version, x.created_at, x.updated_at, c.id
    FROM estimates x
    LEFT JOIN claimants c ON c.key = lower(replace(replace(replace(trim(x.claimant), '.', ''), '  ', ' '), '  ', ' '));
DROP TABLE estimates;
ALTER TABLE estimates_new RENAME TO estimates;
CREATE INDEX estimates_actor_idx ON estimates (actor_id, status, as_of_lo, id);
CREATE INDEX estimates_place_idx ON estimates (place_id);
CREATE INDEX estimates_public_span_idx ON estimates ((julianday(as_of_hi) - julianday(as_of_lo)))
    WHERE status = 'published';
CREATE INDEX estimates_status_idx ON estimates (status, as_of_lo, id, as_of_hi);
CREATE INDEX estimates_points_idx ON estimates
    (actor_id, status, as_of_lo, id, as_of, as_of_hi, qualifier, low, high, claimant, claimant_actor_id, unit, place_id, claimant_id);
CREATE INDEX estimates_claimant_idx ON estimates (claimant_id, status, as_of_lo, id);

-- +goose StatementBegin
CREATE TRIGGER estimates_claimant_insert AFTER INSERT ON estimates BEGIN
    INSERT OR IGNORE INTO claimants (name, actor_id, created_at, updated_at)
        VALUES (new.claimant, new.claimant_actor_id, new.created_at, new.created_at);
    UPDATE estimates SET claimant_id = (SELECT id FROM claimants
            WHERE key = lower(replace(replace(replace(trim(new.claimant), '.', ''), '  ', ' '), '  ', ' ')))
        WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER estimates_claimant_update AFTER UPDATE OF claimant ON estimates BEGIN
    INSERT OR IGNORE INTO claimants (name, actor_id, created_at, updated_at)
        VALUES (new.claimant, new.claimant_actor_id, new.updated_at, new.updated_at);
    UPDATE estimates SET claimant_id = (SELECT id FROM claimants
            WHERE key = lower(replace(replace(replace(trim(new.claimant), '.', ''), '  ', ' '), '  ', ' ')))
        WHERE id = new.id;
END;
-- +goose StatementEnd

-- The tallies' triggers, as 0006 made them.
-- +goose StatementBegin
CREATE TRIGGER estimate_months_insert AFTER INSERT ON estimates WHEN new.status = 'published' BEGIN
    INSERT INTO estimate_months (actor_id, claimant, unit, month, n, low_min, high_max, value_min, value_max, first_lo, last_hi, claimant_actor_id)
        VALUES (new.actor_id, new.claimant, new.unit, substr(new.as_of_lo, 1, 7), 1, new.low, new.high,
                coalesce(new.low, new.high), coalesce(new.high, new.low), new.as_of_lo, new.as_of_hi, new.claimant_actor_id)
        ON CONFLICT (actor_id, claimant, unit, month) DO UPDATE SET
            n = n + 1,
            low_min = min(coalesce(low_min, excluded.low_min), coalesce(excluded.low_min, low_min)),
            high_max = max(coalesce(high_max, excluded.high_max), coalesce(excluded.high_max, high_max)),
            value_min = min(value_min, excluded.value_min),
            value_max = max(value_max, excluded.value_max),
            first_lo = min(first_lo, excluded.first_lo),
            last_hi = max(last_hi, excluded.last_hi),
            claimant_actor_id = coalesce(claimant_actor_id, excluded.claimant_actor_id);
    INSERT INTO estimate_force_counts (actor_id, n) VALUES (new.actor_id, 1)
        ON CONFLICT (actor_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER estimate_months_update AFTER UPDATE ON estimates
WHEN (old.status = 'published' OR new.status = 'published') AND (
    old.status IS NOT new.status OR old.actor_id IS NOT new.actor_id OR old.claimant IS NOT new.claimant
    OR old.unit IS NOT new.unit OR old.as_of_lo IS NOT new.as_of_lo OR old.as_of_hi IS NOT new.as_of_hi
    OR old.low IS NOT new.low OR old.high IS NOT new.high OR old.claimant_actor_id IS NOT new.claimant_actor_id) BEGIN
    DELETE FROM estimate_months
        WHERE (old.status = 'published' AND actor_id = old.actor_id AND claimant = old.claimant AND unit = old.unit AND month = substr(old.as_of_lo, 1, 7))
           OR (new.status = 'published' AND actor_id = new.actor_id AND claimant = new.claimant AND unit = new.unit AND month = substr(new.as_of_lo, 1, 7));
    INSERT INTO estimate_months (actor_id, claimant, unit, month, n, low_min, high_max, value_min, value_max, first_lo, last_hi, claimant_actor_id)
        SELECT actor_id, claimant, unit, substr(as_of_lo, 1, 7), count(*), min(low), max(high),
               min(coalesce(low, high)), max(coalesce(high, low)), min(as_of_lo), max(as_of_hi), max(claimant_actor_id)
        FROM estimates
        WHERE status = 'published' AND (
               (old.status = 'published' AND actor_id = old.actor_id AND claimant = old.claimant AND unit = old.unit
                AND as_of_lo >= substr(old.as_of_lo, 1, 7) AND as_of_lo < substr(old.as_of_lo, 1, 7) || '~')
            OR (new.status = 'published' AND actor_id = new.actor_id AND claimant = new.claimant AND unit = new.unit
                AND as_of_lo >= substr(new.as_of_lo, 1, 7) AND as_of_lo < substr(new.as_of_lo, 1, 7) || '~'))
        GROUP BY actor_id, claimant, unit, substr(as_of_lo, 1, 7);
    UPDATE estimate_force_counts SET n = n - 1 WHERE old.status = 'published' AND actor_id = old.actor_id;
    INSERT INTO estimate_force_counts (actor_id, n) SELECT new.actor_id, 1 WHERE new.status = 'published'
        ON CONFLICT (actor_id) DO UPDATE SET n = n + 1;
    DELETE FROM estimate_force_counts WHERE actor_id = old.actor_id AND n <= 0;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER estimate_months_delete AFTER DELETE ON estimates WHEN old.status = 'published' BEGIN
    DELETE FROM estimate_months
        WHERE actor_id = old.actor_id AND claimant = old.claimant AND unit = old.unit AND month = substr(old.as_of_lo, 1, 7);
    INSERT INTO estimate_months (actor_id, claimant, unit, month, n, low_min, high_max, value_min, value_max, first_lo, last_hi, claimant_actor_id)
        SELECT actor_id, claimant, unit, substr(as_of_lo, 1, 7), count(*), min(low), max(high),
               min(coalesce(low, high)), max(coalesce(high, low)), min(as_of_lo), max(as_of_hi), max(claimant_actor_id)
        FROM estimates
        WHERE status = 'published' AND actor_id = old.actor_id AND claimant = old.claimant AND unit = old.unit
          AND as_of_lo >= substr(old.as_of_lo, 1, 7) AND as_of_lo < substr(old.as_of_lo, 1, 7) || '~'
        GROUP BY actor_id, claimant, unit, substr(as_of_lo, 1, 7);
    UPDATE estimate_force_counts SET n = n - 1 WHERE actor_id = old.actor_id;
    DELETE FROM estimate_force_counts WHERE actor_id = old.actor_id AND n <= 0;
END;
-- +goose StatementEnd

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Migrations only move forward.
