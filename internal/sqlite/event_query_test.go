package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestEventListsMatchABruteForceReading pages through lists of every
// kind of filter, both ways, and compares the events seen with what a
// plain query over the records themselves returns: whatever range drives
// a plan, a reader sees every matching event once, in order.
func TestEventListsMatchABruteForceReading(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	if _, err := db.write.ExecContext(ctx, `UPDATE events SET date_hi = '2016-12-31' WHERE id = 20`); err != nil {
		t.Fatal(err)
	}
	filters := map[string]conflict.EventFilter{
		"all":                 {},
		"actor with children": {Actors: []conflict.ActorID{3}},
		"two actors":          {Actors: []conflict.ActorID{2, 30}},
		"country":             {Places: []conflict.PlaceID{1}},
		"tag and actor":       {Tags: []string{"tag2"}, Actors: []conflict.ActorID{1}},
		"dates":               {From: edtf.MustParse("2014-06"), To: edtf.MustParse("2016-03")},
		"long event overlaps": {From: edtf.MustParse("2016-06-01"), To: edtf.MustParse("2016-06-30")},
		"common word":         {Query: "fighting"},
		"word, long event":    {Query: "fighting", From: edtf.MustParse("2016-06-01"), To: edtf.MustParse("2016-06-30")},
		"common word, dates":  {Query: "fighting", From: edtf.MustParse("2018-02"), To: edtf.MustParse("2019-01")},
		"rare word":           {Query: "rareword"},
		"rare word and actor": {Query: "rareword", Actors: []conflict.ActorID{1}},
		"word and place":      {Query: "fighting", Places: []conflict.PlaceID{60}},
		"retracted too":       {Tags: []string{"tag1"}, Statuses: []conflict.Status{conflict.Published, conflict.Retracted}},
	}
	for name, f := range filters {
		for _, newest := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/newest=%v", name, newest), func(t *testing.T) {
				f := f
				f.NewestFirst, f.Limit = newest, 37
				pageThrough(t, db, f, bruteForce(t, db, f))
			})
		}
	}
}

// A count that checks each driving row against another filter stops
// early: "more than 200" is true, and costs a few pages' worth of
// lookups rather than a thousand matches' worth, however sparse the
// intersection.
func TestIntersectionCountsStopEarly(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	alone := conflict.EventFilter{Actors: []conflict.ActorID{1}, To: edtf.MustParse("2030")}
	both := conflict.EventFilter{Actors: []conflict.ActorID{1}, Tags: []string{"tag1"}, To: edtf.MustParse("2030")}
	if n := len(bruteForce(t, db, both)); n <= checkedCountLimit {
		t.Fatalf("the seed has %d events of actor 1 tagged tag1; the test needs more than %d", n, checkedCountLimit)
	}
	page, err := db.FindEvents(ctx, both)
	if err != nil {
		t.Fatal(err)
	}
	if !page.More || page.Total != checkedCountLimit {
		t.Errorf("an actor and a tag: the count says %d (more: %v); want more than %d", page.Total, page.More, checkedCountLimit)
	}
	// One filter alone reads only its own postings: it is counted further.
	page, err = db.FindEvents(ctx, alone)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(bruteForce(t, db, alone)); page.Total != min(want, countLimit) {
		t.Errorf("one actor: the count says %d; want %d", page.Total, min(want, countLimit))
	}
}

