package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// demoDB makes a database with the worked example in a temporary folder.
func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sitrep.db")
	if _, stderr, err := runCLI(t, "demo", "--db", db); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	return db
}

func TestExportImportBackup(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()

	// CSV to standard output, filtered as the pages filter.
	out, stderr, err := runCLI(t, "export", "--db", db, "--format", "csv", "--actor", "ISIS")
	if err != nil {
		t.Fatalf("export csv: %v\n%s", err, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("export csv --actor ISIS = %d rows, %v; want a header and 2 events:\n%s", len(rows), err, out)
	}

	// A filter that cannot be read is refused, not ignored.
	if _, stderr, err := runCLI(t, "export", "--db", db, "--actor", "Nobody"); err != errUsage || !strings.Contains(stderr, "No actor is called") {
		t.Errorf("export --actor Nobody = %v, %q; want a usage error naming the actor", err, stderr)
	}

	// A timeline as TimelineJS, to a file.
	tl := filepath.Join(dir, "mosul.json")
	if _, stderr, err := runCLI(t, "export", "--db", db, "--format", "timelinejs", "--timeline", "mosul-2016", "--out", tl); err != nil {
		t.Fatalf("export timelinejs: %v\n%s", err, stderr)
	}
	if b, _ := os.ReadFile(tl); !bytes.Contains(b, []byte(`"headline":"Mosul, 2016"`)) {
		t.Errorf("TimelineJS export lacks the title slide:\n%s", b)
	}

	// JSON out, into a new database, and out again: the same file.
	first := filepath.Join(dir, "events.json")
	if _, stderr, err := runCLI(t, "export", "--db", db, "--format", "json", "--out", first); err != nil {
		t.Fatalf("export json: %v\n%s", err, stderr)
	}
	fresh := filepath.Join(dir, "fresh.db")
	out, stderr, err = runCLI(t, "import", "--db", fresh, "--dry-run", first)
	if err != nil || !strings.Contains(out, "would import") {
		t.Fatalf("import --dry-run: %v\n%s%s", err, out, stderr)
	}
	out, stderr, err = runCLI(t, "import", first, "--db", fresh)
	if err != nil || !strings.Contains(out, "imported") {
		t.Fatalf("import: %v\n%s%s", err, out, stderr)
	}
	if !strings.Contains(stderr, "importing") || !strings.Contains(stderr, "100%") {
		t.Errorf("import printed no progress lines:\n%s", stderr)
	}
	second := filepath.Join(dir, "again.json")
	if _, stderr, err := runCLI(t, "export", "--db", fresh, "--format", "json", "--out", second); err != nil {
		t.Fatalf("export again: %v\n%s", err, stderr)
	}
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if !bytes.Equal(a, b) {
		t.Errorf("export → import → export differs:\n%s\n---\n%s", a, b)
	}

	// A bad file is reported row by row, and nothing is imported.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("event_id_cnty,event_date\nX1,2016-09-27\n"), 0o644)
	out, _, err = runCLI(t, "import", "--db", fresh, bad)
	if err == nil || !strings.Contains(out, "row 1: The header lacks ACLED's columns") {
		t.Errorf("import bad.csv = %v:\n%s", err, out)
	}
	if !strings.Contains(out, "bad.csv: 1 problem, nothing imported") || err == nil || err.Error() != "bad.csv has 1 problem; nothing was imported" {
		t.Errorf("the report of one problem = %v:\n%s", err, out)
	}

	// A backup is a database of its own, and is never overwritten.
	backup := filepath.Join(dir, "backup.db")
	if out, stderr, err := runCLI(t, "backup", "--db", db, backup); err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %v\n%s%s", err, out, stderr)
	}
	out, stderr, err = runCLI(t, "export", "--db", backup, "--format", "json")
	if err != nil || out != string(a) {
		t.Errorf("the backup exports differently: %v\n%s", err, stderr)
	}
	if _, _, err := runCLI(t, "backup", "--db", db, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file = %v, want a refusal", err)
	}
	if _, _, err := runCLI(t, "backup", "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); err == nil {
		t.Error("backup of a missing database succeeded")
	}
}

func TestDataHelp(t *testing.T) {
	for cmd, want := range map[string][]string{
		"export": {"Usage: sitrep export", "-format", "-what", "-timeline", "-actor", "-out", "SITREP_DB"},
		"import": {"Usage: sitrep import [flags] FILE", "-dry-run", "acled.invalid", "time_precision"},
		"backup": {"Usage: sitrep backup [flags] FILE", "VACUUM INTO", "never"},
	} {
		_, stderr, err := runCLI(t, cmd, "--help")
		if err != nil {
			t.Errorf("%s --help: %v", cmd, err)
		}
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s --help lacks %q:\n%s", cmd, w, stderr)
			}
		}
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := &progress{w: &buf, tty: true, now: func() time.Time { return now }}
	p.update("importing", 0, 100_000, "records")
	now = now.Add(10 * time.Second)
	p.update("importing", 50_000, 100_000, "records")
	p.done()
	got := buf.String()
	for _, want := range []string{"\r", "[###############···············]", "50%", "50,000/100,000 records", "5,000/s", "10s left"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress bar %q lacks %q", got, want)
		}
	}
	buf.Reset()
	p = &progress{w: &buf, now: func() time.Time { return now }}
	for i := int64(0); i <= 100; i++ {
		p.update("reading", i, 100, "bytes")
	}
	if n := strings.Count(buf.String(), "\n"); n != 11 || strings.Contains(buf.String(), "\r") {
		t.Errorf("plain progress wrote %d lines:\n%s", n, buf.String())
	}
	// After the bar, a stage with no measure says once, on a line of its
	// own, what is being done.
	buf.Reset()
	p = &progress{w: &buf, tty: true, now: func() time.Time { return now }}
	p.update("importing", 100, 100, "bytes")
	p.update("indexing", 0, 0, "")
	p.update("indexing", 0, 0, "")
	p.done()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "100%") || lines[1] != "indexing  the new records, for search, lists and counts…" {
		t.Errorf("the bar then the indexing stage wrote %q", buf.String())
	}
}
