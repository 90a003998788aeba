package conflict_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

func mustDate(s string) edtf.Date { return edtf.MustParse(s) }

func TestClaimantKeyMatchesSpellingsOfOneName(t *testing.T) {
	same := [][2]string{
		{"U.S. military officials", "US military officials"},
		{"U.S. military officials", "  u.s.   Military officials "},
		{"Kurdish intelligence", "KURDISH INTELLIGENCE"},
		{"قيادة العمليات المشتركة", " قيادة  العمليات المشتركة"},
	}
	for _, p := range same {
		if !conflict.SameClaimant(p[0], p[1]) {
			t.Errorf("SameClaimant(%q, %q) = false; one claimant", p[0], p[1])
		}
	}
	apart := [][2]string{
		{"U.S. military officials", "U.S. military"},
		{"Iraqi military", "Iraqi ministry"},
		{"UN", "U N"},
	}
	for _, p := range apart {
		if conflict.SameClaimant(p[0], p[1]) {
			t.Errorf("SameClaimant(%q, %q) = true; two claimants", p[0], p[1])
		}
	}
}

func TestClaimantValidate(t *testing.T) {
	tests := []struct {
		name  string
		c     conflict.Claimant
		field string
	}{
		{"no name", conflict.Claimant{Name: " ", Type: conflict.Media}, "name"},
		{"only dots", conflict.Claimant{Name: "...", Type: conflict.Media}, "name"},
		{"unknown type", conflict.Claimant{Name: "Reuters", Type: "pundit"}, "type"},
		{"fine", conflict.Claimant{Name: "Reuters", Type: conflict.Media}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if conflict.ErrorFields(err)[tt.field] == "" {
				t.Errorf("Validate() = %v, want a message on %q", err, tt.field)
			}
		})
	}
	c := conflict.Claimant{Name: "  Iraqi   Joint Operations Command "}
	c.Normalize()
	if c.Name != "Iraqi Joint Operations Command" || c.Type != conflict.OtherClaimant {
		t.Errorf("Normalize() = %q, %q; want the name tidied and the type other", c.Name, c.Type)
	}
}

func TestCanEditClaimant(t *testing.T) {
	for _, r := range []conflict.Role{conflict.RoleEditor, conflict.RoleReviewer, conflict.RoleAdmin} {
		if err := conflict.CanEditClaimant(r); err != nil {
			t.Errorf("%s changing a claimant: %v, want allowed (directly or as a proposal)", r, err)
		}
	}
	if err := conflict.CanEditClaimant(""); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("no role changing a claimant: %v, want forbidden", err)
	}
}

// A change to a claimant readers see waits for a second person, whoever
// makes it, unless the site runs under the one-person rule and a reviewer
// or admin makes it; a claimant no reader sees changes at once.
func TestClaimantChangeGoesLive(t *testing.T) {
	tests := []struct {
		rule   conflict.ReviewRule
		public bool
		role   conflict.Role
		by     conflict.UserID
		want   bool
	}{
		{conflict.TwoPeople, false, conflict.RoleEditor, 1, true},
		{conflict.TwoPeople, true, conflict.RoleEditor, 1, false},
		{conflict.TwoPeople, true, conflict.RoleReviewer, 1, false},
		{conflict.TwoPeople, true, conflict.RoleAdmin, 1, false},
		{conflict.TwoPeople, true, conflict.RoleAdmin, 0, true}, // the system: imports, demo data
		{conflict.OnePerson, true, conflict.RoleReviewer, 1, true},
		{conflict.OnePerson, true, conflict.RoleAdmin, 1, true},
		{conflict.OnePerson, true, conflict.RoleEditor, 1, false},
	}
	for _, tt := range tests {
		if got := tt.rule.ClaimantChangeGoesLive(tt.public, tt.role, tt.by); got != tt.want {
			t.Errorf("rule %d, public %v, %s #%d: goes live = %v, want %v", tt.rule, tt.public, tt.role, tt.by, got, tt.want)
		}
	}
}

func TestClaimantProposalDecisions(t *testing.T) {
	cur := conflict.Claimant{Name: "Iraqi Ministry of Defence", Type: conflict.OtherClaimant}
	p := conflict.ClaimantProposal{Proposed: cur, ProposedBy: 7, ProposerName: "Rana Reviewer", CreatedAt: time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)}
	p.Proposed.Type = conflict.Government
	if err := conflict.CheckClaimantDecision(conflict.RoleReviewer, 7, p); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("the proposer deciding their own proposal: %v, want forbidden", err)
	}
	if err := conflict.CheckClaimantDecision(conflict.RoleEditor, 8, p); conflict.ErrorCode(err) != conflict.Forbidden {
		t.Errorf("an editor deciding a proposal: %v, want forbidden", err)
	}
	if err := conflict.CheckClaimantDecision(conflict.RoleReviewer, 8, p); err != nil {
		t.Errorf("another reviewer deciding: %v, want allowed", err)
	}
	if err := conflict.CheckClaimantProposer(&p, cur, 7); err != nil {
		t.Errorf("the proposer replacing their proposal: %v, want allowed", err)
	}
	err := conflict.CheckClaimantProposer(&p, cur, 8)
	if conflict.ErrorCode(err) != conflict.Conflict || !strings.Contains(err.Error(), "Rana Reviewer") ||
		!strings.Contains(err.Error(), "kind of claimant: other → government") {
		t.Errorf("a second person's proposal while one is open: %v, want refused naming who proposed what", err)
	}
	if chs := p.Changes(cur); len(chs) != 1 || chs[0].Old != "other" || chs[0].New != "government" {
		t.Errorf("Changes() = %+v, want the type only", chs)
	}
}

