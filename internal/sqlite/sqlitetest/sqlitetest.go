// Package sqlitetest gives tests a real, migrated sitrep database: a file in
// the test's temporary directory, closed when the test ends. A file, not
// :memory:, because each pooled connection to :memory: would see its own
// empty database.
package sqlitetest

import (
	"path/filepath"
	"testing"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// New opens a migrated, empty database in t.TempDir(). It fails the test at
// once when the database cannot be made.
func New(t testing.TB) *sqlite.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "sitrep.db"))
}

// NewWithDemo is New with the worked example loaded.
func NewWithDemo(t testing.TB) *sqlite.DB {
	t.Helper()
	db := New(t)
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return db
}

// Open opens and migrates the database at path and closes it when the test
// ends; tests that also reach the file another way (raw SQL, a second
// process) choose the path themselves.
func Open(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	return open(t, path)
}

func open(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	// The test's context is cancelled before Cleanup runs, so it is used
	// only for opening and migrating.
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("sqlite.Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("closing %s: %v", path, err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate(%q): %v", path, err)
	}
	return db
}
