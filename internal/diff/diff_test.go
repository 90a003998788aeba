package diff

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// show writes spans compactly: [-deleted-]{+inserted+}, as git's word diff
// does, so expectations read at a glance.
func show(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Op {
		case Insert:
			b.WriteString("{+" + s.Text + "+}")
		case Delete:
			b.WriteString("[-" + s.Text + "-]")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"one word replaced", "the quick brown fox", "the slow brown fox", "the [-quick-]{+slow+} brown fox"},
		{"word inserted", "IS has 3,000 fighters", "IS has only 3,000 fighters", "IS has {+only +}3,000 fighters"},
		{"word deleted", "many top IS officials", "many IS officials", "many [-top -]IS officials"},
		{"number changed inside punctuation", "3,000–4,500 fighters", "3,500–4,500 fighters", "3,[-000-]{+500+}–4,500 fighters"},
		{"no partial words", "training", "trainers", "[-training-]{+trainers+}"},
		{"phrase rewritten reads as one change", "fighters left Mosul for Raqqa in July", "officials fled the city for Raqqa in July",
			"[-fighters left Mosul-]{+officials fled the city+} for Raqqa in July"},
		{"from nothing", "", "New text", "{+New text+}"},
		{"to nothing", "Old text", "", "[-Old text-]"},
		{"unchanged", "Same text.", "Same text.", "Same text."},
		{"both empty", "", "", ""},
		{"Arabic stays whole", "الموصل مدينة", "الرقة مدينة", "[-الموصل-]{+الرقة+} مدينة"},
		{"diacritics stay in the word", "Diyālā province", "Diyala province", "[-Diyālā-]{+Diyala+} province"},
		{"lines", "a\nb\nc", "a\nB\nc", "a\n[-b-]{+B+}\nc"},
		{"Markdown emphasis", "the **Badr Organization** trained", "the Badr Organization trained", "the [-**-]Badr Organization[-**-] trained"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.old, tt.new)
			if show(got) != tt.want {
				t.Errorf("Words(%q, %q) = %s, want %s", tt.old, tt.new, show(got), tt.want)
			}
			checkRebuilds(t, tt.old, tt.new, got)
		})
	}
}

// checkRebuilds asserts that the spans give both texts back and that no
// two neighbours share an operation.
func checkRebuilds(t *testing.T, old, new string, spans []Span) {
	t.Helper()
	var a, b strings.Builder
	for i, s := range spans {
		if s.Text == "" {
			t.Errorf("span %d is empty", i)
		}
		if i > 0 && spans[i-1].Op == s.Op {
			t.Errorf("spans %d and %d share the operation %s", i-1, i, s.Op)
		}
		if s.Op != Insert {
			a.WriteString(s.Text)
		}
		if s.Op != Delete {
			b.WriteString(s.Text)
		}
	}
	if a.String() != old || b.String() != new {
		t.Errorf("spans rebuild %q → %q, want %q → %q", a.String(), b.String(), old, new)
	}
}

func TestWordsManyDistinctWords(t *testing.T) {
	// More distinct words than the surrogate gap starts at: the encoding
	// must skip the surrogate runes and still give the texts back.
	var a, b strings.Builder
	for i := range 0xD800 + 500 {
		fmt.Fprintf(&a, "w%d ", i)
		if i%1000 == 0 {
			b.WriteString("changed ")
		} else {
			fmt.Fprintf(&b, "w%d ", i)
		}
	}
	spans := Words(a.String(), b.String())
	checkRebuilds(t, a.String(), b.String(), spans)
}

func FuzzWords(f *testing.F) {
	f.Add("the quick brown fox", "the slow brown fox")
	f.Add("", "x")
	f.Add("a\xffb", "a b")
	f.Add("3,000–4,500", "3,000 – 4,500")
	f.Fuzz(func(t *testing.T, old, new string) {
		checkRebuilds(t, old, new, Words(old, new))
	})
}

func fieldNames(cs []FieldChange) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Field
	}
	return strings.Join(names, ",")
}

