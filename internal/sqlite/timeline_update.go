package sqlite

import (
	"context"
	"database/sql"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdateTimeline saves an edit of the timeline t.ID made from version
// baseVersion, replacing its filter, pins and exclusions, with a new
// revision. Its status is not the edit's to change: review actions
// (SetRecordStatus) do that. On success t is the timeline as stored.
//
// Errors: Invalid for bad fields or a missing actor, place or event;
// Conflict on the slug field when another timeline has the slug;
// NotFound; *conflict.EditConflict[conflict.Timeline] when the stored
// version is no longer baseVersion.
func (db *DB) UpdateTimeline(ctx context.Context, t *conflict.Timeline, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	return updateRecord(ctx, db, conflict.TimelineRecord, int64(t.ID), t, ch, nil,
		func(tx *sql.Tx, edit *conflict.Timeline, ch conflict.Change) (any, string, error) {
			return db.writeTimelineEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writeTimelineEdit is UpdateTimeline's write, also used to accept a pending
// edit: it returns the timeline as stored and its title.
func (db *DB) writeTimelineEdit(ctx context.Context, tx *sql.Tx, t *conflict.Timeline, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := findTimeline(ctx, tx, `t.id = ?`, int64(t.ID))
	if err != nil {
		return nil, "", err
	}
	if cur.Version != baseVersion {
		return nil, "", staleEdit(ctx, tx, conflict.TimelineRecord, int64(cur.ID), baseVersion, cur)
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM timelines WHERE slug = ? AND id <> ?`, t.Slug, int64(cur.ID)).Scan(&taken); err != nil {
		return nil, "", err
	}
	if taken > 0 {
		return nil, "", &conflict.Error{Code: conflict.Conflict, Message: "A timeline with this slug already exists.",
			Fields: conflict.FieldErrors{"slug": "This slug is taken by another timeline."}}
	}
	id := int64(cur.ID)
	res, err := tx.ExecContext(ctx, `UPDATE timelines SET slug = ?, title = ?, description = ?, date_from = ?, date_to = ?,
		with_estimates = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		t.Slug, t.Title, t.Description, t.Filter.From.String(), t.Filter.To.String(), t.WithEstimates,
		db.stamp(), id, cur.Version)
	if err != nil {
		return nil, "", err
	}
	if err := lostRace(res, conflict.TimelineRecord, id); err != nil {
		return nil, "", err
	}
	for _, table := range []string{"timeline_actors", "timeline_places", "timeline_tags", "timeline_events"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE timeline_id = ?`, id); err != nil {
			return nil, "", err
		}
	}
	if err := writeTimelineLinks(ctx, tx, id, t); err != nil {
		return nil, "", err
	}
	stored, err := findTimeline(ctx, tx, `t.id = ?`, id)
	if err != nil {
		return nil, "", err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.TimelineRecord, id, conflict.ActionUpdate, stored, ch); err != nil {
		return nil, "", err
	}
	*t = stored
	return *t, t.Title, nil
}

// writeTimelineLinks stores a timeline's filter actors, places and tags,
// and its pinned and excluded events; an event both pinned and excluded
// is excluded.
func writeTimelineLinks(ctx context.Context, tx *sql.Tx, id int64, t *conflict.Timeline) error {
	for _, a := range t.Filter.Actors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timeline_actors (timeline_id, actor_id) VALUES (?, ?)`, id, int64(a)); err != nil {
			return fieldError(err, "actors", "One of the actors does not exist.")
		}
	}
	for _, p := range t.Filter.Places {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timeline_places (timeline_id, place_id) VALUES (?, ?)`, id, int64(p)); err != nil {
			return fieldError(err, "places", "One of the places does not exist.")
		}
	}
	for _, tag := range t.Filter.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timeline_tags (timeline_id, tag) VALUES (?, ?)`, id, tag); err != nil {
			return err
		}
	}
	for _, e := range t.Pinned {
		if _, err := tx.ExecContext(ctx, `INSERT INTO timeline_events (timeline_id, event_id, excluded) VALUES (?, ?, 0)`, id, int64(e)); err != nil {
			return fieldError(err, "pinned", "A pinned event does not exist.")
		}
	}
	for _, e := range t.Excluded {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO timeline_events (timeline_id, event_id, excluded) VALUES (?, ?, 1)`, id, int64(e)); err != nil {
			return fieldError(err, "excluded", "An excluded event does not exist.")
		}
	}
	return nil
}
