// Package sqlitetest gives tests a real, migrated sitrep database: a file in
// the test's temporary directory, closed when the test ends. A file, not
// :memory:, because each pooled connection to :memory: would see its own
// empty database.
package sqlitetest

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/migrations"
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

// MigratedTo makes a database at path in the schema of an older version,
// migrated up to and including version, and returns a plain connection
// to it, with none of sitrep's own setup, for the test to write rows as
// that version stored them. The test closes it before it opens the
// database with Open, which migrates it the rest of the way.
func MigratedTo(t testing.TB, path string, version int64) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, raw, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), version); err != nil {
		t.Fatalf("migrating to version %d: %v", version, err)
	}
	return raw
}
