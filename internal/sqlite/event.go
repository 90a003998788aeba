package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/conflict"
)

const eventColumns = `e.id, e.title, e.date, e.body, e.status, e.status_note, coalesce(e.external_id, ''), e.version, e.created_at, e.updated_at,
	e.date_lo, pl.id, pl.slug, pl.name, pl.latitude, pl.longitude`

// eventRow is an event as its list query returns it, with what the cursor
// and the list card need beside the event itself.
type eventRow struct {
	event  conflict.Event
	dateLo string
}

func scanEvent(sc interface{ Scan(...any) error }) (eventRow, error) {
	var (
		r                conflict.Event
		row              eventRow
		created, updated string
		pid              sql.NullInt64
		pslug, pname     sql.NullString
		lat, lon         sql.NullFloat64
	)
	err := sc.Scan(&r.ID, &r.Title, &r.Date, &r.Body, &r.Status, &r.StatusNote, &r.ExternalID, &r.Version, &created, &updated,
		&row.dateLo, &pid, &pslug, &pname, &lat, &lon)
	if err != nil {
		return row, mapError(err)
	}
	if pid.Valid {
		r.Place = &conflict.PlaceRef{ID: conflict.PlaceID(pid.Int64), Slug: pslug.String, Name: pname.String}
		if lat.Valid && lon.Valid {
			r.Place.Coordinates = &conflict.LatLon{Lat: lat.Float64, Lon: lon.Float64}
		}
	}
	r.Slug = conflict.EventSlug(r.Title)
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	row.event = r
	return row, nil
}

const eventFrom = ` FROM events e LEFT JOIN places pl ON pl.id = e.place_id`

// FindEventByID returns the event with its actors, tags and citations, in
// any status, or NotFound.
func (db *DB) FindEventByID(ctx context.Context, id conflict.EventID) (conflict.Event, error) {
	return findEvent(ctx, db.read, id)
}

// FindEventByExternalID returns the event imported under an external id,
// or NotFound.
func (db *DB) FindEventByExternalID(ctx context.Context, extID string) (conflict.Event, error) {
	var id int64
	if err := db.read.QueryRowContext(ctx, `SELECT id FROM events WHERE external_id = ?`, extID).Scan(&id); err != nil {
		if conflict.ErrorCode(mapError(err)) == conflict.NotFound {
			return conflict.Event{}, conflict.Errorf(conflict.NotFound, "No such event.")
		}
		return conflict.Event{}, err
	}
	return findEvent(ctx, db.read, conflict.EventID(id))
}

