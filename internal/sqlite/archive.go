package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
)

// An archive (export.ArchiveFormat) is the whole public record: it is read
// here straight from the tables, in id order a page at a time, so that
// every value leaves exactly as it is stored (timestamps to the
// microsecond, coordinates to the last digit) and an import can put the
// same rows back.

// archivePage is how many records one read of an archive brings.
const archivePage = 1000

// publicClaim is the condition on an event's or estimate's status that
// readers see it under: retracted records stay public, labelled.
const publicClaim = `status IN ('published', 'retracted')`

// The pages of ids are read along the table, in id order, testing each
// row's status: "+status" keeps SQLite from choosing the status index,
// which at a million events would read the whole index for every page.

// ReadArchive reads every public record for an archive (see
// export.ArchiveStore) in one read transaction on the export pool.
// Actors, places, sources and timelines are public when published;
// events and estimates when published or retracted. A link to a record
// readers cannot see (a draft parent, a pinned draft event) is left out
// of timelines and parents, which readers see without it.
func (db *DB) ReadArchive(ctx context.Context, history bool, section func(string) error, record func(any) error) error {
	return db.snapshot(ctx, func(q querier) error {
		r := archiveReader{ctx: ctx, q: q, history: history, record: record}
		for _, name := range export.ArchiveSections {
			if err := section(name); err != nil {
				return err
			}
			var err error
			switch name {
			case "actors":
				err = r.pages(`SELECT id FROM actors WHERE +status = 'published' AND id > ? ORDER BY id LIMIT ?`, r.actors)
			case "places":
				err = r.pages(`SELECT id FROM places WHERE +status = 'published' AND id > ? ORDER BY id LIMIT ?`, r.places)
			case "sources":
				err = r.pages(`SELECT id FROM sources WHERE +status = 'published' AND id > ? ORDER BY id LIMIT ?`, r.sources)
			case "claimants":
				err = r.pages(`SELECT c.id FROM claimants c WHERE EXISTS (SELECT 1 FROM estimates x
					WHERE x.claimant_id = c.id AND x.`+publicClaim+`) AND c.id > ? ORDER BY c.id LIMIT ?`, r.claimants)
			case "events":
				err = r.pages(`SELECT id FROM events WHERE +`+publicClaim+` AND id > ? ORDER BY id LIMIT ?`, r.events)
			case "estimates":
				err = r.pages(`SELECT id FROM estimates WHERE +`+publicClaim+` AND id > ? ORDER BY id LIMIT ?`, r.estimates)
			case "timelines":
				err = r.pages(`SELECT id FROM timelines WHERE +status = 'published' AND id > ? ORDER BY id LIMIT ?`, r.timelines)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

type archiveReader struct {
	ctx     context.Context
	q       querier
	history bool
	record  func(any) error
}

// pages reads the ids query chooses a page at a time and hands each page
// to read, which passes its records on.
func (r archiveReader) pages(query string, read func(ids []any) error) error {
	after := int64(0)
	for {
		ids := make([]any, 0, archivePage)
		err := eachRowArgs(r.ctx, r.q, query, []any{after, archivePage}, func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := read(ids); err != nil {
			return err
		}
		if len(ids) < archivePage {
			return nil
		}
		after = ids[len(ids)-1].(int64)
	}
}

// each runs query, whose first parameter is the page's ids as a JSON
// list, and hands fn each row.
func (r archiveReader) each(query string, ids []any, fn func(*sql.Rows) error) error {
	return eachRowArgs(r.ctx, r.q, query, []any{jsonIDs(ids)}, fn)
}

const inPage = ` IN (SELECT value FROM json_each(?))`

// revisions returns the published revisions of a page of records: those
// whose snapshot shows the record public, which readers may read.
func (r archiveReader) revisions(rt conflict.RecordType, ids []any) (map[int64][]export.ArchiveRevision, error) {
	if !r.history {
		return nil, nil
	}
	out := map[int64][]export.ArchiveRevision{}
	var blocks blockReader
	err := eachRowArgs(r.ctx, r.q, `SELECT record_id, number, action, `+snapshotColumns("revisions")+`, author_name, summary, created_at, unreviewed
		FROM revisions WHERE record_type = ? AND record_id`+inPage+` ORDER BY record_id, number`,
		[]any{string(rt), jsonIDs(ids)}, func(rows *sql.Rows) error {
			var (
				id     int64
				rev    export.ArchiveRevision
				stored storedSnapshot
			)
			dest := append([]any{&id, &rev.Number, &rev.Action}, stored.dest()...)
			if err := rows.Scan(append(dest, &rev.Author, &rev.Summary, &rev.CreatedAt, &rev.Unreviewed)...); err != nil {
				return err
			}
			js, err := blocks.decode(stored)
			if err != nil {
				return err
			}
			var probe struct{ Status conflict.Status }
			if err := json.Unmarshal(js, &probe); err != nil {
				return err
			}
			// A snapshot from before records other than claims had a
			// status shows a record that was public.
			if probe.Status != "" && !probe.Status.Public() {
				return nil
			}
			rev.Snapshot = json.RawMessage(js)
			out[id] = append(out[id], rev)
			return nil
		})
	return out, err
}

func nullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	id := v.Int64
	return &id
}

func (r archiveReader) actors(ids []any) error {
	var list []*export.ArchiveActor
	index := map[int64]*export.ArchiveActor{}
	err := r.each(`SELECT a.id, a.slug, a.name, a.kind, CASE WHEN p.status = 'published' THEN p.id END, a.colour, a.description,
		a.status_note, a.version, a.created_at, a.updated_at
		FROM actors a LEFT JOIN actors p ON p.id = a.parent_id WHERE a.id`+inPage+` ORDER BY a.id`, ids, func(rows *sql.Rows) error {
		var (
			a      export.ArchiveActor
			parent sql.NullInt64
		)
		if err := rows.Scan(&a.ID, &a.Slug, &a.Name, &a.Kind, &parent, &a.Colour, &a.Description,
			&a.StatusNote, &a.Version, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return err
		}
		a.ParentID, a.Aliases = nullID(parent), []string{}
		list = append(list, &a)
		index[a.ID] = &a
		return nil
	})
	if err != nil {
		return err
	}
	err = r.each(`SELECT actor_id, alias FROM actor_aliases WHERE actor_id`+inPage+` ORDER BY actor_id, alias`, ids, func(rows *sql.Rows) error {
		var (
			id    int64
			alias string
		)
		if err := rows.Scan(&id, &alias); err != nil {
			return err
		}
		index[id].Aliases = append(index[id].Aliases, alias)
		return nil
	})
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.ActorRecord, ids)
	if err != nil {
		return err
	}
	for _, a := range list {
		a.Revisions = revs[a.ID]
		if err := r.record(a); err != nil {
			return err
		}
	}
	return nil
}

func (r archiveReader) places(ids []any) error {
	var list []*export.ArchivePlace
	index := map[int64]*export.ArchivePlace{}
	err := r.each(`SELECT p.id, p.slug, p.name, p.kind, CASE WHEN pp.status = 'published' THEN pp.id END, p.latitude, p.longitude,
		p.description, p.status_note, p.version, p.created_at, p.updated_at
		FROM places p LEFT JOIN places pp ON pp.id = p.parent_id WHERE p.id`+inPage+` ORDER BY p.id`, ids, func(rows *sql.Rows) error {
		var (
			p        export.ArchivePlace
			parent   sql.NullInt64
			lat, lon sql.NullFloat64
		)
		if err := rows.Scan(&p.ID, &p.Slug, &p.Name, &p.Kind, &parent, &lat, &lon,
			&p.Description, &p.StatusNote, &p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
			return err
		}
		p.ParentID, p.Names = nullID(parent), []export.ArchiveName{}
		if lat.Valid && lon.Valid {
			p.Coordinates = &export.ArchiveCoordinates{Lat: lat.Float64, Lon: lon.Float64}
		}
		list = append(list, &p)
		index[p.ID] = &p
		return nil
	})
	if err != nil {
		return err
	}
	err = r.each(`SELECT place_id, name, lang FROM place_names WHERE place_id`+inPage+` ORDER BY place_id, name`, ids, func(rows *sql.Rows) error {
		var (
			id int64
			n  export.ArchiveName
		)
		if err := rows.Scan(&id, &n.Name, &n.Lang); err != nil {
			return err
		}
		index[id].Names = append(index[id].Names, n)
		return nil
	})
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.PlaceRecord, ids)
	if err != nil {
		return err
	}
	for _, p := range list {
		p.Revisions = revs[p.ID]
		if err := r.record(p); err != nil {
			return err
		}
	}
	return nil
}

func (r archiveReader) sources(ids []any) error {
	var list []*export.ArchiveSource
	err := r.each(`SELECT id, url, publisher, title, published, authors, language, archived_url, reliability, notes,
		status_note, version, created_at, updated_at FROM sources WHERE id`+inPage+` ORDER BY id`, ids, func(rows *sql.Rows) error {
		var (
			s       export.ArchiveSource
			authors string
		)
		if err := rows.Scan(&s.ID, &s.URL, &s.Publisher, &s.Title, &s.Published, &authors, &s.Language, &s.ArchivedURL,
			&s.Reliability, &s.Notes, &s.StatusNote, &s.Version, &s.CreatedAt, &s.UpdatedAt); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(authors), &s.Authors); err != nil {
			return err
		}
		if s.Authors == nil {
			s.Authors = []string{}
		}
		list = append(list, &s)
		return nil
	})
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.SourceRecord, ids)
	if err != nil {
		return err
	}
	for _, s := range list {
		s.Revisions = revs[s.ID]
		if err := r.record(s); err != nil {
			return err
		}
	}
	return nil
}

// citations reads a page of records' citations (column is event_id or
// estimate_id) in their order.
func (r archiveReader) citations(column string, ids []any) (map[int64][]export.ArchiveCitation, error) {
	out := map[int64][]export.ArchiveCitation{}
	err := r.each(`SELECT `+column+`, source_id, quote, locator, coalesce(credibility, 0) FROM citations
		WHERE `+column+inPage+` ORDER BY `+column+`, position, id`, ids, func(rows *sql.Rows) error {
		var (
			id int64
			c  export.ArchiveCitation
		)
		if err := rows.Scan(&id, &c.SourceID, &c.Quote, &c.Locator, &c.Credibility); err != nil {
			return err
		}
		out[id] = append(out[id], c)
		return nil
	})
	return out, err
}

// claimants reads a page of claimants: the actor each belongs to only
// when readers see it.
func (r archiveReader) claimants(ids []any) error {
	var list []*export.ArchiveClaimant
	err := r.each(`SELECT c.id, c.name, c.type, CASE WHEN a.status = 'published' THEN a.id END, c.description,
		c.version, c.created_at, c.updated_at
		FROM claimants c LEFT JOIN actors a ON a.id = c.actor_id WHERE c.id`+inPage+` ORDER BY c.id`, ids, func(rows *sql.Rows) error {
		var (
			c     export.ArchiveClaimant
			actor sql.NullInt64
		)
		if err := rows.Scan(&c.ID, &c.Name, &c.Type, &actor, &c.Description, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return err
		}
		c.ActorID = nullID(actor)
		list = append(list, &c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range list {
		if err := r.record(c); err != nil {
			return err
		}
	}
	return nil
}

// relations reads the links of a page of events or estimates (rt) to
// records readers see, reported by published sources.
func (r archiveReader) relations(rt conflict.RecordType, ids []any) (map[int64][]export.ArchiveRelation, error) {
	st := relationsOf(rt)
	out := map[int64][]export.ArchiveRelation{}
	err := r.each(pageRelationsQuery(st), ids, func(rows *sql.Rows) error {
		var (
			id  int64
			ext string
			l   export.ArchiveRelation
		)
		if err := rows.Scan(&id, &l.Kind, &l.Target, &ext, &l.SourceID); err != nil {
			return err
		}
		out[id] = append(out[id], l)
		return nil
	})
	return out, err
}

func (r archiveReader) events(ids []any) error {
	var list []*export.ArchiveEvent
	index := map[int64]*export.ArchiveEvent{}
	err := r.each(`SELECT id, coalesce(external_id, ''), title, date, place_id, body, status, status_note, version, created_at, updated_at
		FROM events WHERE id`+inPage+` ORDER BY id`, ids, func(rows *sql.Rows) error {
		var (
			e     export.ArchiveEvent
			place sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &e.ExternalID, &e.Title, &e.Date, &place, &e.Body, &e.Status, &e.StatusNote,
			&e.Version, &e.CreatedAt, &e.UpdatedAt); err != nil {
			return err
		}
		e.Slug = conflict.EventSlug(e.Title)
		e.PlaceID, e.Actors, e.Tags = nullID(place), []export.ArchiveEventActor{}, []string{}
		list = append(list, &e)
		index[e.ID] = &e
		return nil
	})
	if err != nil {
		return err
	}
	err = r.each(`SELECT event_id, actor_id, role FROM event_actors WHERE event_id`+inPage+` ORDER BY event_id, position, actor_id, role`,
		ids, func(rows *sql.Rows) error {
			var (
				id int64
				a  export.ArchiveEventActor
			)
			if err := rows.Scan(&id, &a.ActorID, &a.Role); err != nil {
				return err
			}
			index[id].Actors = append(index[id].Actors, a)
			return nil
		})
	if err != nil {
		return err
	}
	err = r.each(`SELECT event_id, tag FROM event_tags WHERE event_id`+inPage+` ORDER BY event_id, tag`, ids, func(rows *sql.Rows) error {
		var (
			id  int64
			tag string
		)
		if err := rows.Scan(&id, &tag); err != nil {
			return err
		}
		index[id].Tags = append(index[id].Tags, tag)
		return nil
	})
	if err != nil {
		return err
	}
	cites, err := r.citations("event_id", ids)
	if err != nil {
		return err
	}
	links, err := r.relations(conflict.EventRecord, ids)
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.EventRecord, ids)
	if err != nil {
		return err
	}
	for _, e := range list {
		e.Citations, e.Relations, e.Revisions = cites[e.ID], links[e.ID], revs[e.ID]
		if e.Citations == nil {
			e.Citations = []export.ArchiveCitation{}
		}
		if err := r.record(e); err != nil {
			return err
		}
	}
	return nil
}

func (r archiveReader) estimates(ids []any) error {
	var list []*export.ArchiveEstimate
	err := r.each(`SELECT id, coalesce(external_id, ''), actor_id, place_id, as_of, unit, qualifier, low, high, claimant, claimant_actor_id,
		notes, status, status_note, version, created_at, updated_at FROM estimates WHERE id`+inPage+` ORDER BY id`, ids, func(rows *sql.Rows) error {
		var (
			x                       export.ArchiveEstimate
			place, low, high, claim sql.NullInt64
		)
		if err := rows.Scan(&x.ID, &x.ExternalID, &x.ForceID, &place, &x.AsOf, &x.Unit, &x.Qualifier, &low, &high, &x.Claimant, &claim,
			&x.Notes, &x.Status, &x.StatusNote, &x.Version, &x.CreatedAt, &x.UpdatedAt); err != nil {
			return err
		}
		x.PlaceID, x.Low, x.High, x.ClaimantActorID = nullID(place), nullID(low), nullID(high), nullID(claim)
		list = append(list, &x)
		return nil
	})
	if err != nil {
		return err
	}
	cites, err := r.citations("estimate_id", ids)
	if err != nil {
		return err
	}
	links, err := r.relations(conflict.EstimateRecord, ids)
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.EstimateRecord, ids)
	if err != nil {
		return err
	}
	for _, x := range list {
		x.Citations, x.Relations, x.Revisions = cites[x.ID], links[x.ID], revs[x.ID]
		if x.Citations == nil {
			x.Citations = []export.ArchiveCitation{}
		}
		if err := r.record(x); err != nil {
			return err
		}
	}
	return nil
}

func (r archiveReader) timelines(ids []any) error {
	var list []*export.ArchiveTimeline
	index := map[int64]*export.ArchiveTimeline{}
	err := r.each(`SELECT id, slug, title, description, date_from, date_to, with_estimates, status_note, version, created_at, updated_at
		FROM timelines WHERE id`+inPage+` ORDER BY id`, ids, func(rows *sql.Rows) error {
		var t export.ArchiveTimeline
		if err := rows.Scan(&t.ID, &t.Slug, &t.Title, &t.Description, &t.Filter.From, &t.Filter.To, &t.WithEstimates,
			&t.StatusNote, &t.Version, &t.CreatedAt, &t.UpdatedAt); err != nil {
			return err
		}
		t.Filter.ActorIDs, t.Filter.PlaceIDs, t.Filter.Tags = []int64{}, []int64{}, []string{}
		t.Pinned, t.Excluded = []int64{}, []int64{}
		list = append(list, &t)
		index[t.ID] = &t
		return nil
	})
	if err != nil {
		return err
	}
	links := []struct {
		query string
		add   func(t *export.ArchiveTimeline, id int64)
	}{
		{`SELECT l.timeline_id, l.actor_id FROM timeline_actors l JOIN actors a ON a.id = l.actor_id
			WHERE a.status = 'published' AND l.timeline_id` + inPage + ` ORDER BY 1, 2`,
			func(t *export.ArchiveTimeline, id int64) { t.Filter.ActorIDs = append(t.Filter.ActorIDs, id) }},
		{`SELECT l.timeline_id, l.place_id FROM timeline_places l JOIN places p ON p.id = l.place_id
			WHERE p.status = 'published' AND l.timeline_id` + inPage + ` ORDER BY 1, 2`,
			func(t *export.ArchiveTimeline, id int64) { t.Filter.PlaceIDs = append(t.Filter.PlaceIDs, id) }},
		{`SELECT l.timeline_id, l.event_id FROM timeline_events l JOIN events e ON e.id = l.event_id
			WHERE l.excluded = 0 AND e.` + publicClaim + ` AND l.timeline_id` + inPage + ` ORDER BY 1, 2`,
			func(t *export.ArchiveTimeline, id int64) { t.Pinned = append(t.Pinned, id) }},
		{`SELECT l.timeline_id, l.event_id FROM timeline_events l JOIN events e ON e.id = l.event_id
			WHERE l.excluded = 1 AND e.` + publicClaim + ` AND l.timeline_id` + inPage + ` ORDER BY 1, 2`,
			func(t *export.ArchiveTimeline, id int64) { t.Excluded = append(t.Excluded, id) }},
	}
	for _, l := range links {
		err := r.each(l.query, ids, func(rows *sql.Rows) error {
			var tid, id int64
			if err := rows.Scan(&tid, &id); err != nil {
				return err
			}
			l.add(index[tid], id)
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = r.each(`SELECT timeline_id, tag FROM timeline_tags WHERE timeline_id`+inPage+` ORDER BY 1, 2`, ids, func(rows *sql.Rows) error {
		var (
			tid int64
			tag string
		)
		if err := rows.Scan(&tid, &tag); err != nil {
			return err
		}
		index[tid].Filter.Tags = append(index[tid].Filter.Tags, tag)
		return nil
	})
	if err != nil {
		return err
	}
	revs, err := r.revisions(conflict.TimelineRecord, ids)
	if err != nil {
		return err
	}
	for _, t := range list {
		t.Revisions = revs[t.ID]
		if err := r.record(t); err != nil {
			return err
		}
	}
	return nil
}
