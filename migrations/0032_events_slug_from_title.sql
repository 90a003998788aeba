-- +goose Up
-- An event's address is its id; the slug after it (/events/12-a-title) is
-- its title's, which every write set again (conflict.Event.Normalize), and
-- a wrong slug redirects to the right one. The column repeated the title:
-- 54 MB at a million events. The store now derives the slug where it reads
-- a title (conflict.EventSlug). A slug stored by an older rule than
-- today's gives way to today's, and its links redirect by the id.
-- SQLite rewrites the table to drop the column; the space it held is free
-- pages in the file, which `sitrep backup` leaves out of its copy.
ALTER TABLE events DROP COLUMN slug;

-- +goose Down
-- Migrations only move forward.
