package sqlite

import (
	"context"
	"database/sql"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdateActor saves an edit of the actor a.ID made from version
// baseVersion, replacing its aliases, with a new revision. Its slug is
// kept unless a gives another, so links to it survive a renaming. On
// success a is the actor as stored.
//
// Errors: Invalid for bad fields and for a parent inside the actor itself;
// Conflict on the name field when another actor has the slug; NotFound;
// *conflict.EditConflict[conflict.Actor] when the stored version is no
// longer baseVersion.
func (db *DB) UpdateActor(ctx context.Context, a *conflict.Actor, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	return updateRecord(ctx, db, conflict.ActorRecord, int64(a.ID), a, ch, nil,
		func(tx *sql.Tx, edit *conflict.Actor, ch conflict.Change) (any, string, error) {
			return db.writeActorEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writeActorEdit is UpdateActor's write, also used to accept a pending
// edit: it returns the actor as stored and its title.
func (db *DB) writeActorEdit(ctx context.Context, tx *sql.Tx, a *conflict.Actor, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := findActor(ctx, tx, `a.id = ?`, int64(a.ID))
	if err != nil {
		return nil, "", err
	}
	if cur.Version != baseVersion {
		return nil, "", staleEdit(ctx, tx, conflict.ActorRecord, int64(cur.ID), baseVersion, cur)
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM actors WHERE slug = ? AND id <> ?`, a.Slug, int64(cur.ID)).Scan(&taken); err != nil {
		return nil, "", err
	}
	if taken > 0 {
		return nil, "", &conflict.Error{Code: conflict.Conflict, Message: "An actor with this name already exists.",
			Fields: conflict.FieldErrors{"name": "An actor with this name already exists."}}
	}
	var parent any
	if a.Parent != nil {
		if err := checkNoCycle(ctx, tx, "actors", int64(cur.ID), int64(a.Parent.ID)); err != nil {
			return nil, "", err
		}
		parent = int64(a.Parent.ID)
	}
	res, err := tx.ExecContext(ctx, `UPDATE actors SET slug = ?, name = ?, kind = ?, parent_id = ?, colour = ?, description = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		a.Slug, a.Name, a.Kind, parent, a.Colour, a.Description, db.stamp(), int64(cur.ID), cur.Version)
	if err != nil {
		return nil, "", fieldError(err, "parent", "The parent actor does not exist.")
	}
	if err := lostRace(res, conflict.ActorRecord, int64(cur.ID)); err != nil {
		return nil, "", err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM actor_aliases WHERE actor_id = ?`, int64(cur.ID)); err != nil {
		return nil, "", err
	}
	for _, al := range a.Aliases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)`, int64(cur.ID), al); err != nil {
			return nil, "", err
		}
	}
	stored, err := findActor(ctx, tx, `a.id = ?`, int64(cur.ID))
	if err != nil {
		return nil, "", err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.ActorRecord, int64(cur.ID), conflict.ActionUpdate, stored, ch); err != nil {
		return nil, "", err
	}
	*a = stored
	return *a, a.Name, nil
}

// checkNoCycle refuses a parent that is the record itself or inside it
// (in table, actors or places), which would make the hierarchy a loop.
func checkNoCycle(ctx context.Context, q querier, table string, id, parent int64) error {
	var inside int
	err := q.QueryRowContext(ctx, `WITH RECURSIVE up(id, depth) AS (
		SELECT ?, 0
		UNION ALL SELECT t.parent_id, up.depth + 1 FROM `+table+` t JOIN up ON t.id = up.id
		WHERE t.parent_id IS NOT NULL AND up.depth < 64)
		SELECT count(*) FROM up WHERE id = ?`, parent, id).Scan(&inside)
	if err != nil {
		return err
	}
	if inside > 0 {
		msg := "An actor cannot be inside itself: choose a parent that is not one of its own members."
		if table == "places" {
			msg = "A place cannot be inside itself: choose a parent that is not one of the places within it."
		}
		return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{"parent": msg}}
	}
	return nil
}
