package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/maypok86/otter/v2"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
	"github.com/sitrep/sitrep/internal/versioned"
)

// TableSortLimit is how many of a list's events, the first in date order,
// a table sorted by place or by number of sources sorts. No index orders
// events by their place's name or by how many sources cite them, and a
// million events cannot be sorted on each request; a thousand are sorted
// in a few milliseconds, and a reader who needs all of a larger list in
// that order narrows it first. It is the lists' own count limit, so the
// keys a sorted table reads are its count too (sortedCount).
const TableSortLimit = countLimit

// FindEventsSorted returns page (from 1) of the events f matches, perPage
// a page, sorted by place name ("place", "-place" reversed) or by number
// of citations ("sources", "-sources" most first), ties kept in date
// order. Only the first TableSortLimit events of the list in date order
// are sorted; Capped says there were more. Count and More are the
// list's own count, as FindEvents would give it up to countLimit, read
// in the same transaction. The events carry what the table shows
// (loadTableEvents). f's cursors and order are ignored.
func (db *DB) FindEventsSorted(ctx context.Context, f conflict.EventFilter, sort string, page, perPage int) (conflict.SortedEvents, error) {
	var out conflict.SortedEvents
	if _, ok := tableOrders[sort]; !ok {
		return out, conflict.Errorf(conflict.Invalid, "The table sorts by date, place or sources.")
	}
	page, perPage = max(page, 1), min(max(perPage, 1), TableSortLimit)
	err := db.readTx(ctx, func(q querier) error {
		f.After, f.Before, f.NewestFirst = "", "", false
		plan, err := planEvents(ctx, q, f)
		if err != nil || plan.none {
			return err
		}
		keys, err := db.sortedKeys(ctx, q, f, plan)
		if err != nil {
			return err
		}
		ids := make([]conflict.EventID, len(keys))
		for i, k := range keys {
			ids[i] = k.id
		}
		if len(ids) > TableSortLimit {
			ids, out.Capped = ids[:TableSortLimit], true
		}
		out.Total = len(ids)
		if out.Count, out.More, err = sortedCount(ctx, q, plan, len(ids), out.Capped); err != nil {
			return err
		}
		order, err := db.sorts.order(ctx, q, ids, sort)
		if err != nil {
			return err
		}
		from := min((page-1)*perPage, len(order))
		shown := order[from:min(from+perPage, len(order))]
		out.Events, out.Citations, err = loadTableEvents(ctx, q, shown)
		return err
	})
	return out, err
}

// sortedCount is the count of a list whose first TableSortLimit+1 keys
// have been read: they are its count up to that limit, unless the plan
// counts no further than fewer (a list checked row by row) or the
// tallies know it, when countPlan says what FindEvents would.
func sortedCount(ctx context.Context, q querier, plan eventPlan, read int, capped bool) (int, bool, error) {
	if plan.exact >= 0 || plan.countCap > 0 || plan.atLeast > countLimit {
		return countPlan(ctx, q, plan, countLimit)
	}
	return read, capped, nil
}

// sortedKeys returns the first TableSortLimit+1 keys, in date order, of
// the list f describes (plan is its plan). They are those of the same
// list without its end date, cut where the dates pass it: an end date
// adds only "begins no later than" to a list read in date order. So the
// keys of the list without one are kept, per snapshot of the record, and
// serve every end date: the benchmark's table and a reader paging
// through end dates ask the same list with a different end again and
// again, and reading a thousand keys is a third of a sorted page. A
// timeline's list is read as it is (its filter holds a pointer, no key).
func (db *DB) sortedKeys(ctx context.Context, q querier, f conflict.EventFilter, plan eventPlan) ([]eventKey, error) {
	if _, ok := q.(readTxn); !ok || f.Timeline != nil {
		return plan.readKeys(ctx, q, "", 0, true, TableSortLimit+1)
	}
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return nil, err
	}
	all := f
	all.To, all.Limit = edtf.Date{}, 0
	keys, err := db.sortKeys.Get(revision, fmt.Sprintf("%#v", all), versioned.Scaled(sortedKeysKept), func(k []eventKey) int { return len(k) }, func() ([]eventKey, error) {
		if f.To.IsZero() {
			return plan.readKeys(ctx, q, "", 0, true, TableSortLimit+1)
		}
		plan, err := planEvents(ctx, q, all)
		if err != nil || plan.none {
			return nil, err
		}
		return plan.readKeys(ctx, q, "", 0, true, TableSortLimit+1)
	})
	if err != nil || f.To.IsZero() {
		return keys, err
	}
	upper := f.To.UpperKey()
	n, _ := slices.BinarySearchFunc(keys, upper, func(k eventKey, upper string) int {
		if k.lo <= upper {
			return -1
		}
		return 1
	})
	return keys[:n], nil
}

