// Package diff compares two states of a curated record field by field, as
// history pages and the review queue show them: which fields changed, what
// they were and are, and for text a word-level diff.
package diff

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// Op says what a span of a word diff is.
type Op int8

// The operations of a word diff.
const (
	Equal  Op = iota // in both versions
	Insert           // only in the new version
	Delete           // only in the old version
)

func (o Op) String() string {
	switch o {
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "equal"
}

// Span is a run of text that one version has, or both.
type Span struct {
	Text string
	Op   Op
}

// FieldChange is one field that differs between two versions of a record.
type FieldChange struct {
	// Field is the field's name in forms and URLs: "title", "citations".
	Field string
	// Label names the field for a reader: "Title", "Citations".
	Label string
	// Old and New are the field's values as text; "" when it was or is
	// empty.
	Old, New string
	// Words is the word-level diff of Old and New for text fields (titles,
	// bodies, notes, lists); nil for values compared whole (dates, numbers,
	// statuses), which read better as "was X, now Y".
	Words []Span
}

// field is one comparable field of a record, written out as text.
type field struct {
	name, label, value string
	text               bool
}

// compare returns the fields whose values differ, in the order given.
func compare(old, new []field) []FieldChange {
	var out []FieldChange
	for i, f := range new {
		o := old[i]
		if o.value == f.value {
			continue
		}
		c := FieldChange{Field: f.name, Label: f.label, Old: o.value, New: f.value}
		if f.text {
			c.Words = Words(o.value, f.value)
		}
		out = append(out, c)
	}
	return out
}

// Events compares two versions of an event.
func Events(old, new conflict.Event) []FieldChange {
	return compare(eventFields(old), eventFields(new))
}

// Estimates compares two versions of an estimate.
func Estimates(old, new conflict.Estimate) []FieldChange {
	return compare(estimateFields(old), estimateFields(new))
}

// Sources compares two versions of a source.
func Sources(old, new conflict.Source) []FieldChange {
	return compare(sourceFields(old), sourceFields(new))
}

// Actors compares two versions of an actor.
func Actors(old, new conflict.Actor) []FieldChange {
	return compare(actorFields(old), actorFields(new))
}

// Places compares two versions of a place.
func Places(old, new conflict.Place) []FieldChange {
	return compare(placeFields(old), placeFields(new))
}

// Timelines compares two versions of a timeline.
func Timelines(old, new conflict.Timeline) []FieldChange {
	return compare(timelineFields(old), timelineFields(new))
}

// Snapshots compares two revision snapshots of a record of type rt. An
// empty old snapshot stands for the record before it existed, so every
// field it has shows as added. Snapshots of any version of the format
// compare alike. It returns an error for a snapshot that is not one of the
// record's, for a format version this program does not read, or for an
// unknown record type.
func Snapshots(rt conflict.RecordType, old, new []byte) ([]FieldChange, error) {
	switch rt {
	case conflict.EventRecord:
		return decoded(old, new, Events)
	case conflict.EstimateRecord:
		return decoded(old, new, Estimates)
	case conflict.SourceRecord:
		return decoded(old, new, Sources)
	case conflict.ActorRecord:
		return decoded(old, new, Actors)
	case conflict.PlaceRecord:
		return decoded(old, new, Places)
	case conflict.TimelineRecord:
		return decoded(old, new, Timelines)
	}
	return nil, fmt.Errorf("diff: unknown record type %q", rt)
}

func decoded[T any](old, new []byte, cmp func(T, T) []FieldChange) ([]FieldChange, error) {
	var a, b T
	if len(old) > 0 {
		if err := snapshot.DecodeInto(old, &a); err != nil {
			return nil, fmt.Errorf("diff: old snapshot: %w", err)
		}
	}
	if err := snapshot.DecodeInto(new, &b); err != nil {
		return nil, fmt.Errorf("diff: new snapshot: %w", err)
	}
	return cmp(a, b), nil
}

func eventFields(e conflict.Event) []field {
	actors := make([]string, len(e.Actors))
	for i, a := range e.Actors {
		actors[i] = a.Actor.Name
		if a.Role != "" {
			actors[i] += " (" + a.Role + ")"
		}
	}
	return []field{
		{"title", "Title", e.Title, true},
		{"date", "Date", dateText(e.Date), false},
		{"place", "Place", placeName(e.Place), false},
		{"actors", "Actors", strings.Join(actors, "\n"), true},
		{"tags", "Tags", strings.Join(e.Tags, ", "), true},
		{"body", "Body", e.Body, true},
		{"citations", "Citations", citationsText(e.Citations), true},
		{"relations", "Links", relationsText(e.Relations), true},
		{"status", "Status", statusText(e.Status), false},
		{"status_note", "Review note", e.StatusNote, true},
	}
}

func estimateFields(x conflict.Estimate) []field {
	claimantActor := ""
	if x.ClaimantActor != nil {
		claimantActor = x.ClaimantActor.Name
	}
	qualifier := ""
	if x.Qualifier != "" {
		qualifier = x.Qualifier.Label()
	}
	return []field{
		{"force", "Force", x.Force.Name, false},
		{"place", "Place", placeName(x.Place), false},
		{"as_of", "As of", dateText(x.AsOf), false},
		{"unit", "Unit", x.Unit, false},
		{"qualifier", "How it was put", qualifier, false},
		{"low", "Lowest number", boundText(x.Low), false},
		{"high", "Highest number", boundText(x.High), false},
		{"claimant", "Claimed by", x.Claimant, true},
		{"claimant_actor", "Claimant (actor)", claimantActor, false},
		{"notes", "Notes", x.Notes, true},
		{"citations", "Citations", citationsText(x.Citations), true},
		{"relations", "Links", relationsText(x.Relations), true},
		{"status", "Status", statusText(x.Status), false},
		{"status_note", "Review note", x.StatusNote, true},
	}
}

func sourceFields(s conflict.Source) []field {
	reliability := string(s.Reliability)
	if m := s.Reliability.Meaning(); m != "" {
		reliability += ": " + m
	}
	return []field{
		{"url", "URL", s.URL, false},
		{"publisher", "Publisher", s.Publisher, true},
		{"title", "Title", s.Title, true},
		{"published", "Published", dateText(s.Published), false},
		{"authors", "Authors", strings.Join(s.Authors, ", "), true},
		{"language", "Language", s.Language, false},
		{"archived_url", "Archived copy", s.ArchivedURL, false},
		{"reliability", "Reliability", reliability, false},
		{"notes", "Notes", s.Notes, true},
		{"status", "Status", statusText(s.Status), false},
		{"status_note", "Review note", s.StatusNote, true},
	}
}

func actorFields(a conflict.Actor) []field {
	parent := ""
	if a.Parent != nil {
		parent = a.Parent.Name
	}
	return []field{
		{"name", "Name", a.Name, true},
		{"aliases", "Also known as", strings.Join(a.Aliases, ", "), true},
		{"kind", "Kind", a.Kind, false},
		{"parent", "Part of", parent, false},
		{"colour", "Colour", a.Colour, false},
		{"description", "Description", a.Description, true},
		{"status", "Status", statusText(a.Status), false},
		{"status_note", "Review note", a.StatusNote, true},
	}
}

func placeFields(p conflict.Place) []field {
	names := make([]string, len(p.AltNames))
	for i, n := range p.AltNames {
		names[i] = n.Name
		if n.Lang != "" {
			names[i] += " (" + n.Lang + ")"
		}
	}
	coords := ""
	if c := p.Coordinates; c != nil {
		coords = strconv.FormatFloat(c.Lat, 'f', -1, 64) + ", " + strconv.FormatFloat(c.Lon, 'f', -1, 64)
	}
	return []field{
		{"name", "Name", p.Name, true},
		{"alt_names", "Other names", strings.Join(names, ", "), true},
		{"kind", "Kind", p.Kind, false},
		{"parent", "Inside", placeName(p.Parent), false},
		{"coordinates", "Coordinates", coords, false},
		{"description", "Description", p.Description, true},
		{"status", "Status", statusText(p.Status), false},
		{"status_note", "Review note", p.StatusNote, true},
	}
}

func timelineFields(t conflict.Timeline) []field {
	return []field{
		{"title", "Title", t.Title, true},
		{"slug", "Address", t.Slug, false},
		{"description", "Description", t.Description, true},
		{"actors", "Actors (ids)", idList(t.Filter.Actors), false},
		{"places", "Places (ids)", idList(t.Filter.Places), false},
		{"tags", "Tags", strings.Join(t.Filter.Tags, ", "), true},
		{"from", "From", dateText(t.Filter.From), false},
		{"to", "To", dateText(t.Filter.To), false},
		{"pinned", "Pinned events (ids)", idList(t.Pinned), false},
		{"excluded", "Left-out events (ids)", idList(t.Excluded), false},
		{"with_estimates", "Shows estimates", yesNo(t.WithEstimates), false},
		{"status", "Status", statusText(t.Status), false},
		{"status_note", "Review note", t.StatusNote, true},
	}
}

// dateText shows a date in words with its EDTF form, so a change of
// precision or qualifier shows even where the words agree.
func dateText(d edtf.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Display() + " (" + d.String() + ")"
}

func placeName(p *conflict.PlaceRef) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func statusText(s conflict.Status) string {
	if s == "" {
		return ""
	}
	return s.Label()
}

func boundText(b conflict.Bound) string {
	if !b.Set {
		return ""
	}
	return conflict.FormatCount(b.Value)
}

// relationsText writes one line per link: how the record stands to which
// record, and which source reports it.
func relationsText(rs []conflict.Relation) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		target := r.TargetTitle
		if target == "" {
			target = r.TargetExternalID
		}
		if r.Target != 0 {
			target = fmt.Sprintf("#%d %s", r.Target, target)
		}
		lines[i] = r.Kind.Phrase(false) + " " + strings.TrimSpace(target)
		if r.SourceTitle != "" {
			lines[i] += " (reported by " + r.SourceTitle + ")"
		}
	}
	return strings.Join(lines, "\n")
}

