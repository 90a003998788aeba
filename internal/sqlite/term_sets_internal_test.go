package sqlite

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// rowidList reads group_concat's lists of rowids, and refuses what is not
// one rather than setting a wrong bit.
func TestRowidList(t *testing.T) {
	var got []int64
	for v, err := range rowidList("1,-8,4294967296,987654321012345678") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if want := []int64{1, -8, 4294967296, 987654321012345678}; !slices.Equal(got, want) {
		t.Errorf("rowidList = %v, want %v", got, want)
	}
	for _, bad := range []string{"1,,2", "1,x", "1.5", "-", "12345678901234567890"} {
		var failed bool
		for _, err := range rowidList(bad) {
			failed = failed || err != nil
		}
		if !failed {
			t.Errorf("rowidList(%q) gave no error", bad)
		}
	}
	for range rowidList("") {
		t.Error("an empty list yielded a rowid")
	}
}

// memoKey tells parameter lists apart that fmt.Sprint writes alike, so no
// two counts share a kept answer.
func TestMemoKeyQuotesParameters(t *testing.T) {
	if memoKey("q", []any{"a b"}) == memoKey("q", []any{"a", "b"}) {
		t.Error(`memoKey reads ["a b"] and ["a", "b"] alike`)
	}
}

// A set is not brought up to date when the log cannot say everything that
// changed since it was read: the entries after it were trimmed, or more
// rows changed than a catch-up looks up. The search is then counted by
// the index, and finds what the index alone finds.
func TestTermSetsFallBackWhenTheLogCannotSay(t *testing.T) {
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		// log writes to the events and entries into the change log.
		log []string
		// fromSets is how many of a search's two counts are still made
		// from sets: the entries trimmed were both indexes', the rows
		// too many only the events'.
		fromSets int64
		// events is how many events the search then counts.
		events int
	}{
		// An event's words edited away, then another row changed in
		// many writes: the trim that follows takes the edit's entry.
		{"trimmed", []string{`UPDATE events SET title = 'Quiet at the river' WHERE id = 1`,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
			INSERT INTO search_changes (search_index, row) SELECT 'events_date_fts', 2 FROM n`}, 0, 40},
		// More rows than a catch-up looks up.
		{"too many", []string{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ` + fmt.Sprint(catchUpRows+10) + `)
			INSERT INTO search_changes (search_index, row) SELECT 'events_date_fts', i FROM n`}, 1, 41},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := openTemp(t, "fallback.db")
			db.terms.slow = 0
			var events []*conflict.Event
			for i := range 40 {
				events = append(events, &conflict.Event{Title: fmt.Sprint("Shelling near the bridge ", i), Body: "Convoy.", Status: conflict.Published,
					Date: edtf.MustParse("2016-10-17"), Citations: []conflict.Citation{{Source: conflict.Source{URL: fmt.Sprint("https://example.org/", i),
						Publisher: "Wire", Title: "Report"}, Quote: "Shelling reported."}}})
			}
			if err := db.CreateEvents(ctx, events, conflict.Change{AuthorName: "import"}); err != nil {
				t.Fatal(err)
			}
			const q = "shelling bridge"
			if _, err := db.Search(ctx, q, 20); err != nil {
				t.Fatal(err)
			}
			db.terms.wait()
			before := db.terms.answered.Load()
			if _, err := db.Search(ctx, q, 20); err != nil || db.terms.answered.Load() != before+2 {
				t.Fatalf("with no writes, the search was not counted from sets (%v)", err)
			}
			for _, stmt := range tt.log {
				if _, err := db.write.ExecContext(ctx, stmt); err != nil {
					t.Fatal(err)
				}
			}
			// A real write, so that the index has changed too.
			e := conflict.Event{Title: "Shelling at the bridge again", Body: "Convoy.", Status: conflict.Published, Date: edtf.MustParse("2016-10-18"),
				Citations: []conflict.Citation{{Source: conflict.Source{URL: "https://example.org/again", Publisher: "Wire", Title: "Report"}, Quote: "Reported."}}}
			if err := db.CreateEvent(ctx, &e, conflict.Change{AuthorName: "import"}); err != nil {
				t.Fatal(err)
			}
			// What the sets say, if they say anything, is what the index says.
			terms := &plainTerms{include: []string{`"shelling"`, `"bridge"`}}
			if n, ok, err := db.terms.count(ctx, db.read, "events_date_fts", terms, 1000); err != nil || ok && n != tt.events {
				t.Errorf("the sets counted %d events (%v); the index has %d", n, err, tt.events)
			}
			before = db.terms.answered.Load()
			got, err := db.Search(ctx, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			if n := db.terms.answered.Load() - before; n != tt.fromSets {
				t.Errorf("%d of 2 counts were made from sets; want %d", n, tt.fromSets)
			}
			want, err := db.SearchByIndex(ctx, q, 20)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) || got.EventCount != tt.events {
				t.Errorf("Search(%q) counted %d events, the index alone %d; want %d", q, got.EventCount, want.EventCount, tt.events)
			}
		})
	}
}

// A prefix has a set as a word does, and a write brings it up to date
// from the rows the write changed, read in one walk of the prefix's
// matches: the set counts what the index finds.
func TestPrefixSetFollowsWrites(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "prefix.db")
	db.terms.slow = 0
	var events []*conflict.Event
	for i := range 30 {
		title := fmt.Sprint("Quiet day ", i)
		switch i % 3 {
		case 0:
			title = fmt.Sprint("Mines laid near the bridge ", i)
		case 1:
			title = fmt.Sprint("Minefield cleared ", i)
		}
		events = append(events, &conflict.Event{Title: title, Body: "Report.", Status: conflict.Published,
			Date: edtf.MustParse(fmt.Sprintf("2016-%02d-01", 1+i%12)), Citations: []conflict.Citation{{Source: conflict.Source{
				URL: fmt.Sprint("https://example.org/", i), Publisher: "Wire", Title: "Report"}}}})
	}
	if err := db.CreateEvents(ctx, events, conflict.Change{AuthorName: "import"}); err != nil {
		t.Fatal(err)
	}
	q := parseQuery("mine*")
	if _, err := db.Search(ctx, "mine*", 20); err != nil {
		t.Fatal(err)
	}
	db.terms.wait()
	if _, ok := db.terms.sets.GetIfPresent(termKey{"events_date_fts", q.plain.include[0]}); !ok {
		t.Fatal("a search of a prefix made no set of its matches")
	}
	// One event's words edited away, another's into the prefix, and one
	// moved to another day (another row of the index).
	for _, stmt := range []string{
		`UPDATE events SET title = 'Quiet again' WHERE id = ` + fmt.Sprint(events[0].ID),
		`UPDATE events SET title = 'Minesweepers arrived' WHERE id = ` + fmt.Sprint(events[2].ID),
		`UPDATE events SET date = '2017-05-05', date_lo = '2017-05-05', date_hi = '2017-05-05' WHERE id = ` + fmt.Sprint(events[4].ID),
	} {
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	var want int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM events_date_fts WHERE events_date_fts MATCH ?`, q.match).Scan(&want); err != nil {
		t.Fatal(err)
	}
	n, ok, err := db.terms.count(ctx, db.read, "events_date_fts", q.plain, 1000)
	if err != nil || !ok {
		t.Fatalf("after the writes the prefix's set counted nothing (%v, %v)", ok, err)
	}
	if n != want || want != 20 {
		t.Errorf("after the writes the prefix's set counts %d events; the index finds %d, and should find 20", n, want)
	}
}