func TestStrictBoundsAreWordedAsSuch(t *testing.T) {
	cited := []conflict.Citation{{Source: conflict.Source{ID: 1}}}
	tests := []struct {
		x    conflict.Estimate
		want string
	}{
		{conflict.Estimate{Qualifier: conflict.FewerThan, High: conflict.Count(10000)}, "fewer than 10,000"},
		{conflict.Estimate{Qualifier: conflict.MoreThan, Low: conflict.Count(2000)}, "more than 2,000"},
		{conflict.Estimate{Qualifier: conflict.AtMost, High: conflict.Count(10000)}, "as many as 10,000"},
	}
	for _, tt := range tests {
		if got := tt.x.ValueText(); got != tt.want {
			t.Errorf("ValueText() = %q, want %q", got, tt.want)
		}
		x := tt.x
		x.Force, x.AsOf, x.Unit, x.Claimant, x.Citations = conflict.ActorRef{ID: 1}, mustDate("2016-09"), "fighters", "Officials", cited
		if err := x.Validate(); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", tt.want, err)
		}
	}
	bad := conflict.Estimate{Force: conflict.ActorRef{ID: 1}, AsOf: mustDate("2016"), Unit: "fighters", Claimant: "x",
		Qualifier: conflict.FewerThan, Low: conflict.Count(5), High: conflict.Count(10)}
	if got := conflict.ErrorFields(bad.Validate())["low"]; got != `A "fewer than" estimate has no lowest number.` {
		t.Errorf("fewer than with a lowest number: %q, want a message on low", got)
	}
}

func TestRelationRules(t *testing.T) {
	cited := []conflict.Citation{{Source: conflict.Source{ID: 4}}}
	base := func(rels ...conflict.Relation) conflict.Estimate {
		return conflict.Estimate{ID: 10, Force: conflict.ActorRef{ID: 1}, AsOf: mustDate("2016-09"), Unit: "fighters",
			Qualifier: conflict.Exact, Low: conflict.Count(5), High: conflict.Count(5), Claimant: "Officials",
			Citations: cited, Relations: rels}
	}
	tests := []struct {
		name string
		x    conflict.Estimate
		want string // a message on relations.0, or "" for none
	}{
		{"revises another", base(conflict.Relation{Kind: conflict.Supersedes, Target: 9}), ""},
		{"itself", base(conflict.Relation{Kind: conflict.Disputes, Target: 10}), "A record cannot be linked to itself."},
		{"no target", base(conflict.Relation{Kind: conflict.Disputes}), "Say which estimate this one is linked to: its number or its address."},
		{"by external id", base(conflict.Relation{Kind: conflict.Duplicates, TargetExternalID: "x-1"}), ""},
		{"event-only kind", base(conflict.Relation{Kind: conflict.ConflictingDates, Target: 9}),
			"\"Same event, conflicting dates\" links events only; an estimate may revise, dispute or duplicate another."},
		{"unknown kind", base(conflict.Relation{Kind: "likes", Target: 9}), "Choose how the records are linked."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := conflict.ErrorFields(tt.x.Validate())["relations.0"]
			if got != tt.want {
				t.Errorf("Validate() relations.0 = %q, want %q", got, tt.want)
			}
		})
	}
	uncited := base(conflict.Relation{Kind: conflict.Disputes, Target: 9})
	uncited.Citations = nil
	if conflict.ErrorFields(uncited.Validate())["relations.0"] == "" {
		t.Error("a link with no source and nothing cited was accepted")
	}
	twice := base(conflict.Relation{Kind: conflict.Disputes, Target: 9}, conflict.Relation{Kind: conflict.Disputes, Target: 9})
	if conflict.ErrorFields(twice.Validate())["relations.1"] != "This link is given twice." {
		t.Errorf("a link given twice: %v", twice.Validate())
	}
	ev := conflict.Event{ID: 3, Title: "t", Date: mustDate("2016"), Citations: cited,
		Relations: []conflict.Relation{{Kind: conflict.ConflictingDates, Target: 4}}}
	if err := ev.Validate(); err != nil {
		t.Errorf("an event with conflicting dates: %v, want valid", err)
	}

	later := base()
	other := base()
	other.ID, other.Claimant = 9, "Kurdish intelligence"
	if err := conflict.CheckSupersedes(later, other, "relations.0"); conflict.ErrorFields(err)["relations.0"] == "" {
		t.Errorf("CheckSupersedes across claimants = %v, want a message", err)
	}
	other.Claimant = "officials"
	if err := conflict.CheckSupersedes(later, other, "relations.0"); err != nil {
		t.Errorf("CheckSupersedes within one claimant = %v, want nil", err)
	}
	if got := conflict.Supersedes.Phrase(true); got != "Revised by" {
		t.Errorf("Supersedes.Phrase(incoming) = %q", got)
	}
	if got := conflict.Disputes.Phrase(true); got != "Disputed by" {
		t.Errorf("Disputes.Phrase(incoming) = %q", got)
	}
}

func TestReadValueWords(t *testing.T) {
	for _, tt := range []struct {
		in     string
		q      conflict.Qualifier
		number string
		ok     bool
	}{
		{"fewer than 10,000", conflict.FewerThan, "10,000", true},
		{"  More Than 2,000 ", conflict.MoreThan, "2,000", true},
		{"as many as 10,000", conflict.AtMost, "10,000", true},
		{"under 500", conflict.FewerThan, "500", true},
		{"10,000", "", "10,000", false},
		{"fewer", "", "fewer", false},
	} {
		q, n, ok := conflict.ReadValueWords(tt.in)
		if q != tt.q || n != tt.number || ok != tt.ok {
			t.Errorf("ReadValueWords(%q) = %q, %q, %v; want %q, %q, %v", tt.in, q, n, ok, tt.q, tt.number, tt.ok)
		}
	}
}
