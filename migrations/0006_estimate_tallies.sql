-- +goose Up
-- The estimates explorer at a hundred thousand estimates. A force with tens
-- of thousands of claims cannot be charted by reading every claim on each
-- request, and the explorer with no force chosen cannot count every claim
-- to say which forces have most. So the published estimates are summed up
-- as they are written, never when a reader asks:
--
-- estimate_months holds, for each force, claimant, unit and month (of the
-- first day an as-of date covers), how many claims there are and the
-- lowest and highest numbers and dates among them. A chart of a large
-- force draws each row as one bar from the lowest to the highest number
-- claimed: nothing is averaged, and each bar says how many claims it holds.
-- The spread beside the chart (the lowest floor and highest ceiling of
-- any claim) and the claimants come from the same rows.
CREATE TABLE estimate_months (
    actor_id          INTEGER NOT NULL,
    claimant          TEXT NOT NULL,
    unit              TEXT NOT NULL,
    month             TEXT NOT NULL, -- 'YYYY-MM' of as_of_lo
    n                 INTEGER NOT NULL,
    low_min           INTEGER, -- the lowest low given (spread)
    high_max          INTEGER, -- the highest high given (spread)
    value_min         INTEGER NOT NULL, -- the lowest number given, low or high (chart)
    value_max         INTEGER NOT NULL, -- the highest number given, high or low (chart)
    first_lo          TEXT NOT NULL, -- the earliest as_of_lo
    last_hi           TEXT NOT NULL, -- the latest as_of_hi
    claimant_actor_id INTEGER,
    PRIMARY KEY (actor_id, claimant, unit, month)
) STRICT, WITHOUT ROWID;

-- How many published estimates each force has, for the explorer's
-- overview of the forces most estimated.
CREATE TABLE estimate_force_counts (
    actor_id INTEGER PRIMARY KEY,
    n        INTEGER NOT NULL
) STRICT;
CREATE INDEX estimate_force_counts_n_idx ON estimate_force_counts (n DESC, actor_id);

-- The longest published as-of span bounds how far before a "from" date a
-- matching estimate can begin, so a date filter reads a range of as_of_lo.
CREATE INDEX estimates_public_span_idx ON estimates ((julianday(as_of_hi) - julianday(as_of_lo)))
    WHERE status = 'published';

-- The date indexes gain as_of_hi, so a "from" filter tests it in the
-- index: the chart's covering index also sums a date filter's edge months
-- without visiting the table.
DROP INDEX estimates_status_idx;
CREATE INDEX estimates_status_idx ON estimates (status, as_of_lo, id, as_of_hi);
DROP INDEX estimates_points_idx;
CREATE INDEX estimates_points_idx ON estimates
    (actor_id, status, as_of_lo, id, as_of, as_of_hi, qualifier, low, high, claimant, claimant_actor_id, unit, place_id);

INSERT INTO estimate_months (actor_id, claimant, unit, month, n, low_min, high_max, value_min, value_max, first_lo, last_hi, claimant_actor_id)
    SELECT actor_id, claimant, unit, substr(as_of_lo, 1, 7), count(*), min(low), max(high),
           min(coalesce(low, high)), max(coalesce(high, low)), min(as_of_lo), max(as_of_hi), max(claimant_actor_id)
    FROM estimates WHERE status = 'published'
    GROUP BY actor_id, claimant, unit, substr(as_of_lo, 1, 7);

INSERT INTO estimate_force_counts (actor_id, n)
    SELECT actor_id, count(*) FROM estimates WHERE status = 'published' GROUP BY actor_id;

-- A new published claim widens its month: min and max only grow, so the
-- row is updated in place.
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

-- A claim that leaves a month (retracted, edited, deleted) may have been
-- its lowest or highest: the month is summed again from its claims, one
-- short index range.
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

-- +goose Down
-- Migrations only move forward.
