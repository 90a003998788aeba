package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// ImportOptions control ImportBatch and ImportStream.
type ImportOptions struct {
	// DryRun works out what the import would do, reading a consistent
	// snapshot, and writes nothing; it does not hold up other writers.
	DryRun bool
	// Progress, when set, is called as records are worked through; total
	// is 0 when a stream does not know it.
	Progress func(done, total int)
	// Indexing, when set, is called once every record is written, when
	// an import that set the per-row triggers aside goes on to do their
	// work: the search index, postings and tallies of the new records, a
	// few seconds a 100,000 events with nothing more read.
	Indexing func()
	// MaxProblems is how many problems the result lists; the rest are
	// only counted (ImportResult.Unlisted). 0 means DefaultMaxProblems.
	MaxProblems int
	// NothingToUpdate says a check found no stored record the import
	// would change, only new ones to create. The write then sets aside
	// the triggers that index and post each new row, and does their work
	// once at the end, in the same transaction, as a Loader does. Should
	// a record turn out to need updating after all, the import fails and
	// nothing is written.
	NothingToUpdate bool
	// NothingStored, beside NothingToUpdate, says the check found every
	// event of the file new: none is looked up by its external id again.
	// Should one have been stored since, its insert fails on the external
	// id's UNIQUE constraint, and the import with it.
	NothingStored bool
	// UpdatesFirst says a check found stored records to update and new
	// ones to create. The import then reads the records twice, in one
	// transaction: first it matches and updates the stored ones, with the
	// per-row triggers in place, then it creates the new ones with those
	// triggers set aside, as for NothingToUpdate. records must read the
	// file from its start each time it is called.
	UpdatesFirst bool
	// Direct imports a file in one reading, with no check before it: the
	// per-row triggers are set aside as for NothingToUpdate, and each
	// record is checked as it is written. From the first problem, the
	// store's or the reader's (ReaderProblems), nothing more is written,
	// only checked, and the transaction is rolled back at the end: every
	// problem is reported and nothing is imported, as after a check.
	// Should a stored record need updating, which the triggers set aside
	// cannot follow, the import stops, writes nothing and returns
	// ErrImportNeedsCheck: the file is then checked first, and imported
	// as the check says.
	Direct bool
	// ReaderProblems, when set, counts the problems the file's reader has
	// found in rows it could not hand over: a direct import with any
	// writes nothing.
	ReaderProblems func() int
	// IDsChecked, when set, reports whether the file's reader finds an
	// external id given twice itself, handing over only the first record
	// with it: a direct import then keeps none of the file's ids, whose
	// memory would grow with the file. Should one come twice after all,
	// its insert fails on the UNIQUE constraint and the import with it.
	IDsChecked func() bool
}

// ErrImportNeedsCheck stops a direct import (ImportOptions.Direct) of a
// file that updates stored records; nothing was written.
var ErrImportNeedsCheck = errors.New("import: the file updates stored records and is checked first")

// errChangedSinceCheck stops an import whose check found nothing to
// update when a record needs updating after all.
var errChangedSinceCheck = conflict.Errorf(conflict.Conflict, "The records changed while the file was being imported; nothing was imported. Import it again.")

// DefaultMaxProblems is how many problems an import lists at most: a file
// wrong on every row must not need memory for a million messages.
const DefaultMaxProblems = 1000

// ImportRecords is a file's records as a stream: it calls yield with each
// record in turn, an event or an estimate, and stops at yield's first
// error, which it returns.
type ImportRecords func(yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error) error

// ImportBatch brings a file's records in, in one transaction: all of them
// or, when any has a problem, none. Actors and places are matched by name
// or alias (a place within the path of places the file gives) or created;
// sources by URL, or created. Events and estimates are matched by external
// id: one stored as the file has it is left alone, one that differs is
// updated (keeping its status), and the rest are created. Every record
// created or updated gets a revision by ch, whose Import flag should be
// set.
//
// The result counts what was (or, in a dry run, would be) created,
// matched and updated, and lists every problem with the row and column it
// came from. When there are problems, nothing is written and the error is
// Invalid.
func (db *DB) ImportBatch(ctx context.Context, b conflict.ImportBatch, ch conflict.Change, opt ImportOptions) (conflict.ImportResult, error) {
	if opt.Progress != nil {
		total, progress := len(b.Events)+len(b.Estimates), opt.Progress
		opt.Progress = func(done, _ int) { progress(done, total) }
	}
	return db.ImportStream(ctx, func(yield func(*conflict.ImportEvent, *conflict.ImportEstimate) error) error {
		for i := range b.Events {
			if err := yield(&b.Events[i], nil); err != nil {
				return err
			}
		}
		for i := range b.Estimates {
			if err := yield(nil, &b.Estimates[i]); err != nil {
				return err
			}
		}
		return nil
	}, ch, opt)
}

// ImportStream is ImportBatch for records read one at a time, so that a
// file of any size is imported in bounded memory: all of its records in
// one transaction, or, when any has a problem, none. Problems beyond
// opt.MaxProblems are counted, not listed.
func (db *DB) ImportStream(ctx context.Context, records ImportRecords, ch conflict.Change, opt ImportOptions) (conflict.ImportResult, error) {
	var res conflict.ImportResult
	run := func(tx *sql.Tx) error {
		triggers, err := setAsideImportTriggers(ctx, tx, opt)
		if err != nil {
			return err
		}
		im, err := newImport(ctx, db, tx, ch, opt)
		if err != nil {
			return err
		}
		defer im.close()
		im.setAside(triggers)
		if opt.UpdatesFirst && !opt.DryRun {
			// The stored records first, row by row, then the new ones in
			// bulk: the triggers are set aside after the updates, which
			// need them, and the fills take the ids after the last stored.
			im.only = storedRecords
			if err := im.run(records); err != nil {
				return err
			}
			if len(im.problems)+im.unlisted == 0 {
				bulk := opt
				bulk.NothingToUpdate = true
				if triggers, err = setAsideImportTriggers(ctx, tx, bulk); err != nil {
					return err
				}
				// The first reading found every id once; the second, like
				// any deferred import, keeps none (see duplicate).
				im.only = newRecords
				im.setAside(triggers)
				if im.deferred {
					im.keys = nil
				} else {
					// No trigger was set aside (a migration changed one):
					// the second reading checks ids again, from scratch.
					im.keys = map[uint64]int{}
				}
				if err := im.run(records); err != nil {
					return err
				}
			}
		} else if err := im.run(records); err != nil {
			return err
		}
		res = im.result()
		if n := len(res.Problems) + res.Unlisted + im.readerProblems(); n > 0 {
			return conflict.ImportProblemsError(n)
		}
		if triggers.deferred() && opt.Indexing != nil {
			opt.Indexing()
		}
		if err := triggers.restore(ctx, tx); err != nil || opt.DryRun {
			return err
		}
		// Imported events may name a user's draft actor, place or source.
		return db.publishDraftsCitedByPublic(ctx, tx, ch)
	}
	committed, err := db.importTx(ctx, opt.DryRun, rowByRowOnly(opt), run)
	res.Committed = committed
	return res, err
}

