package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/snapshot"
)

// New events are stored in batches: one multi-row INSERT per table for
// many events. Each statement that fires the search index's triggers makes
// FTS5 write out a segment, so one statement per batch, not per event,
// keeps a 100,000-row import from building 100,000 tiny segments and
// merging them over and over. Each statement also copies every page it is
// the first to change to a statement journal, so that it can fail alone
// inside the import's transaction; the pages a batch writes are mostly
// the same few at the end of each table and index, so larger statements
// copy fewer. With 1,000 events a statement and importRows of the other
// tables' rows, against 200 and 64, the import benchmark ran 7,200–7,600
// rows a second against 6,100–6,600, its peak RSS 160 MB against 139.
const (
	insertBatch = 1000
	importRows  = 256
)

// queue holds an event to insert with the next batch.
func (im *importer) queue(e conflict.Event) error {
	im.pending = append(im.pending, e)
	if len(im.pending) >= insertBatch {
		return im.flush()
	}
	return nil
}

// eventRows are a batch of new events as the arguments of the INSERTs
// that store them, table by table.
type eventRows struct {
	// records are the new places, actors and sources the batch's events
	// name, and their revisions, written first (see insertNew).
	records                   []queuedRow
	events                    int
	rows, actors, tags, cites []any
	blocks, revisions         []any
}

// queuedRow is an INSERT the writer runs as it stands, one row.
type queuedRow struct {
	query string
	args  []any
}

// flush stores the queued events, as createEvent would one by one.
//
// The events take the ids after the last stored, which SQLite would give
// them in turn, so that all their rows, revisions too, are made before any
// is written. While the per-row triggers are set aside, a second goroutine
// (importWriter) writes each batch while this one reads and matches the
// next, so that both cores work: reading, matching and compressing
// snapshots cost about as much as SQLite's writing. With the triggers in
// place the batch is written here, the snapshots compressed on a second
// goroutine meanwhile.
func (im *importer) flush() error {
	events := im.pending
	if len(events) == 0 {
		if len(im.queued) == 0 {
			return nil
		}
		// Records only, as an estimate needs them written (see estimate).
		rows := &eventRows{records: im.queued}
		im.queued = nil
		if im.writer == nil {
			im.writer = im.startWriter()
		}
		return im.writer.send(rows)
	}
	now, err := im.number(events)
	if err != nil {
		return err
	}
	if im.deferred {
		// The writer keeps the batch: the next one gets new memory.
		im.pending = make([]conflict.Event, 0, insertBatch)
		rows := im.eventRows(events, now)
		rows.records, im.queued = im.queued, nil
		if err := im.revisionRows(rows, im.packSnapshots(events, now)); err != nil {
			return err
		}
		if im.writer == nil {
			im.writer = im.startWriter()
		}
		return im.writer.send(rows)
	}
	im.pending = im.pending[:0]
	// Nothing else touches the import's blocks until the snapshots are in.
	snapshots := make(chan packedSnapshots, 1)
	go func() { snapshots <- im.packSnapshots(events, now) }()
	rows := im.eventRows(events, now)
	err = im.writeRows(rows)
	encoded := <-snapshots
	if err != nil {
		return err
	}
	rows = &eventRows{}
	if err := im.revisionRows(rows, encoded); err != nil {
		return err
	}
	return im.writeRows(rows)
}

// flushAll stores the queued events and waits until every batch is
// written, as the next statement that reads them needs.
func (im *importer) flushAll() error {
	err := im.flush()
	if im.writer != nil {
		err = errors.Join(err, im.writer.wait())
		im.writer = nil
	}
	return err
}

