package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

const actorColumns = `a.id, a.slug, a.name, a.kind, a.colour, a.description, a.status, a.status_note, a.version, a.created_at, a.updated_at,
	p.id, p.slug, p.name, p.colour`

func scanActor(sc interface{ Scan(...any) error }) (conflict.Actor, error) {
	var (
		a                     conflict.Actor
		created, updated      string
		pid                   sql.NullInt64
		pslug, pname, pcolour sql.NullString
	)
	err := sc.Scan(&a.ID, &a.Slug, &a.Name, &a.Kind, &a.Colour, &a.Description, &a.Status, &a.StatusNote, &a.Version, &created, &updated,
		&pid, &pslug, &pname, &pcolour)
	if err != nil {
		return a, mapError(err)
	}
	if pid.Valid {
		a.Parent = &conflict.ActorRef{ID: conflict.ActorID(pid.Int64), Slug: pslug.String, Name: pname.String, Colour: pcolour.String}
	}
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	return a, nil
}

func findActor(ctx context.Context, q querier, where string, arg any) (conflict.Actor, error) {
	a, err := scanActor(q.QueryRowContext(ctx, `SELECT `+actorColumns+`
		FROM actors a LEFT JOIN actors p ON p.id = a.parent_id WHERE `+where, arg))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return a, conflict.Errorf(conflict.NotFound, "No such actor.")
	}
	if err != nil {
		return a, err
	}
	rows, err := q.QueryContext(ctx, `SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias`, a.ID)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return a, err
		}
		a.Aliases = append(a.Aliases, s)
	}
	return a, rows.Err()
}

// FindActorByID returns the actor with its aliases and parent, or NotFound,
// whatever its status: a page for readers checks conflict.Status.Public.
func (db *DB) FindActorByID(ctx context.Context, id conflict.ActorID) (conflict.Actor, error) {
	return findActor(ctx, db.read, `a.id = ?`, int64(id))
}

// FindActorBySlug returns the actor with the given slug, or NotFound.
func (db *DB) FindActorBySlug(ctx context.Context, slug string) (conflict.Actor, error) {
	return findActor(ctx, db.read, `a.slug = ?`, slug)
}

// FindActorsByName returns the actors whose name, alias or slug equals name,
// ignoring case: "ISIS" finds Islamic State. Drafts are among them, for
// editors' forms, which may cite a draft; readers' filters use
// FindPublicActorsByName.
func (db *DB) FindActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error) {
	name = strings.TrimSpace(name)
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors
		WHERE id IN (SELECT id FROM actors WHERE name = ?1 COLLATE NOCASE OR slug = lower(?1)
		             UNION SELECT actor_id FROM actor_aliases WHERE alias = ?1 COLLATE NOCASE)
		ORDER BY name`, name)
	if err != nil {
		return nil, err
	}
	return scanActorRefs(rows)
}

// FindActors returns every published actor, by name: the choices readers
// are offered.
func (db *DB) FindActors(ctx context.Context) ([]conflict.ActorRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors WHERE status = 'published' ORDER BY name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	return scanActorRefs(rows)
}

// FindActorChildren returns the published actors whose parent is id.
func (db *DB) FindActorChildren(ctx context.Context, id conflict.ActorID) ([]conflict.ActorRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors WHERE parent_id = ? AND status = 'published' ORDER BY name`, int64(id))
	if err != nil {
		return nil, err
	}
	return scanActorRefs(rows)
}

func scanActorRefs(rows *sql.Rows) ([]conflict.ActorRef, error) {
	defer rows.Close()
	var out []conflict.ActorRef
	for rows.Next() {
		var r conflict.ActorRef
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.Colour); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateActor validates and stores a new actor with its aliases: a draft
// when a user creates it, published when the system does (see
// newStatus). A taken slug gives a Conflict error on the name.
func (db *DB) CreateActor(ctx context.Context, a *conflict.Actor, ch conflict.Change) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM actors WHERE slug = ?`, a.Slug).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &conflict.Error{Code: conflict.Conflict, Message: "An actor with this name already exists.",
				Fields: conflict.FieldErrors{"name": "An actor with this name already exists."}}
		}
		now := db.stamp()
		var parent any
		if a.Parent != nil {
			parent = int64(a.Parent.ID)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO actors (slug, name, kind, parent_id, colour, description, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Slug, a.Name, a.Kind, parent, a.Colour, a.Description, newStatus(a.Status, ch), now, now)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		for _, al := range a.Aliases {
			if _, err := tx.ExecContext(ctx, `INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)`, id, al); err != nil {
				return err
			}
		}
		stored, err := findActor(ctx, tx, `a.id = ?`, id)
		if err != nil {
			return err
		}
		*a = stored
		_, err = db.writeRevision(ctx, tx, conflict.ActorRecord, id, actionFor(ch), stored, ch)
		return err
	})
}

// subtree expands ids with all their descendants in a self-referencing
// table (actors or places).
func subtree[T ~int64](ctx context.Context, q querier, table string, ids []T) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return queryColumn[T](ctx, q, `WITH RECURSIVE sub(id) AS (
		SELECT id FROM `+table+` WHERE id IN (`+placeholders(len(ids))+`)
		UNION SELECT t.id FROM `+table+` t JOIN sub ON t.parent_id = sub.id)
		SELECT id FROM sub`, args(ids)...)
}
