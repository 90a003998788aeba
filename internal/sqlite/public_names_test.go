package sqlite

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

// TestPublicNamesIndexAnswersAsTheQueries resolves filter names through
// the index of every name and through one query per name, and wants the
// same records: names and aliases whatever their case (ASCII only, as
// SQLite folds it), slugs, names in Arabic script, no drafts, and after a
// rename the new name and not the old.
func TestPublicNamesIndexAnswersAsTheQueries(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "names.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	system := conflict.Change{AuthorName: "import"}
	ed := conflict.User{Email: "ed@example.org", Name: "Ed", Role: conflict.RoleEditor}
	if err := db.CreateUser(ctx, &ed, "x"); err != nil {
		t.Fatal(err)
	}
	editor := conflict.Change{Author: &ed.ID, AuthorName: ed.Name, Role: ed.Role}
	actors := []conflict.Actor{
		{Name: "Islamic State", Aliases: []string{"ISIS", "Daesh", "داعش"}},
		{Name: "Peshmerga", Aliases: []string{"Kurdish forces"}},
		// Two actors answer to one alias; the list gives both, by name.
		{Name: "Syrian Democratic Forces", Aliases: []string{"Coalition partners"}},
		{Name: "Iraqi Army", Aliases: []string{"coalition PARTNERS"}},
		{Name: "Élite Unit"},
	}
	for i := range actors {
		if err := db.CreateActor(ctx, &actors[i], system); err != nil {
			t.Fatal(err)
		}
	}
	draft := conflict.Actor{Name: "Draft Brigade", Aliases: []string{"Daesh"}}
	if err := db.CreateActor(ctx, &draft, editor); err != nil {
		t.Fatal(err)
	}
	places := []conflict.Place{
		{Name: "Mosul", AltNames: []conflict.AltName{{Name: "الموصل", Lang: "ar"}}},
		{Name: "Raqqa", AltNames: []conflict.AltName{{Name: "الرقة", Lang: "ar"}, {Name: "Ar-Raqqah"}}},
	}
	for i := range places {
		if err := db.CreatePlace(ctx, &places[i], system); err != nil {
			t.Fatal(err)
		}
	}
	actorNames := []string{"Islamic State", "islamic state", "ISLAMIC STATE", "isis", "داعش", "Daesh", "daesh",
		actors[0].Slug, "Kurdish Forces", "coalition partners", "Élite Unit", "élite unit", "ÉLITE UNIT",
		"Draft Brigade", "Nobody", "", "Islamic"}
	placeNames := []string{"Mosul", "MOSUL", "الموصل", "ar-raqqah", places[1].Slug, "الرقة", "Baghdad"}
	compare := func(when string) {
		t.Helper()
		for _, name := range actorNames {
			indexed, err := db.FindPublicActorsByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			saved := publicNamesIndexed
			publicNamesIndexed, db.names = 0, &publicNames{}
			queried, err := db.FindPublicActorsByName(ctx, name)
			publicNamesIndexed, db.names = saved, &publicNames{}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(indexed, queried) {
				t.Errorf("%s: actor %q: the index gives %+v, the query %+v", when, name, indexed, queried)
			}
		}
		for _, name := range placeNames {
			indexed, err := db.FindPublicPlacesByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			saved := publicNamesIndexed
			publicNamesIndexed, db.names = 0, &publicNames{}
			queried, err := db.FindPublicPlacesByName(ctx, name)
			publicNamesIndexed, db.names = saved, &publicNames{}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(indexed, queried) {
				t.Errorf("%s: place %q: the index gives %+v, the query %+v", when, name, indexed, queried)
			}
		}
	}
	compare("before")
	if got, _ := db.FindPublicActorsByName(ctx, "coalition partners"); len(got) != 2 || got[0].Name != "Iraqi Army" {
		t.Errorf("an alias two actors share gives %+v, want both, Iraqi Army first", got)
	}
	if got, _ := db.FindPublicActorsByName(ctx, "DAESH"); len(got) != 1 || got[0].ID != actors[0].ID {
		t.Errorf("DAESH gives %+v, want Islamic State alone (not the draft)", got)
	}
	if got, _ := db.FindPublicActorsByName(ctx, "élite unit"); len(got) != 0 {
		t.Errorf("a name differing in a non-ASCII letter's case gives %+v; SQLite folds ASCII only", got)
	}
	// A rename is a new version (here a record created after it): the
	// index is read again.
	if _, err := db.write.ExecContext(ctx, `UPDATE actors SET name = 'Islamic State of Iraq' WHERE id = ?`, actors[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateActor(ctx, &conflict.Actor{Name: "Later"}, system); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindPublicActorsByName(ctx, "Islamic State of Iraq"); len(got) != 1 {
		t.Errorf("after a rename the new name gives %+v", got)
	}
	if got, _ := db.FindPublicActorsByName(ctx, "Islamic State"); len(got) != 0 {
		t.Errorf("after a rename the old name still gives %+v", got)
	}
	actorNames = append(actorNames, "Islamic State of Iraq")
	compare("after a rename")
}