// rowByRowOnly reports whether an import with these options writes every
// record row by row, with the per-row triggers in place: one that may
// find stored records to update, and is neither direct (which stops at
// the first) nor to create new records after the updates, in bulk
// (UpdatesFirst), which sorts their postings through a temporary table
// that must stay on disk.
func rowByRowOnly(opt ImportOptions) bool {
	return !opt.DryRun && !opt.NothingToUpdate && !opt.Direct && !opt.UpdatesFirst
}

// importTx runs an import's work in one transaction and reports whether
// it was committed. A dry run reads a consistent snapshot, holding up no
// writer, and is always rolled back; any other import is a bulk write,
// with its statement journal in memory when it writes every record row
// by row (see bulkTx).
func (db *DB) importTx(ctx context.Context, dryRun, rowByRow bool, run func(tx *sql.Tx) error) (bool, error) {
	if dryRun {
		conn, err := db.read.Conn(ctx)
		if err != nil {
			return false, mapError(err)
		}
		defer conn.Close()
		// Reading connections map the database file (see readMmap); a
		// check reads much of it once, and every page it touched would
		// count in the import's resident size, in a large database far
		// past its bound. The check reads through the page cache instead.
		if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 0`); err != nil {
			return false, mapError(err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA mmap_size = %d`, readMmap))
		tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return false, mapError(err)
		}
		defer tx.Rollback()
		return false, mapError(run(tx))
	}
	journal := journalOnDisk
	if rowByRow {
		journal = journalInMemory
	}
	if err := db.bulkTxJournal(ctx, journal, run); err != nil {
		return false, err
	}
	return true, nil
}

// importTriggers are the per-row triggers an import that only creates
// records sets aside (see ImportOptions.NothingToUpdate), with the last
// ids before it: the rows after those are the import's.
type importTriggers struct {
	setAside map[string]string
	first    lastIDs
}

// setAsideImportTriggers sets the per-row triggers aside for an import
// that writes and whose check found nothing to update; for any other it
// sets none aside.
func setAsideImportTriggers(ctx context.Context, tx *sql.Tx, opt ImportOptions) (importTriggers, error) {
	var t importTriggers
	if opt.DryRun || !opt.NothingToUpdate && !opt.Direct {
		return t, nil
	}
	var err error
	if t.first, err = readLastIDs(ctx, tx); err != nil {
		return t, err
	}
	t.setAside, err = setAsideTriggers(ctx, tx)
	return t, err
}

// deferred reports whether the triggers are set aside, which allows
// creating records only.
func (t importTriggers) deferred() bool { return len(t.setAside) > 0 }

// restore does, once, what the triggers set aside would have done for
// each new row, and makes them again.
func (t importTriggers) restore(ctx context.Context, tx *sql.Tx) error {
	if !t.deferred() {
		return nil
	}
	// The fills sort what they write, and SQLite's sorter holds as much
	// in memory as the page cache may before it spills to a temporary
	// file: with the page cache at its size the two together would pass
	// the import's bound. The fills write in order and need little cache.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importSortKB)); err != nil {
		return err
	}
	if err := restoreTriggers(ctx, tx, t.setAside, t.first, importHashSize); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKB))
	return err
}

// An import keeps its memory small whatever the file's size: a page cache
// of 32 MB (8 MB while what it wrote is sorted into the indexes), search
// terms gathered 8 MB at a time.
const (
	importCacheKB  = 32 << 10
	importSortKB   = 8 << 10
	importHashSize = 8 << 20
)

// bulkTx is inTx for a large write: on the writer's connection, with a
// larger page cache for the transaction, put back afterwards.
func (db *DB) bulkTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.bulkTxJournal(ctx, journalOnDisk, fn)
}

// A statement that may fail part-way inside a transaction first copies
// each page it changes to a statement journal, to undo itself alone.
// SQLite keeps that journal in memory up to 64 KB (eight of the 8 KB
// pages a new database has) and spills it to a temporary file past that,
// a write call a page. Where a bulk
// write's statements are the per-row triggers' work for one record each
// (an import rewriting stored events), most pass eight pages, and a
// journal kept in memory saved a fifth of the time: with a tenth of
// 100,000 rows changed, 24.7 and 25.1 s against 31.5 and 32.5 s, 3 MB more
// resident. Where they insert a thousand rows each, the memory journal
// (1 KB chunks, each allocated) was the slower: the 100,000-row import
// benchmark ran at 4,500–5,400 rows a second against 5,700–6,400. The
// setting also keeps temporary tables in memory, and a bulk import's
// postings are sorted through one: only an import that writes row by row
// has its journal in memory.
type journal int

const (
	journalOnDisk journal = iota
	journalInMemory
)

// bulkTxJournal is bulkTx with the statement journal kept as j says.
func (db *DB) bulkTxJournal(ctx context.Context, j journal, fn func(tx *sql.Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return mapError(err)
	}
	defer conn.Close()
	restore := context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, importCacheKB)); err != nil {
		return err
	}
	defer conn.ExecContext(restore, `PRAGMA cache_size = -2000`)
	if j == journalInMemory {
		if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return err
		}
		defer conn.ExecContext(restore, `PRAGMA temp_store = DEFAULT`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	defer db.version.forget()
	if err := tx.Commit(); err != nil {
		return mapError(err)
	}
	// A large import leaves the search indexes in many segments; merged,
	// every later search reads one list a word. The import has landed
	// either way: a merge that fails leaves searches slower, not wrong,
	// and the next bulk write tries again. So with the statistics.
	_ = mergeSearchSegments(restore, conn, maxSearchSegments)
	_ = refreshStatistics(restore, conn)
	return nil
}