func byField(cs []FieldChange, name string) FieldChange {
	for _, c := range cs {
		if c.Field == name {
			return c
		}
	}
	return FieldChange{}
}

func sampleEvent() conflict.Event {
	voa := conflict.Source{ID: 1, Publisher: "Voice of America", Title: "Islamic State Struggling to Reinforce Mosul"}
	return conflict.Event{
		ID:     3,
		Title:  "Badr fighters train in Diyala",
		Date:   edtf.MustParse("2016-09-27"),
		Place:  &conflict.PlaceRef{ID: 2, Name: "Diyala province"},
		Actors: []conflict.EventActor{{Actor: conflict.ActorRef{ID: 4, Name: "Badr Organization"}, Role: "training"}},
		Tags:   []string{"training"},
		Body:   "Members of the Badr Organization trained in Diyala province.",
		Citations: []conflict.Citation{{Source: voa, Quote: "A member undergoes training.", Locator: "photo caption",
			Credibility: 2}},
		Status:  conflict.Published,
		Version: 1,
	}
}

func TestEvents(t *testing.T) {
	old := sampleEvent()
	new := sampleEvent()
	new.Version = 2 // bookkeeping, not content: never listed
	if got := Events(old, new); len(got) != 0 {
		t.Fatalf("Events of equal content = %v, want no changes", got)
	}

	new.Title = "Badr Organization fighters train in Diyala"
	new.Date = edtf.MustParse("2016-09~")
	new.Actors = append(new.Actors, conflict.EventActor{Actor: conflict.ActorRef{ID: 1, Name: "Islamic State"}, Role: "target"})
	new.Tags = []string{"training", "mosul-offensive"}
	new.Citations[0].Quote = "A member of the Badr Organization undergoes training."
	new.Status = conflict.Retracted
	new.StatusNote = "Photo misdated."
	got := Events(old, new)

	if names := fieldNames(got); names != "title,date,actors,tags,citations,status,status_note" {
		t.Fatalf("changed fields = %s", names)
	}
	tests := []struct {
		field, label, old, new, words string
	}{
		{"title", "Title", old.Title, new.Title, "Badr {+Organization +}fighters train in Diyala"},
		{"date", "Date", "27 Sep 2016 (2016-09-27)", "September 2016 (approx.) (2016-09~)", ""},
		{"actors", "Actors", "Badr Organization (training)", "Badr Organization (training)\nIslamic State (target)",
			"Badr Organization (training){+\nIslamic State (target)+}"},
		{"tags", "Tags", "training", "training, mosul-offensive", "training{+, mosul-offensive+}"},
		{"citations", "Citations",
			"[1] Voice of America, “Islamic State Struggling to Reinforce Mosul”: “A member undergoes training.” (photo caption) — credibility 2: Probably true",
			"[1] Voice of America, “Islamic State Struggling to Reinforce Mosul”: “A member of the Badr Organization undergoes training.” (photo caption) — credibility 2: Probably true",
			"[1] Voice of America, “Islamic State Struggling to Reinforce Mosul”: “A member {+of the Badr Organization +}undergoes training.” (photo caption) — credibility 2: Probably true"},
		{"status", "Status", "Published", "Retracted", ""},
		{"status_note", "Review note", "", "Photo misdated.", "{+Photo misdated.+}"},
	}
	for _, tt := range tests {
		c := byField(got, tt.field)
		if c.Label != tt.label || c.Old != tt.old || c.New != tt.new {
			t.Errorf("%s: %q %q → %q, want %q %q → %q", tt.field, c.Label, c.Old, c.New, tt.label, tt.old, tt.new)
		}
		if show(c.Words) != tt.words {
			t.Errorf("%s words = %s, want %s", tt.field, show(c.Words), tt.words)
		}
		if tt.words == "" && c.Words != nil {
			t.Errorf("%s is compared whole but has a word diff", tt.field)
		}
	}
}

