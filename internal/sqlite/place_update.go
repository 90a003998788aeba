package sqlite

import (
	"context"
	"database/sql"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdatePlace saves an edit of the place p.ID made from version
// baseVersion, replacing its alternate names, with a new revision. Its
// slug is kept unless p gives another. On success p is the place as
// stored.
//
// Errors: Invalid for bad fields and for a parent inside the place itself;
// Conflict on the name field when another place has the slug; NotFound;
// *conflict.EditConflict[conflict.Place] when the stored version is no
// longer baseVersion.
func (db *DB) UpdatePlace(ctx context.Context, p *conflict.Place, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	return updateRecord(ctx, db, conflict.PlaceRecord, int64(p.ID), p, ch, nil,
		func(tx *sql.Tx, edit *conflict.Place, ch conflict.Change) (any, string, error) {
			return db.writePlaceEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writePlaceEdit is UpdatePlace's write, also used to accept a pending
// edit: it returns the place as stored and its title.
func (db *DB) writePlaceEdit(ctx context.Context, tx *sql.Tx, p *conflict.Place, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := findPlace(ctx, tx, `p.id = ?`, int64(p.ID))
	if err != nil {
		return nil, "", err
	}
	if cur.Version != baseVersion {
		return nil, "", staleEdit(ctx, tx, conflict.PlaceRecord, int64(cur.ID), baseVersion, cur)
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM places WHERE slug = ? AND id <> ?`, p.Slug, int64(cur.ID)).Scan(&taken); err != nil {
		return nil, "", err
	}
	if taken > 0 {
		return nil, "", &conflict.Error{Code: conflict.Conflict, Message: "A place with this name already exists.",
			Fields: conflict.FieldErrors{"name": "A place with this name already exists."}}
	}
	var parent, lat, lon any
	if p.Parent != nil {
		if err := checkNoCycle(ctx, tx, "places", int64(cur.ID), int64(p.Parent.ID)); err != nil {
			return nil, "", err
		}
		parent = int64(p.Parent.ID)
	}
	if p.Coordinates != nil {
		lat, lon = p.Coordinates.Lat, p.Coordinates.Lon
	}
	res, err := tx.ExecContext(ctx, `UPDATE places SET slug = ?, name = ?, kind = ?, parent_id = ?, latitude = ?, longitude = ?,
		description = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		p.Slug, p.Name, p.Kind, parent, lat, lon, p.Description, db.stamp(), int64(cur.ID), cur.Version)
	if err != nil {
		return nil, "", fieldError(err, "parent", "The parent place does not exist.")
	}
	if err := lostRace(res, conflict.PlaceRecord, int64(cur.ID)); err != nil {
		return nil, "", err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM place_names WHERE place_id = ?`, int64(cur.ID)); err != nil {
		return nil, "", err
	}
	for _, n := range p.AltNames {
		if _, err := tx.ExecContext(ctx, `INSERT INTO place_names (place_id, name, lang) VALUES (?, ?, ?)`, int64(cur.ID), n.Name, n.Lang); err != nil {
			return nil, "", err
		}
	}
	stored, err := findPlace(ctx, tx, `p.id = ?`, int64(cur.ID))
	if err != nil {
		return nil, "", err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.PlaceRecord, int64(cur.ID), conflict.ActionUpdate, stored, ch); err != nil {
		return nil, "", err
	}
	*p = stored
	return *p, p.Name, nil
}
