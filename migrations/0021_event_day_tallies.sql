-- +goose Up
-- Counts over time at a million events. The histogram above every list
-- counts the filtered events by the day they begin; counting them row by
-- row would read 400,000 postings for one common place or tag. So each
-- key a reader can filter by ('*' for all published events, and every
-- posting key of 0004) keeps how many of its published events begin on
-- each day, written with the postings themselves: a histogram of one key
-- is then a range of at most one row per day of the record, for any span
-- and any bucket (days, weeks, months, years), never a count of events.
CREATE TABLE event_key_days (
    key TEXT NOT NULL,
    day TEXT NOT NULL, -- date_lo
    n   INTEGER NOT NULL,
    PRIMARY KEY (key, day)
) STRICT, WITHOUT ROWID;

-- Postings are written and deleted, never updated (0004 reposts an event
-- by deleting and inserting its postings), so two triggers follow them.
-- +goose StatementBegin
CREATE TRIGGER event_key_days_count AFTER INSERT ON event_postings WHEN new.retracted = 0 BEGIN
    INSERT INTO event_key_days (key, day, n) VALUES (new.key, new.date_lo, 1)
        ON CONFLICT (key, day) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_key_days_uncount AFTER DELETE ON event_postings WHEN old.retracted = 0 BEGIN
    UPDATE event_key_days SET n = n - 1 WHERE key = old.key AND day = old.date_lo;
END;
-- +goose StatementEnd

-- All published events, which have no posting of their own.
-- +goose StatementBegin
CREATE TRIGGER event_days_insert AFTER INSERT ON events WHEN new.status = 'published' BEGIN
    INSERT INTO event_key_days (key, day, n) VALUES ('*', new.date_lo, 1)
        ON CONFLICT (key, day) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_days_update AFTER UPDATE OF status, date_lo ON events
WHEN old.status = 'published' OR new.status = 'published' BEGIN
    UPDATE event_key_days SET n = n - 1 WHERE key = '*' AND day = old.date_lo AND old.status = 'published';
    INSERT INTO event_key_days (key, day, n) SELECT '*', new.date_lo, 1 WHERE new.status = 'published'
        ON CONFLICT (key, day) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER event_days_delete AFTER DELETE ON events WHEN old.status = 'published' BEGIN
    UPDATE event_key_days SET n = n - 1 WHERE key = '*' AND day = old.date_lo;
END;
-- +goose StatementEnd

-- Postings are stored in (key, date_lo) order, so both fills stream.
INSERT INTO event_key_days (key, day, n)
    SELECT key, date_lo, count(*) FROM event_postings WHERE retracted = 0 GROUP BY key, date_lo;
INSERT INTO event_key_days (key, day, n)
    SELECT '*', date_lo, count(*) FROM events WHERE status = 'published' GROUP BY date_lo;

-- +goose Down
-- Migrations only move forward.
