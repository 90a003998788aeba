package conflict

import (
	"strings"
	"testing"
)

func TestTransitionEveryActionStatusAndRole(t *testing.T) {
	// allowed lists every possible move: from a status, an action, the
	// least role that may take it, and where it leads. Every other
	// combination is impossible.
	type key struct {
		from Status
		a    Action
	}
	type rule struct {
		min Role
		to  Status
	}
	allowed := map[key]rule{
		{Draft, ActionSubmit}:      {RoleEditor, Submitted},
		{Rejected, ActionSubmit}:   {RoleEditor, Submitted},
		{Submitted, ActionPublish}: {RoleReviewer, Published},
		{Draft, ActionPublish}:     {RoleAdmin, Published},
		{Rejected, ActionPublish}:  {RoleAdmin, Published},
		{Retracted, ActionPublish}: {RoleReviewer, Published},
		{Submitted, ActionReject}:  {RoleReviewer, Rejected},
		{Published, ActionRetract}: {RoleReviewer, Retracted},
	}
	statuses := []Status{Draft, Submitted, Published, Rejected, Retracted}
	roles := []Role{"", RoleEditor, RoleReviewer, RoleAdmin}
	for _, a := range ReviewActions {
		for _, from := range statuses {
			for _, role := range roles {
				name := string(a) + "/" + string(from) + "/" + string(role)
				if role == "" {
					name += "anonymous"
				}
				t.Run(name, func(t *testing.T) {
					got, err := Transition(from, a, role, "a reason")
					r, possible := allowed[key{from, a}]
					var want Code
					switch {
					case role == "":
						want = Unauthorized
					case !possible:
						want = Invalid
					case !role.AtLeast(r.min):
						want = Forbidden
					}
					if ErrorCode(err) != want {
						t.Fatalf("Transition(%s, %s, %q) error = %v (code %q), want code %q", from, a, role, err, ErrorCode(err), want)
					}
					if want == "" && got != r.to {
						t.Errorf("Transition(%s, %s, %q) = %s, want %s", from, a, role, got, r.to)
					}
					if want != "" && got != from {
						t.Errorf("Transition(%s, %s, %q) failed but moved to %s, want it to stay %s", from, a, role, got, from)
					}
					if err != nil && strings.TrimSpace(ErrorMessage(err)) == "" {
						t.Errorf("Transition(%s, %s, %q) error has no message", from, a, role)
					}
				})
			}
		}
	}
}

func TestTransitionNeedsNotes(t *testing.T) {
	tests := []struct {
		name string
		from Status
		a    Action
		note string
		want Code
	}{
		{"reject without comment", Submitted, ActionReject, "", Invalid},
		{"reject with blank comment", Submitted, ActionReject, "  \n ", Invalid},
		{"reject with comment", Submitted, ActionReject, "Cite the VOA report.", ""},
		{"retract without reason", Published, ActionRetract, "", Invalid},
		{"retract with reason", Published, ActionRetract, "The report was corrected.", ""},
		{"publish needs no note", Submitted, ActionPublish, "", ""},
		{"submit needs no note", Draft, ActionSubmit, "", ""},
		{"note too long", Submitted, ActionReject, strings.Repeat("x", MaxShortLen+1), Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Transition(tt.from, tt.a, RoleAdmin, tt.note)
			if ErrorCode(err) != tt.want {
				t.Fatalf("Transition(%s, %s, %q) = %v, want code %q", tt.from, tt.a, tt.note, err, tt.want)
			}
			if tt.want == Invalid && ErrorFields(err)["note"] == "" {
				t.Errorf("Transition(%s, %s) error %v has no message on the note field", tt.from, tt.a, err)
			}
		})
	}
}

func TestTransitionRejectsOtherActions(t *testing.T) {
	for _, a := range []Action{ActionCreate, ActionUpdate, ActionRevert, ActionImport, "delete", ""} {
		if _, err := Transition(Draft, a, RoleAdmin, "x"); ErrorCode(err) != Invalid {
			t.Errorf("Transition(draft, %q) = %v, want Invalid", a, err)
		}
	}
}

func TestTransitionMessages(t *testing.T) {
	_, err := Transition(Draft, ActionPublish, RoleReviewer, "")
	if msg := ErrorMessage(err); !strings.Contains(msg, "admin") {
		t.Errorf("reviewer publishing a draft: message %q should say only an admin may", msg)
	}
	_, err = Transition(Published, ActionPublish, RoleAdmin, "")
	if msg := ErrorMessage(err); !strings.Contains(msg, "already published") {
		t.Errorf("publishing a published record: message %q should say it is already published", msg)
	}
	_, err = Transition(Submitted, ActionPublish, RoleEditor, "")
	if msg := ErrorMessage(err); !strings.Contains(msg, "reviewer") {
		t.Errorf("editor publishing: message %q should name the reviewer role", msg)
	}
}

func TestRequireSummary(t *testing.T) {
	tests := []struct {
		status  Status
		summary string
		want    Code
	}{
		{Draft, "", ""},
		{Submitted, "", ""},
		{Rejected, "", ""},
		{Published, "", Invalid},
		{Published, "   ", Invalid},
		{Published, "Fixed the date", ""},
		{Retracted, "", Invalid},
		{Draft, strings.Repeat("x", MaxShortLen+1), Invalid},
	}
	for _, tt := range tests {
		err := RequireSummary(tt.status, tt.summary)
		if ErrorCode(err) != tt.want {
			t.Errorf("RequireSummary(%s, %.20q) = %v, want code %q", tt.status, tt.summary, err, tt.want)
		}
		if err != nil && ErrorFields(err)["summary"] == "" {
			t.Errorf("RequireSummary(%s) error %v has no message on the summary field", tt.status, err)
		}
	}
}

func TestActionLabels(t *testing.T) {
	for _, a := range []Action{ActionCreate, ActionUpdate, ActionSubmit, ActionPublish, ActionReject, ActionRetract, ActionRevert, ActionImport} {
		if a.Label() == string(a) || a.Label() == "" {
			t.Errorf("Action(%q).Label() = %q, want words", a, a.Label())
		}
	}
}

func TestEditConflictIsAConflict(t *testing.T) {
	var err error = &EditConflict[Event]{Current: Event{Title: "Now"}, Latest: Revision{AuthorName: "Ana"}, BaseVersion: 1}
	if ErrorCode(err) != Conflict {
		t.Errorf("ErrorCode(EditConflict) = %q, want %q", ErrorCode(err), Conflict)
	}
	if msg := ErrorMessage(err); !strings.Contains(msg, "Ana") {
		t.Errorf("ErrorMessage(EditConflict) = %q, want the other editor's name", msg)
	}
}
