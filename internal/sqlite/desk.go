package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
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

// Desk is the first page of each list on one user's desk, newest first
// in each list, with how many each list holds.
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
	// Total counts each list whole (Published is not counted: it is
	// the user's history, -1); Next is the cursor of each list's next
	// page, "" when the first page is all of it.
	Total map[DeskList]int
	Next  map[DeskList]string
}

// DeskList names one list of the desk.
type DeskList string

// The desk's lists.
const (
	DeskReturned  DeskList = "returned"
	DeskRejected  DeskList = "rejected"
	DeskDrafts    DeskList = "drafts"
	DeskSubmitted DeskList = "submitted"
	DeskPending   DeskList = "pending"
	DeskPublished DeskList = "published"
	DeskAccepted  DeskList = "accepted"
)

// DeskLists are the desk's lists in the order the desk shows them.
var DeskLists = []DeskList{DeskReturned, DeskRejected, DeskDrafts, DeskSubmitted, DeskPending, DeskPublished, DeskAccepted}

// DeskPage is one page of one list of the desk: records or edits,
// newest first; Total counts the list whole (-1 when it is not counted)
// and Next is the cursor of the page after, "" on the last.
type DeskPage struct {
	List    DeskList
	Records []DeskRecord
	Edits   []conflict.PendingEdit
	Total   int
	Next    string
}

// deskLimit bounds each list of the desk.
const (
	deskLimit       = 50
	deskRecentLimit = 10
	// returnedFor is how long a returned edit stays "returned to you"
	// unless its author edits the record again first.
	returnedFor = 30 * 24 * time.Hour
)

// FindDesk returns the first page of each list of user's desk.
func (db *DB) FindDesk(ctx context.Context, user conflict.UserID) (Desk, error) {
	d := Desk{Total: map[DeskList]int{}, Next: map[DeskList]string{}}
	for _, l := range DeskLists {
		limit := deskLimit
		if l == DeskPublished || l == DeskAccepted {
			limit = deskRecentLimit
		}
		p, err := db.FindDeskList(ctx, user, l, "", limit)
		if err != nil {
			return d, err
		}
		d.Total[l], d.Next[l] = p.Total, p.Next
		switch l {
		case DeskReturned:
			d.Returned = p.Edits
		case DeskRejected:
			d.Rejected = p.Records
		case DeskDrafts:
			d.Drafts = p.Records
		case DeskSubmitted:
			d.Submitted = p.Records
		case DeskPending:
			d.Pending = p.Edits
		case DeskPublished:
			d.Published = p.Records
		case DeskAccepted:
			d.Accepted = p.Edits
		}
	}
	return d, nil
}

// FindDeskList returns one page of list on user's desk, after the cursor
// of the page before ("" for the first). Each list is read by an index
// and only as far as the page needs: records in review by their status
// (few, whoever wrote them), the user's edits by author, and what they
// published from their newest revisions back. A cursor that cannot be
// read starts the list again.
func (db *DB) FindDeskList(ctx context.Context, user conflict.UserID, list DeskList, after string, limit int) (DeskPage, error) {
	if limit <= 0 || limit > 200 {
		limit = deskLimit
	}
	p := DeskPage{List: list}
	var err error
	switch list {
	case DeskReturned, DeskPending, DeskAccepted:
		p.Edits, p.Total, p.Next, err = db.deskEdits(ctx, user, list, after, limit)
	case DeskRejected, DeskDrafts, DeskSubmitted:
		status := map[DeskList]conflict.Status{DeskRejected: conflict.Rejected, DeskDrafts: conflict.Draft, DeskSubmitted: conflict.Submitted}[list]
		p.Records, p.Total, p.Next, err = db.deskRecords(ctx, user, status, after, limit)
	case DeskPublished:
		p.Total = -1
		p.Records, p.Next, err = db.deskPublished(ctx, user, after, limit)
	default:
		return p, conflict.Errorf(conflict.Invalid, "The desk has no list called %q.", list)
	}
	return p, err
}

// deskActions are the revisions that make a record the user's: writing
// it, not deciding on it.
const deskActions = `('create', 'update', 'submit', 'revert')`

