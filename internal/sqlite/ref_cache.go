package sqlite

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/sitrep/sitrep/internal/conflict"
)

// refCache keeps the actors and sources that pages of events name, per
// snapshot of the record. A page of fifty events names about ninety
// actors and sixty sources, mostly the same few hundred; joining each in
// its own lookup was a tenth of an API page at a million events, and
// reading a source's fifteen columns again for every citation another
// twentieth. Actors and sources change only with a revision, so the
// newest revision a read transaction sees names what it would read.
type refCache struct {
	mu       sync.Mutex
	revision int64
	actors   map[conflict.ActorID]conflict.ActorRef
	sources  map[conflict.SourceID]conflict.Source
}

// refsKept bounds each kind kept (a source, with its notes, weighs about
// 700 bytes). Past it, each one read replaces one kept at random: the few
// cited most stay kept, as they are read most, and a crawl of every page
// holds no more than this.
const refsKept = 2048

// refsOf returns the cache q keeps, with q's snapshot, or nil when q keeps
// none.
func refsOf(ctx context.Context, q querier) (*refCache, int64, error) {
	t, ok := q.(readTxn)
	if !ok || t.refs == nil {
		return nil, 0, nil
	}
	revision, err := snapshotRevision(ctx, q)
	return t.refs, revision, err
}

// kept copies into found those of ids (each once) the cache holds for the
// snapshot and returns the rest. A snapshot newer than the cache's starts
// it again; an older one reads past it.
func kept[K comparable, V any](c *refCache, revision int64, all func(*refCache) *map[K]V, ids []K, found map[K]V) (missing []K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.revision < revision {
		c.revision, c.actors, c.sources = revision, nil, nil
	}
	m := *all(c)
	for _, id := range ids {
		if v, ok := m[id]; ok && c.revision == revision {
			found[id] = v
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// keep stores what a snapshot read, if the cache still keeps that
// snapshot.
func keep[K comparable, V any](c *refCache, revision int64, all func(*refCache) *map[K]V, read map[K]V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.revision != revision {
		return
	}
	m := all(c)
	if *m == nil {
		*m = make(map[K]V, len(read))
	}
	for k, v := range read {
		if len(*m) >= refsKept {
			for old := range *m {
				// Maps are ranged from a random place.
				delete(*m, old)
				break
			}
		}
		(*m)[k] = v
	}
}

func cachedActors(c *refCache) *map[conflict.ActorID]conflict.ActorRef { return &c.actors }

func cachedSources(c *refCache) *map[conflict.SourceID]conflict.Source { return &c.sources }

// fillActors adds to ac the actors with these ids that it lacks, as q's
// snapshot has them.
func fillActors(ctx context.Context, q querier, ac actorCache, ids []conflict.ActorID) error {
	return fill(ctx, q, ac, ids, cachedActors, func(missing []conflict.ActorID) (map[conflict.ActorID]conflict.ActorRef, error) {
		rows, err := q.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(args(missing)))
		if err != nil {
			return nil, err
		}
		refs, err := scanActorRefs(rows)
		if err != nil {
			return nil, err
		}
		read := make(map[conflict.ActorID]conflict.ActorRef, len(refs))
		for _, r := range refs {
			read[r.ID] = r
		}
		return read, nil
	})
}

// fillSources adds to sc the sources with these ids that it lacks, as q's
// snapshot has them.
func fillSources(ctx context.Context, q querier, sc sourceCache, ids []conflict.SourceID) error {
	return fill(ctx, q, sc, ids, cachedSources, func(missing []conflict.SourceID) (map[conflict.SourceID]conflict.Source, error) {
		rows, err := q.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id IN (SELECT value FROM json_each(?))`, jsonIDs(args(missing)))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		read := make(map[conflict.SourceID]conflict.Source, len(missing))
		for rows.Next() {
			s, err := scanSource(rows)
			if err != nil {
				return nil, err
			}
			read[s.ID] = s
		}
		return read, rows.Err()
	})
}

// fill adds to have the values with these ids that it lacks: those q's
// snapshot keeps in its refCache (all picks which kind), and the rest
// read by read, which are then kept.
func fill[K comparable, V any](ctx context.Context, q querier, have map[K]V, ids []K, all func(*refCache) *map[K]V, read func(missing []K) (map[K]V, error)) error {
	missing := absent(have, ids)
	if len(missing) == 0 {
		return nil
	}
	c, revision, err := refsOf(ctx, q)
	if err != nil {
		return err
	}
	if c != nil {
		if missing = kept(c, revision, all, missing, have); len(missing) == 0 {
			return nil
		}
	}
	got, err := read(missing)
	if err != nil {
		return err
	}
	maps.Copy(have, got)
	if c != nil {
		keep(c, revision, all, got)
	}
	return nil
}

// absent returns the ids, once each, that m lacks.
func absent[K comparable, V any](m map[K]V, ids []K) (missing []K) {
	for _, id := range ids {
		if _, ok := m[id]; !ok && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	return missing
}