// number gives events their ids, the next after the last stored, and
// the version and times of a new record, returning the time as stored.
// The import holds the database's writer: no other insert takes an id
// meanwhile.
func (im *importer) number(events []conflict.Event) (string, error) {
	if im.lastEvent == 0 {
		if err := im.tx.QueryRowContext(im.ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&im.lastEvent); err != nil {
			return "", err
		}
		blocks, err := newBlockPacker(im.ctx, im.tx)
		if err != nil {
			return "", err
		}
		im.blocks = blocks
	}
	now := im.db.stamp()
	for i := range events {
		im.lastEvent++
		e := &events[i]
		e.ID, e.Version, e.CreatedAt, e.UpdatedAt = conflict.EventID(im.lastEvent), 1, parseTime(now), parseTime(now)
	}
	return now, nil
}

// eventRows makes the rows of numbered events, but their revisions.
func (im *importer) eventRows(events []conflict.Event, now string) *eventRows {
	r := &eventRows{events: len(events)}
	r.rows = make([]any, 0, len(events)*eventCols)
	for i := range events {
		e := &events[i]
		id := int64(e.ID)
		var place any
		if e.Place != nil {
			place = int64(e.Place.ID)
		}
		r.rows = append(r.rows, id, e.Title, e.Date.String(), e.Date.LowerKey(), e.Date.UpperKey(), place, e.Body,
			string(e.Status), e.StatusNote, nullString(e.ExternalID), now, now)
		for j, a := range e.Actors {
			r.actors = append(r.actors, id, int64(a.Actor.ID), a.Role, j)
		}
		for _, t := range e.Tags {
			r.tags = append(r.tags, id, t)
		}
		for j, c := range e.Citations {
			var cred any
			if c.Credibility != 0 {
				cred = c.Credibility
			}
			r.cites = append(r.cites, int64(c.Source.ID), id, c.Quote, c.Locator, cred, j)
		}
	}
	return r
}

// revisionRows adds the events' first revisions, and their snapshots'
// blocks, to r.
func (im *importer) revisionRows(r *eventRows, packed packedSnapshots) error {
	if packed.err != nil {
		return packed.err
	}
	r.blocks, r.revisions = packed.blocks, packed.revisions
	return nil
}

const eventCols = 12

// The INSERTs of new events' rows, each with one row of VALUES.
var (
	insertEventSQL = `INSERT INTO events
		(id, title, date, date_lo, date_hi, place_id, body, status, status_note, external_id, created_at, updated_at) VALUES ` +
		"(" + placeholders(eventCols) + ")"
	insertEventActorSQL = `INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, ?, ?)`
	insertEventTagSQL   = `INSERT INTO event_tags (event_id, tag) VALUES (?, ?)`
	insertCitationSQL   = `INSERT INTO citations (source_id, event_id, quote, locator, credibility, position) VALUES (?, ?, ?, ?, ?, ?)`
)

// writeRows writes a batch's rows: its events in one statement, whose
// triggers, when in place, index the batch at once; the rest importRows
// at a time. Only the batch's goroutine, or the writer's, calls it, and
// never both at once: the statements it prepares are its own.
func (im *importer) writeRows(r *eventRows) error {
	for _, q := range r.records {
		st, err := im.writeStmt(q.query)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(im.ctx, q.args...); err != nil {
			return err
		}
	}
	if r.events > 0 {
		if err := im.insertEvents(r); err != nil {
			return err
		}
	}
	for _, t := range []struct {
		query string
		cols  int
		args  []any
	}{
		{insertEventActorSQL, 4, r.actors},
		{insertEventTagSQL, 2, r.tags},
		{insertCitationSQL, 6, r.cites},
		{insertBlockSQL, 2, r.blocks},
		{insertBlockedRevisionSQL, blockedRevisionCols, r.revisions},
	} {
		if err := im.insertMany(t.query, t.cols, t.args); err != nil {
			return err
		}
	}
	return nil
}

// insertEvents writes a batch's events in one statement. A full batch is
// always the same statement, prepared once; only the last, shorter one is
// parsed on its own.
func (im *importer) insertEvents(r *eventRows) error {
	var err error
	if r.events == insertBatch {
		var st *sql.Stmt
		if st, err = im.writeStmt(multiRowSQL(insertEventSQL, insertBatch)); err == nil {
			_, err = st.ExecContext(im.ctx, r.rows...)
		}
	} else {
		_, err = im.tx.ExecContext(im.ctx, multiRowSQL(insertEventSQL, r.events), r.rows...)
	}
	if err != nil {
		return im.insertError(err)
	}
	return nil
}