// deskStatusUnion lists, for every kind of record, those with status ?2
// and when user ?1 last wrote to each (at, NULL when they never did).
// Each kind is read by its status index; the time is read from
// revisions_record_author_idx alone (migration 0011), never through the
// author index, which for a prolific curator holds tens of thousands of
// rows.
var deskStatusUnion = func() string {
	var parts []string
	for _, rt := range deskKinds {
		parts = append(parts, `SELECT '`+string(rt)+`' AS rt, t.id AS id,
			(SELECT max(r.created_at) FROM revisions r WHERE r.record_type = '`+string(rt)+`' AND r.record_id = t.id
				AND r.author_id = ?1 AND r.action IN `+deskActions+`) AS at
			FROM `+recordTables[rt]+` t WHERE t.status = ?2`)
	}
	return strings.Join(parts, "\n\t\tUNION ALL ")
}()

// deskRecordsQuery is a page of deskStatusUnion, the most recently
// written first, after the cursor (?3, ?4, ?5), up to ?6, each row with
// the count of the whole list.
var deskRecordsQuery = `SELECT rt, id, at, total FROM (
		SELECT rt, id, at, count(*) OVER () AS total FROM (` + deskStatusUnion + `) WHERE at IS NOT NULL)
	WHERE ?3 = '' OR (at, rt, id) < (?3, ?4, ?5)
	ORDER BY at DESC, rt DESC, id DESC LIMIT ?6`

// deskKinds are the kinds of record with a review status.
var deskKinds = []conflict.RecordType{conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord,
	conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord}

