package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The JSON API and the exports show whole records a page at a time: every
// citation with its source, every alias, the coordinates of every place.
// The methods here load a page with a fixed number of queries, whatever
// its size, so an export of 100,000 events costs 100 pages of a few
// queries each.

// FindEventPage is ListEvents (a page without a count) with every listed
// event's citations and their sources loaded. Errors are FindEvents'.
func (db *DB) FindEventPage(ctx context.Context, f conflict.EventFilter) (conflict.EventPage, error) {
	return db.findEventsTx(ctx, f, eventReading{citations: true})
}

// loadEventCitations gives events their citations, with their sources.
func loadEventCitations(ctx context.Context, q querier, events []conflict.Event) error {
	if len(events) == 0 {
		return nil
	}
	index := make(map[int64]int, len(events))
	ids := make([]any, len(events))
	for i, e := range events {
		index[int64(e.ID)] = i
		ids[i] = int64(e.ID)
	}
	return sourceCache{}.loadCitations(ctx, q, "event_id", ids, func(id int64, n int) *[]conflict.Citation {
		return &events[index[id]].Citations
	})
}

// FindEstimatePage returns one page of the estimates matching f in as-of
// order, with all their citations and the coordinates of their places, and
// the cursor of the next page ("" on the last). f.Limit is clamped to
// 1..1000 (50 when unset). A mangled cursor gives Invalid on "cursor".
func (db *DB) FindEstimatePage(ctx context.Context, f conflict.EstimateFilter) ([]conflict.Estimate, string, error) {
	return findEstimatePage(ctx, db.read, f, sourceCache{})
}

func findEstimatePage(ctx context.Context, q querier, f conflict.EstimateFilter, sources sourceCache) ([]conflict.Estimate, string, error) {
	limit := clampLimit(f.Limit)
	f.Limit = limit + 1
	query, params, err := estimateListQuery(ctx, q, f)
	if err != nil {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, query, params...)
	if err != nil {
		return nil, "", err
	}
	var out []conflict.Estimate
	for rows.Next() {
		x, err := scanEstimate(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = EstimateCursor(out[len(out)-1])
	}
	if len(out) == 0 {
		return out, "", nil
	}
	index := make(map[int64]int, len(out))
	ids := make([]any, len(out))
	places := map[conflict.PlaceID]bool{}
	for i, x := range out {
		index[int64(x.ID)] = i
		ids[i] = int64(x.ID)
		if x.Place != nil {
			places[x.Place.ID] = true
		}
	}
	err = sources.loadCitations(ctx, q, "estimate_id", ids, func(id int64, n int) *[]conflict.Citation {
		return &out[index[id]].Citations
	})
	if err != nil {
		return nil, "", err
	}
	err = loadRelations(ctx, q, conflict.EstimateRecord, ids, func(id int64) *[]conflict.Relation {
		return &out[index[id]].Relations
	})
	if err != nil {
		return nil, "", err
	}
	coords, err := placeCoordinates(ctx, q, places)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		if p := out[i].Place; p != nil {
			p.Coordinates = coords[p.ID]
		}
	}
	return out, next, nil
}

// EachEventPage calls fn with every page of up to f.Limit events matching
// f (1,000 at most), in order, each with its actors, tags and citations.
// All pages are read in one read transaction on one connection, so an
// export is a consistent snapshot however long it takes, and the
// connection maps the file into memory for the duration, which spares a
// system call per page read. f's cursors are replaced.
func (db *DB) EachEventPage(ctx context.Context, f conflict.EventFilter, fn func(conflict.EventPage) error) error {
	return db.snapshot(ctx, func(q querier) error {
		f.After, f.Before = "", ""
		sources, actors := sourceCache{}, actorCache{}
		for {
			page, err := findEventPage(ctx, q, f, sources, actors)
			if err != nil {
				return err
			}
			if err := fn(page); err != nil {
				return err
			}
			if page.Next == "" {
				return nil
			}
			f.After = page.Next
		}
	})
}

// EachEstimatePage is EachEventPage for estimates, with their citations
// and their places' coordinates.
func (db *DB) EachEstimatePage(ctx context.Context, f conflict.EstimateFilter, fn func([]conflict.Estimate) error) error {
	return db.snapshot(ctx, func(q querier) error {
		f.After = ""
		sources := sourceCache{}
		for {
			xs, next, err := findEstimatePage(ctx, q, f, sources)
			if err != nil {
				return err
			}
			if err := fn(xs); err != nil {
				return err
			}
			if next == "" {
				return nil
			}
			f.After = next
		}
	})
}

