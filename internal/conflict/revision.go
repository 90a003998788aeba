package conflict

import "time"

// RecordType names a kind of curated record in revisions and the activity
// log.
type RecordType string

// The record types that keep revisions.
const (
	EventRecord    RecordType = "event"
	EstimateRecord RecordType = "estimate"
	SourceRecord   RecordType = "source"
	ActorRecord    RecordType = "actor"
	PlaceRecord    RecordType = "place"
	TimelineRecord RecordType = "timeline"
)

// Action is what a revision did to its record.
type Action string

// The actions a revision records.
const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionSubmit  Action = "submit"
	ActionPublish Action = "publish"
	ActionReject  Action = "reject"
	ActionRetract Action = "retract"
	ActionRevert  Action = "revert"
	ActionImport  Action = "import"
)

// Revision is an immutable snapshot of a record after one write: history,
// diffs, reverts and permalinks all come from revisions.
type Revision struct {
	ID         RevisionID
	RecordType RecordType
	RecordID   int64
	// Number counts the record's revisions from 1.
	Number int
	Action Action
	// Snapshot is the record as it stood after the write, as JSON.
	Snapshot []byte
	// Author is nil for writes made by the system (demo data, imports), whose
	// name is in AuthorName.
	Author     *UserID
	AuthorName string
	Summary    string
	CreatedAt  time.Time
	// Unreviewed marks a revision that made a change public without a
	// second person's check.
	Unreviewed bool
}

// Change says who makes a write and why. Every write takes one and records
// it in a revision.
type Change struct {
	// Author is nil for writes made by the system.
	Author     *UserID
	AuthorName string
	Summary    string
	// Import marks writes made by a data import.
	Import bool
	// Role is the author's role, which the review rule reads; empty for
	// the system.
	Role Role
	// WithoutReview is an admin's explicit choice to make a change public
	// without a second person's check.
	WithoutReview bool
}