// citationsText writes one line per citation: the source, the quote, the
// locator and the grade, which is everything a citation holds.
func citationsText(cs []conflict.Citation) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		var b strings.Builder
		fmt.Fprintf(&b, "[%d] ", i+1)
		if c.Source.Publisher != "" {
			b.WriteString(c.Source.Publisher + ", ")
		}
		if c.Source.Title != "" {
			b.WriteString("“" + c.Source.Title + "”")
		} else {
			b.WriteString(c.Source.URL)
		}
		if c.Quote != "" {
			b.WriteString(": “" + c.Quote + "”")
		}
		if c.Locator != "" {
			b.WriteString(" (" + c.Locator + ")")
		}
		if m := conflict.CredibilityMeaning(c.Credibility); m != "" {
			fmt.Fprintf(&b, " — credibility %d: %s", c.Credibility, m)
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

func idList[T ~int64](ids []T) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(int64(id), 10)
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Words returns the word-level diff of two texts: runs of text both have,
// and runs only one has, in order. Joining the Equal and Delete spans
// gives old back; joining the Equal and Insert spans gives new.
//
// The texts are cut into words, runs of white space and single marks of
// punctuation; each distinct piece becomes one rune, diffmatchpatch diffs
// the rune strings (the trick its line mode uses, on words), and its
// semantic clean-up merges small common pieces between changes, so that a
// rewritten phrase reads as one deletion and one insertion.
func Words(old, new string) []Span {
	if old == new {
		if old == "" {
			return nil
		}
		return []Span{{old, Equal}}
	}
	table := []string{}
	index := map[string]rune{}
	a, okA := encode(old, index, &table)
	b, okB := encode(new, index, &table)
	if !okA || !okB {
		// More distinct words than runes: far beyond any field's limit,
		// so show the texts whole.
		return whole(old, new)
	}
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(a, b, false))
	var out []Span
	for _, d := range diffs {
		var text strings.Builder
		for _, r := range d.Text {
			text.WriteString(table[tokenIndex(r)])
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		if text.Len() == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += text.String()
			continue
		}
		out = append(out, Span{text.String(), op})
	}
	return out
}

