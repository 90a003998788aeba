package conflict

// Status is where a curated record (an event or an estimate) stands in review.
type Status string

// The statuses. A record moves draft → submitted → published, or is rejected
// with a comment; a published record can be retracted, which keeps it and
// labels it, never deletes it.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Published Status = "published"
	Rejected  Status = "rejected"
	Retracted Status = "retracted"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case Draft, Submitted, Published, Rejected, Retracted:
		return true
	}
	return false
}

// Public reports whether a record with this status may be shown to
// anonymous visitors on its own page. Retracted records stay readable,
// labelled, so that links to them keep working.
func (s Status) Public() bool { return s == Published || s == Retracted }

// Label is the status as a reader sees it.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Draft"
	case Submitted:
		return "Waiting for review"
	case Published:
		return "Published"
	case Rejected:
		return "Returned"
	case Retracted:
		return "Retracted"
	}
	return string(s)
}