func findEvent(ctx context.Context, q querier, id conflict.EventID) (conflict.Event, error) {
	row, err := scanEvent(q.QueryRowContext(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.id = ?`, int64(id)))
	if conflict.ErrorCode(err) == conflict.NotFound {
		return conflict.Event{}, conflict.Errorf(conflict.NotFound, "No such event.")
	}
	if err != nil {
		return conflict.Event{}, err
	}
	events := []conflict.Event{row.event}
	if err := loadEventDetails(ctx, q, events); err != nil {
		return conflict.Event{}, err
	}
	e := events[0]
	if e.Citations, err = findCitations(ctx, q, "event_id", int64(id)); err != nil {
		return e, err
	}
	e.Relations, err = findRelations(ctx, q, conflict.EventRecord, int64(id))
	return e, err
}

// loadEventDetails fills in the actors and tags of a page of events with
// one query each, not one per event.
func loadEventDetails(ctx context.Context, q querier, events []conflict.Event) error {
	if len(events) == 0 {
		return nil
	}
	index := make(map[int64]int, len(events))
	ids := make([]any, len(events))
	for i, e := range events {
		index[int64(e.ID)] = i
		ids[i] = int64(e.ID)
	}
	return actorCache{}.loadDetails(ctx, q, events, index, ids)
}

// CreateEvent normalises, validates and stores a new event with its actors, tags and
// citations, and writes its first revision. A citation whose source has no
// id is matched to a stored source by URL, or stored as a new source, so an
// editor can add a source inline. Publishing needs a citation.
func (db *DB) CreateEvent(ctx context.Context, e *conflict.Event, ch conflict.Change) error {
	return db.CreateEvents(ctx, []*conflict.Event{e}, ch)
}

// CreateEvents stores many events in one transaction: all of them, or,
// when any fails, none. Imports and data generators use it.
func (db *DB) CreateEvents(ctx context.Context, events []*conflict.Event, ch conflict.Change) error {
	for _, e := range events {
		if err := prepareEvent(e); err != nil {
			return err
		}
	}
	// A single event is read back so the caller sees it as stored; a bulk
	// load trusts its input, which halves the statements per event.
	reload := len(events) == 1
	// On failure the callers get their events back as they gave them, not
	// with ids of sources the rollback undid.
	saved := make([]conflict.Event, len(events))
	for i, e := range events {
		saved[i] = *e
		saved[i].Citations = slices.Clone(e.Citations)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		public := false
		for _, e := range events {
			if err := db.createEvent(ctx, tx, e, ch, reload); err != nil {
				return err
			}
			public = public || e.Status.Public()
		}
		if !public {
			return nil
		}
		// A public event makes public what it cites.
		return db.publishDraftsCitedByPublic(ctx, tx, ch)
	})
	if err != nil {
		for i, e := range events {
			*e = saved[i]
		}
	}
	return err
}

// prepareEvent normalises a new event, as every write does once, and
// checks it; a published one needs a citation.
func prepareEvent(e *conflict.Event) error {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Status == conflict.Published {
		return e.CanPublish()
	}
	return nil
}

func (db *DB) createEvent(ctx context.Context, tx *sql.Tx, e *conflict.Event, ch conflict.Change, reload bool) error {
	now := db.stamp()
	var place any
	if e.Place != nil {
		place = int64(e.Place.ID)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events
		(title, date, date_lo, date_hi, place_id, body, status, status_note, external_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Title, e.Date.String(), e.Date.LowerKey(), e.Date.UpperKey(), place, e.Body,
		e.Status, e.StatusNote, nullString(e.ExternalID), now, now)
	if err != nil {
		return fieldError(err, "place", "The place does not exist.")
	}
	id, _ := res.LastInsertId()
	if err := db.writeEventLinks(ctx, tx, conflict.EventID(id), e, ch); err != nil {
		return err
	}
	e.ID, e.Version, e.CreatedAt, e.UpdatedAt = conflict.EventID(id), 1, parseTime(now), parseTime(now)
	if reload {
		stored, err := findEvent(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		*e = stored
	}
	return db.writeFirstRevision(ctx, tx, conflict.EventRecord, id, actionFor(ch), e, ch)
}

// writeEventLinks stores an event's actors, tags and citations.
func (db *DB) writeEventLinks(ctx context.Context, tx querier, id conflict.EventID, e *conflict.Event, ch conflict.Change) error {
	for i, a := range e.Actors {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (?, ?, ?, ?)`,
			int64(id), int64(a.Actor.ID), a.Role, i); err != nil {
			return fieldError(err, "actors", "One of the actors does not exist.")
		}
	}
	for _, t := range e.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_tags (event_id, tag) VALUES (?, ?)`, int64(id), t); err != nil {
			return err
		}
	}
	if err := db.writeCitations(ctx, tx, "event_id", int64(id), e.Citations, ch); err != nil {
		return err
	}
	return writeRelations(ctx, tx, conflict.EventRecord, int64(id), "", e.Relations, e.Citations)
}

// fieldError puts a foreign-key failure next to the field that caused it.
func fieldError(err error, field, msg string) error {
	if conflict.ErrorCode(mapError(err)) == conflict.Invalid {
		return &conflict.Error{Code: conflict.Invalid, Message: msg, Fields: conflict.FieldErrors{field: msg}}
	}
	return err
}

// FindEvents returns one page of events matching f, in date order, with
// cursors to the neighbouring pages and the number of matches (exact from
// the tallies, or counted up to countLimit). Pages are keyed on
// (date_lo, id), never on OFFSET, so page 2,000 costs what page 1 does.
// The count and the page are read in one read transaction, so they agree.
// A mangled cursor gives Invalid on "cursor".
func (db *DB) FindEvents(ctx context.Context, f conflict.EventFilter) (conflict.EventPage, error) {
	return db.findEventsTx(ctx, f, eventReading{count: true})
}

// ListEvents is FindEvents without the count (Total and More are left
// zero), for the lists that show none: embeds, feeds, the API and
// exports. A count can cost more than the page it describes.
func (db *DB) ListEvents(ctx context.Context, f conflict.EventFilter) (conflict.EventPage, error) {
	return db.findEventsTx(ctx, f, eventReading{})
}

// FindTableEvents is FindEvents for the events table: its events carry
// what the table shows (loadTableEvents), read in one query.
func (db *DB) FindTableEvents(ctx context.Context, f conflict.EventFilter) (conflict.EventPage, error) {
	return db.findEventsTx(ctx, f, eventReading{count: true, table: true})
}

// eventReading says what a list of events is read with, beyond the page.
type eventReading struct {
	// table reads only what a row of the events table shows.
	table bool
	// count asks for the number of matches.
	count bool
	// citations asks for every event's citations with their sources
	// (the API, exports) rather than how many each has (pages).
	citations bool
}

func (db *DB) findEventsTx(ctx context.Context, f conflict.EventFilter, how eventReading) (conflict.EventPage, error) {
	var page conflict.EventPage
	err := db.readTx(ctx, func(q querier) error {
		var err error
		page, err = findEvents(ctx, q, f, how)
		return err
	})
	return page, err
}

func findEvents(ctx context.Context, q querier, f conflict.EventFilter, how eventReading) (conflict.EventPage, error) {
	backward, cursor := f.Before != "", f.After+f.Before
	var (
		lo string
		id int64
	)
	if cursor != "" {
		var ok bool
		if lo, id, ok = parseCursor(cursor); !ok {
			return conflict.EventPage{}, invalidCursor()
		}
	}
	// A timeline read with no filter of the reader's own but its end is a
	// cut of its head (timeline_head.go), which counts it, and holds its
	// first page.
	head, err := timelineHeadOf(ctx, q, f)
	if err != nil {
		return conflict.EventPage{}, err
	}
	page := conflict.EventPage{}
	limit := clampLimit(f.Limit)
	// Moving backwards reads the ranges the other way and flips the page.
	asc := f.NewestFirst == backward
	var (
		keys           []eventKey
		fromHead       bool
		run            keyRun
		headLo, headHi int
	)
	if head != nil && head.plan.none {
		return conflict.EventPage{}, nil
	}
	if head != nil {
		if how.count {
			page.Total, page.More = head.count(end(f.To))
		}
		if cursor == "" {
			run, headLo, headHi, fromHead = head.firstPage(end(f.To), f.NewestFirst, limit+1)
		}
	}
	if fromHead {
		keys = run.pageKeys(headLo, headHi, f.NewestFirst)
	} else {
		var plan eventPlan
		if head != nil {
			plan, err = head.planTo(ctx, q, f)
		} else {
			plan, err = planEvents(ctx, q, f)
		}
		if err != nil {
			return conflict.EventPage{}, err
		}
		if plan.none {
			return conflict.EventPage{}, nil
		}
		switch {
		case !how.count || head != nil:
		case plan.exact >= 0:
			// The tallies know: "523,412 events", not "more than 1,000".
			page.Total = plan.exact
		default:
			if page.Total, page.More, err = countPlan(ctx, q, plan, countLimit); err != nil {
				return page, err
			}
		}
		if keys, err = plan.readKeys(ctx, q, lo, id, asc, limit+1); err != nil {
			return page, err
		}
	}
	further := len(keys) > limit
	if further {
		keys = keys[:limit]
	}
	if backward {
		slices.Reverse(keys)
	}
	loaded := false
	if fromHead && !how.citations && !how.table {
		// The page's keys are the run's from headLo on, or, newest
		// first, those up to headHi.
		from, to := headLo, headLo+len(keys)
		if f.NewestFirst {
			from, to = headHi-len(keys), headHi
		}
		page.Events, page.Citations, loaded = head.pageEvents(run, from, to, f.NewestFirst)
	}
	switch {
	case loaded:
	case how.table:
		ids := make([]conflict.EventID, len(keys))
		for i, k := range keys {
			ids[i] = k.id
		}
		page.Events, page.Citations, err = loadTableEvents(ctx, q, ids)
	default:
		page.Events, err = loadEvents(ctx, q, keys)
	}
	if err != nil {
		return page, err
	}
	if len(keys) > 0 {
		first, last := keys[0], keys[len(keys)-1]
		if (backward && further) || (!backward && cursor != "") {
			page.Prev = makeCursor(first.lo, first.id)
		}
		if (!backward && further) || backward {
			page.Next = makeCursor(last.lo, last.id)
		}
	}
	if how.table || loaded {
		return page, nil
	}
	if how.citations {
		err = loadEventCitations(ctx, q, page.Events)
	} else {
		page.Citations, err = countCitations(ctx, q, page.Events)
	}
	if err != nil {
		return page, err
	}
	return page, loadEventDetails(ctx, q, page.Events)
}

func invalidCursor() error {
	return &conflict.Error{Code: conflict.Invalid, Message: "That page link is not valid.",
		Fields: conflict.FieldErrors{"cursor": "That page link is not valid; start again from the first page."}}
}

// countPlan returns the plan's exact count when tallies know it, or counts
// matches up to limit.
func countPlan(ctx context.Context, q querier, plan eventPlan, limit int) (int, bool, error) {
	if plan.exact >= 0 {
		if plan.exact > limit {
			return limit, true, nil
		}
		return plan.exact, false, nil
	}
	if plan.countCap > 0 {
		limit = min(limit, plan.countCap)
	}
	if plan.atLeast > limit {
		return limit, true, nil
	}
	n := 0
	// The driving ranges first: when they alone pass the limit, the
	// events reaching in from before a date need no counting.
	for _, piece := range plan.pieces(false) {
		query, params := piece.countQuery(limit - n)
		var m int
		if err := q.QueryRowContext(ctx, query, params...).Scan(&m); err != nil {
			return 0, false, fmt.Errorf("count events: %w", err)
		}
		if n += m; n > limit {
			break
		}
	}
	if n > limit {
		return limit, true, nil
	}
	return n, false, nil
}

// countCitations counts the citations of a page of events in one query.
// Counted in the list query, the count would be made for every row a
// sort reads, not only for the rows shown.
func countCitations(ctx context.Context, q querier, events []conflict.Event) (map[conflict.EventID]int, error) {
	out := make(map[conflict.EventID]int, len(events))
	if len(events) == 0 {
		return out, nil
	}
	ids := make([]any, len(events))
	for i, e := range events {
		ids[i] = int64(e.ID)
	}
	rows, err := q.QueryContext(ctx, `SELECT event_id, count(*) FROM citations
		WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id`, jsonIDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id conflict.EventID
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

func statusStrings(ss []conflict.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// Cursors are opaque to clients but plain inside: the last row's sort key.
func makeCursor(dateLo string, id conflict.EventID) string {
	return dateLo + "_" + strconv.FormatInt(int64(id), 10)
}

func parseCursor(s string) (string, int64, bool) {
	lo, idText, ok := strings.Cut(s, "_")
	if !ok || len(lo) != 10 {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	return lo, id, true
}

// countLimit is where FindEvents stops counting matches.
const countLimit = 1000

// CountEvents returns how many events match f, ignoring its cursors, and
// stops counting at limit: a page needs "more than 1,000", not the exact
// size of a list of 100,000, which would cost a scan of all of it. When
// the tallies know the exact number, that is returned whatever limit is.
func (db *DB) CountEvents(ctx context.Context, f conflict.EventFilter, limit int) (n int, more bool, err error) {
	err = db.readTx(ctx, func(q querier) error {
		plan, err := planEvents(ctx, q, f)
		if err != nil || plan.none {
			return err
		}
		n, more, err = countPlan(ctx, q, plan, limit)
		return err
	})
	return n, more, err
}

// FindTags returns the most used tags of published events, by name, from
// the maintained tallies.
func (db *DB) FindTags(ctx context.Context, limit int) ([]string, error) {
	return queryColumn[string](ctx, db.read, `SELECT tag FROM (
		SELECT substr(key, 3) AS tag, n FROM event_key_counts WHERE key >= 't:' AND key < 't;' AND n > 0
		ORDER BY n DESC, key LIMIT ?) ORDER BY tag`, clampLimit(limit))
}

// FindEventsCitingSource returns the published events that cite a source,
// in date order, with their citation counts.
func (db *DB) FindEventsCitingSource(ctx context.Context, id conflict.SourceID) (conflict.EventPage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+eventColumns+eventFrom+`
		WHERE e.status IN ('published', 'retracted') AND e.id IN (SELECT event_id FROM citations WHERE source_id = ?)
		ORDER BY e.date_lo, e.id LIMIT 500`, int64(id))
	if err != nil {
		return conflict.EventPage{}, err
	}
	defer rows.Close()
	var out []conflict.Event
	for rows.Next() {
		r, err := scanEvent(rows)
		if err != nil {
			return conflict.EventPage{}, err
		}
		out = append(out, r.event)
	}
	if err := rows.Err(); err != nil {
		return conflict.EventPage{}, err
	}
	counts, err := countCitations(ctx, db.read, out)
	if err != nil {
		return conflict.EventPage{}, err
	}
	return conflict.EventPage{Events: out, Citations: counts}, loadEventDetails(ctx, db.read, out)
}