// snapshot runs fn in a read transaction on a connection of the export
// pool (which maps the file, as every reading connection does), with a
// larger page cache until fn returns. An export holds its connection as long as its reader takes, so
// it never takes one pages need; when the pool is busy it waits, and
// gives up when ctx ends.
func (db *DB) snapshot(ctx context.Context, fn func(q querier) error) error {
	conn, err := db.export.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// findEventPage reads one page of events forwards from f.After, with
// everything an export shows, through the same plan as every list.
func findEventPage(ctx context.Context, q querier, f conflict.EventFilter, sources sourceCache, actors actorCache) (conflict.EventPage, error) {
	var (
		lo string
		id int64
	)
	if f.After != "" {
		var ok bool
		if lo, id, ok = parseCursor(f.After); !ok {
			return conflict.EventPage{}, invalidCursor()
		}
	}
	plan, err := planEvents(ctx, q, f)
	if err != nil || plan.none {
		return conflict.EventPage{}, err
	}
	limit := clampLimit(f.Limit)
	keys, err := plan.readKeys(ctx, q, lo, id, !f.NewestFirst, limit+1)
	if err != nil {
		return conflict.EventPage{}, err
	}
	var page conflict.EventPage
	if len(keys) > limit {
		keys = keys[:limit]
		page.Next = makeCursor(keys[limit-1].lo, keys[limit-1].id)
	}
	if page.Events, err = loadEvents(ctx, q, keys); err != nil || len(page.Events) == 0 {
		return page, err
	}
	index := make(map[int64]int, len(page.Events))
	ids := make([]any, len(page.Events))
	for i, e := range page.Events {
		index[int64(e.ID)] = i
		ids[i] = int64(e.ID)
	}
	if err := actors.loadDetails(ctx, q, page.Events, index, ids); err != nil {
		return page, err
	}
	err = sources.loadCitations(ctx, q, "event_id", ids, func(id int64, n int) *[]conflict.Citation {
		return &page.Events[index[id]].Citations
	})
	if err != nil {
		return page, err
	}
	err = loadRelations(ctx, q, conflict.EventRecord, ids, func(id int64) *[]conflict.Relation {
		return &page.Events[index[id]].Relations
	})
	return page, err
}

// actorCache keeps the actors a snapshot has read.
type actorCache map[conflict.ActorID]conflict.ActorRef

// loadDetails is loadEventDetails reading each actor only once: the
// actors and tags of a page of events, ids listing them and index placing
// them.
func (ac actorCache) loadDetails(ctx context.Context, q querier, events []conflict.Event, index map[int64]int, ids []any) error {
	list := jsonIDs(ids)
	// Rows come in the primary key's order; the few links of each event
	// are put in their order below, which spares SQLite a sort.
	rows, err := q.QueryContext(ctx, `SELECT event_id, actor_id, role, position FROM event_actors
		WHERE event_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return err
	}
	type link struct {
		event    int64
		actor    conflict.ActorID
		role     string
		position int
	}
	var (
		links   []link
		missing []conflict.ActorID
	)
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.event, &l.actor, &l.role, &l.position); err != nil {
			rows.Close()
			return err
		}
		if _, ok := ac[l.actor]; !ok {
			missing = append(missing, l.actor)
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := fillActors(ctx, q, ac, missing); err != nil {
		return err
	}
	slices.SortStableFunc(links, func(a, b link) int {
		return cmp.Or(cmp.Compare(index[a.event], index[b.event]), cmp.Compare(a.position, b.position),
			strings.Compare(ac[a.actor].Name, ac[b.actor].Name))
	})
	for _, l := range links {
		e := &events[index[l.event]]
		e.Actors = append(e.Actors, conflict.EventActor{Actor: ac[l.actor], Role: l.role})
	}
	return eachRowArgs(ctx, q, `SELECT event_id, tag FROM event_tags WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY event_id, tag`,
		[]any{list}, func(r *sql.Rows) error {
			var (
				id  int64
				tag string
			)
			if err := r.Scan(&id, &tag); err != nil {
				return err
			}
			e := &events[index[id]]
			e.Tags = append(e.Tags, tag)
			return nil
		})
}

func eachRowArgs(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
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

// sourceCache keeps the sources a snapshot has read: an export cites the
// same few thousand sources over and over, and reads each once.
type sourceCache map[conflict.SourceID]conflict.Source

// loadCitations is loadCitations reading each source only once; into
// returns the list of a record's citations, to fill, and is told how many
// there are.
func (sc sourceCache) loadCitations(ctx context.Context, q querier, column string, ids []any, into func(id int64, n int) *[]conflict.Citation) error {
	rows, err := q.QueryContext(ctx, `SELECT c.`+column+`, c.id, c.source_id, c.quote, c.locator, coalesce(c.credibility, 0)
		FROM citations c WHERE c.`+column+` IN (SELECT value FROM json_each(?))
		ORDER BY c.`+column+`, c.position, c.id`, jsonIDs(ids))
	if err != nil {
		return err
	}
	type cited struct {
		record     int64
		id         conflict.CitationID
		source     conflict.SourceID
		quote, loc string
		cred       int
	}
	var (
		list    = make([]cited, 0, 2*len(ids))
		missing []conflict.SourceID
	)
	for rows.Next() {
		var x cited
		if err := rows.Scan(&x.record, &x.id, &x.source, &x.quote, &x.loc, &x.cred); err != nil {
			rows.Close()
			return err
		}
		if _, ok := sc[x.source]; !ok {
			missing = append(missing, x.source)
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := fillSources(ctx, q, sc, missing); err != nil {
		return err
	}
	// The rows come grouped by record: each record's list is made once, at
	// its size.
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && list[j].record == list[i].record {
			j++
		}
		dst := into(list[i].record, j-i)
		*dst = make([]conflict.Citation, 0, j-i)
		for _, x := range list[i:j] {
			*dst = append(*dst, conflict.Citation{ID: x.id, Source: sc[x.source], Quote: x.quote, Locator: x.loc, Credibility: x.cred})
		}
		i = j
	}
	return nil
}

// placeCoordinates returns the coordinates of those of the places that
// have them.
func placeCoordinates(ctx context.Context, q querier, ids map[conflict.PlaceID]bool) (map[conflict.PlaceID]*conflict.LatLon, error) {
	out := make(map[conflict.PlaceID]*conflict.LatLon, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, int64(id))
	}
	rows, err := q.QueryContext(ctx, `SELECT id, latitude, longitude FROM places
		WHERE id IN (SELECT value FROM json_each(?)) AND latitude IS NOT NULL`, jsonIDs(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id       conflict.PlaceID
			lat, lon float64
		)
		if err := rows.Scan(&id, &lat, &lon); err != nil {
			return nil, err
		}
		out[id] = &conflict.LatLon{Lat: lat, Lon: lon}
	}
	return out, rows.Err()
}

// IDCursor is the cursor after the record with this id, in lists ordered
// by id.
func IDCursor(id int64) string { return strconv.FormatInt(id, 10) }

// parseIDCursor reads an id cursor; "" is the start of the list.
func parseIDCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &conflict.Error{Code: conflict.Invalid, Message: "That page link is not valid.",
			Fields: conflict.FieldErrors{"cursor": "That page link is not valid; start again from the first page."}}
	}
	return id, nil
}

// FindSourcePage returns up to limit published sources (clamped to
// 1..1000) in id order after the cursor, and the cursor of the next page ("" on the last).
// A mangled cursor gives Invalid on "cursor".
func (db *DB) FindSourcePage(ctx context.Context, after string, limit int) ([]conflict.Source, string, error) {
	from, err := parseIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id > ? AND s.status = 'published' ORDER BY s.id LIMIT ?`, from, limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []conflict.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = IDCursor(int64(out[limit-1].ID))
	}
	return out, next, nil
}

// FindActorPage returns up to limit published actors (clamped to 1..1000) with their
// aliases and parents, in id order after the cursor, and the cursor of the
// next page ("" on the last). A mangled cursor gives Invalid on "cursor".
func (db *DB) FindActorPage(ctx context.Context, after string, limit int) ([]conflict.Actor, string, error) {
	from, err := parseIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+actorColumns+`
		FROM actors a LEFT JOIN actors p ON p.id = a.parent_id WHERE a.id > ? AND a.status = 'published' ORDER BY a.id LIMIT ?`, from, limit+1)
	if err != nil {
		return nil, "", err
	}
	var out []conflict.Actor
	for rows.Next() {
		a, err := scanActor(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = IDCursor(int64(out[limit-1].ID))
	}
	if len(out) == 0 {
		return out, "", nil
	}
	index := make(map[conflict.ActorID]int, len(out))
	ids := make([]any, len(out))
	for i, a := range out {
		index[a.ID] = i
		ids[i] = int64(a.ID)
	}
	arows, err := db.read.QueryContext(ctx, `SELECT actor_id, alias FROM actor_aliases
		WHERE actor_id IN (SELECT value FROM json_each(?)) ORDER BY actor_id, alias`, jsonIDs(ids))
	if err != nil {
		return nil, "", err
	}
	defer arows.Close()
	for arows.Next() {
		var (
			id    conflict.ActorID
			alias string
		)
		if err := arows.Scan(&id, &alias); err != nil {
			return nil, "", err
		}
		out[index[id]].Aliases = append(out[index[id]].Aliases, alias)
	}
	return out, next, arows.Err()
}

// FindPlacePage returns up to limit published places (clamped to 1..1000) with their
// alternate names and parents, in id order after the cursor, and the
// cursor of the next page ("" on the last). A mangled cursor gives Invalid
// on "cursor".
func (db *DB) FindPlacePage(ctx context.Context, after string, limit int) ([]conflict.Place, string, error) {
	from, err := parseIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+placeColumns+`
		FROM places p LEFT JOIN places pp ON pp.id = p.parent_id WHERE p.id > ? AND p.status = 'published' ORDER BY p.id LIMIT ?`, from, limit+1)
	if err != nil {
		return nil, "", err
	}
	var out []conflict.Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var next string
	if len(out) > limit {
		out = out[:limit]
		next = IDCursor(int64(out[limit-1].ID))
	}
	if len(out) == 0 {
		return out, "", nil
	}
	index := make(map[conflict.PlaceID]int, len(out))
	ids := make([]any, len(out))
	for i, p := range out {
		index[p.ID] = i
		ids[i] = int64(p.ID)
	}
	nrows, err := db.read.QueryContext(ctx, `SELECT place_id, name, lang FROM place_names
		WHERE place_id IN (SELECT value FROM json_each(?)) ORDER BY place_id, lang, name`, jsonIDs(ids))
	if err != nil {
		return nil, "", err
	}
	defer nrows.Close()
	for nrows.Next() {
		var (
			id conflict.PlaceID
			n  conflict.AltName
		)
		if err := nrows.Scan(&id, &n.Name, &n.Lang); err != nil {
			return nil, "", err
		}
		out[index[id]].AltNames = append(out[index[id]].AltNames, n)
	}
	return out, next, nrows.Err()
}

