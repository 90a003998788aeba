package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// Claimant records (migration 0016) are made by the estimates' triggers
// the first time a name is written, so every write path (forms, imports,
// the bulk loader, accepted edits) matches or makes one alike; the store
// only reads them and lets an editor describe them.

const claimantColumns = `c.id, c.name, c.type, c.description, c.version, c.created_at, c.updated_at,
	a.id, a.slug, a.name, a.colour,
	(SELECT count(*) FROM estimates x WHERE x.claimant_id = c.id AND x.status = 'published')`

const claimantFrom = ` FROM claimants c LEFT JOIN actors a ON a.id = c.actor_id`

func scanClaimant(sc interface{ Scan(...any) error }) (conflict.Claimant, error) {
	var (
		c                  conflict.Claimant
		created, updated   string
		aid                sql.NullInt64
		aslug, aname, acol sql.NullString
	)
	if err := sc.Scan(&c.ID, &c.Name, &c.Type, &c.Description, &c.Version, &created, &updated,
		&aid, &aslug, &aname, &acol, &c.Estimates); err != nil {
		return c, mapError(err)
	}
	if aid.Valid {
		c.Affiliation = &conflict.ActorRef{ID: conflict.ActorID(aid.Int64), Slug: aslug.String, Name: aname.String, Colour: acol.String}
	}
	c.CreatedAt, c.UpdatedAt = parseTime(created), parseTime(updated)
	return c, nil
}

// claimantKeySQL is conflict.ClaimantKey in SQL, as the claimants table's
// generated key column computes it.
const claimantKeySQL = `lower(replace(replace(replace(trim(?), '.', ''), '  ', ' '), '  ', ' '))`