func TestEventsPlaceAndBody(t *testing.T) {
	old, new := sampleEvent(), sampleEvent()
	new.Place = nil
	new.Body = "Members of the Badr Organization trained near Baqubah, in Diyala province."
	got := Events(old, new)
	if names := fieldNames(got); names != "place,body" {
		t.Fatalf("changed fields = %s", names)
	}
	if c := got[0]; c.Old != "Diyala province" || c.New != "" {
		t.Errorf("place %q → %q", c.Old, c.New)
	}
	if w := show(got[1].Words); w != "Members of the Badr Organization trained{+ near Baqubah,+} in Diyala province." {
		t.Errorf("body words = %s", w)
	}
}

func TestEstimates(t *testing.T) {
	coalition := conflict.ActorRef{ID: 5, Name: "U.S.-led coalition"}
	old := conflict.Estimate{
		Force: conflict.ActorRef{ID: 1, Name: "Islamic State"}, Place: &conflict.PlaceRef{ID: 1, Name: "Mosul"},
		AsOf: edtf.MustParse("2016-09-29"), Unit: "fighters", Qualifier: conflict.Range,
		Low: conflict.Count(3000), High: conflict.Count(4500), Claimant: "U.S. military officials",
		ClaimantActor: &coalition, Notes: "A mix of Iraqis and foreign fighters.", Status: conflict.Submitted,
	}
	new := old
	new.Qualifier = conflict.AtMost
	new.Low = conflict.Bound{}
	new.High = conflict.Count(10000)
	new.AsOf = edtf.MustParse("2016-07")
	new.Claimant = "Coalition estimates"
	new.ClaimantActor = nil
	got := Estimates(old, new)
	if names := fieldNames(got); names != "as_of,qualifier,low,high,claimant,claimant_actor" {
		t.Fatalf("changed fields = %s", names)
	}
	want := map[string][2]string{
		"as_of":          {"29 Sep 2016 (2016-09-29)", "July 2016 (2016-07)"},
		"qualifier":      {"range", "at most (as many as)"},
		"low":            {"3,000", ""},
		"high":           {"4,500", "10,000"},
		"claimant":       {"U.S. military officials", "Coalition estimates"},
		"claimant_actor": {"U.S.-led coalition", ""},
	}
	for _, c := range got {
		if w := want[c.Field]; c.Old != w[0] || c.New != w[1] {
			t.Errorf("%s: %q → %q, want %q → %q", c.Field, c.Old, c.New, w[0], w[1])
		}
	}
	if c := byField(got, "claimant"); show(c.Words) != "[-U.S. military officials-]{+Coalition estimates+}" {
		t.Errorf("claimant words = %s", show(c.Words))
	}
}

