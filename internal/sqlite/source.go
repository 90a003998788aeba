package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/sitrep/sitrep/internal/conflict"
)

// sourceHeadingSQL is conflict.Source.Heading in SQL, for lists that
// name records by a column: an untitled source by its publisher and date.
const sourceHeadingSQL = `CASE WHEN title <> '' THEN title
	ELSE publisher || CASE WHEN published <> '' THEN ', ' || published ELSE '' END || ', untitled' END`

const sourceColumns = `s.id, s.url, s.publisher, s.title, s.published, s.authors, s.language,
	s.archived_url, s.reliability, s.notes, s.status, s.status_note, s.version, s.created_at, s.updated_at`

func scanSource(sc interface{ Scan(...any) error }) (conflict.Source, error) {
	var (
		s                conflict.Source
		authors          string
		created, updated string
	)
	err := sc.Scan(&s.ID, &s.URL, &s.Publisher, &s.Title, &s.Published, &authors, &s.Language,
		&s.ArchivedURL, &s.Reliability, &s.Notes, &s.Status, &s.StatusNote, &s.Version, &created, &updated)
	if err != nil {
		return s, mapError(err)
	}
	_ = json.Unmarshal([]byte(authors), &s.Authors)
	s.CreatedAt, s.UpdatedAt = parseTime(created), parseTime(updated)
	return s, nil
}

// FindSourceByID returns the source with the given id, or a NotFound
// error, whatever its status: a page for readers checks
// conflict.Status.Public.
func (db *DB) FindSourceByID(ctx context.Context, id conflict.SourceID) (conflict.Source, error) {
	return findSource(ctx, db.read, `s.id = ?`, int64(id))
}

// FindSourceByURL returns the source stored under the same address as url
// by its key (conflict.URLKey), however either is spelt, or a NotFound
// error.
func (db *DB) FindSourceByURL(ctx context.Context, url string) (conflict.Source, error) {
	key, err := conflict.URLKey(url)
	if err != nil {
		return conflict.Source{}, err
	}
	return findSource(ctx, db.read, `s.url_key = ?`, key)
}

// findSourceByKey returns the source stored as s under another spelling
// of its address or, for a source without one, under the same publisher,
// title and date (conflict.Source.Key), or a NotFound error.
func findSourceByKey(ctx context.Context, q querier, s conflict.Source) (conflict.Source, error) {
	key, err := s.Key()
	if err != nil {
		return conflict.Source{}, err
	}
	return findSource(ctx, q, `s.url_key = ?`, key)
}

func findSource(ctx context.Context, q querier, where string, arg any) (conflict.Source, error) {
	s, err := scanSource(q.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE `+where, arg))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return s, conflict.Errorf(conflict.NotFound, "No such source.")
	}
	return s, err
}

// CreateSource normalises, validates and stores a new source: a draft
// when a user creates it, published when the system does. A source whose
// URL is already stored, or, without a URL, whose publisher, title and
// date are, gives a Conflict error.
func (db *DB) CreateSource(ctx context.Context, s *conflict.Source, ch conflict.Change) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.createSource(ctx, tx, s, ch)
	})
}

func (db *DB) createSource(ctx context.Context, tx querier, s *conflict.Source, ch conflict.Change) error {
	key, err := s.Key()
	if err != nil {
		return err
	}
	if existing, err := findSource(ctx, tx, `s.url_key = ?`, key); err == nil {
		return &conflict.Error{Code: conflict.Conflict, Message: "This source is already recorded.",
			Fields: conflict.FieldErrors{sourceKeyField(*s): "Already recorded as \"" + existing.Heading() + "\"."}}
	}
	authors, _ := json.Marshal(s.Authors)
	if s.Authors == nil {
		authors = []byte("[]")
	}
	now := db.stamp()
	res, err := tx.ExecContext(ctx, `INSERT INTO sources
		(url, url_key, publisher, title, published, published_lo, authors, language, archived_url, reliability, notes, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.URL, key, s.Publisher, s.Title, s.Published.String(), s.Published.LowerKey(), string(authors), s.Language,
		s.ArchivedURL, string(s.Reliability), s.Notes, newStatus(s.Status, ch), now, now)
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	stored, err := findSource(ctx, tx, `s.id = ?`, id)
	if err != nil {
		return err
	}
	*s = stored
	_, err = db.writeRevision(ctx, tx, conflict.SourceRecord, id, actionFor(ch), stored, ch)
	return err
}

// sourceKeyField is the form field a duplicate source is reported on:
// the address, or the title of a source without one.
func sourceKeyField(s conflict.Source) string {
	if s.URL == "" {
		return "title"
	}
	return "url"
}

// FindSources returns published sources, most recently published first.
func (db *DB) FindSources(ctx context.Context, limit int) ([]conflict.Source, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.status = 'published'
		ORDER BY s.published_lo DESC, s.id DESC LIMIT ?`, clampLimit(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// newStatus is the status of a new actor, place, source or timeline. What
// a user creates is a draft until a reviewer publishes it, or publishes a
// record that cites it (publishCitedDrafts). The system's own writes —
// imports, the demo, the command line — are trusted: published, unless
// the record says otherwise.
func newStatus(s conflict.Status, ch conflict.Change) conflict.Status {
	switch {
	case ch.Author != nil:
		return conflict.Draft
	case s == "":
		return conflict.Published
	}
	return s
}

// actionFor picks the revision action of a record's first write: imports
// say so, anything else is a creation.
func actionFor(ch conflict.Change) conflict.Action {
	if ch.Import {
		return conflict.ActionImport
	}
	return conflict.ActionCreate
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// fillSourceKeys gives every source stored before migration 0012 its
// url_key, which only Go can compute. Rows that already have one are
// skipped, so after the first run it reads nothing. Two old rows with the
// same key (stored under spellings the old rules told apart) cannot both
// have it: the later keeps none, and the earlier is the one found.
func fillSourceKeys(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT id, url FROM sources WHERE url_key IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	type row struct {
		id  int64
		url string
	}
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.url); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range todo {
		key, err := conflict.URLKey(r.url)
		if err != nil {
			key = r.url // unreadable, but stored: it is its own key
		}
		if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE sources SET url_key = ? WHERE id = ?`, key, r.id); err != nil {
			return err
		}
	}
	return tx.Commit()
}
