package sqlite

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/histogram"
	"github.com/sitrep/sitrep/internal/spill"
)

// TestDaySeriesFollowWrites: the counts over time of an actor's list,
// read right after each kind of write, are what the day tallies hold
// then; a write that leaves an actor alone does not make its series be
// read again, and a bulk load makes every series be read again.
func TestDaySeriesFollowWrites(t *testing.T) {
	ctx := t.Context()
	db := openTemp(t, "days.db")
	ch := conflict.Change{AuthorName: "import", Import: true, Summary: "Corrected."}
	var actors []conflict.ActorRef
	for _, name := range []string{"Badr Organization", "Islamic State"} {
		a := conflict.Actor{Name: name}
		if err := db.CreateActor(ctx, &a, ch); err != nil {
			t.Fatal(err)
		}
		actors = append(actors, a.Ref())
	}
	src := conflict.Source{URL: "https://example.org/report", Publisher: "Wire Service", Title: "Report"}
	if err := db.CreateSource(ctx, &src, ch); err != nil {
		t.Fatal(err)
	}
	keys := []string{"a:" + strconv.Itoa(int(actors[0].ID)), "a:" + strconv.Itoa(int(actors[1].ID)), "*"}
	event := func(actor int, day string) *conflict.Event {
		return &conflict.Event{Title: "Clashes on " + day, Date: edtf.MustParse(day), Status: conflict.Published,
			Actors:    []conflict.EventActor{{Actor: actors[actor], Role: "actor"}},
			Citations: []conflict.Citation{{Source: src, Quote: "Fighting was reported."}}}
	}
	var seed []*conflict.Event
	for _, day := range []string{"2016-01-05", "2016-01-05", "2016-02-10", "2017-07-01"} {
		seed = append(seed, event(0, day))
	}
	seed = append(seed, event(1, "2016-03-03"))
	if err := db.CreateEvents(ctx, seed, ch); err != nil {
		t.Fatal(err)
	}

	// same fails unless every key's series, cut to a span and whole, is
	// what the tallies hold, and the number of series read from the
	// database since the last check is reads.
	last := db.DaySeriesReads()
	same := func(write string, reads int64) {
		t.Helper()
		for _, key := range keys {
			for _, span := range [][2]string{{"", ""}, {"2016-01-06", "2016-12-31"}, {"2017-01-01", ""}} {
				series, err := db.DayTally(ctx, key, span[0], span[1])
				if err != nil {
					t.Fatal(err)
				}
				want := talliedDays(t, db, key, span[0], span[1])
				if got := series.Days(); !reflect.DeepEqual(got, want) {
					t.Errorf("after %s, %s from %q to %q: %v, the tallies hold %v", write, key, span[0], span[1], got, want)
				}
				// The histogram counted from the packed series draws
				// what the days themselves would.
				got := histogram.MakeOf(series, 0, false, span[0], span[1])
				if want := histogram.Make(conflict.DayCounts{Days: want}, span[0], span[1]); !reflect.DeepEqual(got, want) {
					t.Errorf("after %s, %s from %q to %q: the histogram of the series is %+v, of its days %+v", write, key, span[0], span[1], got, want)
				}
			}
		}
		if got := db.DaySeriesReads() - last; got != reads {
			t.Errorf("after %s, %d series were read, want %d", write, got, reads)
		}
		last = db.DaySeriesReads()
	}
	same("the first reads", 3)
	same("no write", 0)

	// Publishing for the second actor moves its tallies and every
	// event's, not the first actor's.
	if err := db.CreateEvent(ctx, event(1, "2016-03-04"), ch); err != nil {
		t.Fatal(err)
	}
	same("an event of the second actor published", 2)

	// An event of the first actor moved to another day.
	moved := seed[2]
	moved.Date = edtf.MustParse("2016-11-30")
	if _, err := db.UpdateEvent(ctx, moved, moved.Version, ch); err != nil {
		t.Fatal(err)
	}
	if got := talliedDays(t, db, keys[0], "2016-11-30", "2016-11-30"); len(got) != 1 {
		t.Fatalf("the edit did not reach the tallies: %v", got)
	}
	same("an event's date edited", 2)

	cur, err := db.FindEventByID(ctx, seed[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetEventStatus(ctx, cur.ID, conflict.ActionRetract, "Withdrawn.", cur.Version, conflict.RoleReviewer, conflict.Change{AuthorName: "reviewer"}); err != nil {
		t.Fatal(err)
	}
	same("an event retracted", 2)

	// A bulk load sets the marks' triggers aside and marks every key.
	l, err := db.NewLoader(ctx, ch, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Event(event(1, "2018-05-05")); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	same("a bulk load", 3)

	// Warming reads what a write made stale, and nothing else, so the
	// next reader reads nothing.
	if err := db.CreateEvent(ctx, event(0, "2019-01-01"), ch); err != nil {
		t.Fatal(err)
	}
	if n, err := db.WarmDaySeries(ctx); err != nil || n != 2 {
		t.Fatalf("WarmDaySeries after an event of the first actor = %d, %v; want 2 read", n, err)
	}
	last = db.DaySeriesReads()
	same("a write and warming", 0)
	if n, err := db.WarmDaySeries(ctx); err != nil || n != 0 {
		t.Errorf("WarmDaySeries with every series current = %d, %v; want none read", n, err)
	}
}

// talliedDays reads a key's days from the tallies themselves.
func talliedDays(t *testing.T, db *DB, key, from, to string) []conflict.DayCount {
	t.Helper()
	rows, err := db.read.QueryContext(t.Context(), `SELECT day, n FROM event_key_days
		WHERE key = ? AND n > 0 AND (?2 = '' OR day >= ?2) AND (?3 = '' OR day <= ?3) ORDER BY day`, key, from, to)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []conflict.DayCount
	for rows.Next() {
		var d conflict.DayCount
		if err := rows.Scan(&d.Day, &d.N); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// TestDaySeriesKeepDaysThatDoNotPack: a series with a day outside the
// years 0000–9999 (here before the common era, which sorts first as text,
// as the tallies list it) is kept as it is read, and cut and counted the
// same way.
func TestDaySeriesKeepDaysThatDoNotPack(t *testing.T) {
	s := &keptSeries{}
	s.add([]byte("1999-12-31"), 2)
	s.add([]byte("2000-01-01"), 3)
	if s.plain != nil || len(s.days) != 2 {
		t.Fatalf("ISO days were not packed: %+v", s)
	}
	if got, want := s.cut("2000-01-01", ""), []conflict.DayCount{{Day: "2000-01-01", N: 3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("cut from 2000 = %v, want %v", got, want)
	}
	if got := s.count("", "1999-12-31"); got != 2 {
		t.Errorf("count to 1999 = %d, want 2", got)
	}

	s = &keptSeries{}
	s.add([]byte("-0044-03-15"), 1)
	s.add([]byte("1999-12-31"), 2)
	s.add([]byte("2000-01-01"), 3)
	if s.days != nil || len(s.plain) != 3 {
		t.Fatalf("a day before the common era left the series packed: %+v", s)
	}
	want := []conflict.DayCount{{Day: "-0044-03-15", N: 1}, {Day: "1999-12-31", N: 2}, {Day: "2000-01-01", N: 3}}
	if got := s.cut("", ""); !reflect.DeepEqual(got, want) {
		t.Errorf("whole series = %v, want %v", got, want)
	}
	if got := s.count("1999-01-01", ""); got != 5 {
		t.Errorf("count from 1999 = %d, want 5", got)
	}
	if first, last, ok := s.span("", "1999-12-31"); !ok || first != "-0044-03-15" || last != "1999-12-31" {
		t.Errorf("span to the end of 1999 = %q, %q, %v", first, last, ok)
	}
}

// TestDaySeriesInTheSpillStore: series kept in the spill store are cut as
// they were kept; once writes have replaced most of them, leaving a few
// old ones in each segment, moving those out lets the segments close, and
// every series still reads the same.
func TestDaySeriesInTheSpillStore(t *testing.T) {
	store, err := spill.Open(t.TempDir(), 4096, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	d := newDaySeries(store)
	series := func(key string, round int) *keptSeries {
		s := &keptSeries{}
		for i := range 40 {
			s.add([]byte(fmt.Sprintf("20%02d-%02d-01", i/12, 1+i%12)), round*100+i+len(key))
		}
		return s
	}
	want := map[string]*keptSeries{}
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = "a:" + strconv.Itoa(i)
		want[keys[i]] = series(keys[i], 0)
		d.keep(keys[i], want[keys[i]])
	}
	// Writes replace every key but one in ten, many times over.
	for round := 1; round <= 6; round++ {
		for i, key := range keys {
			if i%10 != 0 {
				want[key] = series(key, round)
				d.keep(key, want[key])
			}
		}
	}
	check := func(when string) {
		t.Helper()
		for _, key := range keys {
			s, ok := d.kept.GetIfPresent(key)
			if !ok {
				t.Fatalf("%s: series %s not kept", when, key)
			}
			if s.kept.Len() == 0 {
				t.Fatalf("%s: series %s kept in the heap, not the spill store", when, key)
			}
			got, ok := d.cut(s, "2001-01-01", "2002-06-30")
			if !ok {
				t.Fatalf("%s: series %s no longer in the store", when, key)
			}
			if !reflect.DeepEqual(got.Days(), want[key].cut("2001-01-01", "2002-06-30")) {
				t.Fatalf("%s: series %s cut as %v, want %v", when, key, got.Days(), want[key].cut("2001-01-01", "2002-06-30"))
			}
		}
	}
	check("kept")
	settled := func() (live, segments int) {
		// The cache tells of replaced series on a goroutine of its own.
		for range 100 {
			before, _ := store.Stats()
			time.Sleep(10 * time.Millisecond)
			if after, n := store.Stats(); after == before {
				return after, n
			}
		}
		return store.Stats()
	}
	_, before := settled()
	// As a put the store refused would: the segments to empty are chosen,
	// and the series moved out of them.
	var tidy spill.Tidier
	moved := make(chan struct{})
	tidy.Refused(store, func() { d.moveOut(); close(moved) })
	<-moved
	live, after := settled()
	// What is kept fills some segments whole, and the one written to.
	if least := live/4096 + 2; after > least || after >= before {
		t.Errorf("moving the series out of sparse segments left %d of %d segments open, want at most %d", after, before, least)
	}
	if perKey := 40 * 8; live != len(keys)*perKey {
		t.Errorf("the store holds %d bytes, want %d: one series a key", live, len(keys)*perKey)
	}
	check("moved")
}