// A common word within dates is counted as far as a word checked row by
// row is, "more than 200"; a rare word is counted whole, and a word alone
// is known to match more than a thousand from the index's own count.
func TestTextCountsStopEarly(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	for _, c := range []struct {
		name  string
		f     conflict.EventFilter
		total int
		more  bool
	}{
		{"a common word within dates", conflict.EventFilter{Query: "fighting", To: edtf.MustParse("2022")}, textCountLimit, true},
		{"a common word alone", conflict.EventFilter{Query: "fighting"}, countLimit, true},
		{"a rare word within dates", conflict.EventFilter{Query: "rareword", To: edtf.MustParse("2022")}, -1, false},
	} {
		want := len(bruteForce(t, db, c.f))
		if c.total < 0 {
			c.total = want
		} else if want <= c.total {
			t.Fatalf("%s: the seed has %d matches; the test needs more than %d", c.name, want, c.total)
		}
		page, err := db.FindEvents(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != c.total || page.More != c.more {
			t.Errorf("%s: the count says %d (more: %v); want %d (more: %v)", c.name, page.Total, page.More, c.total, c.more)
		}
	}
}

// pageThrough reads every page of f's list, following its cursors, and
// checks that it holds want, in order, each event once, and that the
// first page's count is true.
func pageThrough(t *testing.T, db *DB, f conflict.EventFilter, want []conflict.EventID) {
	t.Helper()
	var got []conflict.EventID
	for pages := 0; ; pages++ {
		page, err := db.FindEvents(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if pages == 0 && !page.More && page.Total != len(want) {
			t.Errorf("the first page says %d events match, want %d", page.Total, len(want))
		}
		if pages == 0 && page.More && page.Total >= len(want) {
			t.Errorf("the first page says more than %d events match, but %d do", page.Total, len(want))
		}
		for _, e := range page.Events {
			got = append(got, e.ID)
		}
		if page.Next == "" || pages > 200 {
			break
		}
		f.After = page.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("paging read %d events, a plain query %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []conflict.EventID) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// bruteForce lists the events matching f with the simplest query that can
// be written over the records, walking the hierarchies recursively.
func bruteForce(t *testing.T, db *DB, f conflict.EventFilter) []conflict.EventID {
	t.Helper()
	return listMatching(t, db, f, "(' ' || e.title || ' ' || e.body || ' ') LIKE ?", "%"+f.Query+"%")
}

// listMatching is bruteForce with f's words matched by the condition text
// on an event e, given the parameter param.
func listMatching(t *testing.T, db *DB, f conflict.EventFilter, text string, param any) []conflict.EventID {
	t.Helper()
	where := []string{"e.status = 'published'"}
	var params []any
	if len(f.Statuses) > 0 {
		where[0] = "e.status IN ('published', 'retracted')"
	}
	if len(f.Actors) > 0 {
		where = append(where, `e.id IN (SELECT ea.event_id FROM event_actors ea WHERE ea.actor_id IN (
			WITH RECURSIVE sub(id) AS (SELECT id FROM actors WHERE id IN (`+placeholders(len(f.Actors))+`)
			UNION SELECT a.id FROM actors a JOIN sub ON a.parent_id = sub.id) SELECT id FROM sub))`)
		params = append(params, args(f.Actors)...)
	}
	if len(f.Places) > 0 {
		where = append(where, `e.place_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM places WHERE id IN (`+placeholders(len(f.Places))+`)
			UNION SELECT p.id FROM places p JOIN sub ON p.parent_id = sub.id) SELECT id FROM sub)`)
		params = append(params, args(f.Places)...)
	}
	if len(f.Tags) > 0 {
		where = append(where, "e.id IN (SELECT event_id FROM event_tags WHERE tag IN ("+placeholders(len(f.Tags))+"))")
		params = append(params, args(f.Tags)...)
	}
	if !f.From.IsZero() {
		where = append(where, "e.date_hi >= ?")
		params = append(params, f.From.LowerKey())
	}
	if !f.To.IsZero() {
		where = append(where, "e.date_lo <= ?")
		params = append(params, f.To.UpperKey())
	}
	if f.Query != "" {
		where = append(where, text)
		params = append(params, param)
	}
	dir := "ASC"
	if f.NewestFirst {
		dir = "DESC"
	}
	rows, err := db.read.Query(`SELECT e.id FROM events e WHERE `+strings.Join(where, " AND ")+` ORDER BY e.date_lo `+dir+`, e.id `+dir, params...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []conflict.EventID
	for rows.Next() {
		var id conflict.EventID
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// TestDateKeyIsSQLites checks the Go side of events_date_fts's rowids
// against the expression its triggers use.
func TestDateKeyIsSQLites(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, d := range []string{"0001-01-01", "1969-12-31", "1970-01-01", "2016-09-27", "2016-02-29", "9999-12-31"} {
		var want int64
		if err := db.read.QueryRow(`SELECT CAST(julianday(?) + 0.5 AS INTEGER) * 4294967296 + 7`, d).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := dateKey(d, 7); got != want {
			t.Errorf("dateKey(%q, 7) = %d, SQLite says %d", d, got, want)
		}
	}
}

// A list by a phrase, or leaving one out, holds exactly the events with
// (or without) the phrase, not those with its words apart, however rare
// or common it is, both ways and within dates; and search's newest
// matches of a broad phrase are matches of the phrase. Both read the
// date-ordered search index, which must keep its words' positions.
func TestListsByPhrase(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	// Every event says "Heavy fighting was reported."; one in seven
	// has the same words apart and the other way round.
	if _, err := db.write.ExecContext(ctx, `UPDATE events SET body = 'Fighting was heavy near the river.' WHERE id % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	queries := []string{
		`"heavy fighting"`,        // some 2,500 events
		`"was heavy"`,             // some 430
		`"fighting heavy"`,        // none, though every event has both words
		`fighting -"was heavy"`,   // a phrase left out
		`heavy-fight*`,            // a phrase whose last word is a prefix
		`"heavy fighting" -river`, // a phrase and a word left out
	}
	ranges := []conflict.EventFilter{{}, {From: edtf.MustParse("2016-03"), To: edtf.MustParse("2019-08")}}
	for _, query := range queries {
		for _, r := range ranges {
			for _, newest := range []bool{false, true} {
				f := r
				f.Query, f.NewestFirst, f.Limit = query, newest, 250
				t.Run(fmt.Sprintf("%s/from=%v/newest=%v", query, !r.From.IsZero(), newest), func(t *testing.T) {
					pageThrough(t, db, f, phraseMatches(t, db, f))
				})
			}
		}
	}
	if len(phraseMatches(t, db, conflict.EventFilter{Query: `"was heavy"`})) == 0 {
		t.Fatal("no event has the rarer phrase: the test checks nothing")
	}

	// Too many to rank, a phrase's newest matches are listed.
	res, err := db.Search(ctx, `"heavy fighting"`, 20)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Broad || len(res.Events) != 20 {
		t.Fatalf("a search of a phrase in most events: broad %v, %d events; want broad and 20", res.Broad, len(res.Events))
	}
	for _, e := range res.Events {
		if e.ID == 0 || e.ID%7 == 0 {
			t.Errorf("search lists event %d, which does not have the phrase", e.ID)
		}
	}
}

// phraseMatches is what a list filtered by f's words holds, read from
// the search index as a set of events, in the list's order.
func phraseMatches(t *testing.T, db *DB, f conflict.EventFilter) []conflict.EventID {
	t.Helper()
	return listMatching(t, db, f, "e.id IN (SELECT rowid % 4294967296 FROM events_date_fts WHERE events_date_fts MATCH ?)", ftsQuery(f.Query))
}

// A common word and a small actor: the actor's few events are each
// checked against the word, rather than the word's many matches each
// against the actor, which read every match when the two seldom meet.
// The word's first count stops at ftsCountLimit; the choice counts it as
// far as it needs. A rare word's few matches are still read first, with
// any actor.
func TestCommonWordAndSmallActorReadTheActor(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 5000)
	const common, rare = "fighting", "rareword" // in every event, in one in a thousand
	if n := len(bruteForce(t, db, conflict.EventFilter{Query: common})); n <= ftsCountLimit {
		t.Fatalf("the seed has %d events with %q; the test needs more than %d", n, common, ftsCountLimit)
	}
	var small, large conflict.ActorID
	largest := 0
	for id := conflict.ActorID(1); id <= 200; id++ {
		n := len(bruteForce(t, db, conflict.EventFilter{Actors: []conflict.ActorID{id}}))
		// Past ftsCountLimit / 30 events, the word's first count alone
		// had it drive.
		if small == 0 && n > 70 && n < 400 {
			small = id
		}
		if n > largest {
			large, largest = id, n
		}
	}
	if small == 0 {
		t.Fatal("the seed has no actor of 70 to 400 events")
	}
	for _, c := range []struct {
		actor conflict.ActorID
		word  string
		reads string
	}{{small, common, "event_postings"}, {large, rare, "events_date_fts"}, {small, rare, "events_date_fts"}} {
		f := conflict.EventFilter{Actors: []conflict.ActorID{c.actor}, Query: c.word}
		err := db.readTx(ctx, func(q querier) error {
			plan, err := planEvents(ctx, q, f)
			if err != nil {
				return err
			}
			if len(plan.arms) == 0 || !strings.HasPrefix(plan.arms[0].from, c.reads) {
				t.Errorf("actor %d and %q: the list reads %+v; want %s", c.actor, c.word, plan.arms, c.reads)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f.Limit = 20
		pageThrough(t, db, f, bruteForce(t, db, f))
	}
}

// A small actor's events checked against a common word are checked
// against the word's set of matches kept for search, when it has one:
// the same events as the index gives, before and after a write moves the
// index on from the set.
func TestWordCheckedAgainstItsSet(t *testing.T) {
	ctx := context.Background()
	db := openSkewed(t, 3000)
	db.terms.slow = 0
	const word = "fighting"
	var small conflict.ActorID
	for id := conflict.ActorID(1); id <= 200 && small == 0; id++ {
		if n := len(bruteForce(t, db, conflict.EventFilter{Actors: []conflict.ActorID{id}})); n > 70 && n < 300 {
			small = id
		}
	}
	if small == 0 {
		t.Fatal("the seed has no actor of 70 to 300 events")
	}
	f := conflict.EventFilter{Actors: []conflict.ActorID{small}, Query: word, Limit: 20}
	checks := func() string {
		t.Helper()
		var out []string
		if err := db.readTx(ctx, func(q querier) error {
			plan, err := planEvents(ctx, q, f)
			for _, c := range plan.checks {
				sql, _ := c(postingRow)
				out = append(out, sql)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " AND ")
	}
	if got := checks(); strings.Contains(got, "in_term_set") {
		t.Fatalf("with no set made, the list checks %s", got)
	}
	pageThrough(t, db, f, bruteForce(t, db, f))

	// A search that finds the word common has its set made.
	if _, err := db.Search(ctx, word, 20); err != nil {
		t.Fatal(err)
	}
	db.terms.wait()
	if got := checks(); !strings.Contains(got, "in_term_set") {
		t.Fatalf("with the word's set made, the list checks %s", got)
	}
	pageThrough(t, db, f, bruteForce(t, db, f))

	// Words edited away and into events of the actor.
	ids := bruteForce(t, db, f)
	if _, err := db.write.ExecContext(ctx, `UPDATE events SET body = 'Quiet.' WHERE id IN (?, ?)`, ids[0], ids[len(ids)-1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `UPDATE events SET title = 'Fighting resumed' WHERE id IN (
		SELECT event_id FROM event_actors WHERE actor_id = ? AND event_id IN (SELECT id FROM events WHERE body = 'Quiet.')
		UNION SELECT event_id FROM event_actors WHERE actor_id = ? LIMIT 1)`, small, small); err != nil {
		t.Fatal(err)
	}
	want := bruteForce(t, db, f)
	if len(want) == len(ids) {
		t.Fatalf("the edits left the actor's %d events with the word; the test needs fewer", len(want))
	}
	if got := checks(); !strings.Contains(got, "in_term_set") {
		t.Fatalf("after a write, the list checks %s", got)
	}
	pageThrough(t, db, f, want)
}
