package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdateEvent saves an edit of the event e.ID made from version
// baseVersion: its title, date, place, body, actors, tags and citations
// (replaced as a whole), in one transaction with a new revision. Its
// status stays as stored; SetEventStatus moves it. On success e is the
// event as stored, with its new version.
//
// An edit of a public event that the review rule does not let go live is
// kept as a pending edit instead, which UpdateEvent returns; the event
// and e stay as they are. New sources typed into the edit are stored
// either way, so that the pending edit can cite them.
//
// Errors: Invalid for bad fields, for an edit of a public record without a
// summary, and for removing the last citation of a published record;
// NotFound for no such event; *conflict.EditConflict[conflict.Event]
// (code Conflict) when the stored version is no longer baseVersion.
func (db *DB) UpdateEvent(ctx context.Context, e *conflict.Event, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	e.Status = ""
	return updateRecord(ctx, db, conflict.EventRecord, int64(e.ID), e, ch,
		func(tx *sql.Tx, edit *conflict.Event) error {
			// Sources are filled in on a copy: a rollback must not leave
			// the caller's citations holding ids that were undone.
			edit.Citations = slices.Clone(edit.Citations)
			return db.storeNewSources(ctx, tx, edit.Citations, ch)
		},
		func(tx *sql.Tx, edit *conflict.Event, ch conflict.Change) (any, string, error) {
			return db.writeEventEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writeEventEdit is UpdateEvent's write, also used to accept a pending
// edit: it returns the event as stored and its title.
func (db *DB) writeEventEdit(ctx context.Context, tx *sql.Tx, e *conflict.Event, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := eventForEdit(ctx, tx, e.ID, baseVersion)
	if err != nil {
		return nil, "", err
	}
	if err := conflict.RequireSummary(cur.Status, ch.Summary); err != nil {
		return nil, "", err
	}
	if err := db.rewriteEvent(ctx, tx, e, cur, conflict.ActionUpdate, ch); err != nil {
		return nil, "", err
	}
	return *e, e.Title, nil
}

// SetEventStatus takes review action a (submit, publish, reject, retract)
// on the event id for a user with role, as conflict.Transition allows,
// with note as the rejection comment or retraction reason, and writes a
// revision with the action. It returns the event as stored.
//
// Errors: those of conflict.Transition (Unauthorized, Forbidden, Invalid);
// Invalid when publishing an event without a citation; NotFound; and
// *conflict.EditConflict[conflict.Event] when the event changed since
// baseVersion, so that nobody publishes what they have not read.
func (db *DB) SetEventStatus(ctx context.Context, id conflict.EventID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Event, error) {
	var out conflict.Event
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := eventForEdit(ctx, tx, id, baseVersion)
		if err != nil {
			return err
		}
		to, err := conflict.Transition(cur.Status, a, role, note)
		if err != nil {
			return err
		}
		if ch, err = db.publishingChange(ctx, tx, conflict.EventRecord, int64(id), cur.Status, to, ch); err != nil {
			return err
		}
		if to == conflict.Published {
			if err := cur.CanPublish(); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE events SET status = ?, status_note = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, to, statusNote(a, note), db.stamp(), int64(id), cur.Version)
		if err != nil {
			return err
		}
		if err := lostRace(res, conflict.EventRecord, int64(id)); err != nil {
			return err
		}
		if to == conflict.Published {
			if err := db.publishCitedDrafts(ctx, tx, conflict.EventRecord, int64(id), ch); err != nil {
				return err
			}
		}
		if out, err = findEvent(ctx, tx, id); err != nil {
			return err
		}
		_, err = db.writeRevision(ctx, tx, conflict.EventRecord, int64(id), a, out, statusChange(ch, note))
		return err
	})
	if err != nil {
		return conflict.Event{}, err
	}
	return out, nil
}

// RevertEvent restores the event's content (title, date, place, actors,
// tags, body, citations) to what it was at revision toRevision, as a new
// revision with the action revert; its status stays as it is. A blank
// summary becomes "Reverted to revision N". It returns the event as
// stored, or, when the review rule holds the revert of a public event for
// a reviewer, the pending edit.
//
// Errors: NotFound for no such event or revision; Invalid when the old
// content no longer passes validation (an actor or place since removed,
// no citation on a published event); *conflict.EditConflict[conflict.Event]
// when the event changed since baseVersion.
func (db *DB) RevertEvent(ctx context.Context, id conflict.EventID, toRevision int, baseVersion int, ch conflict.Change) (conflict.Event, *conflict.PendingEdit, error) {
	var out conflict.Event
	// The summary is settled first, so that a revert kept for review has it.
	ch = revertChange(ch, toRevision)
	pending, err := db.editRecord(ctx, conflict.EventRecord, int64(id), ch, nil, func(tx *sql.Tx, ch conflict.Change) (any, string, error) {
		cur, err := eventForEdit(ctx, tx, id, baseVersion)
		if err != nil {
			return nil, "", err
		}
		rev, err := findRevision(ctx, tx, conflict.EventRecord, int64(id), toRevision)
		if err != nil {
			return nil, "", err
		}
		var old conflict.Event
		if err := snapshotOf(rev, &old); err != nil {
			return nil, "", err
		}
		out = conflict.Event{ID: id, Title: old.Title, Date: old.Date, Place: old.Place,
			Actors: old.Actors, Tags: old.Tags, Body: old.Body, Citations: old.Citations, Relations: old.Relations}
		out.Normalize()
		if err := out.Validate(); err != nil {
			return nil, "", err
		}
		if err := db.rewriteEvent(ctx, tx, &out, cur, conflict.ActionRevert, ch); err != nil {
			return nil, "", err
		}
		return out, out.Title, nil
	})
	if err != nil {
		return conflict.Event{}, nil, err
	}
	return out, pending, nil
}

// eventForEdit loads the stored event an edit based on version base
// changes, or the error that stops the edit.
func eventForEdit(ctx context.Context, tx *sql.Tx, id conflict.EventID, base int) (conflict.Event, error) {
	cur, err := findEvent(ctx, tx, id)
	if err != nil {
		return cur, err
	}
	if cur.Version != base {
		return cur, staleEdit(ctx, tx, conflict.EventRecord, int64(id), base, cur)
	}
	return cur, nil
}

// rewriteEvent replaces the stored event cur with e's content, keeping
// cur's status, and writes the revision. On success e is the event as
// stored.
func (db *DB) rewriteEvent(ctx context.Context, tx querier, e *conflict.Event, cur conflict.Event, action conflict.Action, ch conflict.Change) error {
	e.ID, e.Status, e.StatusNote, e.ExternalID = cur.ID, cur.Status, cur.StatusNote, cur.ExternalID
	if e.Status == conflict.Published {
		if err := e.CanPublish(); err != nil {
			return err
		}
	}
	var place any
	if e.Place != nil {
		place = int64(e.Place.ID)
	}
	res, err := tx.ExecContext(ctx, `UPDATE events SET title = ?, date = ?, date_lo = ?, date_hi = ?,
		place_id = ?, body = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		e.Title, e.Date.String(), e.Date.LowerKey(), e.Date.UpperKey(), place, e.Body, db.stamp(),
		int64(cur.ID), cur.Version)
	if err != nil {
		return fieldError(err, "place", "The place does not exist.")
	}
	if err := lostRace(res, conflict.EventRecord, int64(cur.ID)); err != nil {
		return err
	}
	for _, table := range []string{"event_actors", "event_tags", "citations"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE event_id = ?`, int64(cur.ID)); err != nil {
			return err
		}
	}
	// writeCitations fills in the ids of inline sources it stores; a copy
	// keeps the caller's event free of ids that a rollback would undo.
	links := *e
	links.Citations = slices.Clone(e.Citations)
	if err := db.writeEventLinks(ctx, tx, cur.ID, &links, ch); err != nil {
		return err
	}
	stored, err := findEvent(ctx, tx, cur.ID)
	if err != nil {
		return err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.EventRecord, int64(cur.ID), action, stored, ch); err != nil {
		return err
	}
	*e = stored
	return nil
}
