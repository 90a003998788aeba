-- +goose Up
-- The postings (0004) lose their index by event: it held every posting's
-- whole key again (6.3 million rows, 153 MB at a million events, a fifth
-- more than the postings themselves weigh with it), and every bulk write
-- sorted it anew. What it answered, "which postings has this event", the
-- triggers now work out from the event itself: it is posted under its
-- place's ancestors, its actors' ancestors and its tags, on its date_lo,
-- so each of its postings is one seek of the postings' own key. The
-- triggers below are 0004's and 0019's, rewritten so. Each writes the
-- keys out: a view of them would be a UNION, which SQLite reads whole
-- rather than for the one event a trigger asks about.

DROP INDEX event_postings_event_idx;

-- An event's postings, and those of its actors and tags that count at its
-- place, are found from what is about to change while it is unchanged.
-- A deleted event's postings are removed before it: after it, the links
-- that name its postings are gone (deleted with it, ON DELETE CASCADE,
-- before any AFTER trigger runs). Removing them while the event still
-- stands also uncounts them at its place (0019's event_place_uncount),
-- which event_place_counts_delete did before.
DROP TRIGGER event_postings_delete;
DROP TRIGGER event_place_counts_delete;
-- +goose StatementBegin
CREATE TRIGGER event_postings_delete BEFORE DELETE ON events
WHEN old.status IN ('published', 'retracted') BEGIN
    DELETE FROM event_postings WHERE date_lo = old.date_lo AND event_id = old.id AND key IN (
        SELECT 'p:' || ancestor_id FROM place_tree WHERE descendant_id = old.place_id
        UNION SELECT 'a:' || t.ancestor_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
            WHERE ea.event_id = old.id
        UNION SELECT 't:' || tag FROM event_tags WHERE event_id = old.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_postings_uncount_all AFTER DELETE ON events WHEN old.status = 'published' BEGIN
    UPDATE event_key_counts SET n = n - 1 WHERE key = '*';
END;
-- +goose StatementEnd

-- A change of status, date or place: the postings as they were are under
-- the old place's ancestors and the old date_lo (the links do not change
-- with the event's row).
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

-- 0019's move of an event's counts from its old place to its new one,
-- before 0004's update trigger reposts it: its published postings by
-- actor and tag are its actors' ancestors and its tags.
DROP TRIGGER event_place_counts_move;
-- +goose StatementBegin
CREATE TRIGGER event_place_counts_move BEFORE UPDATE OF status, date_lo, date_hi, place_id ON events
WHEN old.status = 'published' BEGIN
    UPDATE event_place_counts SET n = n - 1 WHERE place_id = old.place_id AND key IN (
        SELECT 'a:' || t.ancestor_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
            WHERE ea.event_id = old.id
        UNION SELECT 't:' || tag FROM event_tags WHERE event_id = old.id);
    INSERT INTO event_place_counts (key, place_id, n)
        SELECT key, new.place_id, 1 FROM (
            SELECT 'a:' || t.ancestor_id AS key FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
                WHERE ea.event_id = old.id
            UNION SELECT 't:' || tag FROM event_tags WHERE event_id = old.id)
        WHERE new.place_id IS NOT NULL
        ON CONFLICT (key, place_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- A link removed: the event's postings under it are on the event's date_lo.
DROP TRIGGER event_actors_unpost;
-- +goose StatementBegin
CREATE TRIGGER event_actors_unpost AFTER DELETE ON event_actors BEGIN
    DELETE FROM event_postings WHERE event_id = old.event_id
        AND date_lo = (SELECT date_lo FROM events WHERE id = old.event_id)
        AND key IN (SELECT 'a:' || ancestor_id FROM actor_tree WHERE descendant_id = old.actor_id)
        AND key NOT IN (SELECT 'a:' || t.ancestor_id FROM event_actors ea JOIN actor_tree t ON t.descendant_id = ea.actor_id
            WHERE ea.event_id = old.event_id);
END;
-- +goose StatementEnd
DROP TRIGGER event_tags_unpost;
-- +goose StatementBegin
CREATE TRIGGER event_tags_unpost AFTER DELETE ON event_tags BEGIN
    DELETE FROM event_postings WHERE event_id = old.event_id AND key = 't:' || old.tag
        AND date_lo = (SELECT date_lo FROM events WHERE id = old.event_id);
END;
-- +goose StatementEnd

-- A moved subtree's events are unposted under the ancestors they had
-- before the closure table changes, then posted under the new ones.
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
        SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
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
        SELECT 'p:' || t.ancestor_id, e.date_lo, e.id, e.date_hi, e.status = 'retracted'
        FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
        WHERE e.status IN ('published', 'retracted') AND e.place_id IN (
            SELECT descendant_id FROM place_tree WHERE ancestor_id = new.id);
END;
-- +goose StatementEnd

-- +goose Down
-- Migrations only move forward.
