package sqlite

import (
	"context"
	"fmt"

	"github.com/sitrep/sitrep/internal/conflict"
)

// TableSortLimit is how many of a list's events, the first in date order,
// a table sorted by place or by number of sources sorts. No index orders
// events by their place's name or by how many sources cite them, and a
// million events cannot be sorted on each request; a thousand are sorted
// in a few milliseconds, and a reader who needs all of a larger list in
// that order narrows it first.
const TableSortLimit = 1000

// FindEventsSorted returns page (from 1) of the events f matches, perPage
// a page, sorted by place name ("place", "-place" reversed) or by number
// of citations ("sources", "-sources" most first), ties kept in date
// order. Only the first TableSortLimit events of the list in date order
// are sorted; Capped says there were more. f's cursors and order are
// ignored.
func (db *DB) FindEventsSorted(ctx context.Context, f conflict.EventFilter, sort string, page, perPage int) (conflict.SortedEvents, error) {
	var out conflict.SortedEvents
	order, ok := tableOrders[sort]
	if !ok {
		return out, conflict.Errorf(conflict.Invalid, "The table sorts by date, place or sources.")
	}
	page, perPage = max(page, 1), min(max(perPage, 1), TableSortLimit)
	err := db.readTx(ctx, func(q querier) error {
		f.After, f.Before, f.NewestFirst = "", "", false
		plan, err := planEvents(ctx, q, f)
		if err != nil || plan.none {
			return err
		}
		keys, err := plan.readKeys(ctx, q, "", 0, true, TableSortLimit+1)
		if err != nil {
			return err
		}
		if len(keys) > TableSortLimit {
			keys, out.Capped = keys[:TableSortLimit], true
		}
		out.Total = len(keys)
		ids := make([]any, len(keys))
		pos := make(map[conflict.EventID]int, len(keys))
		for i, k := range keys {
			ids[i] = int64(k.id)
			pos[k.id] = i
		}
		// The set's own date order breaks ties: json_each's key is the
		// position in the list.
		rows, err := q.QueryContext(ctx, `SELECT e.id, e.date_lo FROM json_each(?) j
			JOIN events e ON e.id = j.value LEFT JOIN places p ON p.id = e.place_id
			ORDER BY `+order+`, j.key LIMIT ? OFFSET ?`, jsonIDs(ids), perPage, (page-1)*perPage)
		if err != nil {
			return fmt.Errorf("sort events: %w", err)
		}
		var shown []eventKey
		for rows.Next() {
			var k eventKey
			if err := rows.Scan(&k.id, &k.lo); err != nil {
				rows.Close()
				return err
			}
			shown = append(shown, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if out.Events, err = loadEvents(ctx, q, shown); err != nil {
			return err
		}
		if out.Citations, err = countCitations(ctx, q, out.Events); err != nil {
			return err
		}
		return loadEventDetails(ctx, q, out.Events)
	})
	return out, err
}

// tableOrders are the ORDER BY terms of each sort. An event with no place
// comes last either way.
var tableOrders = map[string]string{
	"place":    `p.name IS NULL, p.name COLLATE NOCASE ASC`,
	"-place":   `p.name IS NULL, p.name COLLATE NOCASE DESC`,
	"sources":  `(SELECT count(*) FROM citations c WHERE c.event_id = e.id) ASC`,
	"-sources": `(SELECT count(*) FROM citations c WHERE c.event_id = e.id) DESC`,
}