func whole(old, new string) []Span {
	var out []Span
	if old != "" {
		out = append(out, Span{old, Delete})
	}
	if new != "" {
		out = append(out, Span{new, Insert})
	}
	return out
}

// maxTokens is how many distinct pieces fit in the runes outside the
// surrogate range.
const maxTokens = unicode.MaxRune + 1 - 0x800

// encode cuts s into pieces and returns one rune per piece, adding new
// pieces to table. It reports false when the table is full.
func encode(s string, index map[string]rune, table *[]string) ([]rune, bool) {
	var out []rune
	for _, tok := range tokens(s) {
		r, ok := index[tok]
		if !ok {
			if len(*table) >= maxTokens {
				return nil, false
			}
			r = tokenRune(len(*table))
			index[tok] = r
			*table = append(*table, tok)
		}
		out = append(out, r)
	}
	return out, true
}

// tokenRune maps a piece's index to a rune, skipping the surrogates, which
// are not valid runes in a Go string.
func tokenRune(i int) rune {
	if i >= 0xD800 {
		i += 0x800
	}
	return rune(i)
}

func tokenIndex(r rune) int {
	if r >= 0xE000 {
		return int(r) - 0x800
	}
	return int(r)
}

// tokens cuts s into words (letters, digits and combining marks, so
// "Diyālā" and "الموصل" stay whole), runs of white space, and single other
// characters.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		if class := classOf(r); class != other {
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if classOf(r2) != class {
					break
				}
				j += size2
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

type class int8

const (
	other class = iota
	word
	space
)

func classOf(r rune) class {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return word
	case unicode.IsSpace(r):
		return space
	}
	return other
}
