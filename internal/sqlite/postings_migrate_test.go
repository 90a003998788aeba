package sqlite_test

import (
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestMigratePostingsOfOneDay migrates a database of version 30, whose
// postings carried every event's date_hi: a posting of an event of one
// day stores ” since, and a list of an actor's events from a date still
// holds the event that began before it and reaches into it, and not the
// one that ended before it, before and after an edit moves them.
func TestMigratePostingsOfOneDay(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := sqlitetest.MigratedTo(t, path, 30)
	for _, q := range []string{
		`INSERT INTO actors (id, slug, name, created_at, updated_at) VALUES (7, 'badr', 'Badr Organization', 'x', 'x')`,
		`INSERT INTO events (id, slug, title, date, date_lo, date_hi, status, created_at, updated_at) VALUES
			(1, 'a', 'Before', '2016-09-28', '2016-09-28', '2016-09-28', 'published', 'x', 'x'),
			(2, 'b', 'Reaching in', '2016-09-25/2016-10-05', '2016-09-25', '2016-10-05', 'published', 'x', 'x'),
			(3, 'c', 'On the day', '2016-10-02', '2016-10-02', '2016-10-02', 'published', 'x', 'x')`,
		`INSERT INTO event_actors (event_id, actor_id, role) VALUES (1, 7, 'actor'), (2, 7, 'actor'), (3, 7, 'actor')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db := sqlitetest.Open(t, path)
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	stored := func() map[int]string {
		t.Helper()
		rows, err := raw.QueryContext(ctx, `SELECT event_id, date_hi FROM event_postings WHERE key = 'a:7'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int]string{}
		for rows.Next() {
			var id int
			var hi string
			if err := rows.Scan(&id, &hi); err != nil {
				t.Fatal(err)
			}
			out[id] = hi
		}
		return out
	}
	if got, want := stored(), map[int]string{1: "", 2: "2016-10-05", 3: ""}; !maps.Equal(got, want) {
		t.Errorf("the actor's postings' date_hi after migrating = %v, want %v", got, want)
	}
	from := func(date string, want ...string) {
		t.Helper()
		page, err := db.FindEvents(ctx, conflict.EventFilter{Actors: []conflict.ActorID{7}, From: edtf.MustParse(date)})
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(page.Events); !slices.Equal(got, want) {
			t.Errorf("the actor's events from %s = %q, want %q", date, got, want)
		}
	}
	from("2016-10-01", "Reaching in", "On the day")
	from("2016-09-28", "Reaching in", "Before", "On the day")
	// A timeline of the actor from a date, with an event pinned: its own
	// dates are checked on each posting its actor's range reads, the
	// event of one day on it among them.
	tl := conflict.Timeline{Title: "Badr from October", Filter: conflict.TimelineFilter{Actors: []conflict.ActorID{7}, From: edtf.MustParse("2016-10-01")},
		Pinned: []conflict.EventID{1}}
	if err := db.CreateTimeline(ctx, &tl, conflict.Change{AuthorName: "import"}); err != nil {
		t.Fatal(err)
	}
	page, err := db.FindEvents(ctx, conflict.EventFilter{Timeline: &tl})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := titles(page.Events), []string{"Reaching in", "Before", "On the day"}; !slices.Equal(got, want) {
		t.Errorf("the timeline's events = %q, want %q", got, want)
	}

	// An event of one day that comes to span days stores its end, and
	// one that spanned days and comes to take one stores ''.
	for _, q := range []string{
		`UPDATE events SET date = '2016-09-28/2016-10-03', date_hi = '2016-10-03' WHERE id = 1`,
		`UPDATE events SET date = '2016-09-25', date_hi = '2016-09-25' WHERE id = 2`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if got, want := stored(), map[int]string{1: "2016-10-03", 2: "", 3: ""}; !maps.Equal(got, want) {
		t.Errorf("the actor's postings' date_hi after the edits = %v, want %v", got, want)
	}
	from("2016-10-01", "Before", "On the day")
}
