package sqlite

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The review queue, a page at a time: submissions and pending edits
// together, the longest waiting first. An item waits from its submission
// (the record's latest revision) or from when the edit was made. Pages
// follow a cursor, the last item's (at, pending edit, kind, record), so an
// item decided meanwhile never shifts the next page.

// QueueFilter chooses the queue's items: Kind and Editor (the author of
// the submission or the edit) filter when set; After is the cursor of the
// page before, "" for the first.
type QueueFilter struct {
	Kind   conflict.RecordType
	Editor conflict.UserID
	After  string
	Limit  int
}

// QueueItem is a submission or a pending edit: one of the two is set.
type QueueItem struct {
	Submission *conflict.Submission
	Edit       *conflict.PendingEdit
}

// QueueEditor is someone whose work waits in the queue.
type QueueEditor struct {
	ID   conflict.UserID
	Name string
}

// QueuePage is one page of the queue. Waiting counts what waits by kind
// and Submissions and Edits by sort, among the editor's when the filter
// names one; Editors are everyone with work waiting, by name. Next is the
// cursor of the page after, "" on the last.
type QueuePage struct {
	Items       []QueueItem
	Waiting     map[conflict.RecordType]int
	Submissions int
	Edits       int
	Editors     []QueueEditor
	Next        string
}

// queueLimit is a page of the queue: each item is shown whole, with its
// preview and diff.
const queueLimit = 25

// queueWaiting lists every waiting item's key: submitted records of each
// kind by their status index, with their latest revision found by the
// revisions' (record_type, record_id, number) key, and pending edits by
// the queue index.
var queueWaiting = func() string {
	var parts []string
	for _, rt := range deskKinds {
		parts = append(parts, `SELECT '`+string(rt)+`' AS kind, t.id AS record_id, 0 AS pending_id,
			r.created_at AS at, r.author_id AS author_id, r.author_name AS author_name
			FROM `+recordTables[rt]+` t CROSS JOIN revisions r ON r.record_type = '`+string(rt)+`' AND r.record_id = t.id
				AND r.number = (SELECT max(m.number) FROM revisions m WHERE m.record_type = '`+string(rt)+`' AND m.record_id = t.id)
			WHERE t.status = 'submitted'`)
	}
	parts = append(parts, `SELECT p.record_type, p.record_id, p.id, p.created_at, p.author_id, p.author_name
		FROM pending_edits p WHERE p.state = 'pending'`)
	return `(` + strings.Join(parts, "\n\t\tUNION ALL ") + `)`
}()

// queueKeysQuery lists the key of everything waiting, in the queue's
// order. SQLite compares text by bytes, as Go's < on strings does, so the
// cursor's comparison agrees with the sort.
var queueKeysQuery = `SELECT kind, record_id, pending_id, at, author_id, author_name FROM ` + queueWaiting + `
	ORDER BY at, pending_id, kind, record_id`

// FindQueue returns one page of the review queue chosen by f, each item
// read whole (revisions and snapshots) only for the page.
func (db *DB) FindQueue(ctx context.Context, f QueueFilter) (QueuePage, error) {
	page := QueuePage{Waiting: map[conflict.RecordType]int{}}
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = queueLimit
	}
	editor := int64(f.Editor)

	// One pass over the keys of everything waiting, oldest first: the
	// totals and the editors count them all, the page starts after the
	// cursor. The keys are small; only the page's items are read whole.
	rows, err := db.read.QueryContext(ctx, queueKeysQuery)
	if err != nil {
		return page, err
	}
	type key struct {
		ref recordRef
		pid int64
		at  string
	}
	var (
		keys  []key
		names = map[conflict.UserID]string{}
		cur   = parseQueueCursor(f.After)
		more  bool
	)
	for rows.Next() {
		var (
			k      key
			author *int64
			name   string
		)
		if err := rows.Scan(&k.ref.rt, &k.ref.id, &k.pid, &k.at, &author, &name); err != nil {
			rows.Close()
			return page, err
		}
		if author != nil {
			names[conflict.UserID(*author)] = name
		}
		if editor != 0 && (author == nil || *author != editor) {
			continue
		}
		page.Waiting[k.ref.rt]++
		if f.Kind != "" && k.ref.rt != f.Kind {
			continue
		}
		if k.pid != 0 {
			page.Edits++
		} else {
			page.Submissions++
		}
		if cur.at != "" && !cur.before(k.at, k.pid, string(k.ref.rt), k.ref.id) {
			continue
		}
		if len(keys) < limit {
			keys = append(keys, k)
		} else {
			more = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	for id, name := range names {
		page.Editors = append(page.Editors, QueueEditor{ID: id, Name: name})
	}
	slices.SortFunc(page.Editors, func(a, b QueueEditor) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	if more {
		k := keys[limit-1]
		page.Next = strings.Join([]string{k.at, strconv.FormatInt(k.pid, 10), string(k.ref.rt), strconv.FormatInt(k.ref.id, 10)}, "~")
	}

	// Each item of the page, whole.
	var refs []recordRef
	for _, k := range keys {
		if k.pid == 0 {
			refs = append(refs, k.ref)
		}
	}
	titles, err := db.recordTitles(ctx, refs)
	if err != nil {
		return page, err
	}
	for _, k := range keys {
		if k.pid != 0 {
			p, err := db.FindPendingEdit(ctx, conflict.PendingEditID(k.pid))
			if err != nil {
				return page, err
			}
			page.Items = append(page.Items, QueueItem{Edit: &p})
			continue
		}
		s, err := submissionOf(ctx, db.read, k.ref, titles[k.ref])
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, QueueItem{Submission: &s})
	}
	return page, nil
}

// queueCursor is the key of the last item of a page.
type queueCursor struct {
	at, kind string
	pid, rid int64
}

// before reports whether the cursor comes before the item with the given
// key in the queue's order (at, pending edit, kind, record).
func (c queueCursor) before(at string, pid int64, kind string, rid int64) bool {
	if c.at != at {
		return c.at < at
	}
	if c.pid != pid {
		return c.pid < pid
	}
	if c.kind != kind {
		return c.kind < kind
	}
	return c.rid < rid
}

// parseQueueCursor reads a queue cursor; one that cannot be read starts
// the queue from its beginning.
func parseQueueCursor(s string) queueCursor {
	parts := strings.Split(s, "~")
	if len(parts) != 4 || parts[0] == "" {
		return queueCursor{}
	}
	p, err1 := strconv.ParseInt(parts[1], 10, 64)
	r, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return queueCursor{}
	}
	return queueCursor{at: parts[0], pid: p, kind: parts[2], rid: r}
}
