package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// termVocabulary are the words of the synthetic events and quotes: the
// first few are in most of them, as "report" and "village" are in a real
// record, the rest rarer.
var termVocabulary = []string{"shelling", "village", "families", "convoy", "dawn", "bridge", "officials", "satellite", "outskirts", "casualties"}

// termText makes words of termVocabulary, the first words likeliest.
func termText(r *rand.Rand, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = termVocabulary[min(r.IntN(len(termVocabulary)), r.IntN(len(termVocabulary)))]
	}
	return strings.Join(words, " ")
}

// termSetsDB is a database of count events whose titles, bodies and
// quotes are words of termVocabulary.
func termSetsDB(t *testing.T, r *rand.Rand, count int) *sqlite.DB {
	t.Helper()
	db := sqlitetest.New(t)
	seedTermEvents(t, db, r, count)
	return db
}

// seedTermEvents adds count such events to db.
func seedTermEvents(t *testing.T, db *sqlite.DB, r *rand.Rand, count int) {
	t.Helper()
	var events []*conflict.Event
	for i := range count {
		events = append(events, &conflict.Event{Title: termText(r, 3), Body: termText(r, 6), Status: conflict.Published,
			Date:      edtf.MustParse(fmt.Sprintf("2016-%02d-%02d", 1+i%12, 1+i%28)),
			Citations: []conflict.Citation{{Source: newSource(i), Quote: termText(r, 4)}}})
	}
	if err := db.CreateEvents(t.Context(), events, conflict.Change{AuthorName: "import"}); err != nil {
		t.Fatal(err)
	}
}

// termQuery is a query a reader might type of termVocabulary's words:
// plain words mostly, sometimes one left out, a prefix or a phrase.
func termQuery(r *rand.Rand) string {
	var terms []string
	for range 1 + r.IntN(3) {
		w := termVocabulary[r.IntN(len(termVocabulary))]
		switch r.IntN(10) {
		case 0:
			w = "-" + w
		case 1:
			w = w[:3] + "*"
		case 2:
			w = `"` + w + " " + termVocabulary[r.IntN(len(termVocabulary))] + `"`
		}
		terms = append(terms, w)
	}
	return strings.Join(terms, " ")
}

// sameAsIndex fails the test unless Search finds for each query what
// FTS5 alone finds.
func sameAsIndex(t *testing.T, db *sqlite.DB, queries []string) {
	t.Helper()
	for _, q := range queries {
		got, err := db.Search(t.Context(), q, 20)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		want, err := db.SearchByIndex(t.Context(), q, 20)
		if err != nil {
			t.Fatalf("SearchByIndex(%q): %v", q, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%q) = %d events (%d counted), %d others %v;\nby the index alone %d events (%d counted), %d others %v",
				q, len(got.Events), got.EventCount, len(got.Others), got.OtherCounts,
				len(want.Events), want.EventCount, len(want.Others), want.OtherCounts)
		}
	}
}

