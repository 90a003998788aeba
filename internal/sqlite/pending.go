package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// SetReviewRule sets the deployment's review rule; TwoPeople unless told.
func (db *DB) SetReviewRule(r conflict.ReviewRule) { db.rule = r }

// ReviewRule is the deployment's review rule.
func (db *DB) ReviewRule() conflict.ReviewRule { return db.rule }

// editRecord runs one edit of the record (rt, id), made from version base,
// in a transaction. write checks the edit against the stored record,
// writes it with its revision and returns the record as stored with its
// title. prepare, when set, runs first and is kept even when the edit
// waits: it stores new records the edit brings (an inline source), as
// drafts, so that the pending edit can cite them.
//
// When the review rule lets the edit go live, editRecord commits it and
// returns nil. Otherwise the write is undone (the stored record is read
// first) and kept as a pending edit for a reviewer, which it returns:
// readers see nothing of it. The edit went through every check a direct
// save makes, so accepting it later fails only if the record moved on.
//
// An edit that would store the record exactly as it is stored now (see
// sameContent) is undone whole, prepare's work with it, and answered with
// an *unchangedEdit holding the stored record: no revision, no pending
// edit, no new version. Its code is Invalid, for callers that asked for a
// change (a revert); updateRecord takes it as a save with nothing to write.
func (db *DB) editRecord(ctx context.Context, rt conflict.RecordType, id int64, ch conflict.Change,
	prepare func(tx *sql.Tx) error, write func(tx *sql.Tx, ch conflict.Change) (stored any, title string, err error)) (*conflict.PendingEdit, error) {
	var pending *conflict.PendingEdit
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if prepare != nil {
			if err := prepare(tx); err != nil {
				return err
			}
		}
		status, err := recordStatus(ctx, tx, rt, id)
		if err != nil {
			return err
		}
		// Read before the write, to tell an edit that changes nothing. A
		// record that cannot be read is left to the write to report.
		before, berr := readRecord(ctx, tx, rt, id)
		unchanged := func(stored any) error {
			if berr != nil {
				return berr
			}
			same, err := sameContent(before, stored)
			if err != nil || !same {
				return err
			}
			return &unchangedEdit{stored: before}
		}
		if db.rule.EditGoesLive(status, ch) {
			ch.WithoutReview = db.rule.Unreviewed(status, ch)
			stored, _, err := write(tx, ch)
			if err != nil {
				return err
			}
			if err := unchanged(stored); err != nil || !status.Public() {
				return err
			}
			return db.publishCitedDrafts(ctx, tx, rt, id, ch)
		}
		ch.WithoutReview = false
		base, err := recordVersion(ctx, tx, rt, id)
		if err != nil {
			return err
		}
		stored, title, err := tentatively(ctx, tx, func() (any, string, error) { return write(tx, ch) })
		if err != nil {
			return err
		}
		if err := unchanged(stored); err != nil {
			return err
		}
		pending, err = db.insertPendingEdit(ctx, tx, rt, id, base, stored, title, ch)
		return err
	})
	if err != nil {
		return nil, err
	}
	return pending, nil
}

// tentatively runs write inside a savepoint and undoes it, returning what
// write returned: the record as the write would store it.
func tentatively(ctx context.Context, tx *sql.Tx, write func() (any, string, error)) (any, string, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT tentative`); err != nil {
		return nil, "", err
	}
	stored, title, werr := write()
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO tentative`); err != nil {
		return nil, "", err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE tentative`); err != nil {
		return nil, "", err
	}
	return stored, title, werr
}

// recordTables maps a record type to its table.
var recordTables = map[conflict.RecordType]string{
	conflict.EventRecord: "events", conflict.EstimateRecord: "estimates", conflict.SourceRecord: "sources",
	conflict.ActorRecord: "actors", conflict.PlaceRecord: "places", conflict.TimelineRecord: "timelines",
}

// recordStatus is the review status of a stored record; a record that
// does not exist reads as a draft, so that the write reports NotFound.
func recordStatus(ctx context.Context, q querier, rt conflict.RecordType, id int64) (conflict.Status, error) {
	table, ok := recordTables[rt]
	if !ok {
		return "", fmt.Errorf("no status for record type %q", rt)
	}
	var s conflict.Status
	err := q.QueryRowContext(ctx, `SELECT status FROM `+table+` WHERE id = ?`, id).Scan(&s)
	if err == sql.ErrNoRows {
		return conflict.Draft, nil
	}
	return s, err
}

func recordVersion(ctx context.Context, q querier, rt conflict.RecordType, id int64) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT version FROM `+recordTables[rt]+` WHERE id = ?`, id).Scan(&v)
	return v, mapError(err)
}