func TestSnapshots(t *testing.T) {
	e := sampleEvent()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	// Against nothing: every field the event has is new.
	got, err := Snapshots(conflict.EventRecord, nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if names := fieldNames(got); names != "title,date,place,actors,tags,body,citations,status" {
		t.Errorf("fields of a new event = %s", names)
	}
	for _, c := range got {
		if c.Old != "" {
			t.Errorf("%s of a new event has an old value %q", c.Field, c.Old)
		}
	}
	e.Body = "Changed."
	b2, _ := json.Marshal(e)
	got, err = Snapshots(conflict.EventRecord, b, b2)
	if err != nil || fieldNames(got) != "body" {
		t.Errorf("Snapshots(body changed) = %s, %v", fieldNames(got), err)
	}
	if _, err := Snapshots(conflict.EventRecord, b, []byte("{not json")); err == nil {
		t.Error("Snapshots of bad JSON: no error")
	}
	if _, err := Snapshots("vehicle", b, b); err == nil {
		t.Error("Snapshots of an unknown type: no error")
	}
}

// A revision written in format version 1 and the next one written in
// version 2 compare by their content, not by how they were written: an
// unchanged record shows no changes, an edit only itself.
func TestSnapshotsAcrossFormatVersions(t *testing.T) {
	for _, rt := range []conflict.RecordType{conflict.EventRecord, conflict.EstimateRecord, conflict.SourceRecord,
		conflict.ActorRecord, conflict.PlaceRecord, conflict.TimelineRecord} {
		old, err := os.ReadFile("../snapshot/testdata/v1/" + string(rt) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := snapshot.Decode(rt, old)
		if err != nil {
			t.Fatal(err)
		}
		same, err := snapshot.Encode(rec)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Snapshots(rt, old, same); err != nil || len(got) != 0 {
			t.Errorf("Snapshots(%s, v1, same record in v2) = %s, %v; want no changes", rt, fieldNames(got), err)
		}
	}
	old, err := os.ReadFile("../snapshot/testdata/v1/event.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := snapshot.Event(old)
	if err != nil {
		t.Fatal(err)
	}
	e.Title = "Offensive to retake Mosul begins"
	e.Citations[1].Locator = "01:10"
	edited, err := snapshot.Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Snapshots(conflict.EventRecord, old, edited)
	if err != nil || fieldNames(got) != "title,citations" {
		t.Errorf("Snapshots(v1, edited v2) = %s, %v; want title,citations", fieldNames(got), err)
	}
	if _, err := Snapshots(conflict.EventRecord, old, []byte(`{"v":99,"Title":"From the future"}`)); err == nil {
		t.Error("Snapshots of a version 99 snapshot: no error")
	}
}

func TestOtherRecords(t *testing.T) {
	s1 := conflict.Source{URL: "https://example.org/a", Publisher: "VOA", Title: "Report", Reliability: "B"}
	s2 := s1
	s2.Title = "Report, updated"
	s2.Reliability = "A"
	if names := fieldNames(Sources(s1, s2)); names != "title,reliability" {
		t.Errorf("Sources fields = %s", names)
	}
	if c := byField(Sources(s1, s2), "reliability"); c.New != "A: Completely reliable" {
		t.Errorf("reliability = %q", c.New)
	}

	a1 := conflict.Actor{Name: "Badr Organization", Aliases: []string{"Badr"}}
	a2 := a1
	a2.Aliases = []string{"Badr", "Badr Brigades"}
	a2.Parent = &conflict.ActorRef{Name: "Popular Mobilization Forces"}
	if names := fieldNames(Actors(a1, a2)); names != "aliases,parent" {
		t.Errorf("Actors fields = %s", names)
	}

	p1 := conflict.Place{Name: "Mosul", AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}}}
	p2 := p1
	p2.Coordinates = &conflict.LatLon{Lat: 36.34, Lon: 43.13}
	if c := Places(p1, p2); fieldNames(c) != "coordinates" || c[0].New != "36.34, 43.13" {
		t.Errorf("Places = %+v", c)
	}

	t1 := conflict.Timeline{Title: "Mosul, 2016", Slug: "mosul-2016"}
	t2 := t1
	t2.Excluded = []conflict.EventID{3, 4}
	t2.Status = conflict.Published
	if c := Timelines(t1, t2); fieldNames(c) != "excluded,status" || c[0].New != "3, 4" || c[1].New != "Published" {
		t.Errorf("Timelines = %+v", c)
	}
}

// A reviewer sees a link added to a claim, worded from the claim's side,
// with the source that reports it.
func TestEstimatesLinks(t *testing.T) {
	old := conflict.Estimate{Force: conflict.ActorRef{ID: 1, Name: "Islamic State"}, AsOf: edtf.MustParse("2016-09"),
		Unit: "fighters", Qualifier: conflict.FewerThan, High: conflict.Count(6000), Claimant: "Coalition estimates"}
	new := old
	new.Relations = []conflict.Relation{{Kind: conflict.Supersedes, Target: 12, TargetTitle: "Islamic State: as many as 10,000 fighters",
		SourceTitle: "Voice of America"}}
	got := Estimates(old, new)
	if names := fieldNames(got); names != "relations" {
		t.Fatalf("changed fields = %s", names)
	}
	if c := byField(got, "relations"); c.Old != "" || c.New != "Revises #12 Islamic State: as many as 10,000 fighters (reported by Voice of America)" {
		t.Errorf("relations: %q → %q", c.Old, c.New)
	}
}
