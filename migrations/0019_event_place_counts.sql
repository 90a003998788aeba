-- +goose Up
-- The map of a filtered list groups its events by place. At a million
-- events it cannot read the events: it reads, for the filter's key, how
-- many published events each place holds. This table counts them, for
-- every event ('*') and for each actor (with everything under it) and
-- tag, kept in step with the events and the postings by triggers.
CREATE TABLE event_place_counts (
    key      TEXT NOT NULL,
    place_id INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (key, place_id)
) STRICT, WITHOUT ROWID;

-- A posting is counted at its event's place. Postings are written after
-- their event's row in every path (0004's triggers), so the place is read
-- from the row.
-- +goose StatementBegin
CREATE TRIGGER event_place_count AFTER INSERT ON event_postings
WHEN new.retracted = 0 AND substr(new.key, 1, 2) IN ('a:', 't:') BEGIN
    INSERT INTO event_place_counts (key, place_id, n)
        SELECT new.key, place_id, 1 FROM events WHERE id = new.event_id AND place_id IS NOT NULL
        ON CONFLICT (key, place_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- A posting removed while its event stays where it is (an actor or tag
-- taken off, a tree moved) is uncounted at the event's place. When the
-- event itself is deleted or moved, its row no longer says where it was:
-- the two triggers on events below settle those first.
-- +goose StatementBegin
CREATE TRIGGER event_place_uncount AFTER DELETE ON event_postings
WHEN old.retracted = 0 AND substr(old.key, 1, 2) IN ('a:', 't:') BEGIN
    UPDATE event_place_counts SET n = n - 1
        WHERE key = old.key AND place_id = (SELECT place_id FROM events WHERE id = old.event_id);
END;
-- +goose StatementEnd
-- Before an event is deleted: uncount its postings at its place. The
-- postings deleted after it find no row, and change nothing.
-- +goose StatementBegin
CREATE TRIGGER event_place_counts_delete BEFORE DELETE ON events
WHEN old.place_id IS NOT NULL BEGIN
    UPDATE event_place_counts SET n = n - 1 WHERE place_id = old.place_id AND key IN (
        SELECT key FROM event_postings WHERE event_id = old.id AND retracted = 0 AND substr(key, 1, 2) IN ('a:', 't:'));
END;
-- +goose StatementEnd
-- Before an event's status, dates or place change, 0004's update trigger
-- will delete its postings, uncounting them at the new place, and post
-- them again, counting them there. Moving each count from the old place
-- to the new one first makes the sum right: old − 1, new + 1 − 1 + 1.
-- +goose StatementBegin
CREATE TRIGGER event_place_counts_move BEFORE UPDATE OF status, date_lo, date_hi, place_id ON events BEGIN
    UPDATE event_place_counts SET n = n - 1 WHERE place_id = old.place_id AND key IN (
        SELECT key FROM event_postings WHERE event_id = old.id AND retracted = 0 AND substr(key, 1, 2) IN ('a:', 't:'));
    INSERT INTO event_place_counts (key, place_id, n)
        SELECT key, new.place_id, 1 FROM event_postings
        WHERE event_id = old.id AND retracted = 0 AND substr(key, 1, 2) IN ('a:', 't:') AND new.place_id IS NOT NULL
        ON CONFLICT (key, place_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- Under the key '*', every published event is counted at its own place:
-- the map of all events, or of a place and what lies inside it, reads one
-- row per place. Kept from the event's own row, whose old and new values
-- the triggers see.
-- +goose StatementBegin
CREATE TRIGGER event_place_own_insert AFTER INSERT ON events
WHEN new.status = 'published' AND new.place_id IS NOT NULL BEGIN
    INSERT INTO event_place_counts (key, place_id, n) VALUES ('*', new.place_id, 1)
        ON CONFLICT (key, place_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_place_own_update AFTER UPDATE OF status, place_id ON events
WHEN old.status IS NOT new.status OR old.place_id IS NOT new.place_id BEGIN
    UPDATE event_place_counts SET n = n - 1
        WHERE key = '*' AND place_id = old.place_id AND old.status = 'published';
    INSERT INTO event_place_counts (key, place_id, n)
        SELECT '*', new.place_id, 1 WHERE new.status = 'published' AND new.place_id IS NOT NULL
        ON CONFLICT (key, place_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_place_own_delete AFTER DELETE ON events
WHEN old.status = 'published' AND old.place_id IS NOT NULL BEGIN
    UPDATE event_place_counts SET n = n - 1 WHERE key = '*' AND place_id = old.place_id;
END;
-- +goose StatementEnd

-- A map of dates alone reads the places of the published events in a
-- range of days from one index, without visiting the events' rows.
CREATE INDEX events_published_place_idx ON events (date_lo, place_id) WHERE status = 'published';

INSERT INTO event_place_counts (key, place_id, n)
    SELECT '*', place_id, count(*) FROM events WHERE status = 'published' AND place_id IS NOT NULL GROUP BY place_id;
INSERT INTO event_place_counts (key, place_id, n)
    SELECT s.key, e.place_id, count(*) FROM event_postings s JOIN events e ON e.id = s.event_id
    WHERE s.retracted = 0 AND (s.key GLOB 'a:*' OR s.key GLOB 't:*') AND e.place_id IS NOT NULL
    GROUP BY s.key, e.place_id;

-- +goose Down
-- Migrations only move forward.
