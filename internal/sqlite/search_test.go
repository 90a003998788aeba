package sqlite_test

import (
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

func hitTitles(hs []conflict.SearchHit) []string {
	var out []string
	for _, h := range hs {
		var b strings.Builder
		for _, f := range h.Title {
			b.WriteString(f.Text)
		}
		out = append(out, h.Kind+": "+b.String()+" "+h.InTitle)
	}
	return out
}

func TestSearch(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	tests := []struct {
		query string
		// want are substrings each of which some hit must contain.
		want []string
		none bool
	}{
		{query: "Raqqa", want: []string{"event: Top Islamic State officials", "place: Raqqa"}},
		{query: "reinforc*", want: []string{"event: Coalition airstrikes limit Islamic State reinforcement"}},
		{query: `"top IS officials"`, want: []string{"quote: "}},
		{query: "daesh", want: []string{"actor: Islamic State"}},
		{query: "الموصل", want: []string{"place: Mosul"}},
		{query: "Voice of America", want: []string{"source: Islamic State Struggling"}},
		{query: "Mosul -Raqqa", want: []string{"event: Coalition airstrikes"}},
		{query: `"unbalanced`, none: true},
		{query: "AND", want: []string{"event: Top Islamic State officials and their families"}}, // a word, not an operator
		{query: "-", none: true},
		{query: "*", none: true},
		{query: "NEAR(x y)", none: true},
		{query: "zzzzqqq", none: true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := db.Search(t.Context(), tt.query, 50)
			if err != nil {
				t.Fatalf("Search(%q) error: %v", tt.query, err)
			}
			got := append(hitTitles(res.Events), hitTitles(res.Others)...)
			if tt.none && !res.Empty() {
				t.Errorf("Search(%q) = %q, want nothing", tt.query, got)
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("Search(%q) = %q, want a hit containing %q", tt.query, got, w)
				}
			}
		})
	}
}

func TestSearchMarksMatches(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	res, err := db.Search(t.Context(), "Raqqa", 50)
	if err != nil || len(res.Events) == 0 {
		t.Fatalf("Search(Raqqa) = %v, %v; want an event", res, err)
	}
	marked := false
	for _, f := range res.Events[0].Snippet {
		if f.Match {
			marked = true
			if !strings.EqualFold(f.Text, "Raqqa") {
				t.Errorf("marked fragment = %q, want Raqqa", f.Text)
			}
		}
	}
	if !marked {
		t.Errorf("snippet %v marks no match", res.Events[0].Snippet)
	}
}
