package conflict

import (
	"strings"
	"time"
)

// ClaimantID identifies a claimant.
type ClaimantID int64

// Claimant is who makes claims: a person or an organisation ("U.S.
// military officials", "Kurdish intelligence", a researcher). It is not
// the publisher who reported a claim. Estimates name their claimant; the
// claimant record says what kind of claimant it is and, when it is part
// of one, which actor it belongs to, so that readers can ask what
// governments said, or what a group's own media said.
type Claimant struct {
	ID   ClaimantID
	Name string
	Type ClaimantType
	// Affiliation is the actor the claimant belongs to or speaks for, when
	// there is one: a ministry's government, a group's media office.
	Affiliation *ActorRef
	Description string
	// Estimates counts the claimant's published estimates; it is read, not
	// written.
	Estimates int
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ClaimantRef is what an estimate needs to show and link its claimant.
type ClaimantRef struct {
	ID   ClaimantID
	Name string
	Type ClaimantType
}

// ClaimantType says what kind of body a claimant is.
type ClaimantType string

// The claimant types. A claimant named for the first time is Other until
// an editor says what it is.
const (
	Government       ClaimantType = "government"
	Military         ClaimantType = "military"
	ArmedGroup       ClaimantType = "armed_group"
	Media            ClaimantType = "media"
	NGOOrResearcher  ClaimantType = "ngo"
	OtherClaimant    ClaimantType = "other"
	defaultClaimType              = OtherClaimant
)

// ClaimantTypes lists the types in the order forms and filters offer them.
var ClaimantTypes = []ClaimantType{Government, Military, ArmedGroup, Media, NGOOrResearcher, OtherClaimant}

// Valid reports whether t is a known claimant type.
func (t ClaimantType) Valid() bool {
	for _, k := range ClaimantTypes {
		if t == k {
			return true
		}
	}
	return false
}

// Label names the type for a page or a form.
func (t ClaimantType) Label() string {
	switch t {
	case Government:
		return "government"
	case Military:
		return "military"
	case ArmedGroup:
		return "armed group"
	case Media:
		return "media"
	case NGOOrResearcher:
		return "NGO or researcher"
	case OtherClaimant:
		return "other"
	}
	return string(t)
}

// Plural names the claimants of a type as a list's heading.
func (t ClaimantType) Plural() string {
	switch t {
	case Government:
		return "Governments"
	case Military:
		return "Militaries"
	case ArmedGroup:
		return "Armed groups"
	case Media:
		return "Media"
	case NGOOrResearcher:
		return "NGOs and researchers"
	}
	return "Other claimants"
}

// ClaimantKey is the form of a claimant's name under which names are one
// claimant: trimmed, runs of spaces made one, dots dropped ("U.S." and
// "US" are one) and the letters A–Z folded to lower case. Other scripts
// are kept as written, as the store compares them (migration 0016 states
// the same rule in SQL, and a store test holds the two together).
func ClaimantKey(name string) string {
	s := strings.Join(strings.Fields(strings.ReplaceAll(name, ".", "")), " ")
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// CleanClaimantName is a claimant's name as estimates store it: trimmed,
// with runs of white space made one space.
func CleanClaimantName(name string) string {
	return strings.Join(strings.Fields(name), " ")
}

// SameClaimant reports whether two names are one claimant.
func SameClaimant(a, b string) bool { return ClaimantKey(a) == ClaimantKey(b) }

// Normalize puts the claimant in the form it is stored in.
func (c *Claimant) Normalize() {
	c.Name = CleanClaimantName(c.Name)
	c.Description = strings.TrimSpace(c.Description)
	if c.Type == "" {
		c.Type = defaultClaimType
	}
}

// Validate checks the claimant as Normalize leaves it: a name, a known
// type, a description of bounded length.
func (c Claimant) Validate() error {
	errs := FieldErrors{}
	checkText(errs, "name", "Name", c.Name, true, MaxNameLen)
	if c.Name != "" && ClaimantKey(c.Name) == "" {
		errs.Add("name", "Name needs letters or digits, not only dots.")
	}
	if !c.Type.Valid() {
		errs.Add("type", "Choose what kind of claimant this is: government, military, armed group, media, NGO or researcher, or other.")
	}
	checkText(errs, "description", "Description", c.Description, false, 2000)
	return errs.Err()
}

// CanEditClaimant says whether someone with role may change a claimant,
// directly or by proposing the change (ClaimantChangeGoesLive decides
// which). Every editor may: a change to a claimant readers see waits for
// a second person, as any other edit to a public record does.
func CanEditClaimant(role Role) error {
	if role.AtLeast(RoleEditor) {
		return nil
	}
	return Errorf(Forbidden, "Only editors, reviewers and admins change claimants.")
}