// refreshStatistics gathers the query planner's statistics for the
// tables that lack them or have grown or shrunk many times over since
// they were gathered, from a sample of each index as synth does (Loader).
// Without them SQLite guesses, and some guesses are ruinous: a database
// made by importing a file had none, and reading the relations of one
// event went through every public event (a second import of its own
// archive, of 100,000 events, took over ten minutes). With statistics
// the planner reads as TestListQueriesUseIndexes checks it does; a table
// whose statistics still hold is not read again.
func refreshStatistics(ctx context.Context, q querier) error {
	for _, p := range []string{`PRAGMA analysis_limit = 1000`, `PRAGMA optimize = 0x10002`, `PRAGMA analysis_limit = 0`} {
		if _, err := q.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("statistics: %w", err)
		}
	}
	return nil
}

// importer matches and creates records inside one transaction, with the
// stored actors, places, sources and external ids held in memory, so that
// a file of 100,000 rows costs a few inserts per row and no lookups.
type importer struct {
	ctx context.Context
	db  *DB
	tx  *sql.Tx
	ch  conflict.Change
	opt ImportOptions
	importProblems
	// deferred is set while the per-row triggers are set aside, which
	// allows creating records only.
	deferred bool
	// only, when set, restricts a reading of the file to the stored
	// records or to the new ones (see ImportOptions.UpdatesFirst).
	only recordSet
	// fake numbers records a dry run would create, counting down from -1.
	fake int64

	actorByName, actorByAlias, actorBySlug map[string]conflict.ActorRef
	places                                 map[conflict.PlaceID]*placeNode
	placeByName                            map[string][]conflict.PlaceID
	placeBySlug                            map[string]conflict.PlaceID
	// sourceByURL holds the sources the file has named so far, by
	// conflict.Source.Key, each looked up by its key (url_key) when first
	// named: a database may hold many more sources than one file cites,
	// and they stay out of memory.
	sourceByURL map[string]conflict.Source
	// Stored events and estimates are found by external id one at a
	// time, through these, rather than all held in memory.
	eventByExt, estimateByExt *sql.Stmt
	// stmts are the statements the import has prepared, by their SQL:
	// each is parsed once however many rows it writes, and they are a
	// fixed few, not one per row. writeStmts are those of writeRows
	// (see insertMany), kept apart because the writer's goroutine
	// prepares and runs them while the reading goroutine uses stmts.
	stmts, writeStmts map[string]*sql.Stmt
	// writer, while set, writes batches of new events on a second
	// goroutine (see flush); lastEvent is the id the last new event took.
	writer    *importWriter
	lastEvent int64
	// queued are the rows of new places, actors and sources, and of
	// their first revisions, for the writer to write before the next
	// batch's events (see insertNew); last holds the ids they took.
	queued []queuedRow
	last   lastIDs
	// blocks packs new events' first revisions.
	blocks *blockPacker
	// namespaces says, by the text before the first colon of external
	// ids, whether any stored event has one there (see mayBeStored).
	namespaces map[string]bool

	// seen* record which stored actors, places and sources the file
	// matched, to count each once.
	seenActors  map[conflict.ActorID]bool
	seenPlaces  map[conflict.PlaceID]bool
	seenSources map[conflict.SourceID]bool
	// keys holds a hash of each external id the file gave, with its row:
	// sixteen bytes a record, however long the ids.
	keys    map[uint64]int
	keySeed maphash.Seed
	counts  struct{ events, estimates, actors, places, sources conflict.ImportCounts }
	pending []conflict.Event
	// links are the relations the file gives, written once every record
	// is stored, since a record may name one later in the file.
	links []importLinks
}

// importLinks are one imported record's relations.
type importLinks struct {
	rt   conflict.RecordType
	ext  string
	rels []conflict.Relation
	src  conflict.RowRef
}

// holdLinks sets the relations of an imported record aside until every
// record is stored. A record given without relations keeps those it has
// (stored, passed as kept); one given with relations gets them.
func (im *importer) holdLinks(rt conflict.RecordType, ext string, rels *[]conflict.Relation, kept []conflict.Relation, src conflict.RowRef) {
	if len(*rels) > 0 && ext != "" {
		im.links = append(im.links, importLinks{rt: rt, ext: ext, rels: *rels, src: src})
	}
	*rels = kept
}

// writeLinks stores the relations held by holdLinks. A dry run, which
// stores no record, cannot find the records a relation names and checks
// only what Validate does.
func (im *importer) writeLinks() error {
	if !im.write {
		return nil
	}
	for _, l := range im.links {
		st := relationsOf(l.rt)
		var (
			id       int64
			claimant string
		)
		err := im.tx.QueryRowContext(im.ctx, `SELECT id FROM `+st.records+` WHERE external_id = ?`, l.ext).Scan(&id)
		if err != nil {
			return err
		}
		if l.rt == conflict.EstimateRecord {
			if err := im.tx.QueryRowContext(im.ctx, `SELECT claimant FROM estimates WHERE id = ?`, id).Scan(&claimant); err != nil {
				return err
			}
		}
		cites, err := findCitations(im.ctx, im.tx, st.column, id)
		if err != nil {
			return err
		}
		if err := writeRelations(im.ctx, im.tx, l.rt, id, claimant, l.rels, cites); err != nil {
			if im.invalid(l.src, err) {
				continue
			}
			return err
		}
	}
	return nil
}

type placeNode struct {
	ref    conflict.PlaceRef
	parent conflict.PlaceID
}

func newImport(ctx context.Context, db *DB, tx *sql.Tx, ch conflict.Change, opt ImportOptions) (*importer, error) {
	im := &importer{ctx: ctx, db: db, tx: tx, ch: ch, opt: opt, importProblems: newImportProblems(opt),
		actorByName: map[string]conflict.ActorRef{}, actorByAlias: map[string]conflict.ActorRef{}, actorBySlug: map[string]conflict.ActorRef{},
		places: map[conflict.PlaceID]*placeNode{}, placeByName: map[string][]conflict.PlaceID{}, placeBySlug: map[string]conflict.PlaceID{},
		sourceByURL: map[string]conflict.Source{},
		seenActors:  map[conflict.ActorID]bool{}, seenPlaces: map[conflict.PlaceID]bool{}, seenSources: map[conflict.SourceID]bool{},
		keys: map[uint64]int{}, keySeed: maphash.MakeSeed(), stmts: map[string]*sql.Stmt{}, writeStmts: map[string]*sql.Stmt{},
	}
	var err error
	if im.eventByExt, err = tx.PrepareContext(ctx, `SELECT id FROM events WHERE external_id = ?`); err != nil {
		return nil, err
	}
	if im.estimateByExt, err = tx.PrepareContext(ctx, `SELECT id FROM estimates WHERE external_id = ?`); err != nil {
		im.eventByExt.Close()
		return nil, err
	}
	if err := im.load(); err != nil {
		im.close()
		return nil, err
	}
	return im, nil
}

