package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// A database from before migration 0029 had two indexes of the events'
// words; migrated, it has one, which finds the published events for
// readers and the drafts, which the dropped index alone held, for editors.
func TestMigrateToOneEventsIndex(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := sqlitetest.MigratedTo(t, path, 28)
	for _, e := range []struct {
		id            int
		title, status string
	}{{1, "Convoy ambushed near Zubayr", "published"}, {2, "Zubayr checkpoint reopened", "draft"}, {3, "Shelling in Zubayr", "retracted"}} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO events (id, slug, title, date, date_lo, date_hi, body, status, created_at, updated_at)
			VALUES (?, ?, ?, '2016-10-01', '2016-10-01', '2016-10-01', 'Words.', ?, 'x', 'x')`, e.id, e.title, e.title, e.status); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db := sqlitetest.Open(t, path)
	for _, tt := range []struct {
		statuses []conflict.Status
		want     []string
	}{
		{nil, []string{"Convoy ambushed near Zubayr"}},
		{[]conflict.Status{conflict.Published, conflict.Retracted}, []string{"Convoy ambushed near Zubayr", "Shelling in Zubayr"}},
		{[]conflict.Status{conflict.Draft}, []string{"Zubayr checkpoint reopened"}},
	} {
		page, err := db.FindEvents(ctx, conflict.EventFilter{Query: "zubayr", Statuses: tt.statuses})
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(page.Events); !slices.Equal(got, tt.want) {
			t.Errorf("events of %v by word after migrating = %q, want %q", tt.statuses, got, tt.want)
		}
	}
	res, err := db.Search(ctx, "zubayr", 20)
	if err != nil || len(res.Events) != 1 || res.Events[0].ID != 1 {
		t.Errorf("search after migrating found %+v (%v); want the published event", res.Events, err)
	}
}

// TestMigrateRecordsIndexFromTheirTables migrates a database of version
// 29, whose index of actors, places, sources and quotes read its text
// from a copy (records_text): the copy is gone, each kind is still found
// by its words, names, aliases and other names with its matches marked,
// and the index follows edits made after.
func TestMigrateRecordsIndexFromTheirTables(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := sqlitetest.MigratedTo(t, path, 29)
	for _, q := range []string{
		`INSERT INTO actors (id, slug, name, description, created_at, updated_at) VALUES (7, 'jaysh-al-fath', 'Jaysh al-Fath', 'A coalition in Idlib.', 'x', 'x')`,
		`INSERT INTO actor_aliases (actor_id, alias) VALUES (7, 'جيش الفتح')`,
		`INSERT INTO places (id, slug, name, description, created_at, updated_at) VALUES (5, 'zubayr', 'Zubayr', 'A town south of Basra.', 'x', 'x')`,
		`INSERT INTO place_names (place_id, name) VALUES (5, 'الزبير')`,
		`INSERT INTO sources (id, url, publisher, title, notes, created_at, updated_at) VALUES (3, 'https://example.org/a', 'Rudaw', 'Checkpoints around Zubayr', '', 'x', 'x')`,
		`INSERT INTO events (id, slug, title, date, date_lo, date_hi, status, created_at, updated_at)
			VALUES (1, 'convoy', 'Convoy ambushed', '2016-10-01', '2016-10-01', '2016-10-01', 'published', 'x', 'x')`,
		`INSERT INTO citations (id, source_id, event_id, quote) VALUES (11, 3, 1, 'Gunmen opened fire on the lorries at dawn.')`,
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
	var copies int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'records_text'`).Scan(&copies); err != nil || copies != 0 {
		t.Errorf("records_text is still there (%d, %v)", copies, err)
	}
	found := func(query, kind, marked string) {
		t.Helper()
		res, err := db.Search(ctx, query, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Others {
			if h.Kind != kind {
				continue
			}
			for _, f := range append(h.Title, h.Snippet...) {
				if f.Match && f.Text == marked {
					return
				}
			}
			t.Errorf("Search(%q) lists the %s %v %v without %q marked", query, kind, h.Title, h.Snippet, marked)
			return
		}
		t.Errorf("Search(%q) lists no %s among %q", query, kind, hitTitles(res.Others))
	}
	found("coalition", "actor", "coalition")
	found("الفتح", "actor", "الفتح")
	found("basra", "place", "Basra")
	found("الزبير", "place", "الزبير")
	found("checkpoints", "source", "Checkpoints")
	found("lorries", "quote", "lorries")

	// Edits after the migration reach the index through its triggers.
	if _, err := raw.ExecContext(ctx, `UPDATE citations SET quote = 'Gunmen fired on the trucks.' WHERE id = 11`); err != nil {
		t.Fatal(err)
	}
	found("trucks", "quote", "trucks")
	if res, err := db.Search(ctx, "lorries", 20); err != nil || len(res.Others) != 0 {
		t.Errorf("Search(lorries) after the quote changed = %q (%v); want nothing", hitTitles(res.Others), err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM actor_aliases WHERE actor_id = 7`); err != nil {
		t.Fatal(err)
	}
	if res, err := db.Search(ctx, "الفتح", 20); err != nil || len(res.Others) != 0 {
		t.Errorf("Search(الفتح) after the alias was removed = %q (%v); want nothing", hitTitles(res.Others), err)
	}
	found("coalition", "actor", "coalition")
}
