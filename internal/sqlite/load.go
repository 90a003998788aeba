package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// Loader writes many new records as fast as SQLite takes them, for data
// generators: their records are known to be new and valid, and a load is
// not all or nothing — a Loader commits a batch at a time. Imports, which
// must be all or nothing, use ImportBatch.
//
// Three things make it fast. Each record is prepared — ids given, its
// revision's snapshot marshalled and compressed — on the caller's
// goroutine, while a second goroutine writes the records before it with
// prepared multi-row statements, so both cores work. Transactions are
// large. And what triggers derive from new rows — the search indexes, the
// event postings and their tallies — is filled in once, at the end, in
// one sorted statement each, rather than row by row: FTS5 writes out its
// pending terms at every statement that fires one, and postings inserted
// event by event land on random pages of a large index. Those triggers
// (deferredTriggers) are set aside while loading; Close fills in what they
// would have written and puts them back. A process killed before Close
// leaves a database without them, fit only to be deleted; never load into
// a database that holds real records.
type Loader struct {
	db     *DB
	ctx    context.Context
	conn   *sql.Conn
	ch     conflict.Change
	author any
	now    string
	batch  int
	n      int // records in the current transaction

	chunk *loadChunk
	out   chan *loadChunk
	done  chan error
	err   error

	next  struct{ actor, place, source, event, estimate int64 }
	first lastIDs
	// blocks gathers the revisions, whose rows follow their block to the
	// writer.
	blocks *blockPacker
	// setAside are the triggers removed for the load, by name, with the
	// SQL that makes each again.
	setAside map[string]string

	// Step, when set, is told of each step Close takes once the records
	// are written, as it ends: filling in each deferred index, merging,
	// gathering statistics. At a million events these take minutes, which
	// a caller should not have to sit through in silence.
	Step func(name string, took time.Duration)
}

// loadChunk is the rows of many records, by statement, on their way to
// the writer; commit ends the transaction after them.
type loadChunk struct {
	rows    [len(loadSQL)][][]any
	records int
	commit  bool
}

// The statements a Loader prepares, in loadSQL's order.
const (
	stActor = iota
	stAlias
	stPlace
	stPlaceName
	stSource
	stEvent
	stEventActor
	stEventTag
	stCitation
	stEstimate
	stBlock
	stRevision
)

// loadOrder is the order a chunk's rows are written in: each row after
// the rows it refers to (an event before its actors, which a trigger
// posts under the event's date; an estimate before its citations).
var loadOrder = []int{stActor, stAlias, stPlace, stPlaceName, stSource, stEvent, stEventActor, stEventTag, stEstimate, stCitation, stBlock, stRevision}

