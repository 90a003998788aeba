package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The JSON API and the exports show whole records a page at a time: every
// citation with its source, every alias, the coordinates of every place.
// The methods here load a page with a fixed number of queries, whatever
// its size, so an export of 100,000 events costs 100 pages of a few
// queries each.

// FindEventPage is FindEvents with every listed event's citations and
// their sources loaded. Errors are FindEvents'.
func (db *DB) FindEventPage(ctx context.Context, f conflict.EventFilter) (conflict.EventPage, error) {
	page, err := db.FindEvents(ctx, f)
	if err != nil || len(page.Events) == 0 {
		return page, err
	}
	index := make(map[int64]int, len(page.Events))
	ids := make([]any, len(page.Events))
	for i, e := range page.Events {
		index[int64(e.ID)] = i
		ids[i] = int64(e.ID)
	}
	err = loadCitations(ctx, db.read, "event_id", ids, func(id int64, c conflict.Citation) {
		e := &page.Events[index[id]]
		e.Citations = append(e.Citations, c)
	})
	return page, err
}

// FindEstimatePage returns one page of the estimates matching f in as-of
// order, with all their citations and the coordinates of their places, and
// the cursor of the next page ("" on the last). f.Limit is clamped to
// 1..1000 (50 when unset). A mangled cursor gives Invalid on "cursor".
func (db *DB) FindEstimatePage(ctx context.Context, f conflict.EstimateFilter) ([]conflict.Estimate, string, error) {
	limit := clampLimit(f.Limit)
	f.Limit = limit + 1
	query, params, err := estimateListQuery(ctx, db.read, f)
	if err != nil {
		return nil, "", err
	}
	rows, err := db.read.QueryContext(ctx, query, params...)
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
	err = loadCitations(ctx, db.read, "estimate_id", ids, func(id int64, c conflict.Citation) {
		x := &out[index[id]]
		x.Citations = append(x.Citations, c)
	})
	if err != nil {
		return nil, "", err
	}
	coords, err := placeCoordinates(ctx, db.read, places)
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

// loadCitations reads the citations of many records (column is "event_id"
// or "estimate_id") in one query, in each record's order, and hands each
// to add with its record's id.
func loadCitations(ctx context.Context, q querier, column string, ids []any, add func(int64, conflict.Citation)) error {
	rows, err := q.QueryContext(ctx, `SELECT c.`+column+`, c.id, c.quote, c.locator, coalesce(c.credibility, 0), `+sourceColumns+`
		FROM citations c JOIN sources s ON s.id = c.source_id
		WHERE c.`+column+` IN (SELECT value FROM json_each(?))
		ORDER BY c.`+column+`, c.position, c.id`, jsonIDs(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			c  conflict.Citation
		)
		s, err := scanSource(scanFunc(func(dest ...any) error {
			return rows.Scan(append([]any{&id, &c.ID, &c.Quote, &c.Locator, &c.Credibility}, dest...)...)
		}))
		if err != nil {
			return err
		}
		c.Source = s
		add(id, c)
	}
	return rows.Err()
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

// FindSourcePage returns up to limit sources (clamped to 1..1000) in id
// order after the cursor, and the cursor of the next page ("" on the last).
// A mangled cursor gives Invalid on "cursor".
func (db *DB) FindSourcePage(ctx context.Context, after string, limit int) ([]conflict.Source, string, error) {
	from, err := parseIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id > ? ORDER BY s.id LIMIT ?`, from, limit+1)
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

// FindActorPage returns up to limit actors (clamped to 1..1000) with their
// aliases and parents, in id order after the cursor, and the cursor of the
// next page ("" on the last). A mangled cursor gives Invalid on "cursor".
func (db *DB) FindActorPage(ctx context.Context, after string, limit int) ([]conflict.Actor, string, error) {
	from, err := parseIDCursor(after)
	if err != nil {
		return nil, "", err
	}
	limit = clampLimit(limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+actorColumns+`
		FROM actors a LEFT JOIN actors p ON p.id = a.parent_id WHERE a.id > ? ORDER BY a.id LIMIT ?`, from, limit+1)
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

// FindPlacePage returns up to limit places (clamped to 1..1000) with their
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
		FROM places p LEFT JOIN places pp ON pp.id = p.parent_id WHERE p.id > ? ORDER BY p.id LIMIT ?`, from, limit+1)
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
// and has no write-ahead log: it is a complete database on its own.
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
