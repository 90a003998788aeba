// Package memory keeps sitrep's kept caches within the memory it is
// given. Each cache has its own bound, set for speed; together, at a
// million events, they and the pages being made would take the heap past
// the process's memory limit, and a Go heap held at its limit spends
// much of its time collecting. A Governor watches the live heap and, when
// it passes its share of the limit, lowers the bounds of the caches that
// give way first (whole responses), then every other cache's by the same
// fraction, and raises them again, slowly and in the other order, once
// there is room.
package memory

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Cache is a bounded cache whose bound can be moved, as otter's can.
type Cache interface {
	GetMaximum() uint64
	SetMaximum(uint64)
	WeightedSize() uint64
}

// Kept is one cache the governor bounds.
type Kept struct {
	Name  string
	Cache Cache
	// UnitBytes is about how many bytes of heap a unit of its weight
	// takes. Its bound when there is room is the one it was made with.
	UnitBytes float64
	// Floor, when above the governor's own, is the least share of its
	// bound the cache keeps: one whose every byte saves much work (search's
	// sets) gives up less than one of pages readers seldom ask for twice.
	Floor float64
	// First marks a cache that gives up its room before the others: one
	// whose entries save the work of one request asked again (whole
	// pages), where the others' save work that many pages share (a
	// force's claims, an actor's events). A page of distinct addresses
	// misses the first however large it is, and the others at once when
	// they are cut; the few pages asked for again and again stay in the
	// first at its least share.
	First bool
}

const (
	// LiveShare is the part of the memory limit the live heap is kept
	// under, once the runtime's overhead is taken out of the limit; the
	// rest is the collector's room. Pages at a million events
	// allocate some 300 MB a second under load, and the collector runs
	// each time that room is used up, so with less room it runs often
	// enough to cost the pages their rate.
	LiveShare = 0.65
	// minScale is the least fraction of its bound a cache is given: a
	// cache that keeps nothing costs more, in reads, than it saves.
	minScale = 1.0 / 16
	// growth is how much the bounds rise a tick once the heap has room,
	// slower than they fall, so that a cache refilling does not take the
	// heap straight back over.
	growth = 1.05
)

// Governor moves the bounds of the caches it keeps.
type Governor struct {
	mu     sync.Mutex
	kept   []governed
	follow []func(scale float64)
	// scale is the share of their bounds the caches not First keep, and
	// firstScale the First caches': the first falls to minScale before the
	// other moves down, and rises only once the other is whole.
	scale      float64
	firstScale float64
	limit      uint64
	// heap reads the live bytes as of the last collection, the memory the
	// runtime holds that no live object can use, and how many collections
	// there have been.
	heap func() heapReading
	// cycles is the collection the bounds were last moved after: the
	// live figure changes only with a collection, and bounds moved again
	// on the same figure would fall each tick of an idle server.
	cycles uint64
	// log says, at most every logEvery, how far the bounds are lowered.
	log    *slog.Logger
	logged time.Time
}

// governed is a cache with the bound it was made with.
type governed struct {
	Kept
	maximum uint64
}

// logEvery spaces the governor's lines: under load the bounds move with
// every collection.
const logEvery = time.Minute

// NewGovernor returns a governor for a process whose memory is limited
// to limit bytes, and says on log (when not nil) how far it lowers the
// bounds.
func NewGovernor(limit int64, log *slog.Logger) *Governor {
	return &Governor{scale: 1, firstScale: 1, limit: uint64(max(limit, 0)), heap: readHeap, log: log}
}

// heapReading is what the governor learns of the heap after a collection.
type heapReading struct {
	// live is the heap's live bytes as of the last collection.
	live uint64
	// overhead is the memory the runtime holds, counted against its limit,
	// that no object can use: partly filled spans, stacks, the
	// collector's own records.
	overhead uint64
	// cycles counts the collections so far.
	cycles uint64
}

// target is the live heap to keep under: LiveShare of what the limit
// leaves for objects once the runtime's overhead is taken out. Against the
// whole limit the collector was left little room: at 135 MB the overhead
// was some 40 MB (30 of it spans partly filled by evicted entries), so a
// live heap of 88 MB, under 0.65 of the limit, met a collection goal of 95
// MB, and the collector ran twenty times a second.
func (r heapReading) target(limit uint64) uint64 {
	if r.overhead >= limit {
		return 0
	}
	return uint64(float64(limit-r.overhead) * LiveShare)
}

