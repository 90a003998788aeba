package sqlite

import (
	"context"
	"slices"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// FindActivity returns one page of the activity log: every write to a
// curated record, newest first, with the record's current title, chosen
// by f. Snapshots are left out; FindRevision has them.
func (db *DB) FindActivity(ctx context.Context, f conflict.ActivityFilter) (conflict.ActivityPage, error) {
	var (
		where  = []string{"1"}
		params []any
	)
	if f.UserID != 0 {
		where = append(where, "author_id = ?")
		params = append(params, int64(f.UserID))
	}
	if f.RecordType != "" {
		where = append(where, "record_type = ?")
		params = append(params, f.RecordType)
	}
	if f.Before != 0 {
		where = append(where, "id < ?")
		params = append(params, int64(f.Before))
	}
	limit := clampLimit(f.Limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+revisionColumnsNoSnapshot+`
		FROM revisions WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(params, limit+1)...)
	if err != nil {
		return conflict.ActivityPage{}, err
	}
	defer rows.Close()
	var page conflict.ActivityPage
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return conflict.ActivityPage{}, err
		}
		r.Snapshot = nil
		page.Items = append(page.Items, conflict.Activity{Revision: r})
	}
	if err := rows.Err(); err != nil {
		return conflict.ActivityPage{}, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].ID
	}
	refs := make([]recordRef, len(page.Items))
	for i, a := range page.Items {
		refs[i] = recordRef{a.RecordType, a.RecordID}
	}
	titles, err := db.recordTitles(ctx, refs)
	if err != nil {
		return conflict.ActivityPage{}, err
	}
	for i := range page.Items {
		page.Items[i].Title = titles[refs[i]]
	}
	return page, nil
}

// FindSubmissions returns the records of every kind awaiting review, the
// longest waiting first, each with its latest revision (the submission),
// the one before it, and the last revision a reviewer decided on. Every
// kind is found by its status index (events_status_date_idx,
// estimates_status_idx and the four of migration 0010), never by reading
// a table whole. The review queue pages with FindQueue instead.
func (db *DB) FindSubmissions(ctx context.Context) ([]conflict.Submission, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT 'event', id FROM events WHERE status = 'submitted'
		UNION ALL SELECT 'estimate', id FROM estimates WHERE status = 'submitted'
		UNION ALL SELECT 'source', id FROM sources WHERE status = 'submitted'
		UNION ALL SELECT 'actor', id FROM actors WHERE status = 'submitted'
		UNION ALL SELECT 'place', id FROM places WHERE status = 'submitted'
		UNION ALL SELECT 'timeline', id FROM timelines WHERE status = 'submitted' LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	var refs []recordRef
	for rows.Next() {
		var r recordRef
		if err := rows.Scan(&r.rt, &r.id); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	titles, err := db.recordTitles(ctx, refs)
	if err != nil {
		return nil, err
	}
	out := make([]conflict.Submission, 0, len(refs))
	for _, ref := range refs {
		s, err := submissionOf(ctx, db.read, ref, titles[ref])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b conflict.Submission) int {
		return a.Latest.CreatedAt.Compare(b.Latest.CreatedAt)
	})
	return out, nil
}

// submissionOf reads what the queue shows of the submitted record ref:
// its latest revision (the submission), the one before it, and the last
// revision a reviewer decided on; each a lookup of the record's revisions.
func submissionOf(ctx context.Context, q querier, ref recordRef, title string) (conflict.Submission, error) {
	s := conflict.Submission{RecordType: ref.rt, RecordID: ref.id, Title: title}
	var err error
	if s.Latest, err = latestRevision(ctx, q, ref.rt, ref.id); err != nil {
		return s, err
	}
	if s.Latest.Number > 1 {
		prev, err := findRevision(ctx, q, ref.rt, ref.id, s.Latest.Number-1)
		if err != nil {
			return s, err
		}
		s.Previous = &prev
	}
	reviewed, err := scanRevision(q.QueryRowContext(ctx, `SELECT `+revisionColumns+`
		FROM revisions WHERE record_type = ? AND record_id = ? AND number < ?
		AND action IN ('publish', 'reject', 'retract') ORDER BY number DESC LIMIT 1`, ref.rt, ref.id, s.Latest.Number))
	switch {
	case err == nil:
		s.Reviewed = &reviewed
	case conflict.ErrorCode(err) != conflict.NotFound:
		return s, err
	}
	return s, nil
}

// recordRef names one curated record.
type recordRef struct {
	rt conflict.RecordType
	id int64
}

// titleQueries read the current titles of a list of records of one type,
// passed as a JSON array. Estimates have no title column: theirs is made
// from the force and the number.
var titleQueries = map[conflict.RecordType]string{
	conflict.EventRecord:    `SELECT id, title FROM events WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.SourceRecord:   `SELECT id, ` + sourceHeadingSQL + ` FROM sources WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.ActorRecord:    `SELECT id, name FROM actors WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.PlaceRecord:    `SELECT id, name FROM places WHERE id IN (SELECT value FROM json_each(?))`,
	conflict.TimelineRecord: `SELECT id, title FROM timelines WHERE id IN (SELECT value FROM json_each(?))`,
}

// recordTitles returns the current title of each record, with one query
// per record type.
func (db *DB) recordTitles(ctx context.Context, refs []recordRef) (map[recordRef]string, error) {
	byType := map[conflict.RecordType][]any{}
	for _, r := range refs {
		byType[r.rt] = append(byType[r.rt], r.id)
	}
	out := make(map[recordRef]string, len(refs))
	for rt, ids := range byType {
		if rt == conflict.EstimateRecord {
			rows, err := db.read.QueryContext(ctx, `SELECT `+estimateColumns+estimateFrom+`
				WHERE x.id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				x, err := scanEstimate(rows)
				if err != nil {
					rows.Close()
					return nil, err
				}
				out[recordRef{rt, int64(x.ID)}] = x.Title()
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			continue
		}
		query, ok := titleQueries[rt]
		if !ok {
			continue
		}
		rows, err := db.read.QueryContext(ctx, query, jsonIDs(ids))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				id    int64
				title string
			)
			if err := rows.Scan(&id, &title); err != nil {
				rows.Close()
				return nil, err
			}
			out[recordRef{rt, id}] = title
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