var loadSQL = [...]string{
	stActor:      `INSERT INTO actors (id, slug, name, kind, parent_id, colour, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	stAlias:      `INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)`,
	stPlace:      `INSERT INTO places (id, slug, name, kind, parent_id, latitude, longitude, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	stPlaceName:  `INSERT INTO place_names (place_id, name, lang) VALUES (?, ?, ?)`,
	stSource:     `INSERT INTO sources (id, url, url_key, publisher, title, published, published_lo, authors, language, archived_url, reliability, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	stEvent:      `INSERT INTO events (id, title, date, date_lo, date_hi, place_id, body, status, status_note, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	stEventActor: `INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, ?, ?)`,
	stEventTag:   `INSERT INTO event_tags (event_id, tag) VALUES (?, ?)`,
	stCitation:   `INSERT INTO citations (source_id, event_id, estimate_id, quote, locator, credibility, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
	stEstimate: `INSERT INTO estimates (id, actor_id, place_id, as_of, as_of_lo, as_of_hi, unit, qualifier, low, high, claimant, claimant_actor_id,
		notes, status, status_note, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	stBlock:    insertBlockSQL,
	stRevision: insertBlockedRevisionSQL,
}

// deferredTriggers are the per-row triggers a load sets aside, in groups
// set aside together, each with the statements that do for the loaded
// rows, all at once, what the group's triggers would have done row by row:
// the same search index rows (records_fts numbers a record id * 8 + its
// kind, as 0002_search.sql explains, and reads the records' own text, as
// 0030 does;
// events_date_fts orders by day, as 0007 does, and holds every event, as
// 0029 does; the text indexed is
// folded, as 0018 does) and the same postings and tallies (0004). Each fill takes the
// last id stored before the load.
//
// The fills read the new events as a range of ids. A test of status is
// written +status, which keeps it out of the plan: otherwise the planner,
// not knowing how many ids follow ?1, reads the new events through
// events_status_date_idx, that is every published event ever stored, a
// million of them in a large database, for a hundred thousand new ones.
//
// A trigger is set aside only while its definition is the one named here
// by its SHA-256 prefix: a migration that changes it leaves it firing row
// by row, which is slower but never wrong, until its fill is brought up to
// date here (TestLoaderSetsAsideEveryKnownTrigger fails meanwhile).
var deferredTriggers = []deferredGroup{
	{"events' search index filled in", map[string]string{"events_date_fts_insert": "ff2a9bf5e0c8ec07"},
		[]string{`INSERT INTO events_date_fts (rowid, title, body)
			SELECT CAST(julianday(date_lo) + 0.5 AS INTEGER) * 4294967296 + id, search_fold(title), search_fold(body)
			FROM events WHERE id > ?1 ORDER BY 1`},
		func(f lastIDs) []any { return []any{f.event} }},
	// The postings (0004), their tallies by key (0004), by place (0019)
	// and by day (0021), together: the new postings are gathered once,
	// sorted, in a temporary table, so that they land in event_postings in
	// its own order, each of its pages written once, and every tally is
	// one ordered pass over them rather than a lookup a posting. Beside
	// them the table holds one row a new public event under '*', the key
	// its tallies of all events have, which has no postings of its own.
	// The day tallies' marks (0028) move once, for every key, under ''
	// (postingsUse ends with it), rather than a row at a time.
	{"event postings and tallies filled in", map[string]string{"event_postings_insert": "727a6a509af2b8ea", "event_actors_post": "47cb2a1c665a0876",
		"event_tags_post": "23a3eaa6a5c10d82", "event_postings_count": "d420c88ab7bc841f", "event_place_count": "e4c8a078a4a63b38",
		"event_place_own_insert": "07afe1791b7b0daa", "event_key_days_count": "5273a317b5d70f99", "event_days_insert": "6897f0005208e33e",
		"day_tally_marks_insert": "e61e8932dedf5acb", "day_tally_marks_update": "3fb9ab60df07f6de", "day_tally_marks_delete": "7dbd471ae645a076"},
		slices.Concat(postingsSort, postingsUse, []string{`DROP TABLE temp.new_postings`}),
		func(f lastIDs) []any { return []any{f.event} }},
	// records_fts's triggers (0030) write its change log themselves: the
	// fill says once that the index was rewritten, rather than naming
	// every row loaded, and the triggers come back in the same
	// transaction, so no search's sets are brought up to date across the
	// load from the log alone.
	{"search text of actors, places, sources and quotations filled in", map[string]string{
		"actors_fts_insert": "8652c11d1a0e6903", "actor_aliases_fts_insert": "08b8664dde76302f", "places_fts_insert": "4611004fa212dc9d",
		"place_names_fts_insert": "4515509125fcca6a", "sources_fts_insert": "59db068fdbd1edf4", "citations_fts_insert": "514ee4e437387fdc"},
		[]string{recordKinds[0].fill("?1"), recordKinds[1].fill("?2"), recordKinds[2].fill("?3"), recordKinds[3].fill("?4"),
			`INSERT INTO search_changes (search_index, row) VALUES ('records_fts', NULL)`},
		func(f lastIDs) []any { return []any{f.actor, f.place, f.source, f.citation} }},
	// After the events' fill, likewise for events_date_fts, whose log has
	// triggers of its own.
	{"search indexes marked as rewritten", map[string]string{"search_changes_event_insert": "7bfff28e92316668"},
		[]string{`INSERT INTO search_changes (search_index, row) VALUES ('events_date_fts', NULL)`},
		func(f lastIDs) []any { return []any{f.event} }},
}

// deferredGroup is a group of triggers set aside together, with what
// fills in their work.
type deferredGroup struct {
	name     string            // what the fills make, as Loader.Step says it
	triggers map[string]string // name: SHA-256 prefix of its SQL
	fills    []string
	// first gives the fills' parameters: ?1 and on, the last ids stored
	// before the load of the records they fill in for.
	first func(lastIDs) []any
}

// postingsSort gathers a load's new postings, sorted, in a table
// temp.new_postings; postingsUse writes them and their tallies from it. A
// Loader sorts on a connection of its own while it fills the search
// indexes (Loader.finish), into a file it attaches as "sorted".
var (
	postingsSort = []string{
		// The temporary table is on disk unless temp_store says
		// otherwise, so its size does not weigh on memory; the sort
		// that fills it spills to disk past the page cache's size.
		// OR IGNORE: an event is posted once under a key however many
		// of its actors lead there.
		`CREATE TABLE temp.new_postings (
			key TEXT NOT NULL, date_lo TEXT NOT NULL, event_id INTEGER NOT NULL, date_hi TEXT NOT NULL,
			retracted INTEGER NOT NULL, place_id INTEGER,
			PRIMARY KEY (key, date_lo, event_id)) WITHOUT ROWID`,
		`INSERT OR IGNORE INTO temp.new_postings (key, date_lo, event_id, date_hi, retracted, place_id)
		SELECT key, date_lo, id, date_hi, retracted, place_id FROM (
			SELECT 'p:' || t.ancestor_id AS key, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi) AS date_hi, e.status = 'retracted' AS retracted, e.place_id
			FROM events e JOIN place_tree t ON t.descendant_id = e.place_id
			WHERE e.id > ?1 AND +e.status IN ('published', 'retracted')
			UNION ALL
			SELECT 'a:' || t.ancestor_id, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted', e.place_id
			FROM events e JOIN event_actors ea ON ea.event_id = e.id JOIN actor_tree t ON t.descendant_id = ea.actor_id
			WHERE e.id > ?1 AND +e.status IN ('published', 'retracted')
			UNION ALL
			SELECT 't:' || et.tag, e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted', e.place_id
			FROM events e JOIN event_tags et ON et.event_id = e.id
			WHERE e.id > ?1 AND +e.status IN ('published', 'retracted')
			UNION ALL
			SELECT '*', e.date_lo, e.id, iif(e.date_hi = e.date_lo, '', e.date_hi), e.status = 'retracted', e.place_id
			FROM events e WHERE e.id > ?1 AND +e.status IN ('published', 'retracted'))
		ORDER BY 1, 2, 3`,
	}
	postingsUse = []string{
		`INSERT OR IGNORE INTO event_postings (key, date_lo, event_id, date_hi, retracted)
		SELECT key, date_lo, event_id, date_hi, retracted FROM temp.new_postings WHERE key <> '*'`,
		// Counts of published events: '*', each key's.
		`INSERT INTO event_key_counts (key, n)
		SELECT key, count(*) FROM temp.new_postings WHERE retracted = 0 GROUP BY key
		ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`,
		// The map's counts of events by place (0019): all of them, and
		// each actor's and tag's; not the places' own keys.
		`INSERT INTO event_place_counts (key, place_id, n)
		SELECT key, place_id, count(*) FROM temp.new_postings
		WHERE retracted = 0 AND (key = '*' OR key GLOB 'a:*' OR key GLOB 't:*') AND place_id IS NOT NULL
		GROUP BY key, place_id
		ON CONFLICT (key, place_id) DO UPDATE SET n = n + excluded.n`,
		// The day tallies (0021).
		`INSERT INTO event_key_days (key, day, n)
		SELECT key, date_lo, count(*) FROM temp.new_postings WHERE retracted = 0 GROUP BY key, date_lo
		ON CONFLICT (key, day) DO UPDATE SET n = n + excluded.n`,
		dayTallyRewritten,
	}
)

// triggerPrint is the SHA-256 prefix deferredTriggers names a trigger's
// SQL by.
func triggerPrint(sql string) string {
	sum := sha256.Sum256([]byte(sql))
	return hex.EncodeToString(sum[:8])
}

// chunkRecords is how many records travel to the writer at once; each
// statement inserts up to multiRows rows of one table.
const (
	chunkRecords = 1000
	multiRows    = 64
)

// NewLoader starts a load. It holds the database's writer until Close,
// which must be called. batch is how many records one transaction writes.
func (db *DB) NewLoader(ctx context.Context, ch conflict.Change, batch int) (*Loader, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, mapError(err)
	}
	l := &Loader{db: db, ctx: ctx, conn: conn, ch: ch, batch: max(batch, 1), now: db.stamp(),
		chunk: &loadChunk{}, out: make(chan *loadChunk, 4), done: make(chan error, 1), setAside: map[string]string{}}
	if ch.Author != nil {
		l.author = int64(*ch.Author)
	}
	if err := l.start(); err != nil {
		conn.Close()
		return nil, err
	}
	go func() { l.done <- l.write() }()
	return l, nil
}

// start tunes the connection for a large write, finds the first free ids
// and sets the index triggers aside.
func (l *Loader) start() error {
	ctx := l.ctx
	// A generator's data is lost with a crash anyway: no syncing while it
	// loads. A large cache keeps the indexes being filled in memory. The
	// generator's records refer only to records it made before, so
	// checking each reference would only cost time.
	for _, p := range []string{`PRAGMA temp_store = MEMORY`, `PRAGMA cache_size = -1000000`, `PRAGMA synchronous = OFF`, `PRAGMA foreign_keys = OFF`} {
		if _, err := l.conn.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if l.first, err = readLastIDs(ctx, tx); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM estimates`).Scan(&l.next.estimate); err != nil {
		return err
	}
	if l.blocks, err = newBlockPacker(ctx, tx); err != nil {
		return err
	}
	l.next.actor, l.next.place, l.next.source, l.next.event = l.first.actor, l.first.place, l.first.source, l.first.event
	if l.setAside, err = setAsideTriggers(ctx, tx); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

// lastIDs are the largest ids of the records triggers derive rows from,
// before a bulk write: the rows after them are the new ones.
type lastIDs struct{ actor, place, source, event, citation int64 }

func readLastIDs(ctx context.Context, q querier) (lastIDs, error) {
	var f lastIDs
	for _, m := range []struct {
		table string
		into  *int64
	}{{"actors", &f.actor}, {"places", &f.place}, {"sources", &f.source}, {"events", &f.event}, {"citations", &f.citation}} {
		if err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+m.table).Scan(m.into); err != nil {
			return f, err
		}
	}
	return f, nil
}

// setAsideTriggers drops the deferredTriggers whose SQL is as expected,
// returning each dropped one's SQL by name. Inside a transaction the
// drop is undone by a rollback, like any other write.
func setAsideTriggers(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'`)
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		found[name] = def
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	setAside := map[string]string{}
	for _, g := range deferredTriggers {
		known := true
		for name, print := range g.triggers {
			known = known && found[name] != "" && triggerPrint(found[name]) == print
		}
		if !known {
			continue
		}
		for name := range g.triggers {
			if _, err := q.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
				return nil, err
			}
			setAside[name] = found[name]
		}
	}
	return setAside, nil
}

