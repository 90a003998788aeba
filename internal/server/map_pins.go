package server

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/maypok86/otter/v2"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/geo"
	"github.com/sitrep/sitrep/internal/spill"
)

// mapPins is a filter's places on the map, with the counts the map
// states: the same for every view of the filter until the next write.
//
// Its pins, and the grids that cluster them at each zoom level asked for,
// weigh some 70 bytes a place a level: the map of every event and the
// tags' maps keep them for thousands of places each. Where the server has
// a spill store they are kept there, out of the heap, and read in place
// by each request (pinsRead); the heap keeps the rest.
type mapPins struct {
	// places are the pins' places, by each pin's Key.
	places            []*mapPlace
	mapped, unlocated int
	tally             conflict.PlaceTally // without its Counts
	n                 int                 // how many pins

	mu sync.Mutex
	// heapPins and heapByN (the pins' indexes, most events first, for the
	// table) are the pins in the heap; spilled, pinsRef names them in the
	// store instead, the pins followed by their order.
	heapPins []geo.Pin
	heapByN  []int32
	pinsRef  spill.Ref
	spilled  bool
	// gone is set once the cache has let spilled pins go and their space
	// is given up: a request that found them before must count again.
	gone bool
	// grids are the pins clustered at each zoom level, made when first
	// asked for, kept in the heap or, spilled, in the store (gridRefs);
	// cells counts their clusters, for the cache's weigher.
	grids     [geo.MaxZoom + 1]*geo.Grid
	gridRefs  [geo.MaxZoom + 1]spill.Ref
	gridsOnce [geo.MaxZoom + 1]sync.Once
	cells     atomic.Int64
	// reweighs counts the pins put in the cache again, to be weighed with a
	// new grid: those replacements of themselves must not free them.
	reweighs atomic.Int32
	// kept and key are the cache that keeps these pins and their key in
	// it, nil for pins made after a write for one request alone.
	kept *mapPinsCache
	key  mapPinsKey
}

// mapPinsKey names a filter's pins as of a data version.
type mapPinsKey struct {
	version int64
	filter  string
}

// mapPinsCache keeps recent filters' pins, in its spill store when it has
// one.
type mapPinsCache struct {
	*otter.Cache[mapPinsKey, *mapPins]
	store *spill.Store
	tidy  spill.Tidier
}

// Pins and grids are kept in segments of 8 MB, at most 12 of them: a full
// budget takes about 35 MB, and the rest is room for pins let go while
// requests still read them, and for segments mostly emptied (tidied
// after).
const (
	mapPinsSegmentBytes = 8 << 20
	mapPinsSegments     = 12
)

// newMapPins makes the cache of pins, kept in files in dir ("" for none,
// and the heap when none can be made there).
func newMapPins(dir string) *mapPinsCache {
	c := &mapPinsCache{}
	if dir != "" {
		c.store, _ = spill.Open(dir, mapPinsSegmentBytes, mapPinsSegments)
	}
	c.Cache = otter.Must(&otter.Options[mapPinsKey, *mapPins]{
		MaximumWeight: mapPinsBudget,
		Weigher:       mapPinsWeight,
		OnDeletion: func(e otter.DeletionEvent[mapPinsKey, *mapPins]) {
			if e.Cause == otter.CauseReplacement && e.Value.reweighed() {
				return
			}
			e.Value.free(c.store)
		},
	})
	return c
}

