package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// openRaw opens a second, plain connection pool on the database file, for
// SQL the store would never send.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("sql.Open(%q): %v", path, err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// checkOneLine fails the test unless err is one line of text that names
// path and says want.
func checkOneLine(t *testing.T, err error, path, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Open(%q) = nil error, want one containing %q", path, want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("Open(%q) error has several lines:\n%s", path, msg)
	}
	if !strings.Contains(msg, path) {
		t.Errorf("Open(%q) error = %q, want it to name the path", path, msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("Open(%q) error = %q, want it to contain %q", path, msg, want)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()

	textFile := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(textFile, []byte(strings.Repeat("These are notes, not a database.\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	shortFile := filepath.Join(dir, "short.db")
	if err := os.WriteFile(shortFile, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path string
		want string
	}{
		{"a directory", dir, "database " + dir + ": is a directory, not a file"},
		{"a text file", textFile, "database " + textFile + ": not an SQLite database"},
		{"a short text file", shortFile, "database " + shortFile + ": not an SQLite database"},
		{"a missing folder", filepath.Join(dir, "missing", "sitrep.db"),
			"database " + filepath.Join(dir, "missing", "sitrep.db") + ": folder " + filepath.Join(dir, "missing") + " does not exist"},
		// A file where a folder should be fails even for root, which
		// permission checks do not stop.
		{"a file as the folder", filepath.Join(textFile, "sitrep.db"), textFile + " is a file, not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := sqlite.Open(t.Context(), tt.path)
			if err == nil {
				db.Close()
			}
			checkOneLine(t, err, tt.path, tt.want)
		})
	}
	t.Run("no path", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), "")
		if err == nil {
			db.Close()
			t.Fatal(`Open("") = nil error, want one`)
		}
		if got, want := err.Error(), "no database path given"; got != want {
			t.Errorf(`Open("") error = %q, want %q`, got, want)
		}
	})
	t.Run("the text file is left alone", func(t *testing.T) {
		body, err := os.ReadFile(textFile)
		if err != nil || !strings.HasPrefix(string(body), "These are notes") {
			t.Errorf("after Open, %s holds %.40q (err %v), want the notes untouched", textFile, body, err)
		}
	})
}

// TestOpenUnwritable checks the places a user cannot write to. Root writes
// anywhere permissions allow nothing, so the read-only folder case runs
// only for other users; /proc refuses new files even to root.
func TestOpenUnwritable(t *testing.T) {
	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which permission bits do not stop; the file-as-folder and /proc cases cover root")
		}
		dir := filepath.Join(t.TempDir(), "locked")
		if err := os.Mkdir(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "sitrep.db")
		db, err := sqlite.Open(t.Context(), path)
		if err == nil {
			db.Close()
		}
		checkOneLine(t, err, path, "cannot")
	})
	t.Run("read-only file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which permission bits do not stop")
		}
		path := filepath.Join(t.TempDir(), "sitrep.db")
		db, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		db, err = sqlite.Open(t.Context(), path)
		if err == nil {
			db.Close()
		}
		checkOneLine(t, err, path, "cannot")
	})
	t.Run("proc", func(t *testing.T) {
		if fi, err := os.Stat("/proc"); err != nil || !fi.IsDir() {
			t.Skip("no /proc on this system")
		}
		path := "/proc/sitrep-test.db"
		db, err := sqlite.Open(t.Context(), path)
		if err == nil {
			db.Close()
		}
		checkOneLine(t, err, path, "cannot")
	})
}

func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("second Migrate = %v, want nil", err)
	}
	// And again on a fresh open of the same file, as every start does.
	again, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer again.Close()
	if err := again.Migrate(t.Context()); err != nil {
		t.Errorf("Migrate after reopening = %v, want nil", err)
	}
	if err := again.Ping(t.Context()); err != nil {
		t.Errorf("Ping = %v, want nil", err)
	}
}

// pageSizeAndJournal reads what the file at path says of itself.
func pageSizeAndJournal(t *testing.T, path string) (size int, mode string) {
	t.Helper()
	raw := openRaw(t, path)
	if err := raw.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return size, mode
}

// A database sitrep creates has large pages and a write-ahead log; one made
// before keeps the pages it was made with, and gets the log, until a backup
// copies it with the new pages.
func TestPageSizeOfNewDatabasesOnly(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "new.db")
	sqlitetest.Open(t, fresh)
	if size, mode := pageSizeAndJournal(t, fresh); size != 8192 || mode != "wal" {
		t.Errorf("a new database: page size %d in journal mode %q, want 8192 in wal", size, mode)
	}

	old := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+old+"?_pragma=page_size(4096)&_pragma=journal_mode(delete)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE notes (x)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db := sqlitetest.Open(t, old)
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	if size, mode := pageSizeAndJournal(t, old); size != 4096 || mode != "wal" {
		t.Errorf("a database made before: page size %d in journal mode %q, want 4096 in wal", size, mode)
	}

	// Its backup, restored, is a database with the new pages.
	copied := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(t.Context(), copied); err != nil {
		t.Fatal(err)
	}
	if size, _ := pageSizeAndJournal(t, copied); size != 8192 {
		t.Errorf("the backup of a database made before has pages of %d bytes, want 8192", size)
	}
}

// demoTables are the tables the worked example fills.
var demoTables = []string{
	"events", "event_actors", "event_tags", "estimates", "sources", "actors", "actor_aliases",
	"places", "place_names", "citations", "revisions", "timelines",
}

func countRows(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range demoTables {
		var n int
		if err := raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

func TestDemoLoadTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sitrep.db")
	db := sqlitetest.Open(t, path)
	raw := openRaw(t, path)
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatalf("first demo.Load: %v", err)
	}
	first := countRows(t, raw)
	for _, table := range demoTables {
		if first[table] == 0 {
			t.Errorf("after demo.Load, table %s is empty", table)
		}
	}
	if err := demo.Load(t.Context(), db); err != nil {
		t.Fatalf("second demo.Load: %v", err)
	}
	second := countRows(t, raw)
	for _, table := range demoTables {
		if first[table] != second[table] {
			t.Errorf("rows in %s: %d after the first load, %d after the second; want no change", table, first[table], second[table])
		}
	}
}

// TestConcurrentWrites checks that writers queue on the one writer
// connection rather than failing with "database is locked", while readers
// keep reading.
func TestConcurrentWrites(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	const writers = 8
	errc := make(chan error, 2*writers)
	for i := range writers {
		go func() {
			s := newSource(i)
			errc <- db.CreateSource(ctx, &s, editor)
		}()
		go func() {
			_, err := db.FindEvents(ctx, filterAll())
			errc <- err
		}()
	}
	for range 2 * writers {
		if err := <-errc; err != nil {
			t.Errorf("concurrent write or read: %v", err)
		}
	}
	sources, err := db.FindSources(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) != writers+1 {
		t.Errorf("FindSources returned %d sources, want %d (the demo's and %d new)", len(sources), writers+1, writers)
	}
}
