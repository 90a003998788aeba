package sqlite_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

func TestSuggest(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	tests := []struct {
		name, q   string
		wantFirst string
		matched   string
	}{
		{"name prefix", "isl", "Islamic State", ""},
		{"alias", "daesh", "Islamic State", "Daesh"},
		{"alias in Arabic", "بدر", "Badr Organization", "منظمة بدر"},
		{"inside a name", "coalition", "U.S.-led coalition", ""},
		// Of the names that begin with what was typed, the actor with the
		// most published events comes first: Islamic State before Iraqi
		// security forces.
		{"most events first", "i", "Islamic State", ""},
	}
	for _, tt := range tests {
		got, err := db.SuggestActors(ctx, tt.q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].Name != tt.wantFirst || got[0].Matched != tt.matched {
			t.Errorf("%s: SuggestActors(%q) = %+v, want %s first (matched %q)", tt.name, tt.q, got, tt.wantFirst, tt.matched)
		}
	}
	places, err := db.SuggestPlaces(ctx, "الموصل", 5)
	if err != nil || len(places) != 1 || places[0].Name != "Mosul" {
		t.Errorf("SuggestPlaces(الموصل) = %+v, %v", places, err)
	}
	// Typed wildcards are plain text.
	for _, q := range []string{"%", "_", "'; DROP TABLE actors; --"} {
		if got, err := db.SuggestActors(ctx, q, 5); err != nil || len(got) != 0 {
			t.Errorf("SuggestActors(%q) = %+v, %v; want nothing", q, got, err)
		}
	}
	if got, _ := db.SuggestActors(ctx, "", 5); len(got) != 0 {
		t.Errorf("SuggestActors(\"\") = %+v, want nothing", got)
	}
	sources, err := db.SuggestSources(ctx, "voice of", 5)
	if err != nil || len(sources) == 0 || sources[0].Publisher != "Voice of America" {
		t.Errorf("SuggestSources = %+v, %v", sources, err)
	}
	byTitle, err := db.FindSourcesByTitle(ctx, "islamic state struggling to reinforce mosul ahead of iraqi offensive")
	if err != nil || len(byTitle) != 1 {
		t.Errorf("FindSourcesByTitle = %+v, %v", byTitle, err)
	}
}

func TestSuggestTags(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	tests := []struct {
		q    string
		want []string
	}{
		{"mosul", []string{"mosul-offensive"}},
		{"Mosul Off", []string{"mosul-offensive"}},
		// Those that begin with what was typed come first.
		{"r", []string{"reinforcement", "airstrikes", "leadership", "training", "withdrawal"}},
		{"%", nil},
		{"nothing-like-it", nil},
	}
	for _, tt := range tests {
		got, err := db.SuggestTags(ctx, tt.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("SuggestTags(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	// Nothing typed: the most used tags, as many as asked for.
	if got, err := db.SuggestTags(ctx, "", 4); err != nil || len(got) != 4 {
		t.Errorf("SuggestTags(\"\", 4) = %q, %v; want four tags", got, err)
	}
}