// reweighed reports whether a replacement of the pins was one of their
// own reweighings, and counts it off.
func (mp *mapPins) reweighed() bool {
	for {
		n := mp.reweighs.Load()
		if n <= 0 {
			return false
		}
		if mp.reweighs.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// free gives the space the pins take in the store up. Requests reading
// them hold their views; those that found them but have not read them yet
// find them gone.
func (mp *mapPins) free(store *spill.Store) {
	mp.mu.Lock()
	defer mp.mu.Unlock()
	if !mp.spilled || mp.gone {
		return
	}
	mp.gone = true
	store.Free(mp.pinsRef)
	mp.pinsRef = spill.Ref{}
	for z, ref := range mp.gridRefs {
		store.Free(ref)
		mp.gridRefs[z] = spill.Ref{}
	}
}

// pinBytes is what a pin takes in the store.
const pinBytes = int(unsafe.Sizeof(geo.Pin{}))

// keep puts the pins in the cache's store, or in the heap when the cache
// has none. ok is false when its store has no room: the heap does not
// take them instead, since the governor no longer bounds the pins, and
// they are the request's own.
func (mp *mapPins) keep(pins []geo.Pin, byN []int32) (ok bool) {
	if c := mp.kept; c != nil && c.store != nil && len(pins) > 0 {
		b := make([]byte, 0, len(pins)*pinBytes+len(byN)*4)
		b = append(append(b, spill.Raw(pins)...), spill.Raw(byN)...)
		ref, ok := c.store.Put(b)
		if !ok {
			// Full: nothing new is kept, so nothing old is pushed out,
			// until moves empty segments.
			c.tidy.Refused(c.store, c.moveOut)
			return false
		}
		mp.pinsRef, mp.spilled = ref, true
		c.tidy.Maybe(c.store, c.moveOut)
		return true
	}
	mp.heapPins, mp.heapByN = pins, byN
	return true
}

// pinsRead is one request's reading of a filter's pins: what it reads of
// the store stays readable until release.
type pinsRead struct {
	*mapPins
	pins  []geo.Pin
	byN   []int32
	views []spill.View
}

// read opens the pins for a request. ok is false when the cache has let
// them go since they were found.
func (mp *mapPins) read() (r *pinsRead, ok bool) {
	r = &pinsRead{mapPins: mp}
	mp.mu.Lock()
	defer mp.mu.Unlock()
	if !mp.spilled {
		r.pins, r.byN = mp.heapPins, mp.heapByN
		return r, true
	}
	if mp.gone {
		return nil, false
	}
	v, ok := mp.kept.store.View(mp.pinsRef)
	if !ok {
		return nil, false
	}
	r.views = append(r.views, v)
	r.pins = spill.As[geo.Pin](v.Bytes[:mp.n*pinBytes])
	r.byN = spill.As[int32](v.Bytes[mp.n*pinBytes:])
	return r, true
}

// release ends the request's reading: nothing it read may be used after.
func (r *pinsRead) release() {
	for _, v := range r.views {
		v.Release()
	}
	r.views = nil
}

// grid returns the pins clustered at zoom z. A grid made is weighed
// again with its pins: a map of every place keeps one for each zoom
// level, together weighing more than the pins, and a flood of filters
// zoomed every way must not keep them past the budget.
func (r *pinsRead) grid(z int) *geo.Grid {
	mp := r.mapPins
	var made *geo.Grid
	mp.gridsOnce[z].Do(func() {
		made = geo.NewGrid(r.pins, z)
		mp.keepGrid(z, made)
	})
	if made != nil {
		return made
	}
	mp.mu.Lock()
	g, ref := mp.grids[z], mp.gridRefs[z]
	var v spill.View
	viewed := false
	if g == nil && ref.Len() > 0 {
		v, viewed = mp.kept.store.View(ref)
	}
	mp.mu.Unlock()
	if g != nil {
		return g
	}
	if viewed {
		if g, ok := geo.GridIn(v.Bytes); ok {
			r.views = append(r.views, v)
			return g
		}
		v.Release()
	}
	// Let go since it was made, or never kept: this request clusters for
	// itself.
	return geo.NewGrid(r.pins, z)
}

// keepGrid keeps a grid just made where the pins are kept, and weighs the
// pins again with it.
func (mp *mapPins) keepGrid(z int, g *geo.Grid) {
	mp.mu.Lock()
	switch {
	case mp.gone:
	case mp.spilled:
		// Not in the heap when the store has no room: later requests
		// cluster for themselves.
		if ref, ok := mp.kept.store.Put(g.Encoded()); ok {
			mp.gridRefs[z] = ref
			mp.cells.Add(int64(g.Cells()))
		} else {
			mp.kept.tidy.Refused(mp.kept.store, mp.kept.moveOut)
		}
	default:
		mp.grids[z] = g
		mp.cells.Add(int64(g.Cells()))
	}
	mp.mu.Unlock()
	if mp.kept == nil {
		return
	}
	// Unless the cache has let them go, or holds another count of the
	// filter since: a grid must not put pins back.
	mp.kept.ComputeIfPresent(mp.key, func(old *mapPins) (*mapPins, otter.ComputeOp) {
		if old != mp {
			return old, otter.CancelOp
		}
		mp.reweighs.Add(1)
		return mp, otter.WriteOp
	})
}

// moveOut moves the pins and grids kept in segments of the store being
// emptied (spill.Tidier) to its current one.
func (c *mapPinsCache) moveOut() {
	for _, mp := range c.All() {
		mp.mu.Lock()
		if !mp.gone {
			c.move(&mp.pinsRef)
			for z := range mp.gridRefs {
				c.move(&mp.gridRefs[z])
			}
		}
		mp.mu.Unlock()
	}
}

// move puts what *ref names in the store again when it is in a segment
// being emptied, and frees the old; requests reading the old hold their
// views. The pins' lock, held, keeps *ref from changing meanwhile.
func (c *mapPinsCache) move(ref *spill.Ref) {
	c.store.Move(*ref, func(to spill.Ref) bool {
		c.store.Free(*ref)
		*ref = to
		return true
	})
}

// mapPinsWeight is what a filter's pins count against mapPinsBudget: a
// pin each, with its place and its place in the table's order (about 80
// bytes), and half of one for each cluster of its grids (about 36).
func mapPinsWeight(_ mapPinsKey, mp *mapPins) uint32 {
	return uint32(max(1, mp.n+int(mp.cells.Load()/2)))
}

// mapPinsBudget bounds the pins and grids kept for recent filters, about
// 40 MB. Every tag's map and the map of every event, clustered at every
// zoom level, then fit together; with pins alone counted against 300,000,
// a heap profile at a million events found 22 MB of pins and 26 MB of
// grids, which nothing bounded.
const mapPinsBudget = 500_000

// mapPinUnitBytes is about what a unit of mapPinsBudget takes of the heap
// when the pins are kept there: 53 MB for a full budget in a heap profile
// at a million events.
const mapPinUnitBytes = 106

// mapPinsOf counts the filter's events by place and places them, or
// returns what the last request of the same filter found: panning and
// zooming ask again for the same counts. The caller releases what it
// returns once done reading it.
func (s *Server) mapPinsOf(ctx context.Context, r mapRequest) (*pinsRead, error) {
	index, err := s.mapPlaceIndex(ctx)
	if err != nil {
		return nil, err
	}
	s.maps.Lock()
	version, kept := s.maps.version, s.maps.pins
	s.maps.Unlock()
	key := mapPinsKey{version, r.filter.Values().Encode() + "\x00" + r.fixed.Get("timeline") + "\x00" + r.fixed.Get("asof")}
	if mp, ok := kept.GetIfPresent(key); ok {
		if read, ok := mp.read(); ok {
			return read, nil
		}
	}
	filter := r.filter.Filter
	filter.Timeline = r.timeline
	filter.After, filter.Before = "", ""
	var tally conflict.PlaceTally
	if r.at != nil {
		tally, err = s.db.CountEventsByPlaceAt(ctx, filter, *r.at, mapListLimit)
	} else {
		tally, err = s.db.CountEventsByPlace(ctx, filter, mapListLimit)
	}
	if err != nil {
		return nil, err
	}
	ids := make([]conflict.PlaceID, 0, len(tally.Counts))
	for id, n := range tally.Counts {
		if n > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	mp := &mapPins{places: make([]*mapPlace, 0, len(ids))}
	pins := make([]geo.Pin, 0, len(ids))
	for _, id := range ids {
		n := tally.Counts[id]
		p, ok := index[id]
		if !ok || !p.located {
			mp.unlocated += n
			continue
		}
		mp.mapped += n
		pin := p.pin
		pin.Key, pin.N = len(mp.places), n
		pins = append(pins, pin)
		mp.places = append(mp.places, p)
	}
	if r.at != nil {
		// Named as they were at the moment; drawn where they are today.
		ids := make([]conflict.PlaceID, len(mp.places))
		for i := range mp.places {
			ids[i] = mp.places[i].ID
		}
		_, names, err := s.db.NamesAt(ctx, *r.at, nil, ids)
		if err != nil {
			return nil, err
		}
		for i, p := range mp.places {
			if n, ok := names[p.ID]; ok {
				// A copy: the index is every map's.
				renamed := *p
				renamed.Name = n
				mp.places[i] = &renamed
			}
		}
	}
	tally.Counts = nil
	mp.tally, mp.n = tally, len(pins)
	byN := make([]int32, len(pins))
	for i := range byN {
		byN[i] = int32(i)
	}
	slices.SortStableFunc(byN, func(a, b int32) int { return pins[b].N - pins[a].N })
	read := &pinsRead{mapPins: mp, pins: pins, byN: byN}
	s.maps.Lock()
	current := s.maps.version
	s.maps.Unlock()
	if current != version {
		// After a write the answer is this request's only.
		mp.heapPins, mp.heapByN = pins, byN
		return read, nil
	}
	mp.kept, mp.key = kept, key
	// This request reads the pins it made; later ones read them where
	// they are kept.
	if !mp.keep(pins, byN) {
		mp.kept = nil
		mp.heapPins, mp.heapByN = pins, byN
		return read, nil
	}
	kept.Set(key, mp)
	return read, nil
}
