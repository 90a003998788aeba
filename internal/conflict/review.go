package conflict

import "time"

// The two-person rule, in one place: readers are promised that everything
// public was checked by a second person. So an edit to a public record by
// anyone waits as a pending edit until someone else accepts it, and nobody
// publishes or accepts what they wrote or submitted themselves. An admin
// may bypass the rule only by saying so ("publish without review"), and
// the revision records it. A deployment run by one person switches the
// rule off; its pages then say that entries are not independently reviewed.

// ReviewRule is a deployment's rule for who may make a change public.
type ReviewRule int

const (
	// TwoPeople is the default: a second person checks every change.
	TwoPeople ReviewRule = iota
	// OnePerson lets reviewers and admins publish their own work, for a
	// deployment with a single curator.
	OnePerson
)

// Independent reports whether the rule promises readers a second check.
func (r ReviewRule) Independent() bool { return r == TwoPeople }

// EditGoesLive reports whether an edit made with ch to a record in status
// s changes what readers see at once. False means the edit waits for a
// reviewer as a pending edit. Edits to records readers cannot see, and
// writes by the system (imports, demo data), go straight in.
func (r ReviewRule) EditGoesLive(s Status, ch Change) bool {
	if !s.Public() || ch.Author == nil {
		return true
	}
	if ch.WithoutReview && ch.Role == RoleAdmin {
		return true
	}
	return r == OnePerson && ch.Role.AtLeast(RoleReviewer)
}

// Unreviewed reports whether an edit that goes live with ch did so
// without a second person's check, so that its revision says so.
func (r ReviewRule) Unreviewed(s Status, ch Change) bool {
	return s.Public() && ch.Author != nil
}

// CheckSecondPerson returns a Forbidden error when the user deciding with
// ch (publishing a submission, accepting a pending edit) is one of authors,
// the people who wrote or submitted what is being decided. It also reports
// whether the decision bypasses the rule, which the revision records.
func (r ReviewRule) CheckSecondPerson(ch Change, authors []UserID) (unreviewed bool, err error) {
	if ch.Author == nil {
		return false, nil
	}
	own := false
	for _, a := range authors {
		if a == *ch.Author {
			own = true
		}
	}
	switch {
	case !own:
		return false, nil
	case ch.WithoutReview && ch.Role == RoleAdmin:
		return true, nil
	case r == OnePerson && ch.Role.AtLeast(RoleReviewer):
		return true, nil
	}
	return false, Errorf(Forbidden, "You wrote or submitted this change, so another reviewer must check it before readers see it.")
}

// CheckDirectPublish refuses to publish a record that was never submitted
// (a draft or a rejected record) unless an admin chose to publish it
// without review, or the two-person rule is off.
func (r ReviewRule) CheckDirectPublish(from Status, ch Change) error {
	if from != Draft && from != Rejected {
		return nil
	}
	if ch.Author == nil || (ch.WithoutReview && ch.Role == RoleAdmin) || r == OnePerson {
		return nil
	}
	return Errorf(Forbidden, "This record has not been submitted for review. Submit it, or, as an admin, choose \"publish without review\".")
}

// PendingEditID identifies a pending edit.
type PendingEditID int64

// PendingState is where a pending edit stands.
type PendingState string

// The states of a pending edit.
const (
	// EditPending waits for a reviewer.
	EditPending PendingState = "pending"
	// EditAccepted became a revision of its record.
	EditAccepted PendingState = "accepted"
	// EditReturned went back to its author with a reviewer's comment.
	EditReturned PendingState = "returned"
	// EditWithdrawn was taken back by its author.
	EditWithdrawn PendingState = "withdrawn"
)

// Label is the state as an editor reads it.
func (s PendingState) Label() string {
	switch s {
	case EditPending:
		return "Waiting for review"
	case EditAccepted:
		return "Accepted"
	case EditReturned:
		return "Returned"
	case EditWithdrawn:
		return "Withdrawn"
	}
	return string(s)
}

// PendingEdit is an edit to a public record that waits for a second
// person. Readers keep seeing the record as it is until a reviewer accepts
// the edit, which then becomes the record's next revision.
type PendingEdit struct {
	ID         PendingEditID
	RecordType RecordType
	RecordID   int64
	// Title is the record's title (or name) as the edit would leave it.
	Title string
	// BaseVersion is the version of the record the edit was made from.
	BaseVersion int
	// Snapshot is the record as accepting the edit would store it, in the
	// revision snapshot format.
	Snapshot   []byte
	Author     *UserID
	AuthorName string
	Summary    string
	CreatedAt  time.Time
	State      PendingState
	// DecidedBy, DeciderName, Note and DecidedAt say who accepted,
	// returned or withdrew the edit, when, and with what comment.
	DecidedBy   *UserID
	DeciderName string
	Note        string
	DecidedAt   time.Time
	// Revision is the record's revision an accepted edit became.
	Revision int
}

// PendingFilter chooses pending edits. Zero fields do not filter.
type PendingFilter struct {
	State      PendingState
	RecordType RecordType
	RecordID   int64
	Author     UserID
	Limit      int
}
