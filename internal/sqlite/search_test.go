package sqlite_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
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
		// Two letters are too few for a prefix (conflict.PrefixMinLetters):
		// "ra*" is the word "ra", which nothing holds, and not Raqqa.
		{query: "ra*", none: true},
		{query: "raq*", want: []string{"place: Raqqa"}},
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

// TestSearchPrefixMarksEveryHit reads a prefix's hits in one walk of the
// index rather than a seek each (ftsSearch.walkRanges): every hit listed,
// events and quotes, still has its matched words marked.
func TestSearchPrefixMarksEveryHit(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	res, err := db.Search(t.Context(), "offic*", 50)
	if err != nil {
		t.Fatal(err)
	}
	hits := append(res.Events, res.Others...)
	if len(res.Events) < 1 || len(res.Others) < 2 {
		t.Fatalf("Search(offic*) = %q; want events and quotes", append(hitTitles(res.Events), hitTitles(res.Others)...))
	}
	for _, h := range hits {
		marked := false
		for _, f := range append(h.Title, h.Snippet...) {
			if f.Match {
				marked = true
				if !strings.HasPrefix(strings.ToLower(f.Text), "offic") {
					t.Errorf("%s %d: marked %q, which does not begin with offic", h.Kind, h.ID, f.Text)
				}
			}
		}
		if !marked {
			t.Errorf("%s %d: nothing marked in %v %v", h.Kind, h.ID, h.Title, h.Snippet)
		}
	}
}

// TestSearchTooBroadToRankListsTheLatestEvents gives a word to more events
// than search ranks: it says so, and lists the events with the latest
// dates first, whatever order they were written in.
func TestSearchTooBroadToRankListsTheLatestEvents(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	src, err := db.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var events []*conflict.Event
	for i := range 600 {
		// Written newest first, so the last written is the oldest.
		d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i)
		events = append(events, &conflict.Event{Title: fmt.Sprintf("Checkpoint %d", i), Date: edtf.MustParse(d.Format(time.DateOnly)),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := db.CreateEvents(ctx, events, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, "checkpoint", 5)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Broad {
		t.Errorf("600 matches were ranked; want them listed newest first, and said so")
	}
	var got []string
	for _, h := range res.Events {
		got = append(got, h.Date.String())
	}
	want := []string{"2020-01-01", "2019-12-31", "2019-12-30", "2019-12-29", "2019-12-28"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("broad search lists dates %v, want the latest first %v", got, want)
	}
}