// Searches counted from sets of common words' matches find what the
// search index alone finds, for many queries, before and after the sets
// are made, and after writes that add, edit and retract events.
func TestSearchTermSetsMatchIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	db := termSetsDB(t, r, 400)
	db.SetTermSetsSlow(0)
	// Sets are read in many chunks, as those of common words are.
	db.SetTermSetsChunk(7)
	queries := []string{"shelling", "village shelling", "shelling -village", "satellite outskirts casualties", "casualties -casualties",
		`"village"`, "''' shelling", "’ village -’", "Shelling VILLAGE", "village AND shelling", "shelling:"}
	for range 60 {
		queries = append(queries, termQuery(r))
	}
	sameAsIndex(t, db, queries)
	db.WaitForTermSets()
	before := db.TermSetAnswers()
	sameAsIndex(t, db, queries)
	if db.TermSetAnswers() == before {
		t.Fatal("no search was counted from sets once they were made")
	}

	ctx := t.Context()
	ch := conflict.Change{AuthorName: "import", Summary: "Corrected."}
	sources := 9000
	add := func(title, body string) conflict.Event {
		t.Helper()
		sources++
		e := conflict.Event{Title: title, Body: body, Status: conflict.Published, Date: edtf.MustParse("2017-03-01"),
			Citations: []conflict.Citation{{Source: newSource(sources), Quote: "Reported."}}}
		if err := db.CreateEvent(ctx, &e, ch); err != nil {
			t.Fatal(err)
		}
		return e
	}
	found := func(q string, e conflict.Event) bool {
		t.Helper()
		res, err := db.Search(ctx, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(res.Events, func(h conflict.SearchHit) bool { return h.ID == int64(e.ID) })
	}
	// Two words that meet in no event: once their sets are made, the
	// sets say so.
	const both = "ceasefire negotiations"
	add("Ceasefire declared", "In the north.")
	add("Negotiations stall", "In the south.")
	for range 2 {
		if res, err := db.Search(ctx, both, 20); err != nil || len(res.Events) > 0 {
			t.Fatalf("Search(%q) = %d events, %v; want none", both, len(res.Events), err)
		}
		db.WaitForTermSets()
	}
	before = db.TermSetAnswers()
	if _, err := db.Search(ctx, both, 20); err != nil || db.TermSetAnswers() == before {
		t.Fatalf("Search(%q) was not counted from sets", both)
	}

	// A new event with both is found at once, though the sets were made
	// before it.
	e := add("Ceasefire negotiations open", "Both sides attend.")
	if !found(both, e) {
		t.Errorf("Search(%q) misses the event just published", both)
	}
	db.WaitForTermSets()
	sameAsIndex(t, db, append(queries, both))

	// Its words edited away, it is no longer found.
	e.Title = "Talks open"
	if _, err := db.UpdateEvent(ctx, &e, e.Version, ch); err != nil {
		t.Fatal(err)
	}
	if found(both, e) {
		t.Errorf("Search(%q) finds the event whose words were edited away", both)
	}
	db.WaitForTermSets()
	sameAsIndex(t, db, append(queries, both))

	// Retracted, it leaves the results.
	cur, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Title = "Ceasefire negotiations open"
	if _, err := db.UpdateEvent(ctx, &cur, cur.Version, ch); err != nil {
		t.Fatal(err)
	}
	if !found(both, e) {
		t.Errorf("Search(%q) misses the event whose words were restored", both)
	}
	db.WaitForTermSets()
	if cur, err = db.FindEventByID(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, e.ID, conflict.ActionRetract, "Withdrawn.", cur.Version, conflict.RoleReviewer, conflict.Change{AuthorName: "reviewer"}); err != nil {
		t.Fatal(err)
	}
	if found(both, e) {
		t.Errorf("Search(%q) finds the retracted event", both)
	}
	sameAsIndex(t, db, append(queries, both))
}

