package sqlite

import (
	"context"
	"slices"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The editor's desk: what one user wrote, sorted by where it stands. A
// record is the user's when they created, edited, submitted or reverted
// one of its revisions (revisions.author_id); an edit waiting for review
// is theirs when they made it (pending_edits.author_id).

// DeskRecord is a record the user wrote, as their desk lists it.
type DeskRecord struct {
	RecordType conflict.RecordType
	RecordID   int64
	Title      string
	Status     conflict.Status
	// StatusNote is the reviewer's comment on a rejected record.
	StatusNote string
	// At is when the user last wrote to the record.
	At time.Time
}

// Desk is everything on one user's desk, newest first in each list.
type Desk struct {
	// Returned are the user's edits a reviewer sent back, and Rejected
	// their submissions a reviewer rejected, each with the comment.
	Returned []conflict.PendingEdit
	Rejected []DeskRecord
	// Drafts are the user's records nobody has reviewed yet.
	Drafts []DeskRecord
	// Submitted and Pending wait for a reviewer.
	Submitted []DeskRecord
	Pending   []conflict.PendingEdit
	// Published and Accepted are the user's work readers see now.
	Published []DeskRecord
	Accepted  []conflict.PendingEdit
}

// deskLimit bounds each list of the desk and the records read for it.
const (
	deskLimit        = 50
	deskRecentLimit  = 10
	deskRecordsLimit = 2000
	// returnedFor is how long a returned edit stays "returned to you"
	// unless its author edits the record again first.
	returnedFor = 30 * 24 * time.Hour
)

// deskStatusQueries read the status and the reviewer's comment of records
// of one kind, passed as a JSON array of ids. A kind without a review
// status is public once written and not listed here.
var deskStatusQueries = map[conflict.RecordType]string{
	conflict.EventRecord:    `SELECT id, status, status_note FROM events WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.EstimateRecord: `SELECT id, status, status_note FROM estimates WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.ActorRecord:    `SELECT id, status, status_note FROM actors WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.PlaceRecord:    `SELECT id, status, status_note FROM places WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.SourceRecord:   `SELECT id, status, status_note FROM sources WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.TimelineRecord: `SELECT id, status, status_note FROM timelines WHERE id IN (SELECT value FROM json_each(?))`,
}

// FindDesk returns the desk of user.
func (db *DB) FindDesk(ctx context.Context, user conflict.UserID) (Desk, error) {
	var d Desk
	mine, err := db.userRecords(ctx, user)
	if err != nil {
		return d, err
	}
	for _, r := range mine {
		switch r.Status {
		case conflict.Draft:
			d.Drafts = append(d.Drafts, r)
		case conflict.Rejected:
			d.Rejected = append(d.Rejected, r)
		case conflict.Submitted:
			d.Submitted = append(d.Submitted, r)
		case conflict.Published:
			d.Published = append(d.Published, r)
		}
	}
	d.Drafts, d.Rejected, d.Submitted = first(d.Drafts, deskLimit), first(d.Rejected, deskLimit), first(d.Submitted, deskLimit)
	d.Published = first(d.Published, deskRecentLimit)
	if d.Returned, err = db.returnedEdits(ctx, user, deskLimit); err != nil {
		return d, err
	}
	if d.Pending, err = db.FindPendingEdits(ctx, conflict.PendingFilter{State: conflict.EditPending, Author: user, Limit: deskLimit}); err != nil {
		return d, err
	}
	// The queue order is oldest first; the desk shows the newest first.
	slices.Reverse(d.Pending)
	if d.Accepted, err = db.FindPendingEdits(ctx, conflict.PendingFilter{State: conflict.EditAccepted, Author: user, Limit: deskRecentLimit}); err != nil {
		return d, err
	}
	return d, nil
}

func first[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// userRecords lists the records user wrote, the most recently written
// first, with their titles and review status.
func (db *DB) userRecords(ctx context.Context, user conflict.UserID) ([]DeskRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT record_type, record_id, max(created_at) AS at FROM revisions
		WHERE author_id = ? AND action IN ('create', 'update', 'submit', 'revert')
		GROUP BY record_type, record_id ORDER BY at DESC LIMIT ?`, int64(user), deskRecordsLimit)
	if err != nil {
		return nil, err
	}
	var out []DeskRecord
	for rows.Next() {
		var (
			r  DeskRecord
			at string
		)
		if err := rows.Scan(&r.RecordType, &r.RecordID, &at); err != nil {
			rows.Close()
			return nil, err
		}
		r.At = parseTime(at)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	refs := make([]recordRef, len(out))
	byType := map[conflict.RecordType][]any{}
	for i, r := range out {
		refs[i] = recordRef{r.RecordType, r.RecordID}
		byType[r.RecordType] = append(byType[r.RecordType], r.RecordID)
	}
	titles, err := db.recordTitles(ctx, refs)
	if err != nil {
		return nil, err
	}
	type state struct {
		status conflict.Status
		note   string
	}
	states := make(map[recordRef]state, len(out))
	for rt, ids := range byType {
		query, ok := deskStatusQueries[rt]
		if !ok {
			continue
		}
		rows, err := db.read.QueryContext(ctx, query, jsonIDs(ids))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				id int64
				st state
			)
			if err := rows.Scan(&id, &st.status, &st.note); err != nil {
				rows.Close()
				return nil, err
			}
			states[recordRef{rt, id}] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	kept := out[:0]
	for i, r := range out {
		title, exists := titles[refs[i]]
		if !exists {
			continue // deleted since
		}
		r.Title = title
		if st, ok := states[refs[i]]; ok {
			r.Status, r.StatusNote = st.status, st.note
		} else if _, hasStatus := deskStatusQueries[r.RecordType]; hasStatus {
			continue
		} else {
			r.Status = conflict.Published
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// returnedSince is the condition that keeps a returned edit p on its
// author's desk: returned lately, and its author has not edited the
// record again since (a later pending edit or revision answers it).
const returnedSince = `p.state = 'returned' AND p.decided_at >= ?2
	AND NOT EXISTS (SELECT 1 FROM pending_edits q WHERE q.author_id = p.author_id
		AND q.record_type = p.record_type AND q.record_id = p.record_id AND q.id > p.id)
	AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.record_type = p.record_type AND r.record_id = p.record_id
		AND r.author_id = p.author_id AND r.created_at > p.decided_at)`

// returnedEdits lists the user's edits returned to them and not yet
// answered, newest first.
func (db *DB) returnedEdits(ctx context.Context, user conflict.UserID, limit int) ([]conflict.PendingEdit, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+pendingColumns+` FROM pending_edits p
		WHERE p.author_id = ?1 AND `+returnedSince+` ORDER BY p.id DESC LIMIT ?3`,
		int64(user), db.returnedCutoff(), limit)
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

func (db *DB) returnedCutoff() string {
	return db.now().UTC().Add(-returnedFor).Format(timeFormat)
}

// CountReturned counts what reviewers sent back to user and they have not
// answered yet: returned edits and rejected records. It is read for the
// header of every page a signed-in user sees, so each part is an indexed
// lookup: the user's pending edits by author, and the few rejected
// records of each kind by status, each checked for a revision of theirs.
func (db *DB) CountReturned(ctx context.Context, user conflict.UserID) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, countReturnedQuery, int64(user), db.returnedCutoff()).Scan(&n)
	return n, err
}

// countReturnedQuery adds up the user's returned edits and, for each kind
// of record, its rejected records they wrote a revision of.
var countReturnedQuery = func() string {
	q := `SELECT (SELECT count(*) FROM pending_edits p WHERE p.author_id = ?1 AND ` + returnedSince + `)`
	for _, rt := range []conflict.RecordType{conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord,
		conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord} {
		q += `
		+ (SELECT count(*) FROM ` + recordTables[rt] + ` t WHERE t.status = 'rejected' AND EXISTS (SELECT 1 FROM revisions r
			WHERE r.record_type = '` + string(rt) + `' AND r.record_id = t.id AND r.author_id = ?1))`
	}
	return q
}()

// Unpublished returns which of the records named by ids (by record type)
// readers cannot see yet: drafts and submissions that a submission or an
// edit brings with it, which the review queue flags as new.
func (db *DB) Unpublished(ctx context.Context, ids map[conflict.RecordType][]int64) (map[conflict.RecordType]map[int64]bool, error) {
	out := map[conflict.RecordType]map[int64]bool{}
	for rt, list := range ids {
		for _, id := range list {
			st, err := recordStatus(ctx, db.read, rt, id)
			if err != nil {
				return nil, err
			}
			if !st.Public() {
				if out[rt] == nil {
					out[rt] = map[int64]bool{}
				}
				out[rt][id] = true
			}
		}
	}
	return out, nil
}
