package sqlite

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/sitrep/sitrep/internal/conflict"
)

// publicNames remembers, until the next write, the actors and places the
// names in readers' filters resolved to: a list filtered by an actor looks
// its name up on every request, a few index searches and temporary sorts
// each time, and at a million events that was a tenth of such a page.
type publicNames struct {
	mu      sync.Mutex
	version int64
	actors  map[string][]conflict.ActorRef
	places  map[string][]conflict.PlaceRef
}

// publicNamesKept bounds each kind's names: a flood of made-up names
// clears them rather than growing them.
const publicNamesKept = 4096

// lookup returns what byName gives for name at the data version,
// reading it once per version. The caller gets its own copy.
func lookup[T any](ctx context.Context, db *DB, kind func(*publicNames) *map[string][]T, name string, byName func() ([]T, error)) ([]T, error) {
	version, err := db.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	c := db.names
	c.mu.Lock()
	if c.version != version {
		c.version, c.actors, c.places = version, nil, nil
	}
	m := kind(c)
	if refs, ok := (*m)[name]; ok {
		c.mu.Unlock()
		return slices.Clone(refs), nil
	}
	c.mu.Unlock()
	refs, err := byName()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == version {
		m := kind(c)
		if *m == nil || len(*m) >= publicNamesKept {
			*m = map[string][]T{}
		}
		(*m)[name] = slices.Clone(refs)
	}
	return refs, nil
}

// FindPublicActorsByName is FindActorsByName among published actors only.
func (db *DB) FindPublicActorsByName(ctx context.Context, name string) ([]conflict.ActorRef, error) {
	name = strings.TrimSpace(name)
	return lookup(ctx, db, func(c *publicNames) *map[string][]conflict.ActorRef { return &c.actors }, name, func() ([]conflict.ActorRef, error) {
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

// FindPublicPlacesByName is FindPlacesByName among published places only.
func (db *DB) FindPublicPlacesByName(ctx context.Context, name string) ([]conflict.PlaceRef, error) {
	name = strings.TrimSpace(name)
	return lookup(ctx, db, func(c *publicNames) *map[string][]conflict.PlaceRef { return &c.places }, name, func() ([]conflict.PlaceRef, error) {
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