// FindTimelineByID returns the timeline with its filter, pins and
// exclusions, or NotFound.
func (db *DB) FindTimelineByID(ctx context.Context, id conflict.TimelineID) (conflict.Timeline, error) {
	return findTimeline(ctx, db.read, `t.id = ?`, int64(id))
}

// Backup writes a consistent copy of the whole database to path with
// VACUUM INTO, while other connections go on reading and writing. It
// refuses to overwrite an existing file (Conflict). The copy is compact
// and has no write-ahead log: it is a complete database on its own. It has
// the pages of a new database (pageSize), which VACUUM INTO takes from the
// connection's page_size, so that a database made with smaller pages gets
// them by a backup and a restore.
func (db *DB) Backup(ctx context.Context, path string) error {
	path = strings.TrimSpace(path)
	if path == "" {
		return conflict.Errorf(conflict.Invalid, "Name the file to write the backup to.")
	}
	if exists(path) {
		return conflict.Errorf(conflict.Conflict, "%s already exists; a backup never overwrites a file.", path)
	}
	// The reader pool is query_only; VACUUM INTO writes only the new file,
	// but SQLite counts it as a write, so it runs on a connection of its own
	// outside the single writer, which it would otherwise hold for the
	// whole copy.
	conn, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// exists reports whether anything is at path; a path that cannot even be
// checked counts as taken.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
