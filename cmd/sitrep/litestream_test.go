package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// litestreamPath finds the Litestream binary: SITREP_LITESTREAM, or
// litestream on the PATH. Without it the replication test skips, except
// under CI (CI=true), which installs a pinned version (.ci/run).
func litestreamPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("SITREP_LITESTREAM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("litestream"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("Litestream is required under CI (CI=true): .ci/run installs it and sets SITREP_LITESTREAM")
			}
			t.Skip("no litestream binary (set SITREP_LITESTREAM or put it on the PATH); skipping the replication test")
		}
	}
	return path
}

// TestReplicationWithLitestream replicates a live sitrep database to a
// file replica with Litestream while imports write to it, restores the
// replica, and finds every table of the restored copy equal to the live
// one, row for row. sitrep needs nothing of its own for this: WAL mode and
// a single writer are what Litestream asks of an application.
func TestReplicationWithLitestream(t *testing.T) {
	bin := litestreamPath(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	replica := filepath.Join(dir, "replica")
	if _, stderr, err := runCLI(t, "demo", "--db", live); err != nil {
		t.Fatalf("sitrep demo: %v\n%s", err, stderr)
	}
	config := filepath.Join(dir, "litestream.yml")
	if err := os.WriteFile(config, fmt.Appendf(nil, `dbs:
  - path: %s
    monitor-interval: 100ms
    replica:
      type: file
      path: %s
      sync-interval: 100ms
`, live, replica), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var log strings.Builder
	replicate := exec.CommandContext(ctx, bin, "replicate", "-config", config)
	replicate.Stdout, replicate.Stderr = &log, &log
	if err := replicate.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			replicate.Process.Kill()
			replicate.Wait()
		}
	}()

	// Imports while it replicates: each a transaction of its own, with
	// names in Arabic script, as a newsroom's desk would add them.
	const header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,assoc_actor_1,actor2,assoc_actor_2,country,admin1,admin2,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n"
	for batch := range 3 {
		var file strings.Builder
		file.WriteString(header)
		for i := range 40 {
			fmt.Fprintf(&file, "IRQ%d,2016-10-%02d,1,Battles,Armed clash,Islamic State,,Military Forces of Iraq,,Iraq,Ninewa,الموصل,Mosul,36.34,43.13,1,Reuters,National,\"Clashes in batch %d, row %d.\",%d\n",
				batch*100+i, 1+i%28, batch, i, i%5)
		}
		path := filepath.Join(dir, fmt.Sprintf("batch%d.csv", batch))
		if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, stderr, err := runCLI(t, "import", "--db", live, path); err != nil {
			t.Fatalf("import of batch %d while replicating: %v\n%s\nLitestream:\n%s", batch, err, stderr, log.String())
		}
		time.Sleep(150 * time.Millisecond)
	}

	// Stopped with SIGTERM, Litestream syncs what is left before it exits.
	time.Sleep(time.Second)
	if err := replicate.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := replicate.Wait(); err != nil && ctx.Err() != nil {
		t.Fatalf("litestream replicate did not stop: %v\n%s", err, log.String())
	}
	stopped = true

	restored := filepath.Join(dir, "restored.db")
	restore := exec.CommandContext(ctx, bin, "restore", "-config", config, "-o", restored, live)
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("litestream restore: %v\n%s\nreplicate said:\n%s", err, out, log.String())
	}

	want, got := dumpTables(t, live), dumpTables(t, restored)
	if len(want) < 20 {
		t.Fatalf("the live database has %d tables; the comparison would prove little", len(want))
	}
	for table, rows := range want {
		if !reflect.DeepEqual(got[table], rows) {
			t.Errorf("table %s: the restored copy has %d rows, the live database %d, or they differ", table, len(got[table]), len(rows))
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("the restored copy has a table %s the live database lacks", table)
		}
	}
	if n := len(want["events"]); n < 120 {
		t.Errorf("the live database holds %d events; the imports while replicating did not land", n)
	}
}

// dumpTables reads every row of every table (search indexes' shadow tables
// included), each row as its columns' text, in a fixed order.
func dumpTables(t *testing.T, path string) map[string][][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string][][]string{}
	for _, table := range tables {
		var virtual int
		if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = ? AND sql LIKE 'CREATE VIRTUAL TABLE%'`, table).Scan(&virtual); err != nil {
			t.Fatal(err)
		}
		if virtual > 0 {
			continue // its shadow tables hold what it stores
		}
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatalf("%s: read %s: %v", path, table, err)
		}
		cols, _ := rs.Columns()
		var all [][]string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := make([]string, len(cols))
			for i, v := range vals {
				row[i] = fmt.Sprintf("%T:%v", v, v)
			}
			all = append(all, row)
		}
		rs.Close()
		sortRows(all)
		out[table] = all
	}
	return out
}

func sortRows(rows [][]string) {
	slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
}
