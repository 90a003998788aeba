package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

const placeColumns = `p.id, p.slug, p.name, p.kind, p.latitude, p.longitude, p.description, p.status, p.status_note, p.version, p.created_at, p.updated_at,
	pp.id, pp.slug, pp.name`

func scanPlace(sc interface{ Scan(...any) error }) (conflict.Place, error) {
	var (
		p                conflict.Place
		lat, lon         sql.NullFloat64
		created, updated string
		pid              sql.NullInt64
		pslug, pname     sql.NullString
	)
	err := sc.Scan(&p.ID, &p.Slug, &p.Name, &p.Kind, &lat, &lon, &p.Description, &p.Status, &p.StatusNote, &p.Version, &created, &updated,
		&pid, &pslug, &pname)
	if err != nil {
		return p, mapError(err)
	}
	if lat.Valid && lon.Valid {
		p.Coordinates = &conflict.LatLon{Lat: lat.Float64, Lon: lon.Float64}
	}
	if pid.Valid {
		p.Parent = &conflict.PlaceRef{ID: conflict.PlaceID(pid.Int64), Slug: pslug.String, Name: pname.String}
	}
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, nil
}

func findPlace(ctx context.Context, q querier, where string, arg any) (conflict.Place, error) {
	p, err := scanPlace(q.QueryRowContext(ctx, `SELECT `+placeColumns+`
		FROM places p LEFT JOIN places pp ON pp.id = p.parent_id WHERE `+where, arg))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return p, conflict.Errorf(conflict.NotFound, "No such place.")
	}
	if err != nil {
		return p, err
	}
	rows, err := q.QueryContext(ctx, `SELECT name, lang FROM place_names WHERE place_id = ? ORDER BY lang, name`, p.ID)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var n conflict.AltName
		if err := rows.Scan(&n.Name, &n.Lang); err != nil {
			return p, err
		}
		p.AltNames = append(p.AltNames, n)
	}
	return p, rows.Err()
}

// FindPlaceByID returns the place with its names and parent, or NotFound,
// whatever its status: a page for readers checks conflict.Status.Public.
func (db *DB) FindPlaceByID(ctx context.Context, id conflict.PlaceID) (conflict.Place, error) {
	return findPlace(ctx, db.read, `p.id = ?`, int64(id))
}

// FindPlaceBySlug returns the place with the given slug, or NotFound.
func (db *DB) FindPlaceBySlug(ctx context.Context, slug string) (conflict.Place, error) {
	return findPlace(ctx, db.read, `p.slug = ?`, slug)
}

// FindPlacesByName returns the places whose name, alternate name or slug
// equals name, ignoring case. Drafts are among them, for editors' forms;
// readers' filters use FindPublicPlacesByName.
func (db *DB) FindPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error) {
	name = strings.TrimSpace(name)
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM places
		WHERE id IN (SELECT id FROM places WHERE name = ?1 COLLATE NOCASE OR slug = lower(?1)
		             UNION SELECT place_id FROM place_names WHERE name = ?1 COLLATE NOCASE)
		ORDER BY name`, name)
	if err != nil {
		return nil, err
	}
	return scanPlaceRefs(rows)
}

// FindPlaces returns every published place, by name: the choices readers
// are offered.
func (db *DB) FindPlaces(ctx context.Context) ([]conflict.PlaceRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM places WHERE status = 'published' ORDER BY name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	return scanPlaceRefs(rows)
}

// FindPlaceChildren returns the published places directly inside id.
func (db *DB) FindPlaceChildren(ctx context.Context, id conflict.PlaceID) ([]conflict.PlaceRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM places WHERE parent_id = ? AND status = 'published' ORDER BY name`, int64(id))
	if err != nil {
		return nil, err
	}
	return scanPlaceRefs(rows)
}

func scanPlaceRefs(rows *sql.Rows) ([]conflict.PlaceRef, error) {
	defer rows.Close()
	var out []conflict.PlaceRef
	for rows.Next() {
		var r conflict.PlaceRef
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreatePlace validates and stores a new place with its alternate names:
// a draft when a user creates it, published when the system does.
func (db *DB) CreatePlace(ctx context.Context, p *conflict.Place, ch conflict.Change) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM places WHERE slug = ?`, p.Slug).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &conflict.Error{Code: conflict.Conflict, Message: "A place with this name already exists.",
				Fields: conflict.FieldErrors{"name": "A place with this name already exists."}}
		}
		now := db.stamp()
		var parent, lat, lon any
		if p.Parent != nil {
			parent = int64(p.Parent.ID)
		}
		if p.Coordinates != nil {
			lat, lon = p.Coordinates.Lat, p.Coordinates.Lon
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO places (slug, name, kind, parent_id, latitude, longitude, description, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Slug, p.Name, p.Kind, parent, lat, lon, p.Description, newStatus(p.Status, ch), now, now)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		for _, n := range p.AltNames {
			if _, err := tx.ExecContext(ctx, `INSERT INTO place_names (place_id, name, lang) VALUES (?, ?, ?)`, id, n.Name, n.Lang); err != nil {
				return err
			}
		}
		stored, err := findPlace(ctx, tx, `p.id = ?`, id)
		if err != nil {
			return err
		}
		*p = stored
		_, err = db.writeRevision(ctx, tx, conflict.PlaceRecord, id, actionFor(ch), stored, ch)
		return err
	})
}

// FindPlaceAncestors returns the places that contain id, outermost first:
// Iraq, then Nineveh province, for Mosul.
func (db *DB) FindPlaceAncestors(ctx context.Context, id conflict.PlaceID) ([]conflict.PlaceRef, error) {
	rows, err := db.read.QueryContext(ctx, `WITH RECURSIVE up(id, depth) AS (
		SELECT parent_id, 1 FROM places WHERE id = ? AND parent_id IS NOT NULL
		UNION ALL SELECT p.parent_id, up.depth + 1 FROM places p JOIN up ON p.id = up.id
		WHERE p.parent_id IS NOT NULL AND up.depth < 32)
		SELECT p.id, p.slug, p.name FROM up JOIN places p ON p.id = up.id ORDER BY up.depth DESC`, int64(id))
	if err != nil {
		return nil, err
	}
	return scanPlaceRefs(rows)
}
