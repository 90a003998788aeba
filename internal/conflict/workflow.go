package conflict

import "strings"

// The review workflow of events and estimates, in one place:
//
//	draft ──submit──▶ submitted ──publish──▶ published ──retract──▶ retracted
//	  ▲                   │                      ▲                      │
//	  │                reject                    └──────publish─────────┘
//	rejected ◀────────────┘                        (reviewer: undo a retraction)
//
// Editors submit; reviewers publish, reject and retract; an admin may also
// publish a draft or a rejected record directly, but only by choosing to
// skip review (review.go). Who may publish a given submission is the
// two-person rule's to say (ReviewRule.CheckSecondPerson), not the role's
// alone. A rejection needs a comment for the editor, a retraction a
// reason for readers.

// Transition returns the status a record in status from moves to when a
// user with role takes action a, with note as the rejection comment or the
// retraction reason. It returns an Unauthorized error for no role, a
// Forbidden error when the role may not take the action, and an Invalid
// error when the move is impossible from this status or a required note is
// missing. It does not check citations: publishing also needs CanPublish.
func Transition(from Status, a Action, role Role, note string) (Status, error) {
	move, ok := moves[a]
	if !ok {
		return from, Errorf(Invalid, "%q is not a review action: use submit, publish, reject or retract.", string(a))
	}
	if !role.Valid() {
		return from, Errorf(Unauthorized, "Sign in to change a record's status.")
	}
	min, ok := move.from[from]
	if !ok {
		return from, Errorf(Invalid, "%s", move.impossible(from))
	}
	if !role.AtLeast(min) {
		return from, Errorf(Forbidden, "%s", move.forbidden(from, min))
	}
	if move.note != "" {
		if strings.TrimSpace(note) == "" {
			return from, &Error{Code: Invalid, Message: move.note, Fields: FieldErrors{"note": move.note}}
		}
	}
	errs := FieldErrors{}
	checkText(errs, "note", "The note", note, false, MaxShortLen)
	if err := errs.Err(); err != nil {
		return from, err
	}
	return move.to, nil
}

// move is one review action: the statuses it starts from, with the least
// role that may take it from each, and where it leads.
type move struct {
	verb string
	to   Status
	from map[Status]Role
	// note, when set, is the message for a missing required note.
	note string
}

var moves = map[Action]move{
	ActionSubmit: {verb: "submit", to: Submitted, from: map[Status]Role{
		Draft: RoleEditor, Rejected: RoleEditor,
	}},
	ActionPublish: {verb: "publish", to: Published, from: map[Status]Role{
		Submitted: RoleReviewer, Retracted: RoleReviewer,
		// An admin may publish directly, without a review.
		Draft: RoleAdmin, Rejected: RoleAdmin,
	}},
	ActionReject: {verb: "reject", to: Rejected, from: map[Status]Role{
		Submitted: RoleReviewer,
	}, note: "Say why you are returning the submission, so the editor can fix it."},
	ActionRetract: {verb: "retract", to: Retracted, from: map[Status]Role{
		Published: RoleReviewer,
	}, note: "Give the reason for the retraction; readers will see it."},
}

func (m move) impossible(from Status) string {
	switch {
	case from == m.to:
		return "This record is already " + strings.ToLower(m.to.Label()) + "."
	case m.verb == "submit":
		return "Only a draft or a rejected record can be submitted for review; this one is " + strings.ToLower(from.Label()) + "."
	case m.verb == "publish":
		return "A " + strings.ToLower(from.Label()) + " record cannot be published."
	case m.verb == "reject":
		return "Only a record awaiting review can be rejected; this one is " + strings.ToLower(from.Label()) + "."
	case m.verb == "retract":
		return "Only a published record can be retracted; this one is " + strings.ToLower(from.Label()) + "."
	}
	return "This record cannot be changed that way."
}

func (m move) forbidden(from Status, min Role) string {
	if m.verb == "publish" && min == RoleAdmin {
		return "Only an admin may publish a record that has not been reviewed; submit it for review instead."
	}
	switch min {
	case RoleReviewer:
		return "Only a reviewer or an admin may " + m.verb + " a record."
	case RoleAdmin:
		return "Only an admin may " + m.verb + " this record."
	}
	return "You may not " + m.verb + " this record."
}

// RequireSummary reports whether an edit to a record in status s needs an
// edit summary, and returns an Invalid error on the "summary" field when
// one is needed and missing or too long. Readers of a published (or
// retracted) record are owed the reason for every change to it.
func RequireSummary(s Status, summary string) error {
	errs := FieldErrors{}
	if s.Public() && strings.TrimSpace(summary) == "" {
		errs.Add("summary", "Say what you changed and why: this record is public, and its history shows every edit.")
	}
	checkText(errs, "summary", "The edit summary", summary, false, MaxShortLen)
	return errs.Err()
}

// Label is the action as a history page shows it.
func (a Action) Label() string {
	switch a {
	case ActionCreate:
		return "Created"
	case ActionUpdate:
		return "Edited"
	case ActionSubmit:
		return "Submitted for review"
	case ActionPublish:
		return "Published"
	case ActionReject:
		return "Returned"
	case ActionRetract:
		return "Retracted"
	case ActionRevert:
		return "Reverted"
	case ActionImport:
		return "Imported"
	}
	return string(a)
}

// ReviewActions lists the actions Transition knows, in the order a form
// offers them.
var ReviewActions = []Action{ActionSubmit, ActionPublish, ActionReject, ActionRetract}