func (db *DB) insertPendingEdit(ctx context.Context, tx *sql.Tx, rt conflict.RecordType, id int64, base int, stored any, title string, ch conflict.Change) (*conflict.PendingEdit, error) {
	enc, body, err := encodeSnapshot(stored)
	if err != nil {
		return nil, fmt.Errorf("pending edit of %s %d: %w", rt, id, err)
	}
	var author any
	if ch.Author != nil {
		author = int64(*ch.Author)
	}
	now := db.stamp()
	res, err := tx.ExecContext(ctx, `INSERT INTO pending_edits
		(record_type, record_id, base_version, encoding, snapshot, author_id, author_name, summary, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rt, id, base, enc, body, author, ch.AuthorName, ch.Summary, now)
	if err != nil {
		return nil, err
	}
	pid, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	snap, err := decodeSnapshot(enc, body)
	if err != nil {
		return nil, err
	}
	return &conflict.PendingEdit{ID: conflict.PendingEditID(pid), RecordType: rt, RecordID: id, Title: title,
		BaseVersion: base, Snapshot: snap, Author: ch.Author, AuthorName: ch.AuthorName, Summary: ch.Summary,
		CreatedAt: parseTime(now), State: conflict.EditPending}, nil
}

const pendingColumns = `p.id, p.record_type, p.record_id, p.base_version, p.encoding, p.snapshot, p.author_id, p.author_name,
	p.summary, p.created_at, p.state, p.decided_by, p.decider_name, p.decision_note, p.decided_at, coalesce(p.revision, 0),
	coalesce(CASE p.record_type
		WHEN 'event' THEN (SELECT title FROM events WHERE id = p.record_id)
		WHEN 'estimate' THEN (SELECT a.name || ' · ' || x.as_of FROM estimates x JOIN actors a ON a.id = x.actor_id WHERE x.id = p.record_id)
		WHEN 'source' THEN (SELECT ` + sourceHeadingSQL + ` FROM sources WHERE id = p.record_id)
		WHEN 'actor' THEN (SELECT name FROM actors WHERE id = p.record_id)
		WHEN 'place' THEN (SELECT name FROM places WHERE id = p.record_id)
		WHEN 'timeline' THEN (SELECT title FROM timelines WHERE id = p.record_id)
	END, '')`

func scanPendingEdit(s interface{ Scan(...any) error }) (conflict.PendingEdit, error) {
	var (
		p                  conflict.PendingEdit
		enc                int
		snap               []byte
		author, decider    sql.NullInt64
		created, decidedAt string
	)
	err := s.Scan(&p.ID, &p.RecordType, &p.RecordID, &p.BaseVersion, &enc, &snap, &author, &p.AuthorName,
		&p.Summary, &created, &p.State, &decider, &p.DeciderName, &p.Note, &decidedAt, &p.Revision, &p.Title)
	if err != nil {
		return p, mapError(err)
	}
	if p.Snapshot, err = decodeSnapshot(enc, snap); err != nil {
		return p, fmt.Errorf("pending edit %d: %w", p.ID, err)
	}
	if author.Valid {
		u := conflict.UserID(author.Int64)
		p.Author = &u
	}
	if decider.Valid {
		u := conflict.UserID(decider.Int64)
		p.DecidedBy = &u
	}
	p.CreatedAt, p.DecidedAt = parseTime(created), parseTime(decidedAt)
	return p, nil
}

// FindPendingEdit returns one pending edit (in any state), or NotFound.
func (db *DB) FindPendingEdit(ctx context.Context, id conflict.PendingEditID) (conflict.PendingEdit, error) {
	return findPendingEdit(ctx, db.read, id)
}

func findPendingEdit(ctx context.Context, q querier, id conflict.PendingEditID) (conflict.PendingEdit, error) {
	p, err := scanPendingEdit(q.QueryRowContext(ctx, `SELECT `+pendingColumns+` FROM pending_edits p WHERE p.id = ?`, int64(id)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return p, conflict.Errorf(conflict.NotFound, "No such pending edit.")
	}
	return p, err
}

// FindPendingEdits returns the pending edits f chooses, oldest first for
// those waiting (the order a queue is worked in), newest first otherwise.
func (db *DB) FindPendingEdits(ctx context.Context, f conflict.PendingFilter) ([]conflict.PendingEdit, error) {
	var (
		where []string
		args  []any
	)
	if f.State != "" {
		where, args = append(where, `p.state = ?`), append(args, f.State)
	}
	if f.RecordType != "" {
		where, args = append(where, `p.record_type = ?`), append(args, f.RecordType)
	}
	if f.RecordID != 0 {
		where, args = append(where, `p.record_id = ?`), append(args, f.RecordID)
	}
	if f.Author != 0 {
		where, args = append(where, `p.author_id = ?`), append(args, int64(f.Author))
	}
	query := `SELECT ` + pendingColumns + ` FROM pending_edits p`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if f.State == conflict.EditPending {
		query += ` ORDER BY p.id`
	} else {
		query += ` ORDER BY p.id DESC`
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	query += ` LIMIT ?`
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conflict.PendingEdit
	for rows.Next() {
		p, err := scanPendingEdit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AcceptPendingEdit makes the pending edit id its record's next revision,
// written in its author's name with their summary; the edit records who
// accepted it. The deciding user (ch) may not be its author, unless the
// review rule lets them (conflict.ReviewRule.CheckSecondPerson).
//
// Errors: NotFound; Invalid when the edit was already decided; Forbidden
// for its own author; the record's *conflict.EditConflict when the record
// changed since the edit was made (another edit accepted first): the
// edit stays pending, to be returned or made again.
func (db *DB) AcceptPendingEdit(ctx context.Context, id conflict.PendingEditID, ch conflict.Change) (conflict.PendingEdit, error) {
	var out conflict.PendingEdit
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		p, err := pendingForDecision(ctx, tx, id)
		if err != nil {
			return err
		}
		var authors []conflict.UserID
		if p.Author != nil {
			authors = append(authors, *p.Author)
		}
		unreviewed, err := db.rule.CheckSecondPerson(ch, authors)
		if err != nil {
			return err
		}
		apply, ok := pendingAppliers[p.RecordType]
		if !ok {
			return fmt.Errorf("pending edit %d: no way to apply a %s", p.ID, p.RecordType)
		}
		by := conflict.Change{Author: p.Author, AuthorName: p.AuthorName, Summary: p.Summary, WithoutReview: unreviewed}
		if err := apply(ctx, db, tx, p, by); err != nil {
			return err
		}
		if err := db.publishCitedDrafts(ctx, tx, p.RecordType, p.RecordID, ch); err != nil {
			return err
		}
		latest, err := latestRevision(ctx, tx, p.RecordType, p.RecordID)
		if err != nil {
			return err
		}
		if err := db.decidePending(ctx, tx, p.ID, conflict.EditAccepted, ch, "", latest.Number); err != nil {
			return err
		}
		out, err = findPendingEdit(ctx, tx, p.ID)
		return err
	})
	return out, err
}

// ReturnPendingEdit sends the pending edit id back to its author with the
// reviewer's comment, which is required. The record does not change.
func (db *DB) ReturnPendingEdit(ctx context.Context, id conflict.PendingEditID, note string, ch conflict.Change) (conflict.PendingEdit, error) {
	note = strings.TrimSpace(note)
	errs := conflict.FieldErrors{}
	if note == "" {
		errs.Add("note", "Say why the edit goes back, so its author can fix it.")
	} else if len([]rune(note)) > conflict.MaxShortLen {
		errs.Add("note", fmt.Sprintf("The comment is too long: keep it under %d characters.", conflict.MaxShortLen))
	}
	if err := errs.Err(); err != nil {
		return conflict.PendingEdit{}, err
	}
	return db.closePending(ctx, id, conflict.EditReturned, note, ch, func(p conflict.PendingEdit) error {
		if ch.Role.AtLeast(conflict.RoleReviewer) {
			return nil
		}
		return conflict.Errorf(conflict.Forbidden, "Only a reviewer or an admin may return an edit.")
	})
}

// WithdrawPendingEdit lets the author of a pending edit take it back.
func (db *DB) WithdrawPendingEdit(ctx context.Context, id conflict.PendingEditID, ch conflict.Change) (conflict.PendingEdit, error) {
	return db.closePending(ctx, id, conflict.EditWithdrawn, "", ch, func(p conflict.PendingEdit) error {
		if ch.Author != nil && p.Author != nil && *ch.Author == *p.Author {
			return nil
		}
		return conflict.Errorf(conflict.Forbidden, "Only the author of an edit may withdraw it.")
	})
}

func (db *DB) closePending(ctx context.Context, id conflict.PendingEditID, to conflict.PendingState, note string, ch conflict.Change, may func(conflict.PendingEdit) error) (conflict.PendingEdit, error) {
	var out conflict.PendingEdit
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		p, err := pendingForDecision(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := may(p); err != nil {
			return err
		}
		if err := db.decidePending(ctx, tx, p.ID, to, ch, note, 0); err != nil {
			return err
		}
		out, err = findPendingEdit(ctx, tx, p.ID)
		return err
	})
	return out, err
}

func pendingForDecision(ctx context.Context, tx *sql.Tx, id conflict.PendingEditID) (conflict.PendingEdit, error) {
	p, err := findPendingEdit(ctx, tx, id)
	if err != nil {
		return p, err
	}
	if p.State != conflict.EditPending {
		return p, conflict.Errorf(conflict.Invalid, "This edit was already decided: %s.", strings.ToLower(p.State.Label()))
	}
	return p, nil
}

func (db *DB) decidePending(ctx context.Context, tx *sql.Tx, id conflict.PendingEditID, to conflict.PendingState, ch conflict.Change, note string, revision int) error {
	var by, rev any
	if ch.Author != nil {
		by = int64(*ch.Author)
	}
	if revision > 0 {
		rev = revision
	}
	_, err := tx.ExecContext(ctx, `UPDATE pending_edits SET state = ?, decided_by = ?, decider_name = ?, decision_note = ?,
		decided_at = ?, revision = ? WHERE id = ? AND state = 'pending'`, to, by, ch.AuthorName, note, db.stamp(), rev, int64(id))
	return err
}

// pendingAppliers write an accepted pending edit's record, checking it was
// made from the stored version.
var pendingAppliers = map[conflict.RecordType]func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error{
	conflict.EventRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var e conflict.Event
		if err := pendingRecord(p, &e); err != nil {
			return err
		}
		_, _, err := db.writeEventEdit(ctx, tx, &e, p.BaseVersion, ch)
		return err
	},
	conflict.EstimateRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var x conflict.Estimate
		if err := pendingRecord(p, &x); err != nil {
			return err
		}
		_, _, err := db.writeEstimateEdit(ctx, tx, &x, p.BaseVersion, ch)
		return err
	},
	conflict.SourceRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var s conflict.Source
		if err := pendingRecord(p, &s); err != nil {
			return err
		}
		_, _, err := db.writeSourceEdit(ctx, tx, &s, p.BaseVersion, ch)
		return err
	},
	conflict.ActorRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var a conflict.Actor
		if err := pendingRecord(p, &a); err != nil {
			return err
		}
		_, _, err := db.writeActorEdit(ctx, tx, &a, p.BaseVersion, ch)
		return err
	},
	conflict.PlaceRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var pl conflict.Place
		if err := pendingRecord(p, &pl); err != nil {
			return err
		}
		_, _, err := db.writePlaceEdit(ctx, tx, &pl, p.BaseVersion, ch)
		return err
	},
	conflict.TimelineRecord: func(ctx context.Context, db *DB, tx *sql.Tx, p conflict.PendingEdit, ch conflict.Change) error {
		var t conflict.Timeline
		if err := pendingRecord(p, &t); err != nil {
			return err
		}
		_, _, err := db.writeTimelineEdit(ctx, tx, &t, p.BaseVersion, ch)
		return err
	},
}

// pendingRecord decodes a pending edit's record.
func pendingRecord[T any](p conflict.PendingEdit, into *T) error {
	return snapshotOf(conflict.Revision{RecordType: p.RecordType, RecordID: p.RecordID, Snapshot: p.Snapshot}, into)
}

// publishingChange checks a status change of the record (rt, id) from
// status from to status to against the review rule, and returns ch with
// WithoutReview saying whether its revision bypasses a second check.
// Publishing needs a submitted record (unless an admin chooses otherwise)
// and a reviewer who wrote none of what is published.
func (db *DB) publishingChange(ctx context.Context, tx *sql.Tx, rt conflict.RecordType, id int64, from, to conflict.Status, ch conflict.Change) (conflict.Change, error) {
	if to != conflict.Published {
		ch.WithoutReview = false
		return ch, nil
	}
	if err := db.rule.CheckDirectPublish(from, ch); err != nil {
		return ch, err
	}
	authors, err := submissionAuthors(ctx, tx, rt, id)
	if err != nil {
		return ch, err
	}
	unreviewed, err := db.rule.CheckSecondPerson(ch, authors)
	if err != nil {
		return ch, err
	}
	ch.WithoutReview = unreviewed || (ch.Author != nil && (from == conflict.Draft || from == conflict.Rejected))
	return ch, nil
}

// submissionAuthors lists the users who wrote or submitted the record's
// revisions since a reviewer last decided on it (published or rejected
// it): the people who may not publish it.
func submissionAuthors(ctx context.Context, q querier, rt conflict.RecordType, id int64) ([]conflict.UserID, error) {
	ids, err := queryColumn[int64](ctx, q, `SELECT DISTINCT author_id FROM revisions
		WHERE record_type = ?1 AND record_id = ?2 AND author_id IS NOT NULL
		AND action IN ('create', 'update', 'submit', 'revert')
		AND number > coalesce((SELECT max(number) FROM revisions
			WHERE record_type = ?1 AND record_id = ?2 AND action IN ('publish', 'reject')), 0)`, rt, id)
	if err != nil {
		return nil, err
	}
	out := make([]conflict.UserID, len(ids))
	for i, id := range ids {
		out[i] = conflict.UserID(id)
	}
	return out, nil
}

// DecodePendingRecord decodes the record a pending edit would store.
func DecodePendingRecord[T any](p conflict.PendingEdit, into *T) error { return pendingRecord(p, into) }