// sortedKeysKept bounds the keys kept for sorted tables: a hundred lists
// of a thousand, some 5 MB.
const sortedKeysKept = 100 * (TableSortLimit + 1)

// sortedTables keeps the orders of sorted tables, per snapshot of the
// record: sorting a thousand events by place reads a thousand event rows
// and places, most of a sorted page's cost, and every page of the table
// (ten of them) sorts the same events, as do filters that differ only
// where they no longer reach the first thousand (a later end date). An
// order holds until a record is written, which writes a revision.
type sortedTables struct {
	kept versioned.Cache[sortedKey, sortedTable]
}

// sortedKey names a sort of a list of events: the sort, and a hash of the
// list, whose events are compared when it is found.
type sortedKey struct {
	sort string
	hash uint64
}

type sortedTable struct {
	ids   []conflict.EventID
	order []conflict.EventID
}

// sortedTablesKept bounds the orders kept (each 16 KB for a thousand
// events, so 4 MB): a flood of different lists clears them rather than
// growing them.
const sortedTablesKept = 256

// order returns ids, which are in date order, in the table's order by
// sort, from the kept orders when this snapshot has one.
func (c *sortedTables) order(ctx context.Context, q querier, ids []conflict.EventID, sort string) ([]conflict.EventID, error) {
	if _, ok := q.(readTxn); !ok {
		// A copy reading another pool (Bulk) keeps nothing.
		return sortEvents(ctx, q, ids, sort)
	}
	revision, err := snapshotRevision(ctx, q)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	var b [8]byte
	for _, id := range ids {
		binary.LittleEndian.PutUint64(b[:], uint64(id))
		h.Write(b[:])
	}
	t, err := c.kept.Get(revision, sortedKey{sort: sort, hash: h.Sum64()}, sortedTablesKept, nil, func() (sortedTable, error) {
		order, err := sortEvents(ctx, q, ids, sort)
		return sortedTable{ids: slices.Clone(ids), order: order}, err
	})
	if err != nil {
		return nil, err
	}
	if !slices.Equal(t.ids, ids) {
		// Another list with the same hash is kept: this one is sorted
		// on its own.
		return sortEvents(ctx, q, ids, sort)
	}
	return t.order, nil
}

// sortEvents returns ids, which are in date order, in the table's order
// by sort: a stable sort, so that ties stay in date order.
func sortEvents(ctx context.Context, q querier, ids []conflict.EventID, sort string) ([]conflict.EventID, error) {
	list := make([]any, len(ids))
	for i, id := range ids {
		list[i] = int64(id)
	}
	// json_each's key is the position in ids. A count of sources needs
	// no event row: only the place's name reads them.
	from := `json_each(?) j`
	if strings.HasSuffix(sort, "place") {
		from += ` JOIN events e ON e.id = j.value LEFT JOIN places p ON p.id = e.place_id`
	}
	rows, err := q.QueryContext(ctx, `SELECT j.key FROM `+from+` ORDER BY `+tableOrders[sort]+`, j.key`, jsonIDs(list))
	if err != nil {
		return nil, fmt.Errorf("sort events: %w", err)
	}
	defer rows.Close()
	out := make([]conflict.EventID, 0, len(ids))
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		if i < 0 || i >= len(ids) {
			return nil, fmt.Errorf("sort events: position %d of %d", i, len(ids))
		}
		out = append(out, ids[i])
	}
	return out, rows.Err()
}