// A word in more events than are ranked gets a set of its matches after
// its first search, made in the background, and the next search of it is
// counted from the set; a word searched but rare does not.
func TestSearchCommonWordsAreCountedFromSets(t *testing.T) {
	db := termSetsDB(t, rand.New(rand.NewPCG(3, 4)), 2*conflict.SearchCountLimit)
	// Only the count decides here, not how long it took on a busy machine.
	db.SetTermSetsSlow(time.Hour)
	ctx := t.Context()
	search := func(q string) conflict.SearchResults {
		t.Helper()
		res, err := db.Search(ctx, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := search("shelling")
	if !first.Broad {
		t.Fatalf("Search(shelling) counted %d events, want more than %d", first.EventCount, conflict.SearchCountLimit)
	}
	db.WaitForTermSets()
	// The sets are kept in the file beside the database, not the heap.
	if live, segments := db.SpillStats(); live == 0 || segments == 0 {
		t.Errorf("the sets made take %d bytes in %d segments of the spill store, want some", live, segments)
	}
	before := db.TermSetAnswers()
	if again := search("shelling"); !reflect.DeepEqual(again, first) {
		t.Errorf("Search(shelling) from sets = %+v, want %+v", again, first)
	}
	if db.TermSetAnswers() != before+2 {
		t.Errorf("Search(shelling) after warm-up: %d counts from sets, want 2 (events and other records)", db.TermSetAnswers()-before)
	}
	search("zzzz")
	db.WaitForTermSets()
	before = db.TermSetAnswers()
	search("zzzz")
	if db.TermSetAnswers() != before {
		t.Error("Search(zzzz), a word in nothing, was counted from a set")
	}
}

// Warming at start makes the sets of the words a sample shows common, so
// that the first search of them after start is counted from sets, and
// leaves rare words to be proved common by searches.
func TestWarmSearchMakesCommonWordsSets(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	db := termSetsDB(t, r, 1200)
	ctx := t.Context()
	// A word in a handful of events is not worth a set.
	for i := range 5 {
		e := conflict.Event{Title: "Ambush near the ford", Body: "Rare.", Status: conflict.Published, Date: edtf.MustParse("2017-03-01"),
			Citations: []conflict.Citation{{Source: newSource(8000 + i), Quote: "Reported."}}}
		if err := db.CreateEvent(ctx, &e, conflict.Change{AuthorName: "import"}); err != nil {
			t.Fatal(err)
		}
	}
	words, err := db.WarmSearch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if words < 4 {
		t.Errorf("warming chose %d words; want at least shelling and village in events and quotes", words)
	}
	before := db.TermSetAnswers()
	res, err := db.Search(ctx, "shelling village", 20)
	if err != nil {
		t.Fatal(err)
	}
	// Both indexes, the events' and the quotes', count from sets.
	if got := db.TermSetAnswers() - before; got != 2 {
		t.Errorf("the first search of two common words after warming was counted from sets %d times; want 2 (events and quotes)", got)
	}
	before = db.TermSetAnswers()
	if _, err := db.Search(ctx, "ambush", 20); err != nil {
		t.Fatal(err)
	}
	if db.TermSetAnswers() != before {
		t.Error("a word in five events had a set made by warming")
	}
	sameAsIndex(t, db, []string{"shelling village", "village -shelling", "ambush shelling"})
	if res.EventCount <= 500 {
		t.Errorf("the common words matched %d events; the test needs more than the ranking limit", res.EventCount)
	}
}

// A database closed while warming ends it at once, with an error a caller
// can tell from a failure.
func TestWarmSearchEndsWhenClosed(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	seedTermEvents(t, db, r, 1200)
	// Sets read a row at a time take long enough to be closed under.
	db.SetTermSetsChunk(1)
	done := make(chan error, 1)
	go func() {
		_, err := db.WarmSearch(context.Background())
		done <- err
	}()
	// Closed once the sets are being made, not while the rows are sampled.
	for deadline := time.Now().Add(10 * time.Second); !db.TermSetsBuilding(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("warming made no set")
		}
	}
	// Stopped at once, here: a goroutine that closes could start only
	// after the last set was made, on a loaded machine (warming then ends
	// on its own, with no error), and did once. It waits for the stop.
	db.TermSetsStop()
	closed := make(chan struct{})
	go func() { db.TermSetsClose(); close(closed) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("WarmSearch on a closed database = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WarmSearch went on after the database closed")
	}
	<-closed
}

// Sets made before a write are brought up to date from the rows the write
// changed, so that the searches right after it are still counted from
// sets, and find what the index alone finds: an event published, its
// words and quote edited (the quote's old row deleted), retracted, a batch
// created, an actor added. A bulk load, which logs no rows, puts the sets
// out of use until they are read again.
func TestSearchTermSetsFollowWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	db := termSetsDB(t, r, 300)
	db.SetTermSetsSlow(0)
	ctx := t.Context()
	ch := conflict.Change{AuthorName: "import", Summary: "Corrected."}
	// ceasefire is in as many events and quotes as a search counts
	// exactly: one more makes its results broad, one fewer not, so a set
	// that missed a change would show.
	var seed []*conflict.Event
	for i := range conflict.SearchCountLimit {
		seed = append(seed, &conflict.Event{Title: "Ceasefire " + termText(r, 2), Body: termText(r, 5), Status: conflict.Published,
			Date: edtf.MustParse("2016-06-01"), Citations: []conflict.Citation{{Source: newSource(i), Quote: "Ceasefire " + termText(r, 3)}}})
	}
	if err := db.CreateEvents(ctx, seed, ch); err != nil {
		t.Fatal(err)
	}
	queries := []string{"shelling", "village shelling", "convoy -village", "families dawn bridge", "ceasefire", "ceasefire shelling", "officials -ceasefire"}
	sameAsIndex(t, db, queries)
	db.WaitForTermSets()

	// fromSets fails unless a search of every query right after a write
	// is counted from sets in both indexes, and finds what the index does.
	fromSets := func(write string) {
		t.Helper()
		before := db.TermSetAnswers()
		sameAsIndex(t, db, queries)
		if got, want := db.TermSetAnswers()-before, int64(2*len(queries)); got != want {
			t.Errorf("after %s, %d of %d counts were made from sets", write, got, want)
		}
	}
	fromSets("no write")

	e := conflict.Event{Title: "Ceasefire shelling near the village", Body: "Families fled at dawn.", Status: conflict.Published,
		Date: edtf.MustParse("2017-03-01"), Citations: []conflict.Citation{{Source: newSource(9001), Quote: "A ceasefire was announced by officials."}}}
	if err := db.CreateEvent(ctx, &e, ch); err != nil {
		t.Fatal(err)
	}
	fromSets("an event published")
	if res, err := db.Search(ctx, "ceasefire", 20); err != nil || !res.Broad {
		t.Fatalf("Search(ceasefire) after one more event: broad %v, %v; the test needs the limit passed", res.Broad, err)
	}

	e.Title, e.Body = "Talks at the bridge", "Convoy waited."
	e.Citations = []conflict.Citation{{Source: newSource(9001), Quote: "Officials spoke of a convoy."}}
	if _, err := db.UpdateEvent(ctx, &e, e.Version, ch); err != nil {
		t.Fatal(err)
	}
	fromSets("an event's words and quote edited")

	cur, err := db.FindEventByID(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, e.ID, conflict.ActionRetract, "Withdrawn.", cur.Version, conflict.RoleReviewer, conflict.Change{AuthorName: "reviewer"}); err != nil {
		t.Fatal(err)
	}
	fromSets("an event retracted")

	var batch []*conflict.Event
	for i := range 5 {
		batch = append(batch, &conflict.Event{Title: "Ceasefire " + termText(r, 2), Body: termText(r, 5), Status: conflict.Published,
			Date: edtf.MustParse("2017-04-01"), Citations: []conflict.Citation{{Source: newSource(9100 + i), Quote: "Ceasefire " + termText(r, 3)}}})
	}
	if err := db.CreateEvents(ctx, batch, ch); err != nil {
		t.Fatal(err)
	}
	fromSets("a batch of events created")

	if err := db.CreateActor(ctx, &conflict.Actor{Name: "Ceasefire Monitors", Description: "Officials at the village."}, ch); err != nil {
		t.Fatal(err)
	}
	fromSets("an actor added")

	l, err := db.NewLoader(ctx, conflict.Change{AuthorName: "load", Import: true}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		ev := conflict.Event{Title: "Shelling ceasefire " + termText(r, 2), Body: termText(r, 5), Status: conflict.Published,
			Date: edtf.MustParse("2017-05-01"), Citations: []conflict.Citation{{Source: newSource(9200 + i), Quote: "Village " + termText(r, 3)}}}
		if err := l.Source(&ev.Citations[0].Source); err != nil {
			t.Fatal(err)
		}
		if err := l.Event(&ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The first search after it: the sets of its words, made before the
	// load, are not used. (Later ones may find sets made since.)
	before := db.TermSetAnswers()
	sameAsIndex(t, db, queries[1:2])
	if db.TermSetAnswers() != before {
		t.Errorf("after a bulk load, %d counts were made from sets read before it", db.TermSetAnswers()-before)
	}
	sameAsIndex(t, db, queries)
	db.WaitForTermSets()
	fromSets("a bulk load, once the sets were read again")
}

// A set pushed out of its bound (lowered by the memory governor) is not
// made again at once: the searches that ask for it are counted by the
// index meanwhile, rather than a core spent making sets that do not stay.
// Once the while has passed, it is made again.
func TestTermSetsPushedOutAreNotMadeAgainAtOnce(t *testing.T) {
	db := termSetsDB(t, rand.New(rand.NewPCG(5, 6)), 2*conflict.SearchCountLimit)
	db.SetTermSetsSlow(time.Hour)
	ctx := t.Context()
	first, err := db.Search(ctx, "shelling", 20)
	if err != nil {
		t.Fatal(err)
	}
	db.WaitForTermSets()
	made := db.TermSetBuilds()
	if made == 0 {
		t.Fatal("a search of a word in most events made no set")
	}
	sets := db.TermSetsCache()
	full := sets.GetMaximum()
	sets.SetMaximum(1)
	sets.(interface{ CleanUp() }).CleanUp()
	if sets.WeightedSize() != 0 {
		t.Fatalf("sets of %d bytes kept in a bound of one", sets.WeightedSize())
	}

	before := db.TermSetAnswers()
	again, err := db.Search(ctx, "shelling", 20)
	if err != nil {
		t.Fatal(err)
	}
	db.WaitForTermSets()
	if !reflect.DeepEqual(again, first) {
		t.Errorf("Search(shelling) with its sets pushed out = %+v, want %+v", again, first)
	}
	if db.TermSetAnswers() != before {
		t.Error("a search was counted from a set that was pushed out")
	}
	if db.TermSetBuilds() != made {
		t.Errorf("%d sets made again right after they were pushed out", db.TermSetBuilds()-made)
	}

	sets.SetMaximum(full)
	db.SetTermSetRemade(0)
	if _, err := db.Search(ctx, "shelling", 20); err != nil {
		t.Fatal(err)
	}
	db.WaitForTermSets()
	if db.TermSetBuilds() == made {
		t.Error("with room again and the while passed, no set was made again")
	}
	before = db.TermSetAnswers()
	if _, err := db.Search(ctx, "shelling", 20); err != nil {
		t.Fatal(err)
	}
	if db.TermSetAnswers() == before {
		t.Error("once made again, the set did not count the search")
	}
}
