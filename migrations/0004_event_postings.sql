-- +goose Up
-- Lists at a million events. A filter by actor, place or tag must read one
-- page of matches in date order without gathering every match and sorting
-- it, and without walking the whole date index testing each event. So each
-- public event (published or retracted) is posted under every key a reader
-- can filter by — each of its actors and their ancestors, its place and the
-- places that contain it, each of its tags — in (key, date_lo, event_id)
-- order: one index range is then one filter's matches in date order, and a
-- second filter is a point lookup per row. Triggers keep the postings, the
-- closure tables they are derived from and the tallies in step with every
-- write, so no reader ever pays to rebuild them.

-- actor_tree and place_tree list every (ancestor, descendant) pair,
-- including each record as its own ancestor at depth 0: "Badr Organization
-- and everything under it" is one indexed range.
CREATE TABLE actor_tree (
    ancestor_id   INTEGER NOT NULL,
    descendant_id INTEGER NOT NULL,
    depth         INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX actor_tree_descendant_idx ON actor_tree (descendant_id, ancestor_id);

CREATE TABLE place_tree (
    ancestor_id   INTEGER NOT NULL,
    descendant_id INTEGER NOT NULL,
    depth         INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX place_tree_descendant_idx ON place_tree (descendant_id, ancestor_id);

-- Keys are 'a:<actor id>', 'p:<place id>' and 't:<tag>'.
CREATE TABLE event_postings (
    key       TEXT NOT NULL,
    date_lo   TEXT NOT NULL,
    event_id  INTEGER NOT NULL,
    date_hi   TEXT NOT NULL,
    retracted INTEGER NOT NULL,
    PRIMARY KEY (key, date_lo, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_postings_event_idx ON event_postings (event_id);

-- How many published events each key has ('*' counts them all): exact
-- totals for single-filter pages, the planner's choice of the most
-- selective filter, and the tag suggestions, all without counting rows.
CREATE TABLE event_key_counts (
    key TEXT PRIMARY KEY,
    n   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The longest public event's span bounds how far before a "from" date a
-- matching event can begin, so a date filter reads a range of date_lo.
CREATE INDEX events_public_span_idx ON events ((julianday(date_hi) - julianday(date_lo)))
    WHERE status IN ('published', 'retracted');

-- +goose StatementBegin
CREATE TRIGGER actor_tree_insert AFTER INSERT ON actors BEGIN
    INSERT INTO actor_tree (ancestor_id, descendant_id, depth)
        SELECT new.id, new.id, 0
        UNION ALL
        SELECT ancestor_id, new.id, depth + 1 FROM actor_tree WHERE descendant_id = new.parent_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_tree_move AFTER UPDATE OF parent_id ON actors
WHEN old.parent_id IS NOT new.parent_id BEGIN
    -- Cut the subtree from its old ancestors, then hang it under the new.
    DELETE FROM actor_tree
        WHERE descendant_id IN (SELECT descendant_id FROM actor_tree WHERE ancestor_id = new.id)
        AND ancestor_id IN (SELECT ancestor_id FROM actor_tree WHERE descendant_id = new.id AND ancestor_id <> new.id);
    INSERT INTO actor_tree (ancestor_id, descendant_id, depth)
        SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
        FROM actor_tree up, actor_tree down
        WHERE up.descendant_id = new.parent_id AND down.ancestor_id = new.id;
    -- The subtree's events are now posted under other ancestors.
    DELETE FROM event_postings WHERE key GLOB 'a:*' AND event_id IN (
        SELECT ea.event_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id WHERE t.ancestor_id = new.id);
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
        FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actor_tree t ON t.descendant_id = ea.actor_id
        WHERE e.status IN ('published', 'retracted') AND e.id IN (
            SELECT ea2.event_id FROM event_actors ea2 JOIN actor_tree t2 ON t2.descendant_id = ea2.actor_id WHERE t2.ancestor_id = new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actor_tree_delete AFTER DELETE ON actors BEGIN
    DELETE FROM actor_tree WHERE descendant_id = old.id OR ancestor_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER place_tree_insert AFTER INSERT ON places BEGIN
    INSERT INTO place_tree (ancestor_id, descendant_id, depth)
        SELECT new.id, new.id, 0
        UNION ALL
        SELECT ancestor_id, new.id, depth + 1 FROM place_tree WHERE descendant_id = new.parent_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_tree_move AFTER UPDATE OF parent_id ON places
WHEN old.parent_id IS NOT new.parent_id BEGIN
    DELETE FROM place_tree
        WHERE descendant_id IN (SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id)
        AND ancestor_id IN (SELECT ancestor_id FROM place_tree WHERE descendant_id = new.id AND ancestor_id <> new.id);
    INSERT INTO place_tree (ancestor_id, descendant_id, depth)
        SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
        FROM place_tree up, place_tree down
        WHERE up.descendant_id = new.parent_id AND down.ancestor_id = new.id;
    DELETE FROM event_postings WHERE key GLOB 'p:*' AND event_id IN (
        SELECT e.id FROM events e JOIN place_tree t ON t.descendant_id = e.place_id WHERE t.ancestor_id = new.id);
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
        FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
        WHERE e.status IN ('published', 'retracted') AND e.place_id IN (
            SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER place_tree_delete AFTER DELETE ON places BEGIN
    DELETE FROM place_tree WHERE descendant_id = old.id OR ancestor_id = old.id;
END;
-- +goose StatementEnd

-- An event's own row: its place's postings and the count of all events.
-- Actors and tags are posted by their own tables' triggers, which run as
-- each link is written.
-- +goose StatementBegin
CREATE TRIGGER event_postings_insert AFTER INSERT ON events
WHEN new.status IN ('published', 'retracted') BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || ancestor_id, new.date_lo, new.id, new.date_hi, new.status = 'retracted'
        FROM place_tree WHERE descendant_id = new.place_id;
    INSERT INTO event_key_counts (key, n) SELECT '*', 1 WHERE new.status = 'published'
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- A change of status, date or place reposts the event under every key.
-- +goose StatementBegin
CREATE TRIGGER event_postings_update AFTER UPDATE OF status, date_lo, date_hi, place_id ON events BEGIN
    DELETE FROM event_postings WHERE event_id = old.id;
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || ancestor_id, new.date_lo, new.id, new.date_hi, new.status = 'retracted'
        FROM place_tree WHERE descendant_id = new.place_id AND new.status IN ('published', 'retracted')
        UNION ALL
        SELECT 'a:' || t.ancestor_id, new.date_lo, new.id, new.date_hi, new.status = 'retracted'
        FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
        WHERE ea.event_id = new.id AND new.status IN ('published', 'retracted')
        UNION ALL
        SELECT 't:' || tag, new.date_lo, new.id, new.date_hi, new.status = 'retracted'
        FROM event_tags WHERE event_id = new.id AND new.status IN ('published', 'retracted');
    UPDATE event_key_counts SET n = n - 1 WHERE key = '*' AND old.status = 'published';
    INSERT INTO event_key_counts (key, n) SELECT '*', 1 WHERE new.status = 'published'
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_postings_delete AFTER DELETE ON events BEGIN
    DELETE FROM event_postings WHERE event_id = old.id;
    UPDATE event_key_counts SET n = n - 1 WHERE key = '*' AND old.status = 'published';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER event_actors_post AFTER INSERT ON event_actors BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
        FROM events e, actor_tree t
        WHERE e.id = new.event_id AND e.status IN ('published', 'retracted') AND t.descendant_id = new.actor_id;
END;
-- +goose StatementEnd
-- An ancestor stays posted while another of the event's actors reaches it.
-- +goose StatementBegin
CREATE TRIGGER event_actors_unpost AFTER DELETE ON event_actors BEGIN
    DELETE FROM event_postings WHERE event_id = old.event_id
        AND key IN (SELECT 'a:' || ancestor_id FROM actor_tree WHERE descendant_id = old.actor_id)
        AND key NOT IN (SELECT 'a:' || t.ancestor_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
            WHERE ea.event_id = old.event_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_tags_post AFTER INSERT ON event_tags BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 't:' || new.tag, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
        FROM events e WHERE e.id = new.event_id AND e.status IN ('published', 'retracted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_tags_unpost AFTER DELETE ON event_tags BEGIN
    DELETE FROM event_postings WHERE event_id = old.event_id AND key = 't:' || old.tag;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER event_postings_count AFTER INSERT ON event_postings WHEN new.retracted = 0 BEGIN
    INSERT INTO event_key_counts (key, n) VALUES (new.key, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_postings_uncount AFTER DELETE ON event_postings WHEN old.retracted = 0 BEGIN
    UPDATE event_key_counts SET n = n - 1 WHERE key = old.key;
END;
-- +goose StatementEnd

-- Fill everything from the records already stored.
INSERT INTO actor_tree (ancestor_id, descendant_id, depth)
    WITH RECURSIVE up(descendant_id, ancestor_id, depth) AS (
        SELECT id, id, 0 FROM actors
        UNION ALL
        SELECT up.descendant_id, a.parent_id, up.depth + 1 FROM up JOIN actors a ON a.id = up.ancestor_id
        WHERE a.parent_id IS NOT NULL AND up.depth < 64)
    SELECT ancestor_id, descendant_id, min(depth) FROM up GROUP BY ancestor_id, descendant_id;
INSERT INTO place_tree (ancestor_id, descendant_id, depth)
    WITH RECURSIVE up(descendant_id, ancestor_id, depth) AS (
        SELECT id, id, 0 FROM places
        UNION ALL
        SELECT up.descendant_id, p.parent_id, up.depth + 1 FROM up JOIN places p ON p.id = up.ancestor_id
        WHERE p.parent_id IS NOT NULL AND up.depth < 64)
    SELECT ancestor_id, descendant_id, min(depth) FROM up GROUP BY ancestor_id, descendant_id;
INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
    SELECT 'p:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
    FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
    WHERE e.status IN ('published', 'retracted');
INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
    SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
    FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actor_tree t ON t.descendant_id = ea.actor_id
    WHERE e.status IN ('published', 'retracted');
INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
    SELECT 't:' || et.tag, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
    FROM events e JOIN event_tags et ON et.event_id = e.id
    WHERE e.status IN ('published', 'retracted');
-- The posting triggers counted every key; the total of events is counted here.
INSERT INTO event_key_counts (key, n) SELECT '*', count(*) FROM events WHERE status = 'published'
    ON CONFLICT (key) DO UPDATE SET n = excluded.n;

-- +goose Down
-- Migrations only move forward.
