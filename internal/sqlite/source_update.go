package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/sitrep/sitrep/internal/conflict"
)

// UpdateSource saves an edit of the source s.ID made from version
// baseVersion, with a new revision. On success s is the source as stored.
//
// Errors: Invalid for bad fields; Conflict on the url field when another
// source has the URL (on the title field when another source without an
// address has the same publisher, title and date); NotFound; *conflict.EditConflict[conflict.Source]
// when the stored version is no longer baseVersion.
func (db *DB) UpdateSource(ctx context.Context, s *conflict.Source, baseVersion int, ch conflict.Change) (*conflict.PendingEdit, error) {
	return updateRecord(ctx, db, conflict.SourceRecord, int64(s.ID), s, ch, nil,
		func(tx *sql.Tx, edit *conflict.Source, ch conflict.Change) (any, string, error) {
			return db.writeSourceEdit(ctx, tx, edit, baseVersion, ch)
		})
}

// writeSourceEdit is UpdateSource's write, also used to accept a pending
// edit: it returns the source as stored and its title.
func (db *DB) writeSourceEdit(ctx context.Context, tx *sql.Tx, s *conflict.Source, baseVersion int, ch conflict.Change) (any, string, error) {
	cur, err := findSource(ctx, tx, `s.id = ?`, int64(s.ID))
	if err != nil {
		return nil, "", err
	}
	if cur.Version != baseVersion {
		return nil, "", staleEdit(ctx, tx, conflict.SourceRecord, int64(cur.ID), baseVersion, cur)
	}
	key, err := s.Key()
	if err != nil {
		return nil, "", err
	}
	if other, err := findSource(ctx, tx, `s.url_key = ?`, key); err == nil && other.ID != cur.ID {
		msg := "Another source has this URL."
		if s.URL == "" {
			msg = "Another source without an address has this publisher, title and date."
		}
		return nil, "", &conflict.Error{Code: conflict.Conflict, Message: msg,
			Fields: conflict.FieldErrors{sourceKeyField(*s): "Already recorded as \"" + other.Heading() + "\"."}}
	}
	authors, _ := json.Marshal(s.Authors)
	if s.Authors == nil {
		authors = []byte("[]")
	}
	res, err := tx.ExecContext(ctx, `UPDATE sources SET url = ?, url_key = ?, publisher = ?, title = ?, published = ?, published_lo = ?,
		authors = ?, language = ?, archived_url = ?, reliability = ?, notes = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		s.URL, key, s.Publisher, s.Title, s.Published.String(), s.Published.LowerKey(), string(authors), s.Language,
		s.ArchivedURL, string(s.Reliability), s.Notes, db.stamp(), int64(cur.ID), cur.Version)
	if err != nil {
		return nil, "", err
	}
	if err := lostRace(res, conflict.SourceRecord, int64(cur.ID)); err != nil {
		return nil, "", err
	}
	stored, err := findSource(ctx, tx, `s.id = ?`, int64(cur.ID))
	if err != nil {
		return nil, "", err
	}
	if _, err := db.writeRevision(ctx, tx, conflict.SourceRecord, int64(cur.ID), conflict.ActionUpdate, stored, ch); err != nil {
		return nil, "", err
	}
	*s = stored
	return *s, s.Heading(), nil
}
