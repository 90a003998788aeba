package conflict

import (
	"fmt"
	"strings"
	"time"
)

// A claimant readers see frames every claim it made: its type decides
// which claims "what did governments say" finds, its affiliation whose
// voice it is. So a change to it follows the two-person rule of every
// public record: it is stored as a proposal, readers keep seeing the
// claimant as it is, and someone other than the proposer, a reviewer or
// an admin, accepts or rejects it. One proposal per claimant is open at a
// time, so that a reviewer never weighs two changes against each other.

// ClaimantProposalID identifies a proposed change to a claimant.
type ClaimantProposalID int64

// ClaimantProposal is a change to a public claimant waiting for a second
// person.
type ClaimantProposal struct {
	ID       ClaimantProposalID
	Claimant ClaimantID
	// Proposed is the claimant as accepting the proposal would leave it:
	// its name, type, affiliation and description.
	Proposed Claimant
	// BaseVersion is the claimant's version the change was made from;
	// accepting a proposal made from an older version is refused.
	BaseVersion  int
	ProposedBy   UserID
	ProposerName string
	Summary      string
	CreatedAt    time.Time
}

// ClaimantChangeGoesLive reports whether a change to a claimant by
// someone with role (by 0 for the system: imports, demo data) changes
// what readers see at once. False means it is stored as a proposal. A
// claimant no reader sees is the editors' to describe; under the
// one-person rule a reviewer's or admin's change applies directly, as it
// does for every other record (ReviewRule.EditGoesLive).
func (r ReviewRule) ClaimantChangeGoesLive(public bool, role Role, by UserID) bool {
	if !public || by == 0 {
		return true
	}
	return r == OnePerson && role.AtLeast(RoleReviewer)
}

// CheckClaimantProposer refuses a new proposal by by while open, another
// person's proposal, waits: the message names who proposed what, so the
// editor knows whom to ask or which change to review. A person's own open
// proposal is replaced by their new one.
func CheckClaimantProposer(open *ClaimantProposal, current Claimant, by UserID) error {
	if open == nil || open.ProposedBy == by {
		return nil
	}
	return Errorf(Conflict, "%s proposed a change to this claimant on %s (%s); a reviewer must accept or reject it before another change is proposed.",
		open.ProposerName, open.CreatedAt.UTC().Format("2 January 2006"), open.Describe(current))
}

// CheckClaimantDecision says whether someone with role, user by, may
// accept or reject the proposal p: a reviewer or an admin who did not
// propose it. The rule holds under the one-person rule too: there, a
// reviewer's change applies directly, so a proposal is always someone
// else's to decide.
func CheckClaimantDecision(role Role, by UserID, p ClaimantProposal) error {
	if !role.AtLeast(RoleReviewer) {
		return Errorf(Forbidden, "Only a reviewer or an admin accepts or rejects a proposed change to a claimant.")
	}
	if by == p.ProposedBy {
		return Errorf(Forbidden, "You proposed this change, so another reviewer must accept or reject it before readers see it.")
	}
	return nil
}

// ClaimantFieldChange is one field of a proposal, before and after.
type ClaimantFieldChange struct {
	Field, Label string
	Old, New     string
}

// Changes lists the fields the proposal changes on current, in the order
// the form shows them.
func (p ClaimantProposal) Changes(current Claimant) []ClaimantFieldChange {
	aff := func(a *ActorRef) string {
		if a == nil {
			return ""
		}
		return a.Name
	}
	all := []ClaimantFieldChange{
		{"name", "Name", current.Name, p.Proposed.Name},
		{"type", "Kind of claimant", current.Type.Label(), p.Proposed.Type.Label()},
		{"affiliation", "Belongs to", aff(current.Affiliation), aff(p.Proposed.Affiliation)},
		{"description", "Description", current.Description, p.Proposed.Description},
	}
	var out []ClaimantFieldChange
	for _, ch := range all {
		if ch.Old != ch.New {
			out = append(out, ch)
		}
	}
	return out
}

// Describe words the proposal's changes in one line: "kind of claimant:
// other → government".
func (p ClaimantProposal) Describe(current Claimant) string {
	chs := p.Changes(current)
	if len(chs) == 0 {
		return "no field changed"
	}
	parts := make([]string, len(chs))
	for i, ch := range chs {
		old, nw := ch.Old, ch.New
		if old == "" {
			old = "(none)"
		}
		if nw == "" {
			nw = "(none)"
		}
		parts[i] = fmt.Sprintf("%s: %s → %s", strings.ToLower(ch.Label), old, nw)
	}
	return strings.Join(parts, "; ")
}
