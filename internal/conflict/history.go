package conflict

import "fmt"

// EditConflict is the error of a save based on a version of a record that
// is no longer the stored one: someone else saved in between. It carries
// the record as it is stored now and its latest revision, so that the
// editor can see both versions side by side and re-apply their change;
// nothing is ever silently overwritten. Its code is Conflict, and
// errors.As finds it with the record's type:
//
//	var ec *conflict.EditConflict[conflict.Event]
//	if errors.As(err, &ec) { … ec.Current … }
type EditConflict[T any] struct {
	// Current is the record as stored now.
	Current T
	// Latest is Current's newest revision: who saved it, when and why.
	Latest Revision
	// BaseVersion is the version the rejected save was based on.
	BaseVersion int
}

func (e *EditConflict[T]) Error() string { return e.err().Error() }

// Unwrap gives the Conflict *Error that ErrorCode and ErrorMessage read.
func (e *EditConflict[T]) Unwrap() error { return e.err() }

func (e *EditConflict[T]) err() *Error {
	who := e.Latest.AuthorName
	if who == "" {
		who = "someone else"
	}
	return &Error{Code: Conflict, Message: fmt.Sprintf(
		"This record was changed by %s after you opened it. Your changes are not saved yet: compare the two versions and apply yours again.", who)}
}

// ActivityFilter chooses revisions for the activity log. Zero fields do not
// filter.
type ActivityFilter struct {
	// UserID keeps the writes of one user.
	UserID UserID
	// RecordType keeps the writes to one kind of record.
	RecordType RecordType
	// Before is a cursor from a previous page: only revisions older than
	// this one.
	Before RevisionID
	Limit  int
}

// Activity is one write in the activity log: the revision (without its
// snapshot) and the current title of the record it changed.
type Activity struct {
	Revision
	Title string
}

// ActivityPage is one page of the activity log, newest first. Next is the
// cursor to the following page, 0 on the last one.
type ActivityPage struct {
	Items []Activity
	Next  RevisionID
}

// Submission is a record awaiting review, with what a reviewer needs to
// see what it changes.
type Submission struct {
	RecordType RecordType
	RecordID   int64
	Title      string
	// Latest is the record's newest revision: the submission itself.
	Latest Revision
	// Previous is the revision before Latest, nil for none.
	Previous *Revision
	// Reviewed is the newest earlier revision a reviewer decided on
	// (publish, reject, retract): the state the submission changes. It is
	// nil for a record never reviewed, whose queue entry diffs Latest
	// against an empty record.
	Reviewed *Revision
}

// Title names the estimate in lists and headings: "Islamic State:
// 3,000–4,500 fighters".
func (e Estimate) Title() string {
	return e.Force.Name + ": " + e.ValueText() + " " + e.Unit
}
