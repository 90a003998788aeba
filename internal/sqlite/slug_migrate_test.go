package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// TestMigrateEventsSlugFromTitle migrates a database of version 31, whose
// events stored a slug beside their title: the column is gone, and every
// way an event is read names it by its title's slug, an Arabic title's
// included, a slug stored by another rule having given way.
func TestMigrateEventsSlugFromTitle(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := sqlitetest.MigratedTo(t, path, 31)
	for _, q := range []string{
		`INSERT INTO sources (id, url, url_key, publisher, title, created_at, updated_at) VALUES (1, 'https://example.org/r', 'example.org/r', 'Radio Dabanga', 'Report', 'x', 'x')`,
		`INSERT INTO events (id, slug, title, date, date_lo, date_hi, body, status, created_at, updated_at) VALUES
			(1, 'an-older-rule', 'Shelling of al-Fashir market', '2024-05-10', '2024-05-10', '2024-05-10', 'Shells fell on the market.', 'published', 'x', 'x'),
			(2, 'x', 'قصف سوق الفاشر', '2024-05-11', '2024-05-11', '2024-05-11', 'Shells fell on the market again.', 'published', 'x', 'x')`,
		`INSERT INTO citations (source_id, event_id, quote, position) VALUES (1, 1, 'Witnesses counted shells on the market.', 0)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db := sqlitetest.Open(t, path)
	raw = openRaw(t, path)
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM pragma_table_info('events') WHERE name = 'slug'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("events still has a slug column (%d, %v)", n, err)
	}

	want := map[conflict.EventID]string{1: "shelling-of-al-fashir-market", 2: "event"}
	for id, slug := range want {
		e, err := db.FindEventByID(ctx, id)
		if err != nil {
			t.Fatalf("FindEventByID(%d): %v", id, err)
		}
		if e.Slug != slug {
			t.Errorf("event %d: slug %q, want %q", id, e.Slug, slug)
		}
	}
	page, err := db.FindEvents(ctx, conflict.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := db.FindEventsSorted(ctx, conflict.EventFilter{}, "place", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 2 || len(sorted.Events) != 2 {
		t.Fatalf("lists hold %d and %d events, want 2", len(page.Events), len(sorted.Events))
	}
	for _, e := range append(page.Events, sorted.Events...) {
		if e.Slug != want[e.ID] {
			t.Errorf("listed event %d: slug %q, want %q", e.ID, e.Slug, want[e.ID])
		}
	}

	res, err := db.Search(ctx, "market shells", 10)
	if err != nil {
		t.Fatal(err)
	}
	var event, quote bool
	for _, h := range res.Events {
		if h.ID == 1 {
			event = h.Slug == want[1]
		}
	}
	for _, h := range res.Others {
		if h.Kind == "quote" && h.InID == 1 {
			quote = h.InSlug == want[1]
		}
	}
	if !event || !quote {
		t.Errorf("search: event hit named by its title's slug %v, quote hit's event %v; want both (%+v)", event, quote, res)
	}
}