// insertMany writes rows of cols arguments each: importRows a statement,
// then the rest one at a time, so that only two statements a table are
// ever prepared, each once, whatever the batch's size.
func (im *importer) insertMany(query string, cols int, args []any) error {
	if len(args) >= importRows*cols {
		many, err := im.writeStmt(multiRowSQL(query, importRows))
		if err != nil {
			return err
		}
		for ; len(args) >= importRows*cols; args = args[importRows*cols:] {
			if _, err := many.ExecContext(im.ctx, args[:importRows*cols]...); err != nil {
				return err
			}
		}
	}
	if len(args) == 0 {
		return nil
	}
	one, err := im.writeStmt(query)
	if err != nil {
		return err
	}
	for ; len(args) > 0; args = args[cols:] {
		if _, err := one.ExecContext(im.ctx, args[:cols]...); err != nil {
			return err
		}
	}
	return nil
}

// writeStmt is stmt for writeRows, whose statements are kept apart from
// those of the goroutine that reads the file.
func (im *importer) writeStmt(query string) (*sql.Stmt, error) {
	if st, ok := im.writeStmts[query]; ok {
		return st, nil
	}
	st, err := im.tx.PrepareContext(im.ctx, query)
	if err != nil {
		return nil, err
	}
	im.writeStmts[query] = st
	return st, nil
}

// insertError is the error of an INSERT of new events. While the
// triggers are set aside, an external id stored since the check (see
// ImportOptions.NothingStored), or given twice in a file changed since
// (see duplicate), fails the insert on its UNIQUE constraint: the records
// changed since the check.
func (im *importer) insertError(err error) error {
	var se *sqlite.Error
	if im.deferred && errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return errChangedSinceCheck
	}
	return err
}

// importWriter writes batches of new events on its own goroutine, in the
// order sent, on the import's transaction, while the import reads on.
// The statements of the two goroutines take turns on the connection.
type importWriter struct {
	batches chan *eventRows
	done    chan struct{}
	mu      sync.Mutex
	err     error
}

func (im *importer) startWriter() *importWriter {
	w := &importWriter{batches: make(chan *eventRows, 2), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for r := range w.batches {
			if w.failed() != nil {
				continue // drained, not written: the import is failing
			}
			if err := im.writeRows(r); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *importWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// send hands the writer a batch; it returns the writer's first error, if
// it has failed already.
func (w *importWriter) send(r *eventRows) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.batches <- r
	return nil
}

// wait lets the writer finish what it was sent and stops it, returning
// its first error.
func (w *importWriter) wait() error {
	close(w.batches)
	<-w.done
	return w.failed()
}

// packedSnapshots are a batch of new events' first revisions in blocks:
// the blocks' rows and the revisions', as the INSERTs take them.
type packedSnapshots struct {
	blocks, revisions []any
	err               error
}

// packSnapshots puts the events' first revisions in blocks, numbered
// after the import's last, as number does the events.
func (im *importer) packSnapshots(events []conflict.Event, now string) packedSnapshots {
	var (
		p      packedSnapshots
		author any
	)
	if im.ch.Author != nil {
		author = int64(*im.ch.Author)
	}
	take := func() {
		block, revisions := im.blocks.take()
		p.blocks = append(p.blocks, block...)
		for _, r := range revisions {
			p.revisions = append(p.revisions, r...)
		}
	}
	for i := range events {
		js, err := snapshot.Encode(&events[i])
		if err != nil {
			p.err = fmt.Errorf("snapshot event %d: %w", events[i].ID, err)
			return p
		}
		if im.blocks.add(js, conflict.EventRecord, int64(events[i].ID), 1, string(conflict.ActionImport),
			author, im.ch.AuthorName, im.ch.Summary, now, im.ch.WithoutReview) {
			take()
		}
	}
	take()
	return p
}