// tableOrders are the ORDER BY terms of each sort. An event with no place
// comes last either way.
var tableOrders = map[string]string{
	"place":    `p.name IS NULL, p.name COLLATE NOCASE ASC`,
	"-place":   `p.name IS NULL, p.name COLLATE NOCASE DESC`,
	"sources":  `(SELECT count(*) FROM citations c WHERE c.event_id = j.value) ASC`,
	"-sources": `(SELECT count(*) FROM citations c WHERE c.event_id = j.value) DESC`,
}

// tableColumns are what a row of the events table shows, read in one
// query: an event, its place, how many citations it has, its actors'
// positions and ids (position:id, commas between), and its tags packed
// into one text (unpack). Four queries (the events, their counts, their
// actors, their tags) cost a third more for a page of a hundred rows:
// each actor and tag was a row of its own to read. The actors' names are
// read from the snapshot's kept actors (refCache), which hold nearly all
// of them: joining each was a fifth of the query.
const tableColumns = `SELECT e.id, e.title, e.date, e.body, pl.id, coalesce(pl.slug, ''), coalesce(pl.name, ''),
	(SELECT count(*) FROM citations c WHERE c.event_id = e.id),
	coalesce((SELECT group_concat(ea.position || ':' || ea.actor_id) FROM event_actors ea WHERE ea.event_id = e.id), ''),
	coalesce((SELECT group_concat(octet_length(t.tag) || ':' || t.tag, '') FROM event_tags t WHERE t.event_id = e.id), '')
	FROM json_each(?) j JOIN events e ON e.id = j.value LEFT JOIN places pl ON pl.id = e.place_id`

// tableRows keeps the table's rows of events, per snapshot of the record:
// a row is six index searches or more (the event, its place, its
// citations, its actors and theirs, its tags), most of a table page's
// cost, and the rows a table shows are shown again and again: its pages
// sorted every way, lists that overlap, a page asked with other
// parameters. A row is kept under the revision it was read at, so a
// write (which writes a revision) leaves it unused. The rows most asked
// for stay and the rest make way, rather than all being let go when the
// bound is reached, as they were: each new page of a table read by its
// dates (a hundred rows no other page shows) then pushed out the rows of
// the sorted pages every reader of the list shares. Each reader gets its
// own copy of a kept event (keptEvent). Rows are kept by pointer: a row
// kept by value was copied again as it was let go, some 400 bytes for
// each of the tens a page of new rows pushes out.
type tableRows struct {
	kept *otter.Cache[tableRowKey, *tableRow]
}

type tableRowKey struct {
	revision int64
	id       conflict.EventID
}

type tableRow struct {
	event     conflict.Event
	citations int
}

// tableRowsKept bounds the rows kept (each about a kilobyte, so some
// 8 MB): eighty pages of a hundred.
const tableRowsKept = 8192

func newTableRows() *tableRows {
	return &tableRows{kept: otter.Must(&otter.Options[tableRowKey, *tableRow]{MaximumSize: tableRowsKept})}
}

// loadTableEvents reads the events of ids, in that order, with what the
// table shows of each and no more: its date, title, body (the reported
// fatalities), place, the slugs and names of its actors, its tags, and
// how many citations it has. Rows kept for this snapshot are not read
// again.
func loadTableEvents(ctx context.Context, q querier, ids []conflict.EventID) ([]conflict.Event, map[conflict.EventID]int, error) {
	citations := make(map[conflict.EventID]int, len(ids))
	if len(ids) == 0 {
		return nil, citations, nil
	}
	out := make([]conflict.Event, len(ids))
	var (
		cache    *tableRows
		revision int64
	)
	if t, ok := q.(readTxn); ok && t.rows != nil {
		var err error
		if revision, err = snapshotRevision(ctx, q); err != nil {
			return nil, nil, err
		}
		cache = t.rows
	}
	// pos is where each event still to be read goes.
	pos := make(map[conflict.EventID]int, len(ids))
	for i, id := range ids {
		if cache != nil {
			if r, ok := cache.kept.GetIfPresent(tableRowKey{revision, id}); ok {
				out[i], citations[id] = keptEvent(r.event), r.citations
				continue
			}
		}
		pos[id] = i
	}
	if len(pos) == 0 {
		return out, citations, nil
	}
	if err := readTableRows(ctx, q, pos, out, citations); err != nil {
		return nil, nil, err
	}
	if cache != nil {
		for id, i := range pos {
			cache.kept.Set(tableRowKey{revision, id}, &tableRow{event: keptEvent(out[i]), citations: citations[id]})
		}
	}
	return out, citations, nil
}

