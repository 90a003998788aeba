package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// Pages keep the actors and sources they name between requests, not the
// places; a renamed actor or place or a retitled source shows on the next
// page read, in lists and in pages with full citations alike.
func TestPagesShowActorPlaceAndSourceEditsAtOnce(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	badr, err := db.FindActorBySlug(ctx, "badr-organization")
	if err != nil {
		t.Fatal(err)
	}
	filter := conflict.EventFilter{Actors: []conflict.ActorID{badr.ID}, Statuses: []conflict.Status{conflict.Published}}
	names := func() (actors, sources map[string]bool) {
		t.Helper()
		actors, sources = map[string]bool{}, map[string]bool{}
		add := func(e conflict.Event) {
			for _, a := range e.Actors {
				actors[a.Actor.Name] = true
			}
			if e.Place != nil {
				// Places are named among the actors: all that
				// matters is which names a page shows.
				actors["place: "+e.Place.Name] = e.Place.Slug != ""
			}
		}
		for range 2 {
			page, err := db.FindEventPage(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Events) == 0 {
				t.Fatal("no events of Badr")
			}
			for _, e := range page.Events {
				add(e)
				for _, c := range e.Citations {
					sources[c.Source.Title] = true
				}
			}
			list, err := db.FindEvents(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range list.Events {
				add(e)
			}
		}
		return actors, sources
	}
	actors, sources := names()
	if !actors[badr.Name] {
		t.Fatalf("actors %v, want %q among them", actors, badr.Name)
	}
	if len(sources) == 0 {
		t.Fatal("no sources cited")
	}

	old := badr.Name
	badr.Name = "Badr Organisation (renamed)"
	if _, err := db.UpdateActor(ctx, &badr, badr.Version, edit("rename")); err != nil {
		t.Fatal(err)
	}
	page, err := db.FindEventPage(ctx, filter)
	if err != nil {
		t.Fatal(err)
	}
	cited, err := db.FindSourceByID(ctx, page.Events[0].Citations[0].Source.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldTitle := cited.Title
	if page.Events[0].Place == nil {
		t.Fatal("Badr's first event has no place")
	}
	place, err := db.FindPlaceByID(ctx, page.Events[0].Place.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldPlace := place.Name
	if !actors["place: "+oldPlace] {
		t.Errorf("places named %v, want %q with its slug", actors, oldPlace)
	}
	place.Name = "Renamed town"
	if _, err := db.UpdatePlace(ctx, &place, place.Version, edit("rename")); err != nil {
		t.Fatal(err)
	}
	cited.Title = "Retitled report"
	if _, err := db.UpdateSource(ctx, &cited, cited.Version, edit("retitle")); err != nil {
		t.Fatal(err)
	}
	actors, sources = names()
	if actors[old] || !actors[badr.Name] {
		t.Errorf("after a rename, actors %v, want %q and not %q", actors, badr.Name, old)
	}
	if _, ok := actors["place: "+oldPlace]; ok || !actors["place: Renamed town"] {
		t.Errorf("after a place's rename, names %v, want %q and not %q", actors, "Renamed town", oldPlace)
	}
	if sources[oldTitle] || !sources["Retitled report"] {
		t.Errorf("after a retitle, sources %v, want %q and not %q", sources, "Retitled report", oldTitle)
	}
}
