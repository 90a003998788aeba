package sqlite

import (
	"context"
	"database/sql"
	"slices"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdateEstimate saves an edit of the estimate x.ID made from version
// baseVersion: its force, place, as-of date, unit, qualifier, bounds,
// claimant, notes and citations (replaced as a whole), in one transaction
// with a new revision. Its status stays as stored; SetEstimateStatus moves
// it. On success x is the estimate as stored, with its new version. An
// edit that must wait for review is returned as a pending edit, as
// UpdateEvent does.
//
// Errors: Invalid for bad fields, for an edit of a public record without a
// summary, and for removing the last citation of a published estimate;
// NotFound; *conflict.EditConflict[conflict.Estimate] (code Conflict) when
// the stored version is no longer baseVersion.
func (db *DB) UpdateEstimate(ctx context.Context, x *conflict.Estimate, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	x.Status = ""
	return updateRecord(ctx, db, conflict.EstimateRecord, int64(x.ID), x, ch,
		func(tx *sql.Tx, edit *conflict.Estimate) error {
			// Sources are filled in on a copy: a rollback must not leave
			// the caller's citations holding ids that were undone.
			edit.Citations = slices.Clone(edit.Citations)
			return db.storeNewSources(ctx, tx, edit.Citations, ch)
		},
		func(tx *sql.Tx, edit *conflict.Estimate, ch conflict.Change) (any, string, error) {
			return db.writeEstimateEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writeEstimateEdit is UpdateEstimate's write, also used to accept a
// pending edit: it returns the estimate as stored and its title.
func (db *DB) writeEstimateEdit(ctx context.Context, tx *sql.Tx, x *conflict.Estimate, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := estimateForEdit(ctx, tx, x.ID, baseVersion)
	if err != nil {
		return nil, "", err
	}
	if err := conflict.RequireSummary(cur.Status, ch.Summary); err != nil {
		return nil, "", err
	}
	if err := db.rewriteEstimate(ctx, tx, x, cur, conflict.ActionUpdate, ch); err != nil {
		return nil, "", err
	}
	return *x, x.Force.Name + " · " + x.AsOf.String(), nil
}

// SetEstimateStatus takes review action a on the estimate id for a user
// with role, as conflict.Transition allows, and writes a revision with the
// action. It returns the estimate as stored. Errors are those of
// SetEventStatus, with *conflict.EditConflict[conflict.Estimate].
func (db *DB) SetEstimateStatus(ctx context.Context, id conflict.EstimateID, a conflict.Action, note string, baseVersion int, role conflict.Role, ch conflict.Change) (conflict.Estimate, error) {
	var out conflict.Estimate
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := estimateForEdit(ctx, tx, id, baseVersion)
		if err != nil {
			return err
		}
		to, err := conflict.Transition(cur.Status, a, role, note)
		if err != nil {
			return err
		}
		if ch, err = db.publishingChange(ctx, tx, conflict.EstimateRecord, int64(id), cur.Status, to, ch); err != nil {
			return err
		}
		if to == conflict.Published {
			if err := cur.CanPublish(); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE estimates SET status = ?, status_note = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, to, statusNote(a, note), db.stamp(), int64(id), cur.Version)
		if err != nil {
			return err
		}
		if err := lostRace(res, conflict.EstimateRecord, int64(id)); err != nil {
			return err
		}
		if to == conflict.Published {
			if err := db.publishCitedDrafts(ctx, tx, conflict.EstimateRecord, int64(id), ch); err != nil {
				return err
			}
		}
		if out, err = findEstimate(ctx, tx, id); err != nil {
			return err
		}
		_, err = db.writeRevision(ctx, tx, conflict.EstimateRecord, int64(id), a, out, statusChange(ch, note))
		return err
	})
	if err != nil {
		return conflict.Estimate{}, err
	}
	return out, nil
}

// RevertEstimate restores the estimate's content (force, place, as-of
// date, unit, qualifier, bounds, claimant, notes, citations) to what it
// was at revision toRevision, as a new revision with the action revert;
// its status stays as it is. Errors are those of RevertEvent, with
// *conflict.EditConflict[conflict.Estimate].
func (db *DB) RevertEstimate(ctx context.Context, id conflict.EstimateID, toRevision int, baseVersion int, ch conflict.Change) (conflict.Estimate, *conflict.PendingEdit, error) {
	var out conflict.Estimate
	// The summary is settled first, so that a revert kept for review has it.
	ch = revertChange(ch, toRevision)
	pending, err := db.editRecord(ctx, conflict.EstimateRecord, int64(id), ch, nil, func(tx *sql.Tx, ch conflict.Change) (any, string, error) {
		cur, err := estimateForEdit(ctx, tx, id, baseVersion)
		if err != nil {
			return nil, "", err
		}
		rev, err := findRevision(ctx, tx, conflict.EstimateRecord, int64(id), toRevision)
		if err != nil {
			return nil, "", err
		}
		var old conflict.Estimate
		if err := snapshotOf(rev, &old); err != nil {
			return nil, "", err
		}
		out = conflict.Estimate{ID: id, Force: old.Force, Place: old.Place, AsOf: old.AsOf, Unit: old.Unit,
			Qualifier: old.Qualifier, Low: old.Low, High: old.High, Claimant: old.Claimant,
			ClaimantActor: old.ClaimantActor, Notes: old.Notes, Citations: old.Citations, Relations: old.Relations}
		out.Normalize()
		if err := out.Validate(); err != nil {
			return nil, "", err
		}
		if err := db.rewriteEstimate(ctx, tx, &out, cur, conflict.ActionRevert, ch); err != nil {
			return nil, "", err
		}
		return out, out.Force.Name + " · " + out.AsOf.String(), nil
	})
	if err != nil {
		return conflict.Estimate{}, nil, err
	}
	return out, pending, nil
}

// estimateForEdit loads the stored estimate an edit based on version base
// changes, or the error that stops the edit.
func estimateForEdit(ctx context.Context, tx *sql.Tx, id conflict.EstimateID, base int) (conflict.Estimate, error) {
	cur, err := findEstimate(ctx, tx, id)
	if err != nil {
		return cur, err
	}
	if cur.Version != base {
		return cur, staleEdit(ctx, tx, conflict.EstimateRecord, int64(id), base, cur)
	}
	return cur, nil
}

// rewriteEstimate replaces the stored estimate cur with x's content,
// keeping cur's status, and writes the revision. On success x is the
// estimate as stored.
func (db *DB) rewriteEstimate(ctx context.Context, tx querier, x *conflict.Estimate, cur conflict.Estimate, action conflict.Action, ch conflict.Change) error {
	x.ID, x.Status, x.StatusNote, x.ExternalID = cur.ID, cur.Status, cur.StatusNote, cur.ExternalID
	if x.Status == conflict.Published {
		if err := x.CanPublish(); err != nil {
			return err
		}
	}
	var place, claimant, low, high any
	if x.Place != nil {
		place = int64(x.Place.ID)
	}
	if x.ClaimantActor != nil {
		claimant = int64(x.ClaimantActor.ID)
	}
	if x.Low.Set {
		low = x.Low.Value
	}
	if x.High.Set {
		high = x.High.Value
	}
	res, err := tx.ExecContext(ctx, `UPDATE estimates SET actor_id = ?, place_id = ?, as_of = ?, as_of_lo = ?, as_of_hi = ?,
		unit = ?, qualifier = ?, low = ?, high = ?, claimant = ?, claimant_actor_id = ?, notes = ?,
		version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		int64(x.Force.ID), place, x.AsOf.String(), x.AsOf.LowerKey(), x.AsOf.UpperKey(), x.Unit, x.Qualifier,
		low, high, x.Claimant, claimant, x.Notes, db.stamp(), int64(cur.ID), cur.Version)
	if err != nil {
		return fieldError(err, "force", "The force, place or claimant does not exist.")
	}
	if err := lostRace(res, conflict.EstimateRecord, int64(cur.ID)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM citations WHERE estimate_id = ?`, int64(cur.ID)); err != nil {
		return err
	}
	// A copy keeps the caller's estimate free of source ids a rollback
	// would undo.
	cites := slices.Clone(x.Citations)
	if err := db.writeCitations(ctx, tx, "estimate_id", int64(cur.ID), cites, ch); err != nil {
		return err
	}
	if err := writeRelations(ctx, tx, conflict.EstimateRecord, int64(cur.ID), x.Claimant, x.Relations, cites); err != nil {
		return err
	}
	stored, err := findEstimate(ctx, tx, cur.ID)
	if err != nil {
		return err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.EstimateRecord, int64(cur.ID), action, stored, ch); err != nil {
		return err
	}
	*x = stored
	return nil
}
