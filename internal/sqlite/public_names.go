package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"

	"github.com/sitrep/sitrep/internal/conflict"
)

// publicNames resolves the names in readers' filters to published actors
// and places. A list filtered by an actor looks its name up on every
// request, a few index searches and a sort each time: at a million events
// a tenth of such a page, and half of a filter's first requests were for
// names not asked for since the last write. So every published name,
// slug and alias is read at once, once per data version, into one index
// per kind, as long as the kind is small enough to hold (a few thousand
// actors, a gazetteer's places up to publicNamesIndexed); past that, names
// are looked up one by one and the answers kept until the next write.
type publicNames struct {
	actors publicIndex[conflict.ActorRef]
	places publicIndex[conflict.PlaceRef]
}

// publicNamesIndexed is the most names, slugs and aliases of one kind held
// in an index: about 10 MB of places.
var publicNamesIndexed = 50_000 // a variable so tests can take the one-by-one path

// publicNamesKept bounds each kind's names looked up one by one: a flood
// of made-up names clears them rather than growing them.
const publicNamesKept = 4096

// publicIndex is one kind's names at one data version.
type publicIndex[T any] struct {
	// load lets one request read the whole index while the others wait
	// for it rather than each reading it too.
	load    sync.Mutex
	mu      sync.Mutex
	version int64
	// all is every name's records (keyed by nameKey), or nil when the
	// index is not read for this version or the kind is too large.
	all     map[string][]T
	tooMany bool
	// asked keeps the answers of names looked up one by one.
	asked map[string][]T
}

// nameKey is how a filter's name is compared, as the one-by-one queries
// compare it: names and aliases with SQLite's NOCASE, slugs with lower(),
// both of which fold ASCII letters only.
func nameKey(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' {
			b := []byte(name)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return name
}

// named is a record with the names it answers to.
type named[T any] struct {
	ref   T
	id    int64
	name  string
	names []string
}

// find returns the published records name stands for at the data
// version, ordered by name; the caller gets its own copy. readAll reads
// every record with its names (or reports the kind too large); byName
// reads one name's records.
func (x *publicIndex[T]) find(ctx context.Context, db *DB, name string,
	readAll func(context.Context) ([]named[T], bool, error), byName func() ([]T, error)) ([]T, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	key := nameKey(name)
	if refs, ok := x.cached(version, key); ok {
		return refs, nil
	}
	if err := x.index(ctx, version, readAll); err != nil {
		return nil, err
	}
	if refs, ok := x.cached(version, key); ok {
		return refs, nil
	}
	refs, err := byName()
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.version == version {
		if x.asked == nil || len(x.asked) >= publicNamesKept {
			x.asked = map[string][]T{}
		}
		x.asked[key] = slices.Clone(refs)
	}
	return refs, nil
}

// index reads every name of the kind at version, once: the requests that
// arrive meanwhile wait for it rather than each reading it too.
func (x *publicIndex[T]) index(ctx context.Context, version int64, readAll func(context.Context) ([]named[T], bool, error)) error {
	x.load.Lock()
	defer x.load.Unlock()
	x.mu.Lock()
	done := x.version == version && (x.all != nil || x.tooMany)
	x.mu.Unlock()
	if done {
		return nil
	}
	records, tooMany, err := readAll(ctx)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.version, x.asked, x.tooMany, x.all = version, nil, tooMany, nil
	if !tooMany {
		x.all = indexNames(records)
	}
	return nil
}

// cached answers from the index or the names asked before, when either
// holds the version's answer.
func (x *publicIndex[T]) cached(version int64, key string) ([]T, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.version != version {
		return nil, false
	}
	if x.all != nil {
		return slices.Clone(x.all[key]), true
	}
	refs, ok := x.asked[key]
	return slices.Clone(refs), ok
}

// indexNames maps every name a record answers to onto the records, each
// once, ordered by name as the one-by-one queries order them.
func indexNames[T any](records []named[T]) map[string][]T {
	slices.SortStableFunc(records, func(a, b named[T]) int { return cmp.Compare(a.name, b.name) })
	all := make(map[string][]T, len(records)*2)
	for _, r := range records {
		seen := make(map[string]bool, len(r.names))
		for _, n := range r.names {
			if k := nameKey(n); !seen[k] {
				seen[k] = true
				all[k] = append(all[k], r.ref)
			}
		}
	}
	return all
}

