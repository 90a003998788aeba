package api

import (
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
)

// KindChanges is the kind of a ChangeList.
const KindChanges = "changes"

// What a Change did to the public record.
const (
	ChangePublished = "published"
	ChangeUpdated   = "updated"
	ChangeRetracted = "retracted"
)

// Change is one change to the public record: a publication, an edit of a
// public record, or a retraction. Record is the record as readers saw it
// after the change, in the shape its own endpoint answers with (an Event
// for an event, and so on); the records it mentions (an event's actors, a
// citation's source) are as they stood at that revision, and each has
// changes of its own.
type Change struct {
	// Cursor resumes the list after this change.
	Cursor string `json:"cursor"`
	// Type is the record's kind: event, estimate, source, actor, place or
	// timeline. With ID it names the record.
	Type string `json:"type"`
	ID   int64  `json:"id"`
	// Change is published, updated or retracted. A retracted record stays
	// in the record, labelled: its status says so, and its status_note why.
	Change string `json:"change"`
	// At is when the change was made, RFC 3339 in UTC.
	At string `json:"at"`
	// Revision is the number of the record's revision the change wrote.
	Revision int `json:"revision"`
	Record   any `json:"record"`
}

// ChangeList is one page of changes, oldest first.
type ChangeList struct {
	Kind string   `json:"kind"`
	Data []Change `json:"data"`
	// Cursor resumes after everything this page read, and Next is the
	// address that does: there is always one, for a consumer to ask again
	// later. More says whether more changes can be read at once.
	Cursor string `json:"cursor"`
	Next   string `json:"next"`
	More   bool   `json:"more"`
}

// NewChange returns the change a revision made, with the record its
// snapshot holds (rec, as snapshot.Decode returns it) in the API's shape.
func NewChange(r conflict.Revision, cursor, what string, rec any, l Links) (Change, error) {
	out := Change{Cursor: cursor, Type: string(r.RecordType), ID: r.RecordID, Change: what,
		At: r.CreatedAt.UTC().Format(stampFormat), Revision: r.Number}
	switch v := rec.(type) {
	case conflict.Event:
		out.Record = NewEvent(v, l)
	case conflict.Estimate:
		out.Record = NewEstimate(v, l)
	case conflict.Source:
		out.Record = NewSource(v, l)
	case conflict.Actor:
		out.Record = NewActor(v, l)
	case conflict.Place:
		out.Record = NewPlace(v, l)
	case conflict.Timeline:
		out.Record = NewTimeline(v, l)
	default:
		return out, fmt.Errorf("api: no record for a %T", rec)
	}
	return out, nil
}