// deskRecords is a page of the user's records with status st, the most
// recently written first, and how many there are.
func (db *DB) deskRecords(ctx context.Context, user conflict.UserID, st conflict.Status, after string, limit int) ([]DeskRecord, int, string, error) {
	// One pass: the window counts the list whole before the cursor and
	// the limit cut it, so the count costs nothing more than the page.
	at, rt, id := parseRecordCursor(after)
	rows, err := db.read.QueryContext(ctx, deskRecordsQuery, int64(user), st, at, rt, id, limit+1)
	if err != nil {
		return nil, 0, "", err
	}
	var (
		out   []DeskRecord
		ats   []string
		next  string
		total = -1
	)
	for rows.Next() {
		var (
			r  DeskRecord
			at string
		)
		if err := rows.Scan(&r.RecordType, &r.RecordID, &at, &total); err != nil {
			rows.Close()
			return nil, 0, "", err
		}
		r.Status, r.At = st, parseTime(at)
		out, ats = append(out, r), append(ats, at)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, "", err
	}
	if total < 0 {
		// Past the end: nothing came back to carry the count.
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (`+deskStatusUnion+`) WHERE at IS NOT NULL`,
			int64(user), st).Scan(&total); err != nil {
			return nil, 0, "", err
		}
	}
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = recordCursor(ats[limit-1], last.RecordType, last.RecordID)
	}
	if err := db.titleRecords(ctx, out); err != nil {
		return nil, 0, "", err
	}
	if st == conflict.Rejected {
		// The reviewer's comment, for the page only: reading it for every
		// record would read each whole row, not just its status index.
		for i, r := range out {
			if err := db.read.QueryRowContext(ctx, `SELECT status_note FROM `+recordTables[r.RecordType]+` WHERE id = ?`,
				r.RecordID).Scan(&out[i].StatusNote); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, 0, "", err
			}
		}
	}
	return out, total, next, nil
}

// deskPublished is a page of the published records the user wrote to,
// the most recently written first. It walks the user's revisions from
// the newest back by their index, keeping each record at its newest
// revision of theirs, and stops when the page is full.
func (db *DB) deskPublished(ctx context.Context, user conflict.UserID, after string, limit int) ([]DeskRecord, string, error) {
	at, revID := parseRevisionCursor(after)
	rows, err := db.read.QueryContext(ctx, deskPublishedQuery, int64(user), at, revID, limit+1)
	if err != nil {
		return nil, "", err
	}
	var (
		out  []DeskRecord
		keys []string
		next string
	)
	for rows.Next() {
		var (
			r  DeskRecord
			id int64
			at string
		)
		if err := rows.Scan(&id, &r.RecordType, &r.RecordID, &at); err != nil {
			rows.Close()
			return nil, "", err
		}
		r.Status, r.At = conflict.Published, parseTime(at)
		out, keys = append(out, r), append(keys, at+"~"+strconv.FormatInt(id, 10))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(out) > limit {
		out, next = out[:limit], keys[limit-1]
	}
	if err := db.titleRecords(ctx, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// deskPublishedQuery walks user ?1's revisions newest first from the
// cursor (?2, ?3), keeping those of published records that are the
// user's newest revision of their record, up to ?4.
var deskPublishedQuery = `SELECT r.id, r.record_type, r.record_id, r.created_at FROM revisions r
		WHERE r.author_id = ?1 AND r.action IN ` + deskActions + ` AND (?2 = '' OR (r.created_at, r.id) < (?2, ?3))
			AND ` + recordStatusExpr("r") + ` = 'published'
			AND NOT EXISTS (SELECT 1 FROM revisions n WHERE n.record_type = r.record_type AND n.record_id = r.record_id
				AND n.author_id = ?1 AND n.action IN ` + deskActions + ` AND (n.created_at, n.id) > (r.created_at, r.id))
		ORDER BY r.created_at DESC, r.id DESC LIMIT ?4`

// recordStatusExpr is the status of the record revision alias r is of,
// NULL when the record is gone: one primary-key lookup.
func recordStatusExpr(r string) string {
	q := `(CASE ` + r + `.record_type`
	for _, rt := range deskKinds {
		q += ` WHEN '` + string(rt) + `' THEN (SELECT status FROM ` + recordTables[rt] + ` WHERE id = ` + r + `.record_id)`
	}
	return q + ` END)`
}

// titleRecords fills in the records' titles.
func (db *DB) titleRecords(ctx context.Context, out []DeskRecord) error {
	refs := make([]recordRef, len(out))
	for i, r := range out {
		refs[i] = recordRef{r.RecordType, r.RecordID}
	}
	titles, err := db.recordTitles(ctx, refs)
	if err != nil {
		return err
	}
	for i := range out {
		out[i].Title = titles[refs[i]]
	}
	return nil
}

// deskEdits is a page of the user's edits in list (returned and not
// answered, pending or accepted), newest first, and how many there are,
// read from the edits' author index.
func (db *DB) deskEdits(ctx context.Context, user conflict.UserID, list DeskList, after string, limit int) ([]conflict.PendingEdit, int, string, error) {
	cond := `p.author_id = ?1 AND p.state = ?2`
	state := any(string(list))
	if list == DeskReturned {
		cond, state = `p.author_id = ?1 AND `+returnedSince, db.returnedCutoff()
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM pending_edits p WHERE `+cond, int64(user), state).Scan(&total); err != nil {
		return nil, 0, "", err
	}
	before, _ := strconv.ParseInt(after, 10, 64)
	rows, err := db.read.QueryContext(ctx, `SELECT `+pendingColumns+` FROM pending_edits p
		WHERE `+cond+` AND (?3 <= 0 OR p.id < ?3) ORDER BY p.id DESC LIMIT ?4`, int64(user), state, before, limit+1)
	if err != nil {
		return nil, 0, "", err
	}
	defer rows.Close()
	var out []conflict.PendingEdit
	for rows.Next() {
		p, err := scanPendingEdit(rows)
		if err != nil {
			return nil, 0, "", err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = strconv.FormatInt(int64(out[limit-1].ID), 10)
	}
	return out, total, next, nil
}

// recordCursor and parseRecordCursor write and read the place a list of
// records ordered by (at, kind, id) stopped at.
func recordCursor(at string, rt conflict.RecordType, id int64) string {
	return at + "~" + string(rt) + "~" + strconv.FormatInt(id, 10)
}

func parseRecordCursor(s string) (at string, rt string, id int64) {
	parts := strings.Split(s, "~")
	if len(parts) != 3 {
		return "", "", 0
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || parts[0] == "" {
		return "", "", 0
	}
	return parts[0], parts[1], id
}

// parseRevisionCursor reads the place a walk of revisions by (at, id)
// stopped at.
func parseRevisionCursor(s string) (at string, id int64) {
	a, b, ok := strings.Cut(s, "~")
	if !ok {
		return "", 0
	}
	id, err := strconv.ParseInt(b, 10, 64)
	if err != nil || a == "" {
		return "", 0
	}
	return a, id
}

// returnedSince is the condition that keeps a returned edit p on its
// author's desk: returned lately, and its author has not edited the
// record again since (a later pending edit or revision answers it).
const returnedSince = `p.state = 'returned' AND p.decided_at >= ?2
	AND NOT EXISTS (SELECT 1 FROM pending_edits q WHERE q.author_id = p.author_id
		AND q.record_type = p.record_type AND q.record_id = p.record_id AND q.id > p.id)
	AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.record_type = p.record_type AND r.record_id = p.record_id
		AND r.author_id = p.author_id AND r.created_at > p.decided_at)`

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