// Limit is the process's memory limit (GOMEMLIMIT or
// debug.SetMemoryLimit), or 0 when it has none.
func Limit() int64 {
	l := debug.SetMemoryLimit(-1)
	if l == math.MaxInt64 {
		return 0
	}
	return l
}

// Add puts caches under the governor, at its present scale; each keeps
// the bound it was made with as its bound when there is room.
func (g *Governor) Add(k ...Kept) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range k {
		kept := governed{Kept: c, maximum: c.Cache.GetMaximum()}
		g.kept = append(g.kept, kept)
		c.Cache.SetMaximum(bound(kept, g.scaleOf(kept)))
	}
}

// Follow calls f with each new scale (and the present one now), for
// caches that bound themselves (internal/versioned).
func (g *Governor) Follow(f func(scale float64)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.follow = append(g.follow, f)
	f(g.scale)
}

// Scale is the fraction of their bounds the caches not First are given
// now.
func (g *Governor) Scale() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.scale
}

// Run adjusts the bounds every interval until ctx is done.
func (g *Governor) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			g.Adjust()
		}
	}
}

// Adjust compares the live heap with the target once and moves the
// bounds. Over the target, the First caches give up what the heap is over
// by, in proportion to what each holds, down to their least share; then
// the others do (the rest of the heap, pages being made and what is not
// cached, is left to fall by itself). Under nine tenths of it, the others
// grow back a step, and once they are whole, the First caches do.
func (g *Governor) Adjust() {
	r := g.heap()
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.cycles == g.cycles {
		return
	}
	g.cycles = r.cycles
	live, target := r.live, r.target(g.limit)
	scale, firstScale := g.scale, g.firstScale
	switch {
	case live > target:
		// The bounds fall by the share of what the caches hold that the
		// heap is over by, at most by half a tick: the live figure is as
		// of the last collection, and what is evicted is freed only at
		// the next.
		over := float64(live - target)
		if held := g.held(true); firstScale > minScale && held > 0 {
			firstScale = max(minScale, firstScale*(1-min(over/held, 0.5)))
		} else if held := g.held(false); held > 0 || len(g.follow) > 0 {
			// The caches that bound themselves (Follow) say not what they
			// hold: they are taken to be at least half the live heap with
			// the others, which are seldom as much.
			scale = max(minScale, scale*(1-min(over/max(held, float64(live)/2), 0.5)))
		} else {
			return
		}
	case float64(live) < 0.9*float64(target):
		if scale < 1 {
			scale = min(1, scale*growth)
		} else {
			firstScale = min(1, firstScale*growth)
		}
	}
	if scale == g.scale && firstScale == g.firstScale {
		return
	}
	moved := scale != g.scale
	g.scale, g.firstScale = scale, firstScale
	for _, k := range g.kept {
		k.Cache.SetMaximum(bound(k, g.scaleOf(k)))
	}
	if moved {
		for _, f := range g.follow {
			f(scale)
		}
	}
	// Not at once when back to the whole bound either: a heap hovering
	// at its target crosses it every few collections.
	if g.log != nil && time.Since(g.logged) >= logEvery {
		g.logged = time.Now()
		g.log.Info("memory: kept caches bounded", "share", fmt.Sprintf("%.0f%%", scale*100),
			"pages_share", fmt.Sprintf("%.0f%%", firstScale*100), "live_mb", live>>20, "target_mb", target>>20)
	}
}

// held is about how many bytes the caches hold, the First ones or the
// others. g.mu is held.
func (g *Governor) held(first bool) float64 {
	var held float64
	for _, k := range g.kept {
		if k.First == first {
			held += float64(k.Cache.WeightedSize()) * k.UnitBytes
		}
	}
	return held
}

// scaleOf is the share of its bound k is given now. g.mu is held.
func (g *Governor) scaleOf(k governed) float64 {
	if k.First {
		return g.firstScale
	}
	return g.scale
}

func bound(k governed, scale float64) uint64 {
	return max(1, uint64(float64(k.maximum)*max(scale, k.Floor)))
}

func readHeap() heapReading {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}
	metrics.Read(s)
	var v [6]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	r := heapReading{live: v[0], cycles: v[1]}
	// What the runtime holds less what it gave back, what is free for new
	// objects and what objects (live or not yet swept) take.
	if held := v[3] + v[4] + v[5]; v[2] > held {
		r.overhead = v[2] - held
	}
	return r
}