func (im *importer) close() {
	im.eventByExt.Close()
	im.estimateByExt.Close()
	for _, st := range im.stmts {
		st.Close()
	}
	for _, st := range im.writeStmts {
		st.Close()
	}
}

// stmt returns query prepared on the import's transaction, once: parsing
// an INSERT costs about as much as running it.
func (im *importer) stmt(query string) (*sql.Stmt, error) {
	if st, ok := im.stmts[query]; ok {
		return st, nil
	}
	st, err := im.tx.PrepareContext(im.ctx, query)
	if err != nil {
		return nil, err
	}
	im.stmts[query] = st
	return st, nil
}

// importTxStmts bounds how many distinct statements preparedTx keeps
// prepared: those that read or rewrite one record are a few dozen, and a
// statement written for a list of ids of varying length runs as it comes.
const importTxStmts = 64

// preparedTx is the import's transaction as a querier whose statements
// are prepared once. An import compares each stored event its file names
// with the file's row, and rewrites those that differ, through the code an
// editor's edit goes through, which parses its statements at each call:
// for every row of a file imported again, parsing cost more than running
// the statements (at 100,000 rows, changing nothing, 9 of 19 s), and an
// UPDATE's parse compiles its triggers again (with a tenth of the rows
// changed, 11 of 50 s). Only the reading goroutine uses it, as stmt.
type preparedTx struct{ im *importer }

