// Package versioned keeps values read from the record until it changes:
// each cache holds one data version's values, within a bound, and starts
// again when asked for a newer version.
package versioned

import (
	"math"
	"sync"
	"sync/atomic"
)

// lowered is how much of their bounds the caches that hold much give up:
// raised by the memory governor (internal/memory) when the heap nears its
// limit. It holds a float64's bits, so that its zero is the whole bound.
var lowered atomic.Uint64

// SetScale sets the share of their bounds the caches given Scaled bounds
// keep, from 0 (one value) to 1 (the whole bound). A cache holding more
// keeps it until its next new value, which pushes values out until it is
// within the new bound, as reaching its bound does.
func SetScale(f float64) {
	lowered.Store(math.Float64bits(1 - min(max(f, 0), 1)))
}

// Scaled is bound at the present scale, at least 1: the bound of a cache
// that holds much, to give Get. A cache of small values (counts, a few
// names) keeps its whole bound, which frees little and saves much.
func Scaled(bound int) int {
	bits := lowered.Load()
	if bits == 0 {
		return bound
	}
	return max(1, int(float64(bound)*(1-math.Float64frombits(bits))))
}

// Cache keeps values by key until the data version changes, within
// a bound: past it, values taken as a map's order comes (at random) are
// pushed out until an eighth of the bound is free. A value is read outside
// the lock, so a slow read never holds up the others.
//
// Random, not the least recent: readers who go round more keys than fit,
// in turn (an embed's page for each of many forces), find a share of them
// kept, where the least recent would always be the next asked for. The
// map was once emptied instead, and such readers found none.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	version int64
	m       map[K]weighed[V]
	weight  int
}

// weighed is a value kept, with what it counts against the bound.
type weighed[V any] struct {
	v V
	n int
}

// Get returns what is kept for key at version, reading it with read when
// nothing is; weigh (nil for one each) is what a value counts against
// bound. A reader still on an older version than the one kept (its read
// transaction began before a write) reads its own value and keeps
// nothing: starting again for it would drop the newer version's values.
func (c *Cache[K, V]) Get(version int64, key K, bound int, weigh func(V) int, read func() (V, error)) (V, error) {
	c.mu.Lock()
	if c.version < version || c.m == nil {
		c.version, c.m, c.weight = version, map[K]weighed[V]{}, 0
	}
	e, ok := c.m[key]
	if c.version != version {
		ok = false
	}
	c.mu.Unlock()
	if ok {
		return e.v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	n := 1
	if weigh != nil {
		n = weigh(v)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A value heavier than the bound is not kept: it would empty the map
	// and still pass the bound.
	if c.version == version && n <= bound {
		// Another reader kept it meanwhile: counting it twice would
		// empty the map sooner than its bound.
		if kept, ok := c.m[key]; ok {
			return kept.v, nil
		}
		if c.weight+n > bound {
			for k, e := range c.m {
				if c.weight+n <= bound-bound/8 {
					break
				}
				delete(c.m, k)
				c.weight -= e.n
			}
		}
		c.m[key] = weighed[V]{v, n}
		c.weight += n
	}
	return v, nil
}

// Peek returns the value kept for key at version, if there is one,
// without reading it.
func (c *Cache[K, V]) Peek(version int64, key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		var zero V
		return zero, false
	}
	e, ok := c.m[key]
	return e.v, ok
}
