package conflict

import (
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/edtf"
)

// Estimate is a claim about the size of a force at a date, as one claimant
// made it and a source reported it. Estimates are never averaged: two
// claimants' numbers stand side by side.
type Estimate struct {
	ID    EstimateID
	Force ActorRef
	Place *PlaceRef
	AsOf  edtf.Date
	// Unit is what is counted: fighters by default; troops, vehicles,
	// aircraft…
	Unit      string
	Qualifier Qualifier
	Low, High Bound
	// Claimant is who made the estimate, which is not the publisher who
	// reported it: "U.S. military officials", "Kurdish intelligence".
	Claimant string
	// ClaimantActor links the claimant to an actor, when it is one.
	ClaimantActor *ActorRef
	// ClaimantRecord is the claimant record the name is matched to
	// (ClaimantKey): its id and type. The store sets it on every write and
	// read; what an edit gives is ignored.
	ClaimantRecord *ClaimantRef
	Notes          string
	Citations      []Citation
	// Relations link the estimate to others: it revises, disputes or
	// duplicates them.
	Relations  []Relation
	Status     Status
	StatusNote string
	// ExternalID identifies a record brought in from elsewhere (an import,
	// the demo data), so that loading it again changes nothing.
	ExternalID string
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// DefaultUnit is what an estimate counts unless it says otherwise.
const DefaultUnit = "fighters"

// Bound is one end of an estimate; Set is false when the qualifier leaves it
// open.
type Bound struct {
	Value int64
	Set   bool
}

// Count returns a set bound of n.
func Count(n int64) Bound { return Bound{Value: n, Set: true} }

// Qualifier says how a claimant put a number, and so which bounds an
// estimate has.
type Qualifier string

// The qualifiers.
const (
	Exact   Qualifier = "exact"    // low = high
	About   Qualifier = "about"    // one value, said loosely
	Range   Qualifier = "range"    // low < high
	AtLeast Qualifier = "at_least" // low only
	AtMost  Qualifier = "at_most"  // high only: "as many as"
	// The strict bounds: the number itself is not reached ("fewer than
	// 10,000") or is exceeded ("more than 2,000"). They keep one bound,
	// as at most and at least do, and are never worded as those.
	MoreThan  Qualifier = "more_than"  // low only, exceeded
	FewerThan Qualifier = "fewer_than" // high only, not reached
)

// Qualifiers lists the qualifiers in the order forms offer them.
var Qualifiers = []Qualifier{Exact, About, Range, AtLeast, MoreThan, AtMost, FewerThan}

// LowOnly reports whether the qualifier gives a floor and no ceiling.
func (q Qualifier) LowOnly() bool { return q == AtLeast || q == MoreThan }

// HighOnly reports whether the qualifier gives a ceiling and no floor.
func (q Qualifier) HighOnly() bool { return q == AtMost || q == FewerThan }

// Strict reports whether the one bound is itself excluded.
func (q Qualifier) Strict() bool { return q == MoreThan || q == FewerThan }

// Label names the qualifier for a form or a legend.
func (q Qualifier) Label() string {
	switch q {
	case Exact:
		return "exactly"
	case About:
		return "about"
	case Range:
		return "range"
	case AtLeast:
		return "at least"
	case AtMost:
		return "at most (as many as)"
	case MoreThan:
		return "more than"
	case FewerThan:
		return "fewer than"
	}
	return string(q)
}

// Valid reports whether q is a known qualifier.
func (q Qualifier) Valid() bool {
	switch q {
	case Exact, About, Range, AtLeast, AtMost, MoreThan, FewerThan:
		return true
	}
	return false
}

// Normalize puts the estimate in the form it is stored in: a new estimate
// is a draft, and an exact or approximate one keeps its one number as both
// bounds, whichever bound it was typed in. The store runs it once on every
// write, before Validate.
func (e *Estimate) Normalize() {
	if e.Status == "" {
		e.Status = Draft
	}
	if e.Qualifier == Exact || e.Qualifier == About {
		e.Low, e.High = oneValue(e.Low, e.High)
	}
	e.Claimant = CleanClaimantName(e.Claimant)
}

// oneValue is the low and high bound of an estimate with one number:
// whichever bound was given is the value. Two different numbers are left
// as they are, for Validate to refuse.
func oneValue(low, high Bound) (Bound, Bound) {
	if !low.Set && high.Set {
		low = high
	}
	if !high.Set {
		high = low
	}
	return low, high
}

// Validate applies the estimate's rules to the estimate as Normalize leaves
// it, changing nothing: the qualifier decides which bounds it has, counts
// are not negative, low ≤ high, and a unit and a claimant are named. Forms
// start the unit at DefaultUnit, so a blank unit is an error.
func (e Estimate) Validate() error {
	errs := FieldErrors{}
	if e.Force.ID == 0 {
		errs.Add("force", "Choose the force this estimate counts.")
	}
	if e.AsOf.IsZero() {
		errs.Add("as_of", "Say when the estimate holds (as of which date).")
	}
	checkText(errs, "unit", "Unit", e.Unit, true, 60)
	checkText(errs, "claimant", "Claimant", e.Claimant, true, MaxNameLen)
	if strings.TrimSpace(e.Claimant) != "" && ClaimantKey(e.Claimant) == "" {
		errs.Add("claimant", "Name the claimant in words, not only dots.")
	}
	checkText(errs, "notes", "Notes", e.Notes, false, MaxShortLen)
	// No status yet is a new draft.
	if e.Status != "" && !e.Status.Valid() {
		errs.Add("status", "Unknown status.")
	}
	if e.Low.Set && e.Low.Value < 0 {
		errs.Add("low", "A count cannot be negative.")
	}
	if e.High.Set && e.High.Value < 0 {
		errs.Add("high", "A count cannot be negative.")
	}
	switch e.Qualifier {
	case Exact, About:
		low, high := oneValue(e.Low, e.High)
		if !low.Set {
			errs.Add("low", "Give the number.")
		} else if high.Value != low.Value {
			errs.Add("high", "An exact or approximate estimate has one number; use a range for two.")
		}
	case Range:
		switch {
		case !e.Low.Set:
			errs.Add("low", "A range needs its lowest number.")
		case !e.High.Set:
			errs.Add("high", "A range needs its highest number.")
		case e.Low.Value > e.High.Value:
			errs.Add("high", "The highest number must not be below the lowest.")
		case e.Low.Value == e.High.Value:
			errs.Add("high", "A range needs two different numbers; use exact or about for one.")
		}
	case AtLeast, MoreThan:
		if !e.Low.Set {
			errs.Add("low", "Give the lowest number the claimant put on the force.")
		}
		if e.High.Set {
			errs.Add("high", article(e.ValueWord())+" \""+e.ValueWord()+"\" estimate has no highest number.")
		}
	case AtMost, FewerThan:
		if !e.High.Set {
			errs.Add("high", "Give the highest number the claimant put on the force.")
		}
		if e.Low.Set {
			errs.Add("low", article(e.ValueWord())+" \""+e.ValueWord()+"\" estimate has no lowest number.")
		}
		if e.Qualifier == FewerThan && e.High.Set && e.High.Value == 0 {
			errs.Add("high", "A count cannot be fewer than 0.")
		}
	default:
		errs.Add("qualifier", "Choose how the number was put: exactly, about, a range, at least, more than, at most or fewer than.")
	}
	validateCitations(errs, e.Citations)
	validateRelations(errs, EstimateRecord, int64(e.ID), e.Relations, len(e.Citations))
	return errs.Err()
}

// CanPublish reports why the estimate may not be published yet, or nil.
func (e Estimate) CanPublish() error { return requireCitation(len(e.Citations)) }

// ValueText shows the number the way the source said it: "3,000–4,500",
// "as many as 10,000", "at least 2,000", "about 5,000".
func (e Estimate) ValueText() string {
	switch e.Qualifier {
	case Exact:
		return FormatCount(e.Low.Value)
	case About:
		return "about " + FormatCount(e.Low.Value)
	case Range:
		return FormatCount(e.Low.Value) + "–" + FormatCount(e.High.Value)
	case AtLeast:
		return "at least " + FormatCount(e.Low.Value)
	case AtMost:
		return "as many as " + FormatCount(e.High.Value)
	case MoreThan:
		return "more than " + FormatCount(e.Low.Value)
	case FewerThan:
		return "fewer than " + FormatCount(e.High.Value)
	}
	return ""
}

// article is "An" before a vowel, "A" otherwise.
func article(word string) string {
	if strings.IndexByte("aeiou", word[0]) >= 0 {
		return "An"
	}
	return "A"
}

// ValueWord is the words before a one-bound estimate's number: "at least",
// "more than", "as many as", "fewer than"; "" for the others.
func (e Estimate) ValueWord() string {
	switch e.Qualifier {
	case AtLeast:
		return "at least"
	case MoreThan:
		return "more than"
	case AtMost:
		return "as many as"
	case FewerThan:
		return "fewer than"
	}
	return ""
}

// LatestPerClaimant returns, for each claimant, its estimate with the
// latest as-of date, in order of first appearance in xs. Claims are kept
// side by side; nothing is averaged.
func LatestPerClaimant(xs []Estimate) []Estimate {
	index := map[string]int{}
	var out []Estimate
	for _, x := range xs {
		key := ClaimantKey(x.Claimant)
		i, ok := index[key]
		if !ok {
			index[key] = len(out)
			out = append(out, x)
			continue
		}
		if cur := out[i]; x.AsOf.UpperKey() > cur.AsOf.UpperKey() ||
			(x.AsOf.UpperKey() == cur.AsOf.UpperKey() && x.ID > cur.ID) {
			out[i] = x
		}
	}
	return out
}

// Spread is the range the claims cover: the lowest number any claimant
// gave as a floor and the highest any gave as a ceiling.
type Spread struct {
	Low, High Bound
	Count     int
	Claimants int
}

// SpreadOf returns the spread of xs. A bound stays unset when no estimate
// gives one (only "as many as" claims have no floor).
func SpreadOf(xs []Estimate) Spread {
	var c SpreadCounter
	for i := range xs {
		c.Add(xs[i].Claimant, xs[i].Low, xs[i].High, 1)
	}
	return c.Spread()
}

// SpreadCounter sums up a spread claim by claim (or group by group), for
// lists that are not a []Estimate: the one rule for what a spread is.
type SpreadCounter struct {
	s         Spread
	claimants map[string]bool
}

// Add counts n claims of claimant with bounds low and high.
func (c *SpreadCounter) Add(claimant string, low, high Bound, n int) {
	if c.claimants == nil {
		c.claimants = map[string]bool{}
	}
	c.s.Count += n
	c.claimants[ClaimantKey(claimant)] = true
	if low.Set && (!c.s.Low.Set || low.Value < c.s.Low.Value) {
		c.s.Low = low
	}
	if high.Set && (!c.s.High.Set || high.Value > c.s.High.Value) {
		c.s.High = high
	}
}

// Spread is the spread of what was added.
func (c *SpreadCounter) Spread() Spread {
	s := c.s
	s.Claimants = len(c.claimants)
	return s
}

// Text describes the spread in words: "3,000 to 10,000", "at least 2,000".
func (s Spread) Text() string {
	switch {
	case s.Low.Set && s.High.Set && s.Low.Value == s.High.Value:
		return FormatCount(s.Low.Value)
	case s.Low.Set && s.High.Set:
		return FormatCount(s.Low.Value) + " to " + FormatCount(s.High.Value)
	case s.Low.Set:
		return "at least " + FormatCount(s.Low.Value)
	case s.High.Set:
		return "up to " + FormatCount(s.High.Value)
	}
	return ""
}

// valuePhrases are the words a claim puts before its number, longest
// first, and the qualifier each means. "Fewer than" and "more than" are
// strict: 10,000 itself is not claimed.
var valuePhrases = []struct {
	words string
	q     Qualifier
}{
	{"as many as", AtMost}, {"fewer than", FewerThan}, {"less than", FewerThan}, {"more than", MoreThan},
	{"at least", AtLeast}, {"at most", AtMost}, {"no more than", AtMost}, {"up to", AtMost},
	{"under", FewerThan}, {"over", MoreThan}, {"about", About}, {"around", About}, {"some", About},
}

// ReadValueWords reads the words a number was put in, when a claim is
// typed as it was said: "fewer than 10,000" is the qualifier FewerThan and
// the number "10,000". ok is false when s starts with no such words.
func ReadValueWords(s string) (q Qualifier, number string, ok bool) {
	t := strings.TrimSpace(s)
	for _, p := range valuePhrases {
		n := len(p.words)
		if len(t) > n && t[n] == ' ' && strings.EqualFold(t[:n], p.words) {
			return p.q, strings.TrimSpace(t[n:]), true
		}
	}
	return "", s, false
}
