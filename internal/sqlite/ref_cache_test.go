package sqlite_test

import (
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// Pages keep the actors and sources they name between requests; a
// renamed actor or a retitled source shows on the next page read, in
// lists and in pages with full citations alike.
func TestPagesShowActorAndSourceEditsAtOnce(t *testing.T) {
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
		for range 2 {
			page, err := db.FindEventPage(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Events) == 0 {
				t.Fatal("no events of Badr")
			}
			for _, e := range page.Events {
				for _, a := range e.Actors {
					actors[a.Actor.Name] = true
				}
				for _, c := range e.Citations {
					sources[c.Source.Title] = true
				}
			}
			list, err := db.FindEvents(ctx, filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range list.Events {
				for _, a := range e.Actors {
					actors[a.Actor.Name] = true
				}
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
	cited.Title = "Retitled report"
	if _, err := db.UpdateSource(ctx, &cited, cited.Version, edit("retitle")); err != nil {
		t.Fatal(err)
	}
	actors, sources = names()
	if actors[old] || !actors[badr.Name] {
		t.Errorf("after a rename, actors %v, want %q and not %q", actors, badr.Name, old)
	}
	if sources[oldTitle] || !sources["Retitled report"] {
		t.Errorf("after a retitle, sources %v, want %q and not %q", sources, "Retitled report", oldTitle)
	}
}
