package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/editload"
	"github.com/sitrep/sitrep/internal/synth"
)

// benchEditorial is a database with an editorial workload for the desk
// and queue benchmarks: SITREP_DESK_DB names one already made (by sitrep
// synth and scripts/deskload; it is only read), else one is generated,
// smaller, in a temporary folder.
func benchEditorial(b *testing.B) (*sqlite.DB, conflict.User) {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("SITREP_DESK_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "desk.db")
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if os.Getenv("SITREP_DESK_DB") != "" {
		u, err := db.FindUserByEmail(ctx, "curator@desk.example")
		if err != nil {
			b.Fatalf("%s has no curator: load it with scripts/deskload: %v", path, err)
		}
		return db, u
	}
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := synth.Generate(ctx, db, synth.Options{Events: 20000, Estimates: 2000, Actors: 100, Places: 300, Sources: 500, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	cfg := editload.Config{Drafts: 3000, Updates: 1, Submitted: 1500, Published: 700, Rejected: 100,
		Returned: 100, CuratorPending: 50, Editors: 10, EditsEach: 50, Password: "desk-load-password"}
	res, err := editload.Seed(ctx, db, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return db, res.Curator
}

// BenchmarkDesk reads the first page of every list of a prolific
// curator's desk, then each list on its own, and the header's count.
func BenchmarkDesk(b *testing.B) {
	db, curator := benchEditorial(b)
	ctx := context.Background()
	b.Run("desk", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.FindDesk(ctx, curator.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, l := range sqlite.DeskLists {
		b.Run(string(l), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.FindDeskList(ctx, curator.ID, l, "", 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("header-count", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.CountReturned(ctx, curator.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReviewQueue reads the first page of the queue, a page deep in
// it, and a page of one editor's work.
func BenchmarkReviewQueue(b *testing.B) {
	db, _ := benchEditorial(b)
	ctx := context.Background()
	first, err := db.FindQueue(ctx, sqlite.QueueFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var editor conflict.UserID
	if len(first.Editors) > 0 {
		editor = first.Editors[len(first.Editors)-1].ID
	}
	for name, f := range map[string]sqlite.QueueFilter{
		"first":  {},
		"second": {After: first.Next},
		"events": {Kind: conflict.EventRecord},
		"editor": {Editor: editor},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.FindQueue(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
