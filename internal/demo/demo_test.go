package demo_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// The demo holds every fact of the worked example in DESIGN.md: one VOA
// report of 29 September 2016.

func TestDemoSource(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	sources, err := db.FindSources(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != 1 {
		t.Fatalf("FindSources = %d sources, want the one VOA report", len(sources))
	}
	s := sources[0]
	checks := []struct{ what, got, want string }{
		{"publisher", s.Publisher, "Voice of America"},
		{"title", s.Title, "Islamic State Struggling to Reinforce Mosul Ahead of Iraqi Offensive"},
		{"published", s.Published.String(), "2016-09-29"},
		{"language", s.Language, "en"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("source %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if !strings.HasPrefix(s.URL, "https://") {
		t.Errorf("source URL = %q, want an https address", s.URL)
	}
}

func TestDemoEstimates(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	xs, err := db.FindEstimates(t.Context(), conflict.EstimateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 2 {
		t.Fatalf("FindEstimates = %d estimates, want 2", len(xs))
	}
	tests := []struct {
		value     string
		asOf      string
		precision edtf.Precision
		qualifier conflict.Qualifier
		claimant  []string // words the claimant must name
		quote     string
	}{
		{"as many as 10,000", "2016-07", edtf.Month, conflict.AtMost, []string{"Coalition estimates"}, "as many as 10,000 fighters"},
		{"3,000–4,500", "2016-09-29", edtf.Day, conflict.Range, []string{"U.S. military officials", "Dorrian", "Operation Inherent Resolve"}, "3,000 to 4,500 fighters"},
	}
	for i, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			// Loaded in full, with every citation.
			x, err := db.FindEstimateByID(t.Context(), xs[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := x.ValueText(); got != tt.value {
				t.Errorf("estimate %d value = %q, want %q", i, got, tt.value)
			}
			if got := x.AsOf.String(); got != tt.asOf {
				t.Errorf("estimate %s as of %q, want %q", tt.value, got, tt.asOf)
			}
			if got := x.AsOf.Precision(); got != tt.precision {
				t.Errorf("estimate %s as-of precision = %v, want %v", tt.value, got, tt.precision)
			}
			if x.Qualifier != tt.qualifier {
				t.Errorf("estimate %s qualifier = %q, want %q", tt.value, x.Qualifier, tt.qualifier)
			}
			if x.Force.Name != "Islamic State" {
				t.Errorf("estimate %s force = %q, want Islamic State", tt.value, x.Force.Name)
			}
			if x.Place == nil || x.Place.Name != "Mosul" {
				t.Errorf("estimate %s place = %+v, want Mosul", tt.value, x.Place)
			}
			if x.Unit != "fighters" {
				t.Errorf("estimate %s unit = %q, want fighters", tt.value, x.Unit)
			}
			for _, w := range tt.claimant {
				if !strings.Contains(x.Claimant, w) {
					t.Errorf("estimate %s claimant = %q, want it to name %q", tt.value, x.Claimant, w)
				}
			}
			// The claimant is not the publisher who reported it.
			if x.ClaimantActor == nil || x.ClaimantActor.Name != "U.S.-led coalition" {
				t.Errorf("estimate %s claimant actor = %+v, want the U.S.-led coalition", tt.value, x.ClaimantActor)
			}
			if x.Status != conflict.Published {
				t.Errorf("estimate %s status = %q, want published", tt.value, x.Status)
			}
			if len(x.Citations) != 1 || x.Citations[0].Source.Publisher != "Voice of America" || !strings.Contains(x.Citations[0].Quote, tt.quote) {
				t.Errorf("estimate %s citations = %+v, want one VOA quote holding %q", tt.value, x.Citations, tt.quote)
			}
		})
	}
	if xs[0].Low.Set {
		t.Errorf("the July estimate has a lowest number %d; an upper bound has none", xs[0].Low.Value)
	}
}

func TestDemoEvents(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	page, err := db.FindEvents(t.Context(), conflict.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		title       string
		date        string
		display     string
		precision   edtf.Precision
		approximate bool
		interval    bool
		place       string
		actors      []string
	}{
		{"Top Islamic State officials and their families leave Mosul for Raqqa",
			"2016-07/2016-09", "Jul – Sep 2016", edtf.Month, false, true, "Mosul", []string{"Islamic State"}},
		{"Coalition airstrikes limit Islamic State reinforcement of Mosul",
			"2016-09~", "September 2016 (approx.)", edtf.Month, true, false, "Mosul", []string{"U.S.-led coalition", "Islamic State"}},
		{"Badr Organization fighters train in Diyala ahead of the battle for Mosul",
			"2016-09-27", "27 Sep 2016", edtf.Day, false, false, "Diyala province", []string{"Badr Organization"}},
	}
	if len(page.Events) != len(tests) {
		t.Fatalf("FindEvents = %d events, want %d", len(page.Events), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			e, err := db.FindEventByID(t.Context(), page.Events[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			if e.Title != tt.title {
				t.Errorf("event %d title = %q, want %q", i, e.Title, tt.title)
			}
			d := e.Date
			if d.String() != tt.date || d.Display() != tt.display {
				t.Errorf("event %q date = %q (%q), want %q (%q)", e.Title, d.String(), d.Display(), tt.date, tt.display)
			}
			if d.Precision() != tt.precision || d.Approximate() != tt.approximate || d.IsInterval() != tt.interval {
				t.Errorf("event %q date: precision %v, approximate %v, interval %v; want %v, %v, %v",
					e.Title, d.Precision(), d.Approximate(), d.IsInterval(), tt.precision, tt.approximate, tt.interval)
			}
			if e.Place == nil || e.Place.Name != tt.place {
				t.Errorf("event %q place = %+v, want %s", e.Title, e.Place, tt.place)
			}
			var actors []string
			for _, a := range e.Actors {
				actors = append(actors, a.Actor.Name)
			}
			if !slices.Equal(actors, tt.actors) {
				t.Errorf("event %q actors = %q, want %q", e.Title, actors, tt.actors)
			}
			if e.Status != conflict.Published || len(e.Citations) == 0 {
				t.Errorf("event %q: status %q with %d citations, want published with a citation", e.Title, e.Status, len(e.Citations))
			}
			for _, c := range e.Citations {
				if c.Source.Publisher != "Voice of America" || c.Quote == "" {
					t.Errorf("event %q cites %q with quote %q, want a VOA quote", e.Title, c.Source.Publisher, c.Quote)
				}
			}
		})
	}
}

func TestDemoActors(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	tests := []struct {
		slug    string
		name    string
		aliases []string // each must be among the actor's aliases
		parent  string
	}{
		{"islamic-state", "Islamic State", []string{"IS", "ISIS", "ISIL", "Daesh"}, ""},
		{"iraqi-security-forces", "Iraqi security forces", nil, ""},
		{"badr-organization", "Badr Organization", nil, "Popular Mobilization Forces"},
		{"popular-mobilization-forces", "Popular Mobilization Forces", nil, ""},
		{"u-s-led-coalition", "U.S.-led coalition", []string{"Operation Inherent Resolve"}, ""},
	}
	for _, tt := range tests {
		a, err := db.FindActorBySlug(t.Context(), tt.slug)
		if err != nil {
			t.Errorf("FindActorBySlug(%q): %v", tt.slug, err)
			continue
		}
		if a.Name != tt.name {
			t.Errorf("FindActorBySlug(%q) name = %q, want %q", tt.slug, a.Name, tt.name)
		}
		for _, al := range tt.aliases {
			if !slices.Contains(a.Aliases, al) {
				t.Errorf("actor %s aliases = %q, want %q among them", a.Name, a.Aliases, al)
			}
		}
		var parent string
		if a.Parent != nil {
			parent = a.Parent.Name
		}
		if parent != tt.parent {
			t.Errorf("actor %s parent = %q, want %q", a.Name, parent, tt.parent)
		}
	}
	badr, err := db.FindActorBySlug(t.Context(), "badr-organization")
	if err == nil && !strings.Contains(badr.Description, "Shi'ite militia") {
		t.Errorf("Badr Organization description = %q, want it called a Shi'ite militia", badr.Description)
	}
}

func TestDemoPlaces(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	// Each place's chain of parents, up to the country.
	tests := []struct {
		slug  string
		chain []string
	}{
		{"mosul", []string{"Mosul", "Nineveh province", "Iraq"}},
		{"diyala-province", []string{"Diyala province", "Iraq"}},
		{"raqqa", []string{"Raqqa", "Syria"}},
		{"iraq", []string{"Iraq"}},
		{"syria", []string{"Syria"}},
	}
	for _, tt := range tests {
		got := placeChain(t, db, tt.slug)
		if !slices.Equal(got, tt.chain) {
			t.Errorf("place %s and its parents = %q, want %q", tt.slug, got, tt.chain)
		}
	}
	mosul, err := db.FindPlaceBySlug(t.Context(), "mosul")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(mosul.AltNames, conflict.AltName{Name: "الموصل", Lang: "ar"}) {
		t.Errorf("Mosul alternate names = %+v, want الموصل (ar) among them", mosul.AltNames)
	}
	if mosul.Coordinates == nil {
		t.Errorf("Mosul has no coordinates")
	}
	// The Arabic name finds the city too.
	refs, err := db.FindPlacesByName(t.Context(), "الموصل")
	if err != nil || len(refs) != 1 || refs[0].ID != mosul.ID {
		t.Errorf("FindPlacesByName(الموصل) = %+v, %v; want Mosul", refs, err)
	}
}

func placeChain(t *testing.T, db *sqlite.DB, slug string) []string {
	t.Helper()
	var chain []string
	p, err := db.FindPlaceBySlug(t.Context(), slug)
	for err == nil && len(chain) < 10 {
		chain = append(chain, p.Name)
		if p.Parent == nil {
			return chain
		}
		p, err = db.FindPlaceByID(t.Context(), p.Parent.ID)
	}
	t.Errorf("place chain from %s: %v", slug, err)
	return chain
}

func TestDemoTimeline(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	tl, err := db.FindTimelineBySlug(t.Context(), demo.TimelineSlug)
	if err != nil {
		t.Fatalf("FindTimelineBySlug(%q): %v", demo.TimelineSlug, err)
	}
	if demo.TimelineSlug != "mosul-2016" {
		t.Errorf("demo.TimelineSlug = %q, want mosul-2016", demo.TimelineSlug)
	}
	if tl.Status != conflict.Published {
		t.Errorf("timeline %s is not published", tl.Slug)
	}
	published, err := db.FindTimelines(t.Context(), false)
	if err != nil || len(published) != 1 || published[0].ID != tl.ID {
		t.Errorf("FindTimelines(published) = %+v, %v; want the demo timeline", published, err)
	}
	page, err := db.FindEvents(t.Context(), conflict.EventFilter{Timeline: &tl})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 3 {
		t.Errorf("FindEvents(timeline %s) = %d events, want all 3", tl.Slug, len(page.Events))
	}
}

func TestDemoRevisions(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	s, err := db.FindSources(t.Context(), 1)
	if err != nil || len(s) != 1 {
		t.Fatalf("FindSources: %v", err)
	}
	revs, err := db.FindRevisions(t.Context(), conflict.SourceRecord, int64(s[0].ID))
	if err != nil || len(revs) != 1 {
		t.Fatalf("FindRevisions(source) = %d, %v; want 1", len(revs), err)
	}
	if revs[0].Author != nil || revs[0].AuthorName != "demo loader" {
		t.Errorf("demo revision author = %v %q, want the system, named %q", revs[0].Author, revs[0].AuthorName, "demo loader")
	}
}
