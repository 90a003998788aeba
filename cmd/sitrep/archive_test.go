package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportAllImport runs the whole record through the two commands a
// person would type: export --what all, import into a new database, and
// export again gives the same file.
func TestExportAllImport(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "all.json")
	if _, stderr, err := runCLI(t, "export", "--db", db, "--format", "json", "--what", "all", "--with-history", "--out", first); err != nil {
		t.Fatalf("export --what all: %v\n%s", err, stderr)
	}
	fresh := filepath.Join(dir, "fresh.db")
	out, stderr, err := runCLI(t, "import", "--db", fresh, first)
	if err != nil || !strings.Contains(out, "imported") {
		t.Fatalf("import: %v\n%s%s", err, out, stderr)
	}
	second := filepath.Join(dir, "again.json")
	if _, stderr, err := runCLI(t, "export", "--db", fresh, "--format", "json", "--what", "all", "--with-history", "--out", second); err != nil {
		t.Fatalf("export again: %v\n%s", err, stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) || !bytes.Contains(a, []byte(`"revisions":[`)) {
		t.Errorf("export --what all → import → export differs, or carries no history:\n%s\n---\n%s", a, b)
	}

	// A file with a problem names its path and imports nothing.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, bytes.Replace(a, []byte(`"quote":`), []byte(`"qoute":`), 1), 0o644)
	empty := filepath.Join(dir, "empty.db")
	out, _, err = runCLI(t, "import", "--db", empty, bad)
	if err == nil || !strings.Contains(out, "1 problem,") || !strings.Contains(out, `events[0].citations[0].qoute: unknown field "qoute"`) {
		t.Errorf("import of a bad archive = %v:\n%s", err, out)
	}

	// --what all is the whole record: JSON, and no filter.
	for _, args := range [][]string{
		{"--format", "csv", "--what", "all"},
		{"--format", "json", "--what", "all", "--actor", "ISIS"},
		{"--format", "json", "--with-history"},
	} {
		if _, _, err := runCLI(t, append([]string{"export", "--db", db}, args...)...); err != errUsage {
			t.Errorf("export %v = %v, want a usage error", args, err)
		}
	}
}