// FindClaimantByID returns the claimant with id, or NotFound.
func (db *DB) FindClaimantByID(ctx context.Context, id conflict.ClaimantID) (conflict.Claimant, error) {
	c, err := scanClaimant(db.read.QueryRowContext(ctx, `SELECT `+claimantColumns+claimantFrom+` WHERE c.id = ?`, int64(id)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return c, conflict.Errorf(conflict.NotFound, "No such claimant.")
	}
	return c, err
}

// FindClaimantByName returns the claimant a name is matched to
// (conflict.ClaimantKey), or NotFound.
func (db *DB) FindClaimantByName(ctx context.Context, name string) (conflict.Claimant, error) {
	c, err := scanClaimant(db.read.QueryRowContext(ctx, `SELECT `+claimantColumns+claimantFrom+`
		WHERE c.key = `+claimantKeySQL, conflict.CleanClaimantName(name)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return c, conflict.Errorf(conflict.NotFound, "No claimant is named %s.", name)
	}
	return c, err
}

// FindClaimants returns the claimants of type t (all when t is ""), by
// name, up to limit. With public set, only claimants with a published
// estimate are listed: the others are seen by no reader yet.
func (db *DB) FindClaimants(ctx context.Context, t conflict.ClaimantType, public bool, limit int) ([]conflict.Claimant, error) {
	where := []string{"1"}
	var params []any
	if t != "" {
		where = append(where, "c.type = ?")
		params = append(params, string(t))
	}
	if public {
		where = append(where, "EXISTS (SELECT 1 FROM estimates x WHERE x.claimant_id = c.id AND x.status = 'published')")
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	params = append(params, limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+claimantColumns+claimantFrom+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?`, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Claimant
	for rows.Next() {
		c, err := scanClaimant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClaimantIsPublic reports whether any published estimate names the
// claimant, which decides who may change it (conflict.CanEditClaimant).
func (db *DB) ClaimantIsPublic(ctx context.Context, id conflict.ClaimantID) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM estimates WHERE claimant_id = ? AND status = 'published')`, int64(id)).Scan(&n)
	return n == 1, err
}

// UpdateClaimant saves a description of the claimant c.ID made from
// version baseVersion: its type, affiliation and description. Its name
// stays: estimates were reviewed with it. It writes only what may change
// readers' view at once (conflict.ClaimantChangeGoesLive): the system's
// writes (by 0), claimants no reader sees, and under the one-person rule
// a reviewer's; any other change to a public claimant is proposed with
// ChangeClaimant.
//
// Errors: Invalid for bad fields or an unknown affiliation; NotFound;
// Forbidden; Conflict when the stored version is no longer baseVersion.
func (db *DB) UpdateClaimant(ctx context.Context, c *conflict.Claimant, baseVersion int, role conflict.Role, by conflict.UserID) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		public, err := claimantPublic(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if !db.rule.ClaimantChangeGoesLive(public, role, by) {
			return conflict.Errorf(conflict.Forbidden, "Readers see this claimant beside its published estimates; a change to it is proposed and waits for a second person.")
		}
		return db.applyClaimant(ctx, tx, c, baseVersion, by)
	})
}

func claimantPublic(ctx context.Context, q querier, id conflict.ClaimantID) (bool, error) {
	var public int
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM estimates WHERE claimant_id = ? AND status = 'published')`,
		int64(id)).Scan(&public)
	return public == 1, err
}

// applyClaimant writes c over the stored claimant if it is still at
// baseVersion, and reads it back into c.
func (db *DB) applyClaimant(ctx context.Context, tx *sql.Tx, c *conflict.Claimant, baseVersion int, by conflict.UserID) error {
	var actor, user any
	if c.Affiliation != nil {
		actor = int64(c.Affiliation.ID)
	}
	if by != 0 {
		user = int64(by)
	}
	res, err := tx.ExecContext(ctx, `UPDATE claimants SET name = coalesce(nullif(?, ''), name), type = ?, actor_id = ?, description = ?,
		version = version + 1, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?`,
		c.Name, string(c.Type), actor, c.Description, db.stamp(), user, int64(c.ID), baseVersion)
	if err != nil {
		if conflict.ErrorCode(mapError(err)) == conflict.Conflict {
			msg := "Another claimant already has this name."
			return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{"name": msg}}
		}
		return fieldError(err, "affiliation", "The actor does not exist.")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM claimants WHERE id = ?`, int64(c.ID)).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return conflict.Errorf(conflict.NotFound, "No such claimant.")
		}
		return conflict.Errorf(conflict.Conflict, "Someone changed this claimant since you opened it; open it again to see their change.")
	}
	stored, err := scanClaimant(tx.QueryRowContext(ctx, `SELECT `+claimantColumns+claimantFrom+` WHERE c.id = ?`, int64(c.ID)))
	if err != nil {
		return err
	}
	*c = stored
	return nil
}

// SuggestClaimants returns up to limit claimants whose name contains q,
// ignoring case: names that begin with q first, then those with most
// estimates. Detail is the claimant's type.
func (db *DB) SuggestClaimants(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.name, c.type FROM claimants c
		WHERE instr(lower(c.name), lower(?1)) > 0
		ORDER BY instr(lower(c.name), lower(?1)) <> 1,
			(SELECT count(*) FROM estimates x WHERE x.claimant_id = c.id) DESC, c.name COLLATE NOCASE
		LIMIT ?2`, q, suggestLimit(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suggestion
	for rows.Next() {
		var s Suggestion
		var t conflict.ClaimantType
		if err := rows.Scan(&s.ID, &s.Name, &t); err != nil {
			return nil, err
		}
		s.Detail = t.Label()
		out = append(out, s)
	}
	return out, rows.Err()
}

// claimantsOfType lists the ids of the claimants of a type.
func claimantsOfType(ctx context.Context, q querier, t conflict.ClaimantType) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM claimants WHERE type = ?`, string(t))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// claimantTypes returns the type of each of the claimants ids.
func (db *DB) claimantTypes(ctx context.Context, ids map[conflict.ClaimantID]bool) (map[conflict.ClaimantID]conflict.ClaimantRef, error) {
	out := make(map[conflict.ClaimantID]conflict.ClaimantRef, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, int64(id))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, type FROM claimants WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r conflict.ClaimantRef
		if err := rows.Scan(&r.ID, &r.Name, &r.Type); err != nil {
			return nil, err
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}
