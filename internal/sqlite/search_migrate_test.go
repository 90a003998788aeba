package sqlite_test

import (
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