// readNamed reads records with their names: query gives one row per
// record and name, ordered by record, its columns those of scan followed
// by the record's id, its own name and the name it answers to. A kind
// with more than publicNamesIndexed rows is reported too large.
func readNamed[T any](ctx context.Context, db *DB, count, query string, scan func(*sql.Rows) (T, int64, string, string, error)) ([]named[T], bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, count, publicNamesIndexed+1).Scan(&n); err != nil {
		return nil, false, err
	}
	if n > publicNamesIndexed {
		return nil, true, nil
	}
	rows, err := db.read.QueryContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []named[T]
	for rows.Next() {
		ref, id, name, alias, err := scan(rows)
		if err != nil {
			return nil, false, err
		}
		if len(out) == 0 || out[len(out)-1].id != id {
			out = append(out, named[T]{ref: ref, id: id, name: name})
		}
		out[len(out)-1].names = append(out[len(out)-1].names, alias)
	}
	return out, false, rows.Err()
}

// FindPublicActorsByName is FindActorsByName among published actors only:
// by name or alias, case aside, or by slug.
func (db *DB) FindPublicActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error) {
	name = strings.TrimSpace(name)
	return db.names.actors.find(ctx, db, name, func(ctx context.Context) ([]named[conflict.ActorRef], bool, error) {
		return readNamed(ctx, db, `SELECT count(*) FROM (SELECT 1 FROM actors UNION ALL SELECT 1 FROM actor_aliases LIMIT ?)`,
			`SELECT a.id, a.slug, a.name, a.colour, k.name FROM actors a
			JOIN (SELECT id, name FROM actors UNION ALL SELECT id, slug FROM actors
			      UNION ALL SELECT actor_id, alias FROM actor_aliases) k ON k.id = a.id
			WHERE a.status = 'published' ORDER BY a.id`,
			func(rows *sql.Rows) (conflict.ActorRef, int64, string, string, error) {
				var (
					r     conflict.ActorRef
					alias string
				)
				err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.Colour, &alias)
				return r, int64(r.ID), r.Name, alias, err
			})
	}, func() ([]conflict.ActorRef, error) {
		rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name, colour FROM actors
			WHERE id IN (SELECT id FROM actors WHERE name = ?1 COLLATE NOCASE OR slug = lower(?1)
			             UNION SELECT actor_id FROM actor_aliases WHERE alias = ?1 COLLATE NOCASE)
			AND status = 'published' ORDER BY name`, name)
		if err != nil {
			return nil, err
		}
		return scanActorRefs(rows)
	})
}

// FindPublicPlacesByName is FindPlacesByName among published places only:
// by name or a name in another script, case aside, or by slug.
func (db *DB) FindPublicPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error) {
	name = strings.TrimSpace(name)
	return db.names.places.find(ctx, db, name, func(ctx context.Context) ([]named[conflict.PlaceRef], bool, error) {
		return readNamed(ctx, db, `SELECT count(*) FROM (SELECT 1 FROM places UNION ALL SELECT 1 FROM place_names LIMIT ?)`,
			`SELECT p.id, p.slug, p.name, k.name FROM places p
			JOIN (SELECT id, name FROM places UNION ALL SELECT id, slug FROM places
			      UNION ALL SELECT place_id, name FROM place_names) k ON k.id = p.id
			WHERE p.status = 'published' ORDER BY p.id`,
			func(rows *sql.Rows) (conflict.PlaceRef, int64, string, string, error) {
				var (
					r     conflict.PlaceRef
					alias string
				)
				err := rows.Scan(&r.ID, &r.Slug, &r.Name, &alias)
				return r, int64(r.ID), r.Name, alias, err
			})
	}, func() ([]conflict.PlaceRef, error) {
		rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM places
			WHERE id IN (SELECT id FROM places WHERE name = ?1 COLLATE NOCASE OR slug = lower(?1)
			             UNION SELECT place_id FROM place_names WHERE name = ?1 COLLATE NOCASE)
			AND status = 'published' ORDER BY name`, name)
		if err != nil {
			return nil, err
		}
		return scanPlaceRefs(rows)
	})
}
