package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
)

const timelineColumns = `t.id, t.slug, t.title, t.description, t.date_from, t.date_to, t.with_estimates, t.status, t.status_note,
	t.version, t.created_at, t.updated_at`

func scanTimeline(sc interface{ Scan(...any) error }) (conflict.Timeline, error) {
	var (
		t                conflict.Timeline
		created, updated string
	)
	err := sc.Scan(&t.ID, &t.Slug, &t.Title, &t.Description, &t.Filter.From, &t.Filter.To, &t.WithEstimates, &t.Status, &t.StatusNote,
		&t.Version, &created, &updated)
	if err != nil {
		return t, mapError(err)
	}
	t.CreatedAt, t.UpdatedAt = parseTime(created), parseTime(updated)
	return t, nil
}

// FindTimelineBySlug returns the timeline with its filter, pins and
// exclusions, or NotFound, whatever its status: what readers see checks
// conflict.Status.Public.
func (db *DB) FindTimelineBySlug(ctx context.Context, slug string) (conflict.Timeline, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return conflict.Timeline{}, err
	}
	// The timeline kept is shared: each caller gets a copy.
	t, err := db.timelines.Get(version, slug, timelinesKept, nil, func() (conflict.Timeline, error) {
		return findTimeline(ctx, db.read, `t.slug = ?`, slug)
	})
	return cloneTimeline(t), err
}

// timelinesKept bounds the timelines kept (DB.timelines) until the next
// write: six queries each, for every request of a timeline or its embed.
const timelinesKept = 256

// cloneTimeline copies a timeline's lists, so that a caller's changes to
// its copy never reach the one kept.
func cloneTimeline(t conflict.Timeline) conflict.Timeline {
	t.Filter.Actors, t.Filter.Places, t.Filter.Tags = slices.Clone(t.Filter.Actors), slices.Clone(t.Filter.Places), slices.Clone(t.Filter.Tags)
	t.Pinned, t.Excluded = slices.Clone(t.Pinned), slices.Clone(t.Excluded)
	return t
}

func findTimeline(ctx context.Context, q querier, where string, arg any) (conflict.Timeline, error) {
	t, err := scanTimeline(q.QueryRowContext(ctx, `SELECT `+timelineColumns+` FROM timelines t WHERE `+where, arg))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return t, conflict.Errorf(conflict.NotFound, "No such timeline.")
	}
	if err != nil {
		return t, err
	}
	id := int64(t.ID)
	if t.Filter.Actors, err = queryIDs[conflict.ActorID](ctx, q, `SELECT actor_id FROM timeline_actors WHERE timeline_id = ? ORDER BY actor_id`, id); err != nil {
		return t, err
	}
	if t.Filter.Places, err = queryIDs[conflict.PlaceID](ctx, q, `SELECT place_id FROM timeline_places WHERE timeline_id = ? ORDER BY place_id`, id); err != nil {
		return t, err
	}
	if t.Pinned, err = queryIDs[conflict.EventID](ctx, q, `SELECT event_id FROM timeline_events WHERE timeline_id = ? AND excluded = 0 ORDER BY event_id`, id); err != nil {
		return t, err
	}
	if t.Excluded, err = queryIDs[conflict.EventID](ctx, q, `SELECT event_id FROM timeline_events WHERE timeline_id = ? AND excluded = 1 ORDER BY event_id`, id); err != nil {
		return t, err
	}
	rows, err := q.QueryContext(ctx, `SELECT tag FROM timeline_tags WHERE timeline_id = ? ORDER BY tag`, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var tag string
		if err := rows.Scan(&tag); err != nil {
			return t, err
		}
		t.Filter.Tags = append(t.Filter.Tags, tag)
	}
	return t, rows.Err()
}

func queryIDs[T ~int64](ctx context.Context, q querier, query string, arg any) ([]T, error) {
	return queryColumn[T](ctx, q, query, arg)
}

// FindTimelines returns the timelines, published ones only unless all is
// set, by title.
func (db *DB) FindTimelines(ctx context.Context, all bool) ([]conflict.Timeline, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+timelineColumns+` FROM timelines t
		WHERE t.status = 'published' OR ? ORDER BY t.title COLLATE NOCASE`, all)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Timeline
	for rows.Next() {
		t, err := scanTimeline(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateTimeline validates and stores a new timeline: a draft when a user
// creates it, published when the system does. A taken slug gives a
// Conflict error on the slug.
func (db *DB) CreateTimeline(ctx context.Context, t *conflict.Timeline, ch conflict.Change) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM timelines WHERE slug = ?`, t.Slug).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &conflict.Error{Code: conflict.Conflict, Message: "A timeline with this slug already exists.",
				Fields: conflict.FieldErrors{"slug": "This slug is taken by another timeline."}}
		}
		now := db.stamp()
		res, err := tx.ExecContext(ctx, `INSERT INTO timelines
			(slug, title, description, date_from, date_to, with_estimates, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.Slug, t.Title, t.Description, t.Filter.From.String(), t.Filter.To.String(), t.WithEstimates, newStatus(t.Status, ch), now, now)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := writeTimelineLinks(ctx, tx, id, t); err != nil {
			return err
		}
		stored, err := findTimeline(ctx, tx, `t.id = ?`, id)
		if err != nil {
			return err
		}
		*t = stored
		_, err = db.writeRevision(ctx, tx, conflict.TimelineRecord, id, actionFor(ch), stored, ch)
		return err
	})
}
