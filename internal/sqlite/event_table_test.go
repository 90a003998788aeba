package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
)

// TestSortedTablesSortTheFirstEvents: a table sorted by place or by
// sources orders the first TableSortLimit events of the list in date
// order, page by page, and says when the list has more.
func TestSortedTablesSortTheFirstEvents(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "table.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedSkewed(t, db, TableSortLimit+300)
	firstIDs := map[conflict.EventID]bool{}
	page, err := db.FindEvents(ctx, conflict.EventFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Events {
		firstIDs[e.ID] = true
	}
	for _, sort := range []string{"place", "-place", "sources", "-sources"} {
		t.Run(sort, func(t *testing.T) {
			var seen []conflict.Event
			counts := map[conflict.EventID]int{}
			for p := 1; ; p++ {
				got, err := db.FindEventsSorted(ctx, conflict.EventFilter{}, sort, p, 300)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Capped || got.Total != TableSortLimit {
					t.Fatalf("Capped %v, Total %d: the list has more than %d", got.Capped, got.Total, TableSortLimit)
				}
				if len(got.Events) == 0 {
					break
				}
				seen = append(seen, got.Events...)
				for id, n := range got.Citations {
					counts[id] = n
				}
			}
			if len(seen) != TableSortLimit {
				t.Fatalf("the pages hold %d events, want %d", len(seen), TableSortLimit)
			}
			for i, e := range seen {
				if !firstIDs[e.ID] {
					t.Fatalf("event %d is not among the list's first %d", e.ID, TableSortLimit)
				}
				if i == 0 {
					continue
				}
				prev := seen[i-1]
				var order int
				switch strings.TrimPrefix(sort, "-") {
				case "place":
					order = strings.Compare(placeName(prev), placeName(e))
				case "sources":
					order = counts[prev.ID] - counts[e.ID]
				}
				if strings.HasPrefix(sort, "-") {
					order = -order
				}
				if order > 0 {
					t.Errorf("row %d (%d) comes after row %d (%d) out of order", i+1, e.ID, i, prev.ID)
				}
			}
		})
	}
}

func placeName(e conflict.Event) string {
	if e.Place == nil {
		return "\uffff"
	}
	return strings.ToLower(e.Place.Name)
}
