package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/sitrep/sitrep/internal/conflict"
)

// MapPlaces returns every place with its parent and position: few enough
// (thousands) to read whole and keep until the next write.
func (db *DB) MapPlaces(ctx context.Context) ([]conflict.MapPlace, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, coalesce(parent_id, 0), latitude, longitude, status = 'published' FROM places`)
	if err != nil {
		return nil, fmt.Errorf("read places: %w", err)
	}
	defer rows.Close()
	var out []conflict.MapPlace
	for rows.Next() {
		var (
			p        conflict.MapPlace
			lat, lon sql.NullFloat64
		)
		if err := rows.Scan(&p.ID, &p.Slug, &p.Name, &p.Parent, &lat, &lon, &p.Public); err != nil {
			return nil, err
		}
		if lat.Valid && lon.Valid {
			p.Coordinates = &conflict.LatLon{Lat: lat.Float64, Lon: lon.Float64}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountEventsByPlace counts the events a filter matches at each place.
// A filter of places, at most one actor or one tag beside them, and no
// dates or words is answered from tallies the triggers keep, whatever the
// number of events; any other reads the matching events through the list's
// own plan, up to limit of them, and says so when it stops there.
func (db *DB) CountEventsByPlace(ctx context.Context, f conflict.EventFilter, limit int) (conflict.PlaceTally, error) {
	out := conflict.PlaceTally{Counts: map[conflict.PlaceID]int{}, Total: -1}
	err := db.readTx(ctx, func(q querier) error {
		if key, places, ok := tallied(f); ok {
			return countTallied(ctx, q, key, places, &out)
		}
		return countListed(ctx, q, f, limit, &out)
	})
	return out, err
}

// tallied returns how a filter reads from the tallies: the one actor or
// tag key it names, if any ("" for none), and its conditions on places,
// each a set of places an event must be at or inside.
func tallied(f conflict.EventFilter) (key string, places [][]conflict.PlaceID, ok bool) {
	for _, s := range f.Statuses {
		if s != conflict.Published {
			return "", nil, false
		}
	}
	if f.Query != "" || !f.From.IsZero() || !f.To.IsZero() {
		return "", nil, false
	}
	filters := []conflict.EventFilter{f}
	if t := f.Timeline; t != nil {
		if len(t.Pinned) > 0 || len(t.Excluded) > 0 || !t.Filter.From.IsZero() || !t.Filter.To.IsZero() {
			return "", nil, false
		}
		filters = append(filters, conflict.EventFilter{Actors: t.Filter.Actors, Places: t.Filter.Places, Tags: t.Filter.Tags})
	}
	var keys []string
	for _, ff := range filters {
		if len(ff.Places) > 0 {
			places = append(places, ff.Places)
		}
		switch {
		case len(ff.Actors) > 1 || len(ff.Tags) > 1:
			// "This actor or that one" counts an event with both once:
			// tallies per key cannot tell.
			return "", nil, false
		case len(ff.Actors) == 1:
			keys = append(keys, "a:"+strconv.FormatInt(int64(ff.Actors[0]), 10))
		}
		if len(ff.Tags) == 1 {
			keys = append(keys, "t:"+ff.Tags[0])
		}
	}
	switch {
	case len(keys) > 1 && !(len(keys) == 2 && keys[0] == keys[1]):
		return "", nil, false
	case len(keys) > 0:
		key = keys[0]
	}
	return key, places, true
}

// countTallied reads the counts by place of key's published events, or,
// with no key, of all of them ('*'), within the places asked for.
func countTallied(ctx context.Context, q querier, key string, places [][]conflict.PlaceID, out *conflict.PlaceTally) error {
	if key == "" {
		key = "*"
	}
	query := `SELECT place_id, n FROM event_place_counts WHERE key = ? AND n > 0`
	params := []any{key}
	for _, set := range places {
		query += ` AND place_id IN (SELECT descendant_id FROM place_tree WHERE ancestor_id IN (` + placeholders(len(set)) + `))`
		params = append(params, args(set)...)
	}
	rows, err := q.QueryContext(ctx, query, params...)
	if err != nil {
		return fmt.Errorf("count events by place: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id conflict.PlaceID
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out.Counts[id] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(places) == 0 {
		// Without places, the key's tally counts its events without a
		// place too.
		n, err := tallies(ctx, q, []string{key})
		if err != nil {
			return err
		}
		out.Total = n[key]
	}
	return nil
}

// countListed reads the filter's events through the list's plan, oldest
// first, up to limit, and counts them by place.
func countListed(ctx context.Context, q querier, f conflict.EventFilter, limit int, out *conflict.PlaceTally) error {
	f.NewestFirst, f.After, f.Before = false, "", ""
	plan, err := planEvents(ctx, q, f)
	if err != nil || plan.none {
		return err
	}
	for _, piece := range plan.pieces(true) {
		if out.Read >= limit {
			break
		}
		keys, params := piece.keysQuery("", 0, true, limit-out.Read)
		query := `SELECT e.place_id, count(*) FROM (` + keys + `) k JOIN events e ON e.id = k.id GROUP BY e.place_id`
		if datesOnly(f) && piece.prefix == nil && len(piece.arms) == 1 && piece.arms[0].from == "events s" {
			// The events that begin within the dates: their places are
			// in one index, in date order.
			from, to := "", "9999-12-31"
			if !f.From.IsZero() {
				from = f.From.LowerKey()
			}
			if !f.To.IsZero() {
				to = f.To.UpperKey()
			}
			query = `SELECT place_id, count(*) FROM (SELECT place_id FROM events INDEXED BY events_published_place_idx
				WHERE status = 'published' AND date_lo >= ? AND date_lo <= ? ORDER BY date_lo LIMIT ?) GROUP BY place_id`
			params = []any{from, to, limit - out.Read}
		}
		rows, err := q.QueryContext(ctx, query, params...)
		if err != nil {
			return fmt.Errorf("count events by place: %w", err)
		}
		for rows.Next() {
			var (
				id sql.NullInt64
				n  int
			)
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return err
			}
			if id.Valid {
				out.Counts[conflict.PlaceID(id.Int64)] += n
			}
			out.Read += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if out.Read >= limit {
		out.Partial = true
	} else {
		out.Total = out.Read
	}
	return nil
}

// datesOnly reports whether a filter names published events by their
// dates alone.
func datesOnly(f conflict.EventFilter) bool {
	for _, s := range f.Statuses {
		if s != conflict.Published {
			return false
		}
	}
	return len(f.Actors)+len(f.Places)+len(f.Tags) == 0 && f.Query == "" && f.Timeline == nil
}
