package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// A search's count is kept between requests, and a new event with its
// words is counted at once: the kept count belongs to the record as it
// was, and every write starts another.
func TestSearchCountsFollowWrites(t *testing.T) {
	db := sqlitetest.New(t)
	ctx := t.Context()
	system := conflict.Change{AuthorName: "import"}
	add := func(i int, body string) {
		t.Helper()
		e := conflict.Event{Title: fmt.Sprint("Report ", i), Date: edtf.MustParse(fmt.Sprintf("2016-09-%02d", i)), Body: body,
			Status: conflict.Published, Citations: []conflict.Citation{{Source: newSource(i), Quote: "Reported."}}}
		if err := db.CreateEvent(ctx, &e, system); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		page, err := db.FindEvents(ctx, conflict.EventFilter{Query: q, Statuses: []conflict.Status{conflict.Published}})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	add(1, "A siege of the old city.")
	add(2, "The siege continued; shelling at dawn.")
	add(3, "Shelling at dawn.")
	for range 2 {
		if n := count("siege"); n != 2 {
			t.Errorf("siege: %d events, want 2", n)
		}
		if n := count("siege dawn"); n != 1 {
			t.Errorf("siege dawn: %d events, want 1", n)
		}
		if n := count("lifted"); n != 0 {
			t.Errorf("lifted: %d events, want none", n)
		}
	}
	add(4, "Siege lifted at dawn.")
	if n := count("siege"); n != 3 {
		t.Errorf("after a new event, siege: %d events, want 3", n)
	}
	if n := count("siege dawn"); n != 2 {
		t.Errorf("after a new event, siege dawn: %d events, want 2", n)
	}
	if n := count("lifted"); n != 1 {
		t.Errorf("after a new event, lifted: %d events, want 1", n)
	}
}
