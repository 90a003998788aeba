package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
)

// writeRevision records the record's state after a write. Every write to a
// curated record goes through here, inside the write's own transaction, so
// history can never miss a change.
func (db *DB) writeRevision(ctx context.Context, tx querier, rt conflict.RecordType, id int64, action conflict.Action, snapshot any, ch conflict.Change) (int, error) {
	enc, body, err := encodeSnapshot(snapshot)
	if err != nil {
		return 0, fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx,
		`SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE record_type = ? AND record_id = ?`,
		rt, id).Scan(&n); err != nil {
		return 0, err
	}
	var author any
	if ch.Author != nil {
		author = int64(*ch.Author)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rt, id, n, action, enc, body, author, ch.AuthorName, ch.Summary, db.stamp(), ch.WithoutReview)
	return n, err
}

// writeFirstRevision records a new record's first revision, which is
// always number 1.
func (db *DB) writeFirstRevision(ctx context.Context, tx querier, rt conflict.RecordType, id int64, action conflict.Action, snapshot any, ch conflict.Change) error {
	enc, body, err := encodeSnapshot(snapshot)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var author any
	if ch.Author != nil {
		author = int64(*ch.Author)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rt, id, action, enc, body, author, ch.AuthorName, ch.Summary, db.stamp(), ch.WithoutReview)
	return err
}

// FindRevisions returns a record's revisions, newest first.
func (db *DB) FindRevisions(ctx context.Context, rt conflict.RecordType, id int64) ([]conflict.Revision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+revisionColumns+`
		FROM revisions WHERE record_type = ? AND record_id = ? ORDER BY number DESC`, rt, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out    []conflict.Revision
		blocks blockReader
	)
	for rows.Next() {
		r, err := blocks.scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// scanRevision reads one revision of revisionColumns (or
// revisionColumnsNoSnapshot, which leaves its Snapshot empty).
func scanRevision(s interface{ Scan(...any) error }) (conflict.Revision, error) {
	var blocks blockReader
	return blocks.scanRevision(s)
}

// scanRevision is scanRevision for one of many rows, which may share a
// block.
func (br *blockReader) scanRevision(s interface{ Scan(...any) error }) (conflict.Revision, error) {
	var (
		r       conflict.Revision
		snap    storedSnapshot
		author  sql.NullInt64
		created string
	)
	dest := append([]any{&r.ID, &r.RecordType, &r.RecordID, &r.Number, &r.Action}, snap.dest()...)
	err := s.Scan(append(dest, &author, &r.AuthorName, &r.Summary, &created, &r.Unreviewed)...)
	if err != nil {
		return r, mapError(err)
	}
	// Read by revisionColumnsNoSnapshot, a row has none to decode.
	if len(snap.data) > 0 || snap.block.Valid {
		if r.Snapshot, err = br.decode(snap); err != nil {
			return r, fmt.Errorf("%s %d revision %d: %w", r.RecordType, r.RecordID, r.Number, err)
		}
	}
	if author.Valid {
		u := conflict.UserID(author.Int64)
		r.Author = &u
	}
	r.CreatedAt = parseTime(created)
	return r, nil
}

// FindRevision returns revision number n of a record, or NotFound.
func (db *DB) FindRevision(ctx context.Context, rt conflict.RecordType, id int64, n int) (conflict.Revision, error) {
	r, err := scanRevision(db.read.QueryRowContext(ctx, `SELECT `+revisionColumns+`
		FROM revisions WHERE record_type = ? AND record_id = ? AND number = ?`, rt, id, n))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return r, conflict.Errorf(conflict.NotFound, "No such revision.")
	}
	return r, err
}

// LatestRevision returns a record's newest revision, or NotFound.
func (db *DB) LatestRevision(ctx context.Context, rt conflict.RecordType, id int64) (conflict.Revision, error) {
	return newestRevision(ctx, db.read, revisionColumns, rt, id)
}

// LatestRevisionHead is LatestRevision without the snapshot: the newest
// revision's number, author and time, which a page citing the record
// shows. A snapshot in a block costs inflating the block to read.
func (db *DB) LatestRevisionHead(ctx context.Context, rt conflict.RecordType, id int64) (conflict.Revision, error) {
	return newestRevision(ctx, db.read, revisionColumnsNoSnapshot, rt, id)
}

// newestRevision reads a record's newest revision by columns, which are
// revisionColumns or revisionColumnsNoSnapshot, or says NotFound.
func newestRevision(ctx context.Context, q querier, columns string, rt conflict.RecordType, id int64) (conflict.Revision, error) {
	r, err := scanRevision(q.QueryRowContext(ctx, `SELECT `+columns+`
		FROM revisions WHERE record_type = ? AND record_id = ? ORDER BY number DESC LIMIT 1`, rt, id))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return r, conflict.Errorf(conflict.NotFound, "No such record.")
	}
	return r, err
}
