package server_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
)

// maxEventsPage is what /events may weigh before compression, whatever
// the number of actors and places: the filter suggests them as the reader
// types instead of listing them.
const maxEventsPage = 60 << 10

// TestEventsPageStaysSmall fills a database with thousands of actors and
// places and checks that the filter form lists none of them.
func TestEventsPageStaysSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := synth.Generate(ctx, db, synth.Options{Events: 600, Actors: 3000, Places: 3000, Sources: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, app.Config{DBPath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h := a.Handler()

	for _, target := range []string{"/events", "/events?actor=" + url.QueryEscape(rep.BiggestActor.Name), "/actors/" + rep.BiggestActor.Slug, "/places/" + rep.BiggestPlace.Slug} {
		body := get(t, h, target, http.StatusOK, `id="filter-tag"`)
		t.Logf("GET %s: %d bytes", target, len(body))
		if len(body) > maxEventsPage {
			t.Errorf("GET %s weighs %d KB, want under %d KB", target, len(body)>>10, maxEventsPage>>10)
		}
		// The order select's two options are the only ones.
		if n := strings.Count(body, "<option"); n > 2 {
			t.Errorf("GET %s has %d <option>s, want only the order's 2", target, n)
		}
		// At most the most used tags are offered before anything is typed.
		if n := strings.Count(body, `role="option"`); n > 30 {
			t.Errorf("GET %s offers %d suggestions before anything is typed, want at most 30", target, n)
		}
	}
}

// TestFilterSuggestions asks the suggestion route what a reader's filter
// box asks as they type: names, aliases and names in Arabic script.
func TestFilterSuggestions(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		target string
		want   []string
	}{
		{"/suggest/actors?actor=isl", []string{`data-value="Islamic State"`, `id="filter-actor-opt-0"`}},
		{"/suggest/actors?actor=daesh", []string{`data-value="Islamic State"`, "also Daesh"}},
		{"/suggest/places?place=%D8%A7%D9%84%D9%85%D9%88%D8%B5%D9%84", []string{`data-value="Mosul"`, "also الموصل"}},
		{"/suggest/tags?tag=air", []string{`data-value="airstrikes"`, `id="filter-tag-opt-0"`}},
	}
	for _, tt := range tests {
		get(t, h, tt.target, http.StatusOK, tt.want...)
	}
	if body := get(t, h, "/suggest/actors?actor=zzzz", http.StatusOK); strings.Contains(body, "<li") {
		t.Errorf("nothing matches zzzz, yet suggestions came: %s", body)
	}
	get(t, h, "/suggest/sources?q=voice", http.StatusNotFound)
}

// TestFilterShowsChosenValues reads a filter of several values typed
// without JavaScript: each is a ticked box naming what it matched, and
// the box beside them adds one more.
func TestFilterShowsChosenValues(t *testing.T) {
	h := newHandler(t)
	body := get(t, h, "/events?actor=ISIS&actor=Badr+Organization&place=%D8%A7%D9%84%D9%85%D9%88%D8%B5%D9%84&tag=airstrikes", http.StatusOK,
		`name="actor" value="ISIS" checked`, "(Islamic State)",
		`name="actor" value="Badr Organization" checked`,
		`name="place" value="الموصل" checked`, "(Mosul)",
		`name="tag" value="airstrikes" checked`,
		`id="filter-actor" name="actor" type="text" value=""`, `data-listbox="filter-actor-listbox"`, `hx-get="/suggest/actors"`,
		"1 event")
	if strings.Contains(body, `hx-swap-oob`) {
		t.Error("a whole page carries an out-of-band swap")
	}
	// htmx asks for the results alone; the form's fields come with them,
	// so the chosen values follow the filter.
	rec := do(t, h, http.MethodGet, "/events?actor=daesh", "HX-Request", "true", "HX-Target", "results")
	frag := rec.Body.String()
	for _, want := range []string{`id="filter-body"`, `hx-swap-oob="true"`, `name="actor" value="daesh" checked`, `id="results"`, "2 events"} {
		if !strings.Contains(frag, want) {
			t.Errorf("the results fragment lacks %s", want)
		}
	}
	if strings.Contains(frag, "<html") {
		t.Error("the results fragment is a whole page")
	}
}
