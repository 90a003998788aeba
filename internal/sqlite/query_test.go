package sqlite_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// The demo's events, by a word of their titles.
const (
	badr       = "Badr Organization fighters train in Diyala ahead of the battle for Mosul"
	airstrikes = "Coalition airstrikes limit Islamic State reinforcement of Mosul"
	officials  = "Top Islamic State officials and their families leave Mosul for Raqqa"
)

func titles(events []conflict.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Title
	}
	return out
}

func actorID(t *testing.T, db *sqlite.DB, name string) conflict.ActorID {
	t.Helper()
	refs, err := db.FindActorsByName(t.Context(), name)
	if err != nil || len(refs) != 1 {
		t.Fatalf("FindActorsByName(%q) = %v, %v; want one actor", name, refs, err)
	}
	return refs[0].ID
}

func placeID(t *testing.T, db *sqlite.DB, slug string) conflict.PlaceID {
	t.Helper()
	p, err := db.FindPlaceBySlug(t.Context(), slug)
	if err != nil {
		t.Fatalf("FindPlaceBySlug(%q): %v", slug, err)
	}
	return p.ID
}

func TestFindActorsByName(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	tests := []struct {
		name string
		want []string
	}{
		{"Islamic State", []string{"Islamic State"}},
		{"islamic state", []string{"Islamic State"}},
		{"ISIS", []string{"Islamic State"}},
		{"isil", []string{"Islamic State"}},
		{"daesh", []string{"Islamic State"}},
		{"  DAESH ", []string{"Islamic State"}},
		{"الدولة الإسلامية", []string{"Islamic State"}},
		{"islamic-state", []string{"Islamic State"}},
		{"Operation Inherent Resolve", []string{"U.S.-led coalition"}},
		{"Hashd al-Shaabi", []string{"Popular Mobilization Forces"}},
		{"Badr", []string{"Badr Organization"}},
		{"Islamic", nil},
		{"", nil},
	}
	for _, tt := range tests {
		refs, err := db.FindActorsByName(t.Context(), tt.name)
		if err != nil {
			t.Errorf("FindActorsByName(%q) error %v", tt.name, err)
			continue
		}
		var got []string
		for _, r := range refs {
			got = append(got, r.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("FindActorsByName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFindEventsFilters(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	var (
		islamicState = actorID(t, db, "ISIS")
		badrOrg      = actorID(t, db, "Badr Organization")
		pmf          = actorID(t, db, "PMF")
		coalition    = actorID(t, db, "OIR")
		iraqiForces  = actorID(t, db, "ISF")
		iraq         = placeID(t, db, "iraq")
		syria        = placeID(t, db, "syria")
		nineveh      = placeID(t, db, "nineveh-province")
		mosul        = placeID(t, db, "mosul")
		diyala       = placeID(t, db, "diyala-province")
	)
	tests := []struct {
		name   string
		filter conflict.EventFilter
		want   []string // in date order
	}{
		{"everything", conflict.EventFilter{}, []string{officials, airstrikes, badr}},
		{"actor by alias", conflict.EventFilter{Actors: []conflict.ActorID{islamicState}}, []string{officials, airstrikes}},
		{"actor", conflict.EventFilter{Actors: []conflict.ActorID{badrOrg}}, []string{badr}},
		{"parent actor includes its members", conflict.EventFilter{Actors: []conflict.ActorID{pmf}}, []string{badr}},
		{"any of two actors", conflict.EventFilter{Actors: []conflict.ActorID{coalition, badrOrg}}, []string{airstrikes, badr}},
		{"actor in no event", conflict.EventFilter{Actors: []conflict.ActorID{iraqiForces}}, nil},
		{"country includes its cities and provinces", conflict.EventFilter{Places: []conflict.PlaceID{iraq}}, []string{officials, airstrikes, badr}},
		{"province includes its city", conflict.EventFilter{Places: []conflict.PlaceID{nineveh}}, []string{officials, airstrikes}},
		{"city", conflict.EventFilter{Places: []conflict.PlaceID{mosul}}, []string{officials, airstrikes}},
		{"province", conflict.EventFilter{Places: []conflict.PlaceID{diyala}}, []string{badr}},
		{"country with no event", conflict.EventFilter{Places: []conflict.PlaceID{syria}}, nil},
		{"tag", conflict.EventFilter{Tags: []string{"training"}}, []string{badr}},
		{"tag with a hyphen", conflict.EventFilter{Tags: []string{"mosul-offensive"}}, []string{badr}},
		{"any of two tags", conflict.EventFilter{Tags: []string{"withdrawal", "airstrikes"}}, []string{officials, airstrikes}},
		{"unknown tag", conflict.EventFilter{Tags: []string{"ceasefire"}}, nil},
		{"actor and place", conflict.EventFilter{Actors: []conflict.ActorID{islamicState}, Places: []conflict.PlaceID{diyala}}, nil},
		// Dates filter by overlap: an event known only as "July to
		// September" may have happened in September.
		{"from September", conflict.EventFilter{From: edtf.MustParse("2016-09")}, []string{officials, airstrikes, badr}},
		{"from 28 September", conflict.EventFilter{From: edtf.MustParse("2016-09-28")}, []string{officials, airstrikes}},
		{"to August", conflict.EventFilter{To: edtf.MustParse("2016-08")}, []string{officials}},
		{"to 26 September", conflict.EventFilter{To: edtf.MustParse("2016-09-26")}, []string{officials, airstrikes}},
		{"the day of the training", conflict.EventFilter{From: edtf.MustParse("2016-09-27"), To: edtf.MustParse("2016-09-27")}, []string{officials, airstrikes, badr}},
		{"from October", conflict.EventFilter{From: edtf.MustParse("2016-10")}, nil},
		{"to June", conflict.EventFilter{To: edtf.MustParse("2016-06")}, nil},
		{"drafts only", conflict.EventFilter{Statuses: []conflict.Status{conflict.Draft}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := db.FindEvents(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("FindEvents: %v", err)
			}
			if got := titles(page.Events); !slices.Equal(got, tt.want) {
				t.Errorf("FindEvents(%s) = %q, want %q", tt.name, got, tt.want)
			}
			n, more, err := db.CountEvents(t.Context(), tt.filter, 1000)
			if err != nil || n != len(tt.want) || more {
				t.Errorf("CountEvents(%s) = %d, %v, %v; want %d, false", tt.name, n, more, err, len(tt.want))
			}
			if n > 1 {
				if capped, more, _ := db.CountEvents(t.Context(), tt.filter, n-1); capped != n-1 || !more {
					t.Errorf("CountEvents(%s, limit %d) = %d, %v; want %d, true", tt.name, n-1, capped, more, n-1)
				}
			}
		})
	}
}

func TestFindEventsLoadsDetails(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	page, err := db.FindEvents(t.Context(), conflict.EventFilter{Query: "airstrikes"})
	if err != nil || len(page.Events) != 1 {
		t.Fatalf("FindEvents(airstrikes) = %d events, %v; want 1", len(page.Events), err)
	}
	e := page.Events[0]
	if e.Place == nil || e.Place.Name != "Mosul" || e.Place.Coordinates == nil {
		t.Errorf("event place = %+v, want Mosul with coordinates", e.Place)
	}
	var actors []string
	for _, a := range e.Actors {
		actors = append(actors, a.Actor.Name+" ("+a.Role+")")
	}
	if want := []string{"U.S.-led coalition (air strikes)", "Islamic State (target)"}; !slices.Equal(actors, want) {
		t.Errorf("event actors = %q, want %q", actors, want)
	}
	if want := []string{"airstrikes", "reinforcement"}; !slices.Equal(e.Tags, want) {
		t.Errorf("event tags = %q, want %q", e.Tags, want)
	}
	if got := page.Citations[e.ID]; got != 2 {
		t.Errorf("citations counted for the event = %d, want 2", got)
	}
}

func TestFindEventsSearch(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"Raqqa", []string{officials}},
		{"raqqa", []string{officials}},
		{"Diyala", []string{badr}},
		{"reinf*", []string{airstrikes}},
		{"reinforcement", []string{airstrikes}},
		{`"top Islamic State"`, []string{officials}},
		{`"Islamic State officials"`, []string{officials}},
		{"Mosul -Raqqa", []string{airstrikes, badr}},
		{"Badr Diyala", []string{badr}},
		{"Badr Raqqa", nil},
		// Operators typed by accident are searched as words, never an error.
		{`"Mosul`, []string{officials, airstrikes, badr}},
		{"AND", nil},
		{"Mosul AND Raqqa", nil},
		{"-", nil},
		{"*", nil},
		{`""`, nil},
		{"NEAR(Mosul", nil},
		{"title:Mosul", nil},
		{"(Mosul) OR", nil},
		{"الموصل", nil},
		{"fighters' families", nil},
	}
	for _, tt := range tests {
		page, err := db.FindEvents(t.Context(), conflict.EventFilter{Query: tt.query})
		if err != nil {
			t.Errorf("FindEvents(Query %q) error %v, want none", tt.query, err)
			continue
		}
		if got := titles(page.Events); tt.want != nil && !slices.Equal(got, tt.want) {
			t.Errorf("FindEvents(Query %q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestFindEventsNewestFirst(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	page, err := db.FindEvents(t.Context(), conflict.EventFilter{NewestFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := titles(page.Events), []string{badr, airstrikes, officials}; !slices.Equal(got, want) {
		t.Errorf("FindEvents(NewestFirst) = %q, want %q", got, want)
	}
	if page.Next != "" || page.Prev != "" {
		t.Errorf("one page of three has cursors Next %q, Prev %q; want none", page.Next, page.Prev)
	}
}

func TestFindEventsBadCursor(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	for _, c := range []string{"nonsense", "2016-09-01_x", "2016-09-01_-3", "2016_3", "_"} {
		_, err := db.FindEvents(t.Context(), conflict.EventFilter{After: c})
		if code := conflict.ErrorCode(err); code != conflict.Invalid {
			t.Errorf("FindEvents(After %q) = %v (code %q), want code %q", c, err, code, conflict.Invalid)
		}
	}
}

// TestFindEventsPagination walks 120 events forward and back, 50 a page, in
// both orders: every event once, in order, the same pages both ways.
func TestFindEventsPagination(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	src := newSource(1)
	if err := db.CreateSource(ctx, &src, editor); err != nil {
		t.Fatal(err)
	}
	const total = 120
	start := time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := range total {
		// Three events a day, created out of date order, so ties on the
		// date are broken by id and ids do not follow dates.
		d := start.AddDate(0, 0, (i*7)%(total/3))
		e := conflict.Event{
			Title:     "Event " + d.Format(time.DateOnly),
			Date:      edtf.MustParse(d.Format(time.DateOnly)),
			Status:    conflict.Published,
			Citations: []conflict.Citation{{Source: src}},
		}
		if err := db.CreateEvent(ctx, &e, editor); err != nil {
			t.Fatalf("CreateEvent %d: %v", i, err)
		}
	}

	for _, newestFirst := range []bool{false, true} {
		name := "oldest first"
		if newestFirst {
			name = "newest first"
		}
		t.Run(name, func(t *testing.T) {
			f := conflict.EventFilter{NewestFirst: newestFirst, Limit: 50}
			var forward [][]conflict.Event
			var cursors []conflict.EventPage
			page, err := db.FindEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if page.Prev != "" {
				t.Errorf("first page Prev = %q, want none", page.Prev)
			}
			for {
				forward = append(forward, page.Events)
				cursors = append(cursors, page)
				if page.Next == "" || len(forward) > total {
					break
				}
				g := f
				g.After = page.Next
				if page, err = db.FindEvents(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			if got := pageSizes(forward); !slices.Equal(got, []int{50, 50, 20}) {
				t.Errorf("forward page sizes = %v, want [50 50 20]", got)
			}
			all := slices.Concat(forward...)
			checkOrder(t, all, newestFirst)
			seen := map[conflict.EventID]bool{}
			for _, e := range all {
				if seen[e.ID] {
					t.Errorf("event %d seen twice", e.ID)
				}
				seen[e.ID] = true
			}
			if len(seen) != total {
				t.Errorf("walked %d distinct events, want %d", len(seen), total)
			}

			// Back from the last page: each Prev gives the page before.
			last := cursors[len(cursors)-1]
			prev := last.Prev
			for i := len(forward) - 2; i >= 0; i-- {
				if prev == "" {
					t.Fatalf("page %d has no Prev cursor", i+2)
				}
				g := f
				g.Before = prev
				back, err := db.FindEvents(ctx, g)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(back.Events), ids(forward[i])) {
					t.Errorf("page %d read backwards = %v, want %v", i+1, ids(back.Events), ids(forward[i]))
				}
				if back.Next == "" {
					t.Errorf("page %d read backwards has no Next cursor", i+1)
				}
				prev = back.Prev
			}
			if prev != "" {
				t.Errorf("first page read backwards has Prev %q, want none", prev)
				g := f
				g.Before = prev
				if before, err := db.FindEvents(ctx, g); err != nil || len(before.Events) != 0 {
					t.Errorf("page before the first = %d events, %v; want none", len(before.Events), err)
				}
			}
		})
	}
}

func pageSizes(pages [][]conflict.Event) []int {
	out := make([]int, len(pages))
	for i, p := range pages {
		out[i] = len(p)
	}
	return out
}

func ids(events []conflict.Event) []conflict.EventID {
	out := make([]conflict.EventID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func checkOrder(t *testing.T, events []conflict.Event, newestFirst bool) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		a, b := events[i-1], events[i]
		if newestFirst {
			a, b = b, a
		}
		ka, kb := a.Date.LowerKey(), b.Date.LowerKey()
		if ka > kb || (ka == kb && a.ID > b.ID) {
			t.Errorf("events %d (%s) and %d (%s) out of order at position %d", events[i-1].ID, events[i-1].Date, events[i].ID, events[i].Date, i)
			return
		}
	}
}

func TestFindEstimates(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	var (
		islamicState = actorID(t, db, "Daesh")
		badrOrg      = actorID(t, db, "Badr")
		iraq         = placeID(t, db, "iraq")
		syria        = placeID(t, db, "syria")
		nineveh      = placeID(t, db, "nineveh-province")
	)
	const (
		july = "as many as 10,000"
		sept = "3,000–4,500"
	)
	tests := []struct {
		name   string
		filter conflict.EstimateFilter
		want   []string
	}{
		{"all", conflict.EstimateFilter{}, []string{july, sept}},
		{"newest first", conflict.EstimateFilter{NewestFirst: true}, []string{sept, july}},
		{"force", conflict.EstimateFilter{Force: islamicState}, []string{july, sept}},
		{"force in a country", conflict.EstimateFilter{Force: islamicState, Places: []conflict.PlaceID{iraq}}, []string{july, sept}},
		{"force in a province", conflict.EstimateFilter{Force: islamicState, Places: []conflict.PlaceID{nineveh}}, []string{july, sept}},
		{"force in another country", conflict.EstimateFilter{Force: islamicState, Places: []conflict.PlaceID{syria}}, nil},
		{"another force", conflict.EstimateFilter{Force: badrOrg}, nil},
		{"claimant, any case", conflict.EstimateFilter{Claimant: "coalition ESTIMATES"}, []string{july}},
		{"from August", conflict.EstimateFilter{From: edtf.MustParse("2016-08")}, []string{sept}},
		{"to 15 July", conflict.EstimateFilter{To: edtf.MustParse("2016-07-15")}, []string{july}},
		{"limit", conflict.EstimateFilter{Limit: 1}, []string{july}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs, err := db.FindEstimates(t.Context(), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range xs {
				got = append(got, x.ValueText())
				if len(x.Citations) != 1 || x.Citations[0].Source.Publisher != "Voice of America" {
					t.Errorf("estimate %s citations = %+v, want its first citation, of VOA", x.ValueText(), x.Citations)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("FindEstimates(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// One full-text index serves readers and editors alike: an editor's
// list of drafts finds a draft by its words, and follows its edits,
// while readers' lists and search find it only once it is published.
func TestWordsFindDraftsForEditorsOnly(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	ed := person(t, db, "Ed", conflict.RoleEditor)
	rev := person(t, db, "Rue", conflict.RoleReviewer)
	e := conflict.Event{Title: "Convoy ambushed near Zubayr", Date: edtf.MustParse("2016-09-27"), Body: "Draft words.",
		Citations: []conflict.Citation{{Source: newSource(1), Quote: "A convoy was hit."}}}
	if err := db.CreateEvent(ctx, &e, ed); err != nil {
		t.Fatal(err)
	}
	drafts := []conflict.Status{conflict.Draft, conflict.Submitted}
	found := func(word string, statuses []conflict.Status) []string {
		t.Helper()
		page, err := db.FindEvents(ctx, conflict.EventFilter{Query: word, Statuses: statuses})
		if err != nil {
			t.Fatal(err)
		}
		return titles(page.Events)
	}
	searched := func(word string) int {
		t.Helper()
		res, err := db.Search(ctx, word, 20)
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Events)
	}
	if got := found("zubayr", drafts); len(got) != 1 {
		t.Errorf("an editor's drafts by word = %q, want the draft", got)
	}
	if got := found("zubayr", nil); len(got) != 0 {
		t.Errorf("readers' events by word = %q, want none before publication", got)
	}
	if n := searched("zubayr"); n != 0 {
		t.Errorf("search found %d events before publication, want none", n)
	}

	// A draft's edit is written in place, and its words follow.
	cur, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Title = "Convoy ambushed near Tal Afar"
	if _, err := db.UpdateEvent(ctx, &cur, cur.Version, ed); err != nil {
		t.Fatal(err)
	}
	if got := found("zubayr", drafts); len(got) != 0 {
		t.Errorf("an editor's drafts by a word edited away = %q, want none", got)
	}
	if got := found("afar", drafts); len(got) != 1 {
		t.Errorf("an editor's drafts by the new word = %q, want the draft", got)
	}

	cur, err = db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err = db.SetEventStatus(ctx, e.ID, conflict.ActionSubmit, "", cur.Version, conflict.RoleEditor, ed); err != nil {
		t.Fatal(err)
	}
	if _, err = db.SetEventStatus(ctx, e.ID, conflict.ActionPublish, "", cur.Version, conflict.RoleReviewer, rev); err != nil {
		t.Fatal(err)
	}
	if got := found("afar", nil); len(got) != 1 {
		t.Errorf("readers' events by word = %q, want the published event", got)
	}
	if n := searched("afar"); n != 1 {
		t.Errorf("search found %d events once published, want 1", n)
	}
	if got := found("afar", drafts); len(got) != 0 {
		t.Errorf("an editor's drafts by word = %q once it is published, want none", got)
	}
}
