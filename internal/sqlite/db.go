// Package sqlite stores sitrep's records in one SQLite file through the
// pure-Go modernc.org/sqlite driver: one writer connection, a pool of
// readers, a small pool for exports, WAL, foreign keys on. It maps driver
// errors onto the domain's error codes.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/spill"
	"github.com/sitrep/sitrep/internal/versioned"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/sitrep/sitrep/migrations"
)

// DB is sitrep's database. Its methods are safe for concurrent use.
type DB struct {
	write *sql.DB
	read  readPool
	// export serves exports and large API reads (Bulk), which may hold a
	// connection for minutes; a pool of their own means pages never wait
	// behind them.
	export *sql.DB
	path   string
	now    func() time.Time
	// version keeps LastChange (change.go).
	version *dataVersion
	// rule is the deployment's review rule (pending.go).
	rule conflict.ReviewRule
	// months and edges keep the explorer's monthly series and the counts
	// of the months at its ranges' edges (estimate_days.go).
	months *versioned.Cache[string, []conflict.DayCount]
	edges  *versioned.Cache[string, edgeCount]
	// tallies keeps forces' monthly tallies (estimate_month.go).
	tallies *versioned.Cache[claimTallyKey, *claimTallies]
	// names keeps what readers' filters named (public_names.go).
	names *publicNames
	// texts keeps how many events full-text queries match (text_counts.go).
	texts *versioned.Cache[string, int]
	// refs keeps the actors and sources pages name (ref_cache.go).
	refs *refCache
	// timelines keeps the timelines asked for by slug (timeline.go).
	timelines *versioned.Cache[string, conflict.Timeline]
	// sorts keeps the orders of sorted tables (event_table.go).
	sorts *sortedTables
	// rows keeps the rows of the events table (event_table.go).
	rows *tableRows
	// sortKeys keeps the first keys of sorted tables' lists (sortedKeys).
	sortKeys *versioned.Cache[string, []eventKey]
	// series keeps every day tally's series of days (day_series.go).
	series *daySeries
	// heads keeps the first events of timelines (timeline_head.go).
	heads *timelineHeads
	// terms keeps common words' matches for search (term_sets.go).
	terms *termSets
	// spill keeps large aggregates in mapped files beside the database,
	// out of the heap; nil where none could be made.
	spill *spill.Store
}

// Open opens (creating if needed) the database file at path and checks that
// it is usable. It does not migrate: call Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("no database path given")
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("database %s: is a directory, not a file", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		fi, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("database %s: folder %s does not exist", path, dir)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("database %s: %s is a file, not a folder", path, dir)
		}
	}
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway, and a single connection
	// turns lock contention into queueing in Go instead of busy errors.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	export, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	// Idle ones close, since an export's connection has grown a large page
	// cache.
	export.SetConnMaxIdleTime(time.Minute)
	stmts := &statements{pool: read}
	// Without a store, aggregates are kept in the heap as before.
	store, _ := spill.Open(filepath.Dir(path), spillSegmentBytes, spillSegments)
	db := &DB{spill: store, write: write, read: readPool{DB: read, stmts: stmts}, export: export, path: path, now: time.Now, version: &dataVersion{},
		months: &versioned.Cache[string, []conflict.DayCount]{},
		edges:  &versioned.Cache[string, edgeCount]{}, tallies: &versioned.Cache[claimTallyKey, *claimTallies]{}, names: &publicNames{}, texts: &versioned.Cache[string, int]{}, refs: &refCache{}, timelines: &versioned.Cache[string, conflict.Timeline]{},
		sorts: &sortedTables{}, rows: newTableRows(), sortKeys: &versioned.Cache[string, []eventKey]{}, heads: &timelineHeads{}, terms: newTermSets(read, store),
		series: newDaySeries(store)}
	db.SetExportConns(2)
	if err := db.check(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return db, nil
}

// check proves the file is an SQLite database this process can write, so a
// bad path fails at start with one clear line rather than on first use.
func (db *DB) check(ctx context.Context) error {
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return describeOpenError(err)
	}
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS _sitrep_probe (x); DROP TABLE _sitrep_probe"); err != nil {
		return describeOpenError(err)
	}
	return nil
}

// readMmap is how much of the database file a reading connection maps
// into memory (the most this build of SQLite allows). A list page at a
// million events reads its rows from all over the file; through the map a
// page already in the operating system's cache costs no system call, which
// cut the CPU of distinct event lists and timelines by about a fifth.
// Mapped pages are that cache, shared and reclaimable, not memory of
// sitrep's own, but they count in its resident size (scripts/bench reports
// both). Writes still go through the one writing connection, unmapped.
const readMmap = 2147418112

// pageSize is the page size of a database sitrep creates; one that exists
// keeps its own. Revisions of about 600 bytes left a tenth of every 4 KB
// page empty; 8 KB pages took 5% less space and made synth faster, where
// 16 KB saved little more and slowed the desk's small writes, each of
// which logs whole pages (measured at 1M in docs/speed.md). It must
// be set on a new file before WAL mode, which fixes it.
const pageSize = 8192

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	if !readOnly {
		q.Add("_pragma", "page_size("+strconv.Itoa(pageSize)+")")
	}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	// The driver sets its own keys after the _pragma list, which it sorts:
	// as a _pragma, journal_mode would come before page_size.
	q.Add("_journal_mode", "WAL")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "mmap_size("+strconv.Itoa(readMmap)+")")
	} else {
		q.Add("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the connection pools.
func (db *DB) Close() error {
	db.terms.close()
	defer db.spill.Close()
	db.read.stmts.close()
	return errors.Join(db.export.Close(), db.read.Close(), db.write.Close())
}

// Bulk is db with its reads on the export pool: the same methods, for a
// request that reads much more than a page shows (an API list of hundreds
// of records), so that many of them at once wait for each other and not
// pages for them. Its writes are db's.
func (db *DB) Bulk() *DB {
	b := *db
	b.read = readPool{DB: db.export}
	return &b
}

// SetExportConns sizes the export pool (2 unless set): as many exports
// and large reads as are let run at once, so that none of them waits for a
// connection while holding its place.
func (db *DB) SetExportConns(n int) {
	db.export.SetMaxOpenConns(n)
	db.export.SetMaxIdleConns(n)
}

// SetClock replaces the clock used for timestamps; tests use it.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Migrate applies every migration not yet applied.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, migrations.FS)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate database %s: %w", db.path, err)
	}
	if err := fillSourceKeys(ctx, db.write); err != nil {
		return fmt.Errorf("migrate database %s: %w", db.path, err)
	}
	return nil
}

// Checkpoint folds the write-ahead log back into the database file; a bulk
// load otherwise leaves a WAL as large as the data it wrote.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// Ping reports whether the database answers; /healthz uses it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// inTx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	defer db.version.forget()
	return mapError(tx.Commit())
}

// timeFormat keeps timestamps sortable as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func (db *DB) stamp() string { return db.now().UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}