// restoreTriggers writes what the triggers set aside would have written
// for the rows after first, and makes the triggers again.
func restoreTriggers(ctx context.Context, q querier, setAside map[string]string, first lastIDs, hashSize int) error {
	for i := range deferredTriggers {
		if _, err := restoreGroup(ctx, q, i, deferredTriggers[i].fills, setAside, first, hashSize); err != nil {
			return err
		}
	}
	return nil
}

// restoreGroup is restoreTriggers for deferredTriggers[i] alone, running
// fills (the group's own, or statements doing the same work), and says
// whether the group had been set aside. hashSize is the memory each search
// index may gather terms in.
func restoreGroup(ctx context.Context, q querier, i int, fills []string, setAside map[string]string, first lastIDs, hashSize int) (bool, error) {
	g := deferredTriggers[i]
	set := false
	for name := range g.triggers {
		_, set = setAside[name]
	}
	if !set {
		return false, nil
	}
	// FTS5 writes out its pending terms as a segment whenever they pass
	// its hash size (1 MB unless set), and merges segments as they pile
	// up; a larger hash while filling makes fewer, larger segments. Each
	// index's own setting is put back after.
	restore := map[string]int64{}
	for _, table := range searchIndexes {
		var old sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT v FROM `+table+`_config WHERE k = 'hashsize'`).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			continue // no such index
		}
		if !old.Valid {
			old.Int64 = 1 << 20
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('hashsize', ?)`, hashSize); err != nil {
			return false, err
		}
		restore[table] = old.Int64
	}
	if err := execEach(ctx, q, fills, g.first(first)...); err != nil {
		return false, fmt.Errorf("filling in what triggers would have: %w", err)
	}
	for name := range g.triggers {
		if _, err := q.ExecContext(ctx, setAside[name]); err != nil {
			return false, fmt.Errorf("restoring trigger %s: %w", name, err)
		}
	}
	for table, size := range restore {
		if _, err := q.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('hashsize', ?)`, size); err != nil {
			return false, err
		}
	}
	return true, nil
}

// write runs on its own goroutine: it writes the chunks sent, in order,
// committing where told.
func (l *Loader) write() (err error) {
	var (
		tx        *sql.Tx
		one, many [len(loadSQL)]*sql.Stmt
		manyArgs  []any
	)
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
		if err != nil {
			for range l.out {
				// Let the sender finish; it learns of the error from done.
			}
		}
	}()
	for c := range l.out {
		if tx == nil {
			if tx, err = l.conn.BeginTx(l.ctx, nil); err != nil {
				return mapError(err)
			}
			for i, q := range loadSQL {
				if one[i], err = tx.PrepareContext(l.ctx, q); err != nil {
					return err
				}
				if many[i], err = tx.PrepareContext(l.ctx, multiRowSQL(q, multiRows)); err != nil {
					return err
				}
			}
		}
		for _, st := range loadOrder {
			rows := c.rows[st]
			for len(rows) >= multiRows {
				manyArgs = manyArgs[:0]
				for _, r := range rows[:multiRows] {
					manyArgs = append(manyArgs, r...)
				}
				if _, err := many[st].ExecContext(l.ctx, manyArgs...); err != nil {
					return fmt.Errorf("load: %.40s: %w", loadSQL[st], mapError(err))
				}
				rows = rows[multiRows:]
			}
			for _, r := range rows {
				if _, err := one[st].ExecContext(l.ctx, r...); err != nil {
					return fmt.Errorf("load: %.40s: %w", loadSQL[st], mapError(err))
				}
			}
		}
		if c.commit {
			err = tx.Commit()
			tx = nil
			if err != nil {
				return mapError(err)
			}
		}
	}
	if tx != nil {
		err = tx.Commit()
		tx = nil
	}
	return mapError(err)
}

// multiRowSQL repeats the one row of an INSERT's VALUES n times.
func multiRowSQL(q string, n int) string {
	i := strings.Index(q, "VALUES ")
	head, row := q[:i+len("VALUES ")], strings.TrimSpace(q[i+len("VALUES "):])
	return head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

func (l *Loader) add(stmt int, args ...any) {
	l.chunk.rows[stmt] = append(l.chunk.rows[stmt], args)
}

// record ends one record's rows: it sends a chunk on when full, and ends
// the transaction after every batch.
func (l *Loader) record() error {
	l.n++
	l.chunk.records++
	if l.n >= l.batch {
		l.chunk.commit = true
		l.n = 0
		l.now = l.db.stamp()
	}
	if l.chunk.records < chunkRecords && !l.chunk.commit {
		return nil
	}
	return l.send()
}

func (l *Loader) send() error {
	if l.err != nil {
		return l.err
	}
	if l.chunk.records == 0 && !l.chunk.commit {
		return nil
	}
	// A chunk takes its records' revisions with it, and a block must not
	// wait for records the next transaction writes.
	l.endBlock()
	select {
	case l.out <- l.chunk:
		l.chunk = &loadChunk{}
		return nil
	case err := <-l.done:
		if err == nil {
			err = errors.New("load: the writer stopped")
		}
		l.err = err
		return err
	}
}

// revision adds a new record's first revision to the current snapshot
// block.
func (l *Loader) revision(rt conflict.RecordType, id int64, v any) error {
	js, err := snapshot.Encode(v)
	if err != nil {
		return fmt.Errorf("snapshot %s %d: %w", rt, id, err)
	}
	if l.blocks.add(js, rt, id, 1, string(actionFor(l.ch)), l.author, l.ch.AuthorName, l.ch.Summary, l.now, false) {
		l.endBlock()
	}
	return nil
}

// endBlock compresses the current snapshot block and adds it, and its
// revisions, to the chunk.
func (l *Loader) endBlock() {
	block, revisions := l.blocks.take()
	if block == nil {
		return
	}
	l.add(stBlock, block...)
	for _, r := range revisions {
		l.add(stRevision, r...)
	}
}

// Actor stores a new actor with its aliases, filling in its id, slug and
// version. Its parent, if any, must be loaded or stored already.
func (l *Loader) Actor(a *conflict.Actor) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	l.next.actor++
	// What a load stores is published: the columns' default, which the
	// snapshot must agree with.
	a.ID, a.Version, a.CreatedAt, a.UpdatedAt = conflict.ActorID(l.next.actor), 1, parseTime(l.now), parseTime(l.now)
	a.Status, a.StatusNote = conflict.Published, ""
	var parent any
	if a.Parent != nil {
		parent = int64(a.Parent.ID)
	}
	id := int64(a.ID)
	l.add(stActor, id, a.Slug, a.Name, a.Kind, parent, a.Colour, a.Description, l.now, l.now)
	for _, al := range a.Aliases {
		l.add(stAlias, id, al)
	}
	if err := l.revision(conflict.ActorRecord, id, a); err != nil {
		return err
	}
	return l.record()
}

// Place stores a new place with its alternate names, filling in its id,
// slug and version.
func (l *Loader) Place(p *conflict.Place) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	l.next.place++
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt = conflict.PlaceID(l.next.place), 1, parseTime(l.now), parseTime(l.now)
	p.Status, p.StatusNote = conflict.Published, ""
	var parent, lat, lon any
	if p.Parent != nil {
		parent = int64(p.Parent.ID)
	}
	if p.Coordinates != nil {
		lat, lon = p.Coordinates.Lat, p.Coordinates.Lon
	}
	id := int64(p.ID)
	l.add(stPlace, id, p.Slug, p.Name, p.Kind, parent, lat, lon, p.Description, l.now, l.now)
	for _, n := range p.AltNames {
		l.add(stPlaceName, id, n.Name, n.Lang)
	}
	if err := l.revision(conflict.PlaceRecord, id, p); err != nil {
		return err
	}
	return l.record()
}

// Source stores a new source, filling in its id and version. Its URL must
// be new.
func (l *Loader) Source(s *conflict.Source) error {
	s.Normalize()
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Authors == nil {
		s.Authors = []string{}
	}
	authors, err := json.Marshal(s.Authors)
	if err != nil {
		return err
	}
	l.next.source++
	s.ID, s.Version, s.CreatedAt, s.UpdatedAt = conflict.SourceID(l.next.source), 1, parseTime(l.now), parseTime(l.now)
	s.Status, s.StatusNote = conflict.Published, ""
	id := int64(s.ID)
	urlKey, _ := s.Key() // Validate has read the address
	l.add(stSource, id, s.URL, urlKey, s.Publisher, s.Title, s.Published.String(), s.Published.LowerKey(), string(authors), s.Language,
		s.ArchivedURL, string(s.Reliability), s.Notes, l.now, l.now)
	if err := l.revision(conflict.SourceRecord, id, s); err != nil {
		return err
	}
	return l.record()
}

// Event stores a new event with its actors, tags and citations, filling
// in its id, slug and version. Its place, actors and cited sources must be
// loaded or stored already.
func (l *Loader) Event(e *conflict.Event) error {
	if err := prepareEvent(e); err != nil {
		return err
	}
	l.next.event++
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt = conflict.EventID(l.next.event), 1, parseTime(l.now), parseTime(l.now)
	var place any
	if e.Place != nil {
		place = int64(e.Place.ID)
	}
	id := int64(e.ID)
	l.add(stEvent, id, e.Title, e.Date.String(), e.Date.LowerKey(), e.Date.UpperKey(), place, e.Body,
		string(e.Status), e.StatusNote, nullString(e.ExternalID), l.now, l.now)
	for i, a := range e.Actors {
		l.add(stEventActor, id, int64(a.Actor.ID), a.Role, i)
	}
	for _, t := range e.Tags {
		l.add(stEventTag, id, t)
	}
	l.citations(id, nil, e.Citations)
	if err := l.revision(conflict.EventRecord, id, e); err != nil {
		return err
	}
	return l.record()
}

// Estimate stores a new estimate with its citations, filling in its id and
// version.
func (l *Loader) Estimate(x *conflict.Estimate) error {
	x.Normalize()
	if err := x.Validate(); err != nil {
		return err
	}
	if x.Status == conflict.Published {
		if err := x.CanPublish(); err != nil {
			return err
		}
	}
	l.next.estimate++
	x.ID, x.Version, x.CreatedAt, x.UpdatedAt = conflict.EstimateID(l.next.estimate), 1, parseTime(l.now), parseTime(l.now)
	var place, claimant, low, high any
	if x.Place != nil {
		place = int64(x.Place.ID)
	}
	if x.ClaimantActor != nil {
		claimant = int64(x.ClaimantActor.ID)
	}
	if x.Low.Set {
		low = x.Low.Value
	}
	if x.High.Set {
		high = x.High.Value
	}
	id := int64(x.ID)
	l.add(stEstimate, id, int64(x.Force.ID), place, x.AsOf.String(), x.AsOf.LowerKey(), x.AsOf.UpperKey(), x.Unit, string(x.Qualifier),
		low, high, x.Claimant, claimant, x.Notes, string(x.Status), x.StatusNote, nullString(x.ExternalID), l.now, l.now)
	l.citations(nil, id, x.Citations)
	if err := l.revision(conflict.EstimateRecord, id, x); err != nil {
		return err
	}
	return l.record()
}

func (l *Loader) citations(event, estimate any, cs []conflict.Citation) {
	for i, c := range cs {
		var cred any
		if c.Credibility != 0 {
			cred = c.Credibility
		}
		l.add(stCitation, int64(c.Source.ID), event, estimate, c.Quote, c.Locator, cred, i)
	}
}

// Close writes what is left, indexes everything loaded for search, puts
// the index triggers back, refreshes the planner's statistics and folds
// the write-ahead log into the database. It does all of that even after a
// failed load, for the records committed before the failure, and returns
// the load's first error.
func (l *Loader) Close() error {
	ctx := context.WithoutCancel(l.ctx)
	l.chunk.commit = true
	err := l.send()
	close(l.out)
	if werr := <-l.done; err == nil {
		err = werr
	}
	defer l.conn.Close()
	// What readers keep by data version is stale from here on.
	defer l.db.version.forget()
	ferr := l.finish(ctx)
	for _, p := range []string{`PRAGMA foreign_keys = ON`, `PRAGMA synchronous = NORMAL`, `PRAGMA cache_size = -2000`, `PRAGMA temp_store = DEFAULT`} {
		if _, perr := l.conn.ExecContext(ctx, p); perr != nil && ferr == nil {
			ferr = perr
		}
	}
	if err != nil {
		return errors.Join(err, ferr)
	}
	return ferr
}

func (l *Loader) finish(ctx context.Context) error {
	// The fills sort what they write (the postings through a temporary
	// table), which for millions of events belongs on disk; and SQLite's
	// sorter holds as much in memory as the page cache may, which while
	// loading is a gigabyte. The fills write in order and need less: with
	// 256 MB a million-event synth peaked at 2.3 GB, as before the fills
	// sorted, against 3.8 GB with the gigabyte.
	for _, p := range []string{`PRAGMA temp_store = FILE`, `PRAGMA cache_size = -262144`} {
		if _, err := l.conn.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	// The postings' sort reads only what is committed, which by now is
	// every record: a second connection makes it, into a file of its own,
	// while this one fills the search indexes. SQLite writes with one
	// core, and the other had nothing to do.
	postings := slices.IndexFunc(deferredTriggers, func(g deferredGroup) bool { return g.triggers["event_postings_insert"] != "" })
	var sorted *sortedPostings
	if _, ok := l.setAside["event_postings_insert"]; ok {
		var err error
		if sorted, err = l.sortPostings(ctx); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		defer sorted.remove()
	}
	// One transaction a group: a load commits as it goes anyway, and a
	// transaction the size of all the indexes would spill from the cache.
	// The postings come last, so that their sort has the most time.
	var order []int
	for i := range deferredTriggers {
		if i != postings {
			order = append(order, i)
		}
	}
	for _, i := range append(order, postings) {
		fills := deferredTriggers[i].fills
		if i == postings && sorted != nil {
			if err := sorted.attach(ctx, l.conn); err != nil {
				return fmt.Errorf("load: %w", err)
			}
			fills = inSorted(postingsUse)
		}
		begun := time.Now()
		tx, err := l.conn.BeginTx(ctx, nil)
		if err != nil {
			return mapError(err)
		}
		filled, err := restoreGroup(ctx, tx, i, fills, l.setAside, l.first, 64<<20)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("load: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return mapError(err)
		}
		if i == postings && sorted != nil {
			if _, err := l.conn.ExecContext(ctx, `DETACH DATABASE sorted`); err != nil {
				return fmt.Errorf("load: %w", err)
			}
		}
		if filled {
			l.step(deferredTriggers[i].name, begun)
		}
	}
	// A load writes most of a database's text at once, and its indexes
	// are left in several segments (four to six at a million events);
	// merged into one, a search of three common words took half the time
	// (6.0 ms at the median against 3.3). Merging costs about 35 s at a
	// million events, once.
	begun := time.Now()
	if err := mergeSearchSegments(ctx, l.conn, 1); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	l.step("search indexes merged", begun)
	begun = time.Now()
	// A sample of each index is enough for the planner to tell a filter
	// that matches a handful of events from one that matches half.
	for _, q := range []string{`PRAGMA analysis_limit = 1000`, `ANALYZE`, `PRAGMA analysis_limit = 0`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := l.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("load: %s: %w", q, err)
		}
	}
	l.step("statistics gathered", begun)
	return nil
}

// step tells Step of a finishing step begun at begun.
func (l *Loader) step(name string, begun time.Time) {
	if l.Step != nil {
		l.Step(name, time.Since(begun))
	}
}

// sortedPostings is a load's new postings being sorted, on a connection of
// its own, into the table new_postings of a file of their own.
type sortedPostings struct {
	path  string
	done  chan error
	ended bool // done has been received from
	// stop ends a sort no load will use.
	stop context.CancelFunc
}

// sortPostings starts sorting the postings of the events loaded, which
// must all be committed.
func (l *Loader) sortPostings(ctx context.Context) (*sortedPostings, error) {
	f, err := os.CreateTemp(filepath.Dir(l.db.path), filepath.Base(l.db.path)+".postings-*")
	if err != nil {
		return nil, fmt.Errorf("a file to sort the postings in: %w", err)
	}
	f.Close()
	ctx, stop := context.WithCancel(ctx)
	s := &sortedPostings{path: f.Name(), done: make(chan error, 1), stop: stop}
	go func() { s.done <- s.sort(ctx, l.db.path, l.first.event) }()
	return s, nil
}

func (s *sortedPostings) sort(ctx context.Context, dbPath string, first int64) error {
	db, err := sql.Open("sqlite", dsn(dbPath, false))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// The file is scratch: nothing in it need survive a crash.
	setup := []string{`PRAGMA temp_store = FILE`, `PRAGMA cache_size = -262144`, `ATTACH DATABASE ?1 AS sorted`,
		`PRAGMA sorted.journal_mode = OFF`, `PRAGMA sorted.synchronous = OFF`, `PRAGMA sorted.cache_size = -65536`}
	if err := execEach(ctx, conn, setup, s.path); err != nil {
		return fmt.Errorf("sort the postings: %w", err)
	}
	if err := execEach(ctx, conn, inSorted(postingsSort), first); err != nil {
		return fmt.Errorf("sort the postings: %w", err)
	}
	_, err = conn.ExecContext(ctx, `DETACH DATABASE sorted`)
	return err
}

// attach waits for the sort to end and attaches its file to conn as
// "sorted", outside any transaction (SQLite attaches only there).
func (s *sortedPostings) attach(ctx context.Context, conn *sql.Conn) error {
	s.ended = true
	if err := <-s.done; err != nil {
		return err
	}
	_, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS sorted`, s.path)
	return err
}

// remove deletes the sort's file once the sort has ended. A load that
// fails before using it stops the sort (tens of seconds at a million
// events) rather than waiting for it.
func (s *sortedPostings) remove() {
	s.stop()
	if !s.ended {
		<-s.done
	}
	os.Remove(s.path)
}

// inSorted is postingsSort or postingsUse reading and writing the sorted
// postings' own file rather than the temporary database.
func inSorted(stmts []string) []string {
	out := make([]string, len(stmts))
	for i, q := range stmts {
		out[i] = strings.ReplaceAll(q, "temp.new_postings", "sorted.new_postings")
	}
	return out
}

// execEach runs stmts in turn, binding each the first of args, as far as
// the last it names (?1, ?2…).
func execEach(ctx context.Context, q querier, stmts []string, args ...any) error {
	for _, stmt := range stmts {
		// As far as the last parameter the statement uses: SQLite takes
		// no more.
		n := len(args)
		for n > 0 && !strings.Contains(stmt, "?"+strconv.Itoa(n)) {
			n--
		}
		if _, err := q.ExecContext(ctx, stmt, args[:n]...); err != nil {
			return err
		}
	}
	return nil
}
