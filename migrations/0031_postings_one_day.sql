-- +goose Up
-- A posting (0004) carries its event's date_hi beside its date_lo, so that
-- a list from a date can read the events that began before it and reach
-- into it from the postings alone. Most events happen on one day, where
-- date_hi is date_lo again: 84% of the seven million postings at a million
-- events, ten bytes each, about 60 MB. Such a posting now stores '' (which
-- SQLite stores in no bytes at all): date_hi '' means the day date_lo
-- names. What reads a posting's date_hi reads it so
-- (internal/sqlite/event_query.go, postingRow). The triggers that write
-- postings are 0025's, each writing '' for an event of one day.
UPDATE event_postings SET date_hi = '' WHERE date_hi = date_lo;

DROP TRIGGER event_postings_insert;
-- +goose StatementBegin
CREATE TRIGGER event_postings_insert AFTER INSERT ON events
WHEN new.status IN ('published', 'retracted') BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || ancestor_id, new.date_lo, new.id, iif(new.date_hi = new.date_lo, '', new.date_hi), new.status = 'retracted'
        FROM place_tree WHERE descendant_id = new.place_id;
    INSERT INTO event_key_counts (key, n) SELECT '*', 1 WHERE new.status = 'published'
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
DROP TRIGGER event_actors_post;
-- +goose StatementBegin
CREATE TRIGGER event_actors_post AFTER INSERT ON event_actors BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted'
        FROM events e, actor_tree t
        WHERE e.id = new.event_id AND e.status IN ('published', 'retracted') AND t.descendant_id = new.actor_id;
END;
-- +goose StatementEnd
DROP TRIGGER event_tags_post;
-- +goose StatementBegin
CREATE TRIGGER event_tags_post AFTER INSERT ON event_tags BEGIN
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 't:' || new.tag, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted'
        FROM events e WHERE e.id = new.event_id AND e.status IN ('published', 'retracted');
END;
-- +goose StatementEnd
DROP TRIGGER event_postings_update;
-- +goose StatementBegin
CREATE TRIGGER event_postings_update AFTER UPDATE OF status, date_lo, date_hi, place_id ON events BEGIN
    DELETE FROM event_postings WHERE date_lo = old.date_lo AND event_id = old.id AND key IN (
        SELECT 'p:' || ancestor_id FROM place_tree WHERE descendant_id = old.place_id
        UNION SELECT 'a:' || t.ancestor_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
            WHERE ea.event_id = old.id
        UNION SELECT 't:' || tag FROM event_tags WHERE event_id = old.id)
        AND old.status IN ('published', 'retracted');
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || ancestor_id, new.date_lo, new.id, iif(new.date_hi = new.date_lo, '', new.date_hi), new.status = 'retracted'
        FROM place_tree WHERE descendant_id = new.place_id AND new.status IN ('published', 'retracted')
        UNION ALL
        SELECT 'a:' || t.ancestor_id, new.date_lo, new.id, iif(new.date_hi = new.date_lo, '', new.date_hi), new.status = 'retracted'
        FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
        WHERE ea.event_id = new.id AND new.status IN ('published', 'retracted')
        UNION ALL
        SELECT 't:' || tag, new.date_lo, new.id, iif(new.date_hi = new.date_lo, '', new.date_hi), new.status = 'retracted'
        FROM event_tags WHERE event_id = new.id AND new.status IN ('published', 'retracted');
    UPDATE event_key_counts SET n = n - 1 WHERE key = '*' AND old.status = 'published';
    INSERT INTO event_key_counts (key, n) SELECT '*', 1 WHERE new.status = 'published'
        ON CONFLICT (key) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
DROP TRIGGER actor_tree_move;
-- +goose StatementBegin
CREATE TRIGGER actor_tree_move AFTER UPDATE OF parent_id ON actors
WHEN old.parent_id IS NOT new.parent_id BEGIN
    DELETE FROM event_postings WHERE (key, date_lo, event_id) IN (
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id
        FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actor_tree t ON t.descendant_id = ea.actor_id
        WHERE e.status IN ('published', 'retracted') AND e.id IN (
            SELECT ea2.event_id FROM event_actors ea2 JOIN actor_tree t2 ON t2.descendant_id = ea2.actor_id WHERE t2.ancestor_id = new.id));
    -- Cut the subtree from its old ancestors, then hang it under the new.
    DELETE FROM actor_tree
        WHERE descendant_id IN (SELECT descendant_id FROM actor_tree WHERE ancestor_id = new.id)
        AND ancestor_id IN (SELECT ancestor_id FROM actor_tree WHERE descendant_id = new.id AND ancestor_id <> new.id);
    INSERT INTO actor_tree (ancestor_id, descendant_id, depth)
        SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
        FROM actor_tree up, actor_tree down
        WHERE up.descendant_id = new.parent_id AND down.ancestor_id = new.id;
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted'
        FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actor_tree t ON t.descendant_id = ea.actor_id
        WHERE e.status IN ('published', 'retracted') AND e.id IN (
            SELECT ea2.event_id FROM event_actors ea2 JOIN actor_tree t2 ON t2.descendant_id = ea2.actor_id WHERE t2.ancestor_id = new.id);
END;
-- +goose StatementEnd
DROP TRIGGER place_tree_move;
-- +goose StatementBegin
CREATE TRIGGER place_tree_move AFTER UPDATE OF parent_id ON places
WHEN old.parent_id IS NOT new.parent_id BEGIN
    DELETE FROM event_postings WHERE (key, date_lo, event_id) IN (
        SELECT 'p:' || t.ancestor_id, e.date_lo, e.id
        FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
        WHERE e.status IN ('published', 'retracted') AND e.place_id IN (
            SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id));
    DELETE FROM place_tree
        WHERE descendant_id IN (SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id)
        AND ancestor_id IN (SELECT ancestor_id FROM place_tree WHERE descendant_id = new.id AND ancestor_id <> new.id);
    INSERT INTO place_tree (ancestor_id, descendant_id, depth)
        SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1
        FROM place_tree up, place_tree down
        WHERE up.descendant_id = new.parent_id AND down.ancestor_id = new.id;
    INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
        SELECT 'p:' || t.ancestor_id, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted'
        FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
        WHERE e.status IN ('published', 'retracted') AND e.place_id IN (
            SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