func (p preparedTx) prepared(query string) *sql.Stmt {
	if _, ok := p.im.stmts[query]; !ok && len(p.im.stmts) >= importTxStmts {
		return nil
	}
	st, err := p.im.stmt(query)
	if err != nil {
		return nil // run as it comes, which reports the error
	}
	return st
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.prepared(query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.im.tx.ExecContext(ctx, query, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.prepared(query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.im.tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.prepared(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.im.tx.QueryRowContext(ctx, query, args...)
}

// exec runs query, prepared once, with args.
func (im *importer) exec(query string, args ...any) (sql.Result, error) {
	st, err := im.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(im.ctx, args...)
}

// firstRevision is writeFirstRevision through a prepared statement.
func (im *importer) firstRevision(rt conflict.RecordType, id int64, snapshot any) error {
	enc, body, err := encodeSnapshot(snapshot)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	var author any
	if im.ch.Author != nil {
		author = int64(*im.ch.Author)
	}
	query := `INSERT INTO revisions
		(record_type, record_id, number, action, encoding, snapshot, author_id, author_name, summary, created_at, unreviewed)
		VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{rt, id, conflict.ActionImport, enc, body, author, im.ch.AuthorName, im.ch.Summary, im.db.stamp(), im.ch.WithoutReview}
	if im.deferred {
		// Its record is queued (see insertNew): so is the revision.
		im.queued = append(im.queued, queuedRow{query, args})
		return nil
	}
	_, err = im.exec(query, args...)
	return err
}

// setAside says whether the per-row triggers are set aside, and so whether
// new records are queued for the writer (see insertNew), their ids
// counted on from the largest stored when the triggers were set aside.
func (im *importer) setAside(t importTriggers) {
	im.deferred = t.deferred()
	im.last = t.first
}

// insertNew stores a new place, actor or source by query, whose first
// parameter is the id, and returns its id. While the triggers are set
// aside the row is queued for the writer, which writes it before the next
// batch's events (see flush), with the id SQLite would give it: the next
// after *last, the largest stored, as for any table without
// AUTOINCREMENT, counted on by the import itself. The reading
// goroutine then goes on at once; when it wrote these rows itself it
// waited for the connection while the writer's statements ran, 1.5–2.4 s
// of a 100,000-row import's 6–9 s of reading, most of it for its 5,555
// places.
func (im *importer) insertNew(last *int64, query string, args ...any) (int64, error) {
	if !im.deferred {
		res, err := im.exec(query, append([]any{nil}, args...)...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	*last++
	im.queued = append(im.queued, queuedRow{query, append([]any{*last}, args...)})
	return *last, nil
}

// stored returns the id of the stored record with external id ext, or 0.
func stored[T ~int64](ctx context.Context, stmt *sql.Stmt, ext string) (T, error) {
	var id int64
	if ext == "" {
		return 0, nil
	}
	err := stmt.QueryRowContext(ctx, ext).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return T(id), err
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// load reads what matching actors and places needs: every actor and
// place. A conflict's record has thousands of those, not millions.
// Sources, of which it may have hundreds of thousands, are looked up as
// the file names them (storedSource).
func (im *importer) load() error {
	ctx, q := im.ctx, im.tx
	rows, err := q.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors ORDER BY id`)
	if err != nil {
		return err
	}
	actors, err := scanActorRefs(rows)
	if err != nil {
		return err
	}
	byID := map[conflict.ActorID]conflict.ActorRef{}
	for _, a := range actors {
		im.addActor(a)
		byID[a.ID] = a
	}
	if err := eachRow(ctx, q, `SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id`, func(r *sql.Rows) error {
		var (
			id    conflict.ActorID
			alias string
		)
		if err := r.Scan(&id, &alias); err != nil {
			return err
		}
		if _, ok := im.actorByAlias[key(alias)]; !ok {
			im.actorByAlias[key(alias)] = byID[id]
		}
		return nil
	}); err != nil {
		return err
	}
	if err := eachRow(ctx, q, `SELECT id, slug, name, coalesce(parent_id, 0), latitude, longitude FROM places ORDER BY id`, func(r *sql.Rows) error {
		var (
			n        placeNode
			lat, lon sql.NullFloat64
		)
		if err := r.Scan(&n.ref.ID, &n.ref.Slug, &n.ref.Name, &n.parent, &lat, &lon); err != nil {
			return err
		}
		if lat.Valid && lon.Valid {
			n.ref.Coordinates = &conflict.LatLon{Lat: lat.Float64, Lon: lon.Float64}
		}
		im.addPlace(&n)
		return nil
	}); err != nil {
		return err
	}
	if err := eachRow(ctx, q, `SELECT place_id, name FROM place_names ORDER BY place_id`, func(r *sql.Rows) error {
		var (
			id   conflict.PlaceID
			name string
		)
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		k := key(name)
		if !slices.Contains(im.placeByName[k], id) {
			im.placeByName[k] = append(im.placeByName[k], id)
		}
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// storedSource returns the stored source with key (url_key), if any,
// remembering it for the rest of the file.
func (im *importer) storedSource(key string) (conflict.Source, bool, error) {
	st, err := im.stmt(`SELECT ` + sourceColumns + ` FROM sources s WHERE s.url_key = ?`)
	if err != nil {
		return conflict.Source{}, false, err
	}
	s, err := scanSource(st.QueryRowContext(im.ctx, key))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return conflict.Source{}, false, nil
	}
	if err != nil {
		return conflict.Source{}, false, err
	}
	im.sourceByURL[key] = s
	return s, true, nil
}

func eachRow(ctx context.Context, q querier, query string, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (im *importer) addActor(a conflict.ActorRef) {
	if _, ok := im.actorByName[key(a.Name)]; !ok {
		im.actorByName[key(a.Name)] = a
	}
	im.actorBySlug[a.Slug] = a
}

func (im *importer) addPlace(n *placeNode) {
	im.places[n.ref.ID] = n
	k := key(n.ref.Name)
	im.placeByName[k] = append(im.placeByName[k], n.ref.ID)
	im.placeBySlug[n.ref.Slug] = n.ref.ID
}

// importProblems are an import's problems, each with the row and column
// it came from. Past max they are only counted, in unlisted: a file wrong
// on every row must not need memory for a million messages.
type importProblems struct {
	// write is cleared by a dry run and by the first problem: after it the
	// transaction will be rolled back, so only checking goes on.
	write    bool
	max      int
	problems []conflict.ImportProblem
	unlisted int
}

func newImportProblems(opt ImportOptions) importProblems {
	p := importProblems{write: !opt.DryRun, max: opt.MaxProblems}
	if p.max <= 0 {
		p.max = DefaultMaxProblems
	}
	return p
}

func (p *importProblems) problem(src conflict.RowRef, column, reason string) {
	if len(p.problems) < p.max {
		p.problems = append(p.problems, conflict.ImportProblem{Row: src.Row, Column: column, Reason: reason})
	} else {
		p.unlisted++
	}
	p.write = false
}

// invalid reports each field error of err against the file's columns; it
// returns false for an error that is not about the record's fields.
func (p *importProblems) invalid(src conflict.RowRef, err error) bool {
	if conflict.ErrorCode(err) != conflict.Invalid {
		return false
	}
	fields := conflict.ErrorFields(err)
	if len(fields) == 0 {
		p.problem(src, "", conflict.ErrorMessage(err))
		return true
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		p.problem(src, src.Column(f), fields[f])
	}
	return true
}

func (im *importer) result() conflict.ImportResult {
	conflict.SortProblems(im.problems)
	return conflict.ImportResult{Events: im.counts.events, Estimates: im.counts.estimates, Actors: im.counts.actors,
		Places: im.counts.places, Sources: im.counts.sources, Problems: im.problems, Unlisted: im.unlisted}
}

func (im *importer) run(records ImportRecords) error {
	done := 0
	err := records(func(ev *conflict.ImportEvent, x *conflict.ImportEstimate) error {
		if im.write && im.readerProblems() > 0 {
			// The import will be rolled back: it only checks from here.
			im.write = false
		}
		var err error
		if ev != nil {
			err = im.event(ev)
		} else {
			// An estimate's citations may name sources the queued events
			// create; they are written first.
			if err = im.flushAll(); err == nil {
				err = im.estimate(x)
			}
		}
		if err != nil {
			return err
		}
		done++
		if im.opt.Progress != nil && done%500 == 0 {
			im.opt.Progress(done, 0)
		}
		return im.ctx.Err()
	})
	if err == nil {
		err = im.flushAll()
	} else if im.writer != nil {
		// The writer stops before the transaction ends, whatever happened.
		im.writer.wait()
		im.writer = nil
	}
	if err != nil {
		return err
	}
	// Relations are written once every record is stored: after the
	// second reading when there are two.
	if im.only != storedRecords {
		if err := im.writeLinks(); err != nil {
			return err
		}
		im.links = nil
	}
	if im.opt.Progress != nil {
		im.opt.Progress(done, done)
	}
	return im.ctx.Err()
}

// readerProblems is how many problems the file's reader has found.
func (im *importer) readerProblems() int {
	if im.opt.ReaderProblems == nil {
		return 0
	}
	return im.opt.ReaderProblems()
}

// changedSinceCheck is the error of a record that needs updating while
// the triggers are set aside: a direct import is checked first instead;
// any other, told by its check that nothing needed updating, has found
// the records changed since.
func (im *importer) changedSinceCheck() error {
	if im.opt.Direct {
		return ErrImportNeedsCheck
	}
	return errChangedSinceCheck
}

// recordSet is which of a file's records a reading of it handles.
type recordSet int

const (
	allRecords    recordSet = iota
	storedRecords           // those matched by external id
	newRecords              // the rest
)

// skip reports whether a reading of the file leaves the record whose
// stored id is id to the other reading.
func (im *importer) skip(id int64) bool {
	return im.only == storedRecords && id == 0 || im.only == newRecords && id != 0
}

// duplicate reports an external id given twice in the file. The ids are
// remembered, sixteen bytes each, by the check; the import that follows a
// check which found nothing to update (im.deferred) remembers none, so
// that its memory does not grow with the file: the check found every id
// once, and should the file have changed since, a second row with an id
// either fails the insert on the external id's UNIQUE constraint or is
// found stored and differing, and the import is abandoned whole. A
// direct import, which no check came before, remembers them as a check
// does, unless the file's reader finds them itself (IDsChecked).
func (im *importer) duplicate(src conflict.RowRef, kind, ext string) bool {
	if ext == "" || im.deferred && (!im.opt.Direct || im.opt.IDsChecked != nil && im.opt.IDsChecked()) {
		return false
	}
	k := maphash.String(im.keySeed, kind+"\x00"+ext)
	if row, ok := im.keys[k]; ok {
		im.problem(src, src.Column("external_id"), fmt.Sprintf("The id %q is used again: row %d has it already.", ext, row))
		return true
	}
	im.keys[k] = src.Row
	return false
}

func (im *importer) event(ie *conflict.ImportEvent) error {
	e := ie.Event
	e.ID, e.Place, e.Actors = 0, nil, nil
	// Sources are matched into a copy, so that the batch stays as read.
	e.Citations = slices.Clone(e.Citations)
	src := ie.Source
	if im.duplicate(src, "event", e.ExternalID) {
		return nil
	}
	if ie.Place != nil {
		ref, err := im.place(src, ie.Place)
		if err != nil {
			return err
		}
		e.Place = ref
	}
	for _, a := range ie.Actors {
		ref, err := im.actor(src, a)
		if err != nil {
			return err
		}
		if ref != nil {
			e.Actors = append(e.Actors, conflict.EventActor{Actor: *ref, Role: a.Role})
		}
	}
	if err := im.sources(src, e.Citations); err != nil {
		return err
	}
	if err := prepareEvent(&e); err != nil {
		if im.invalid(src, err) {
			return nil
		}
		return err
	}
	var id conflict.EventID
	if lookup, err := im.mayBeStored(e.ExternalID); err != nil {
		return err
	} else if lookup {
		if id, err = stored[conflict.EventID](im.ctx, im.eventByExt, e.ExternalID); err != nil {
			return err
		}
	}
	if im.skip(int64(id)) {
		return nil
	}
	if id == 0 {
		im.holdLinks(conflict.EventRecord, e.ExternalID, &e.Relations, nil, src)
	}
	if id != 0 {
		stored, err := eventToCompare(im.ctx, preparedTx{im}, id)
		if err != nil {
			return err
		}
		if sameEvent(stored, e) {
			im.holdLinks(conflict.EventRecord, e.ExternalID, &e.Relations, nil, src)
			im.counts.events.Matched++
			return nil
		}
		cur, err := findEvent(im.ctx, preparedTx{im}, id)
		if err != nil {
			return err
		}
		im.holdLinks(conflict.EventRecord, e.ExternalID, &e.Relations, cur.Relations, src)
		im.counts.events.Updated++
		if !im.write {
			return nil
		}
		if im.deferred {
			return im.changedSinceCheck()
		}
		if err := im.db.rewriteEvent(im.ctx, preparedTx{im}, &e, cur, conflict.ActionImport, im.ch); err != nil {
			if im.invalid(src, err) {
				return nil
			}
			return err
		}
		return nil
	}
	im.counts.events.Created++
	if !im.write {
		return nil
	}
	return im.queue(e)
}

// mayBeStored reports whether an event with external id ext may be
// stored, and must be looked up. While the triggers are set aside, an
// import looks up none when its check found every event new
// (ImportOptions.NothingStored), nor those whose id is in a namespace
// ("acled:", the text up to its first colon) under which no stored event
// has one: a large import into a database of other events makes no
// lookups, which would wait for the writer's turn on the connection.
// Within the file, an id given twice is found by duplicate, or else fails
// its insert (see insertError).
func (im *importer) mayBeStored(ext string) (bool, error) {
	if !im.deferred {
		return true, nil
	}
	if im.opt.NothingStored {
		return false, nil
	}
	i := strings.IndexByte(ext, ':')
	if i <= 0 {
		return true, nil
	}
	ns := ext[:i+1]
	if found, ok := im.namespaces[ns]; ok {
		return found, nil
	}
	// The ids from ns up to, not including, ns with its colon made the
	// next character, ';'.
	var found bool
	err := im.tx.QueryRowContext(im.ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE external_id >= ? AND external_id < ?)`,
		ns, ns[:i]+";").Scan(&found)
	if err != nil {
		return false, err
	}
	if im.namespaces == nil {
		im.namespaces = map[string]bool{}
	}
	im.namespaces[ns] = found
	return found, nil
}

func (im *importer) estimate(ix *conflict.ImportEstimate) error {
	x := ix.Estimate
	x.ID, x.Place, x.ClaimantActor = 0, nil, nil
	x.Citations = slices.Clone(x.Citations)
	src := ix.Source
	if im.duplicate(src, "estimate", x.ExternalID) {
		return nil
	}
	force, err := im.actor(src, ix.Force)
	if err != nil {
		return err
	}
	if force != nil {
		x.Force = *force
	} else {
		x.Force = conflict.ActorRef{}
	}
	if ix.Place != nil {
		if x.Place, err = im.place(src, ix.Place); err != nil {
			return err
		}
	}
	if ix.ClaimantActor != nil {
		if x.ClaimantActor, err = im.actor(src, *ix.ClaimantActor); err != nil {
			return err
		}
	}
	if err := im.sources(src, x.Citations); err != nil {
		return err
	}
	x.Normalize()
	err = x.Validate()
	if err == nil && x.Status == conflict.Published {
		err = x.CanPublish()
	}
	if err != nil {
		if im.invalid(src, err) {
			return nil
		}
		return err
	}
	id, err := stored[conflict.EstimateID](im.ctx, im.estimateByExt, x.ExternalID)
	if err != nil {
		return err
	}
	if im.skip(int64(id)) {
		return nil
	}
	if id == 0 {
		im.holdLinks(conflict.EstimateRecord, x.ExternalID, &x.Relations, nil, src)
	}
	if id != 0 {
		cur, err := findEstimate(im.ctx, preparedTx{im}, id)
		if err != nil {
			return err
		}
		im.holdLinks(conflict.EstimateRecord, x.ExternalID, &x.Relations, cur.Relations, src)
		if sameEstimate(cur, x) {
			im.counts.estimates.Matched++
			return nil
		}
		im.counts.estimates.Updated++
		if !im.write {
			return nil
		}
		if im.deferred {
			return im.changedSinceCheck()
		}
		if err := im.db.rewriteEstimate(im.ctx, preparedTx{im}, &x, cur, conflict.ActionImport, im.ch); err != nil {
			if im.invalid(src, err) {
				return nil
			}
			return err
		}
		return nil
	}
	im.counts.estimates.Created++
	if !im.write {
		return nil
	}
	// The places, actors and sources it names may be queued still.
	if err := im.flushAll(); err != nil {
		return err
	}
	if err := im.db.createEstimate(im.ctx, im.tx, &x, im.ch, false); err != nil {
		if im.invalid(src, err) {
			return nil
		}
		return err
	}
	return nil
}

// actor matches an actor by name, then alias, then slug, or creates it.
// It returns nil after reporting a problem.
func (im *importer) actor(src conflict.RowRef, a conflict.ImportActor) (*conflict.ActorRef, error) {
	name := strings.TrimSpace(a.Name)
	for _, m := range []map[string]conflict.ActorRef{im.actorByName, im.actorByAlias} {
		if ref, ok := m[key(name)]; ok {
			im.matchedActor(ref.ID)
			return &ref, nil
		}
	}
	if a.Slug != "" {
		if ref, ok := im.actorBySlug[a.Slug]; ok && key(ref.Name) == key(name) {
			im.matchedActor(ref.ID)
			return &ref, nil
		}
	}
	colour := strings.ToLower(strings.TrimSpace(a.Colour))
	if !conflict.IsColour(colour) {
		colour = ""
	}
	actor := conflict.Actor{Name: name, Slug: im.freeSlug(a.Slug, name, "actor", func(s string) bool { _, ok := im.actorBySlug[s]; return ok }), Colour: colour}
	actor.Normalize()
	if err := actor.Validate(); err != nil {
		if im.invalid(src, fieldsAs(err, src.Column("actors"))) {
			return nil, nil
		}
		return nil, err
	}
	im.counts.actors.Created++
	if !im.write {
		im.fake--
		actor.ID = conflict.ActorID(im.fake)
	} else {
		now := im.db.stamp()
		id, err := im.insertNew(&im.last.actor, `INSERT INTO actors (id, slug, name, colour, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			actor.Slug, actor.Name, actor.Colour, now, now)
		if err != nil {
			return nil, err
		}
		actor.ID, actor.Version, actor.CreatedAt, actor.UpdatedAt = conflict.ActorID(id), 1, parseTime(now), parseTime(now)
		if err := im.firstRevision(conflict.ActorRecord, id, actor); err != nil {
			return nil, err
		}
	}
	ref := actor.Ref()
	im.addActor(ref)
	im.seenActors[ref.ID] = true
	return &ref, nil
}

func (im *importer) matchedActor(id conflict.ActorID) {
	if id > 0 && !im.seenActors[id] {
		im.seenActors[id] = true
		im.counts.actors.Matched++
	}
}

// fieldsAs puts every field error of err under one column: a problem with
// an actor or a place named in a row belongs to the column that named it.
func fieldsAs(err error, column string) error {
	fields := conflict.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := conflict.FieldErrors{}
	for _, msg := range fields {
		out.Add(column, msg)
	}
	return &conflict.Error{Code: conflict.Invalid, Message: conflict.ErrorMessage(err), Fields: out}
}

// freeSlug returns want when it is a valid slug not yet taken, and else
// the slug of name with the first free number appended.
func (im *importer) freeSlug(want, name, fallback string, taken func(string) bool) string {
	if want != "" && conflict.Slugify(want) == want && !taken(want) {
		return want
	}
	base := conflict.Slugify(name)
	if base == "" {
		base = fallback
	}
	if !taken(base) {
		return base
	}
	for n := 2; ; n++ {
		s := base + "-" + strconv.Itoa(n)
		if !taken(s) {
			return s
		}
	}
}

// place walks a place's path from the outside in. Each step matches a
// stored place of that name (or alternate name) inside the step before;
// failing that, one anywhere inside the path's outermost place, since
// files and editors often disagree on the districts in between; failing
// that, a new place is created inside the step before. The outermost step
// prefers a place that is inside no other. A path of one matches by slug
// as well.
func (im *importer) place(src conflict.RowRef, p *conflict.ImportPlace) (*conflict.PlaceRef, error) {
	var (
		parent, root conflict.PlaceID
		ref          *conflict.PlaceRef
	)
	for i, step := range p.Path {
		name := strings.TrimSpace(step.Name)
		if name == "" {
			continue
		}
		var found conflict.PlaceID
		cands := im.placeByName[key(name)]
		if len(p.Path) == 1 && step.Slug != "" {
			if id, ok := im.placeBySlug[step.Slug]; ok && slices.Contains(cands, id) {
				found = id
			}
		}
		if found == 0 && parent != 0 {
			for _, c := range cands {
				if im.places[c].parent == parent {
					found = c
					break
				}
			}
			if found == 0 && root != 0 {
				for _, c := range cands {
					if im.inside(c, root) {
						found = c
						break
					}
				}
			}
		} else if found == 0 && len(cands) > 0 {
			found = cands[0]
			for _, c := range cands {
				if im.places[c].parent == 0 {
					found = c
					break
				}
			}
		}
		if found == 0 {
			id, err := im.createPlace(src, step, parent)
			if err != nil || id == 0 {
				return nil, err
			}
			found = id
		} else if found > 0 && !im.seenPlaces[found] {
			im.seenPlaces[found] = true
			im.counts.places.Matched++
		}
		if i == 0 || root == 0 {
			root = found
		}
		parent = found
		r := im.places[found].ref
		ref = &r
	}
	return ref, nil
}

// inside reports whether place id lies within root, at any depth.
func (im *importer) inside(id, root conflict.PlaceID) bool {
	for depth := 0; id != 0 && depth < 32; depth++ {
		n := im.places[id]
		if n == nil {
			return false
		}
		if n.parent == root {
			return true
		}
		id = n.parent
	}
	return false
}

func (im *importer) createPlace(src conflict.RowRef, step conflict.PlaceName, parent conflict.PlaceID) (conflict.PlaceID, error) {
	name := strings.TrimSpace(step.Name)
	p := conflict.Place{Name: name, Kind: step.Kind, Coordinates: step.Coordinates,
		Slug: im.freeSlug(step.Slug, name, "place", func(s string) bool { _, ok := im.placeBySlug[s]; return ok })}
	if parent != 0 {
		r := im.places[parent].ref
		p.Parent = &conflict.PlaceRef{ID: r.ID, Slug: r.Slug, Name: r.Name}
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		if im.invalid(src, fieldsAs(err, src.Column("place"))) {
			return 0, nil
		}
		return 0, err
	}
	im.counts.places.Created++
	if !im.write {
		im.fake--
		p.ID = conflict.PlaceID(im.fake)
	} else {
		now := im.db.stamp()
		var parentID, lat, lon any
		if parent > 0 {
			parentID = int64(parent)
		}
		if p.Coordinates != nil {
			lat, lon = p.Coordinates.Lat, p.Coordinates.Lon
		}
		id, err := im.insertNew(&im.last.place, `INSERT INTO places (id, slug, name, kind, parent_id, latitude, longitude, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Slug, p.Name, p.Kind, parentID, lat, lon, now, now)
		if err != nil {
			return 0, err
		}
		p.ID, p.Version, p.CreatedAt, p.UpdatedAt = conflict.PlaceID(id), 1, parseTime(now), parseTime(now)
		if err := im.firstRevision(conflict.PlaceRecord, id, p); err != nil {
			return 0, err
		}
	}
	im.addPlace(&placeNode{ref: p.Ref(), parent: parent})
	im.seenPlaces[p.ID] = true
	return p.ID, nil
}

// sources matches each citation's source by URL (one without a URL by
// publisher, title and date), or creates it.
func (im *importer) sources(src conflict.RowRef, cs []conflict.Citation) error {
	for i := range cs {
		s := cs[i].Source
		s.ID = 0
		s.Normalize()
		if err := s.Validate(); err != nil {
			if im.invalid(src, fieldsAs(err, src.Column("citations"))) {
				continue
			}
			return err
		}
		urlKey, err := s.Key()
		if err != nil {
			return err
		}
		stored, ok := im.sourceByURL[urlKey]
		if !ok {
			if stored, ok, err = im.storedSource(urlKey); err != nil {
				return err
			}
		}
		if ok {
			if stored.ID > 0 && !im.seenSources[stored.ID] {
				im.seenSources[stored.ID] = true
				im.counts.sources.Matched++
			}
			cs[i].Source = stored
			continue
		}
		im.counts.sources.Created++
		if !im.write {
			im.fake--
			s.ID = conflict.SourceID(im.fake)
		} else {
			authors, _ := json.Marshal(s.Authors)
			if s.Authors == nil {
				authors = []byte("[]")
			}
			now := im.db.stamp()
			id, err := im.insertNew(&im.last.source, `INSERT INTO sources
				(id, url, url_key, publisher, title, published, published_lo, authors, language, archived_url, reliability, notes, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				s.URL, urlKey, s.Publisher, s.Title, s.Published.String(), s.Published.LowerKey(), string(authors), s.Language,
				s.ArchivedURL, string(s.Reliability), s.Notes, now, now)
			if err != nil {
				return err
			}
			s.ID, s.Version, s.CreatedAt, s.UpdatedAt = conflict.SourceID(id), 1, parseTime(now), parseTime(now)
			if err := im.firstRevision(conflict.SourceRecord, id, s); err != nil {
				return err
			}
		}
		im.sourceByURL[urlKey] = s
		im.seenSources[s.ID] = true
		cs[i].Source = s
	}
	return nil
}

// eventToCompareQuery reads an event as far as sameEvent compares it, in
// the order findEvent gives its actors (by position, then name) and
// citations (by position), each list as JSON.
const eventToCompareQuery = `SELECT e.title, e.date, e.body, e.place_id,
	(SELECT json_group_array(json_object('a', ea.actor_id, 'r', ea.role) ORDER BY ea.position, a.name, ea.actor_id, ea.role)
		FROM event_actors ea JOIN actors a ON a.id = ea.actor_id WHERE ea.event_id = e.id),
	(SELECT json_group_array(tag) FROM event_tags WHERE event_id = e.id),
	(SELECT json_group_array(json_object('s', c.source_id, 'q', c.quote, 'l', c.locator, 'c', coalesce(c.credibility, 0)) ORDER BY c.position, c.id)
		FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.event_id = e.id)
	FROM events e WHERE e.id = ?`

// eventToCompare returns the stored event id with what sameEvent compares,
// and ids for the records it refers to: one query, where findEvent makes
// six (the actors' and sources' records, the relations), for each row of
// a file imported again that names a stored event.
func eventToCompare(ctx context.Context, q querier, id conflict.EventID) (conflict.Event, error) {
	var (
		e                       conflict.Event
		place                   sql.NullInt64
		actors, tags, citations string
	)
	err := q.QueryRowContext(ctx, eventToCompareQuery, int64(id)).Scan(&e.Title, &e.Date, &e.Body, &place, &actors, &tags, &citations)
	if err != nil {
		return e, mapError(err)
	}
	e.ID = id
	if place.Valid {
		e.Place = &conflict.PlaceRef{ID: conflict.PlaceID(place.Int64)}
	}
	var (
		as []struct {
			Actor int64  `json:"a"`
			Role  string `json:"r"`
		}
		cs []struct {
			Source      int64  `json:"s"`
			Quote       string `json:"q"`
			Locator     string `json:"l"`
			Credibility int    `json:"c"`
		}
	)
	if err := errors.Join(json.Unmarshal([]byte(actors), &as), json.Unmarshal([]byte(tags), &e.Tags),
		json.Unmarshal([]byte(citations), &cs)); err != nil {
		return e, fmt.Errorf("event %d: %w", id, err)
	}
	for _, a := range as {
		e.Actors = append(e.Actors, conflict.EventActor{Actor: conflict.ActorRef{ID: conflict.ActorID(a.Actor)}, Role: a.Role})
	}
	for _, c := range cs {
		e.Citations = append(e.Citations, conflict.Citation{Source: conflict.Source{ID: conflict.SourceID(c.Source)},
			Quote: c.Quote, Locator: c.Locator, Credibility: c.Credibility})
	}
	return e, nil
}

// sameEvent reports whether the stored event cur already has e's content,
// so that importing it again changes nothing. Status is not compared: an
// import never moves a stored record through review.
func sameEvent(cur, e conflict.Event) bool {
	if cur.Title != e.Title || cur.Date != e.Date || cur.Body != e.Body || placeID(cur.Place) != placeID(e.Place) ||
		len(cur.Actors) != len(e.Actors) || len(cur.Citations) != len(e.Citations) {
		return false
	}
	for i := range cur.Actors {
		if cur.Actors[i].Actor.ID != e.Actors[i].Actor.ID || cur.Actors[i].Role != e.Actors[i].Role {
			return false
		}
	}
	a, b := slices.Clone(cur.Tags), slices.Clone(e.Tags)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) && sameCitations(cur.Citations, e.Citations)
}

func sameEstimate(cur, x conflict.Estimate) bool {
	return cur.Force.ID == x.Force.ID && placeID(cur.Place) == placeID(x.Place) && cur.AsOf == x.AsOf &&
		cur.Unit == x.Unit && cur.Qualifier == x.Qualifier && cur.Low == x.Low && cur.High == x.High &&
		cur.Claimant == x.Claimant && actorID(cur.ClaimantActor) == actorID(x.ClaimantActor) && cur.Notes == x.Notes &&
		len(cur.Citations) == len(x.Citations) && sameCitations(cur.Citations, x.Citations)
}

func sameCitations(a, b []conflict.Citation) bool {
	for i := range a {
		if a[i].Source.ID != b[i].Source.ID || a[i].Quote != b[i].Quote || a[i].Locator != b[i].Locator || a[i].Credibility != b[i].Credibility {
			return false
		}
	}
	return true
}

func placeID(p *conflict.PlaceRef) conflict.PlaceID {
	if p == nil {
		return 0
	}
	return p.ID
}

func actorID(a *conflict.ActorRef) conflict.ActorID {
	if a == nil {
		return 0
	}
	return a.ID
}