// readTableRows reads the rows of the events in pos into out, each at its
// position, and their numbers of citations.
func readTableRows(ctx context.Context, q querier, pos map[conflict.EventID]int, out []conflict.Event, citations map[conflict.EventID]int) error {
	list := make([]any, 0, len(pos))
	for id := range pos {
		list = append(list, int64(id))
	}
	rows, err := q.QueryContext(ctx, tableColumns, jsonIDs(list))
	if err != nil {
		return fmt.Errorf("load table events: %w", err)
	}
	defer rows.Close()
	var links []tableActor
	ac := actorCache{}
	found := 0
	for rows.Next() {
		var (
			e            conflict.Event
			pid          sql.NullInt64
			pslug, pname string
			n            int
			actors, tags string
		)
		if err := rows.Scan(&e.ID, &e.Title, &e.Date, &e.Body, &pid, &pslug, &pname, &n, &actors, &tags); err != nil {
			return mapError(err)
		}
		e.Slug = conflict.EventSlug(e.Title)
		if pid.Valid {
			e.Place = &conflict.PlaceRef{ID: conflict.PlaceID(pid.Int64), Slug: pslug, Name: pname}
		}
		i, ok := pos[e.ID]
		if !ok {
			return fmt.Errorf("load table events: event %d was not asked for", e.ID)
		}
		if links, err = appendTableActors(links, i, actors); err != nil {
			return err
		}
		if e.Tags, err = unpack(tags, nil); err != nil {
			return err
		}
		// Sorted here: an ordered aggregate makes SQLite sort each row's
		// few tags through a sorter of its own.
		slices.Sort(e.Tags)
		out[i] = e
		citations[e.ID] = n
		found++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if found != len(pos) {
		return fmt.Errorf("load table events: found %d of %d", found, len(pos))
	}
	rows.Close()
	ids := make([]conflict.ActorID, len(links))
	for i, l := range links {
		ids[i] = l.actor
	}
	if err := fillActors(ctx, q, ac, ids); err != nil {
		return err
	}
	// An event's actors in their order, equals by name, as its page lists
	// them.
	slices.SortStableFunc(links, func(a, b tableActor) int {
		return cmp.Or(cmp.Compare(a.row, b.row), cmp.Compare(a.position, b.position), strings.Compare(ac[a.actor].Name, ac[b.actor].Name))
	})
	for _, l := range links {
		ref, ok := ac[l.actor]
		if !ok {
			return fmt.Errorf("load table events: actor %d of event %d is missing", l.actor, out[l.row].ID)
		}
		out[l.row].Actors = append(out[l.row].Actors, conflict.EventActor{Actor: ref})
	}
	return nil
}

// tableActor is an actor of a table's row: the row, the actor's position
// among the event's actors, and the actor.
type tableActor struct {
	row, position int
	actor         conflict.ActorID
}

// appendTableActors adds the actors of row, packed as position:id with
// commas between, to links.
func appendTableActors(links []tableActor, row int, packed string) ([]tableActor, error) {
	for packed != "" {
		var one string
		one, packed, _ = strings.Cut(packed, ",")
		p, id, ok := strings.Cut(one, ":")
		position, err1 := strconv.Atoi(p)
		actor, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("load table events: bad actors %q", one)
		}
		links = append(links, tableActor{row: row, position: position, actor: conflict.ActorID(actor)})
	}
	return links, nil
}

// unpack splits texts packed as their byte length, a colon and the text,
// one after another: no character of a name or tag can break them apart,
// as a separator could.
func unpack(s string, out []string) ([]string, error) {
	for s != "" {
		n, rest, ok := strings.Cut(s, ":")
		size, err := strconv.Atoi(n)
		if !ok || err != nil || size < 0 || size > len(rest) {
			return nil, fmt.Errorf("load table events: bad packed text %q", s)
		}
		out = append(out, rest[:size])
		s = rest[size:]
	}
	return out, nil
}
