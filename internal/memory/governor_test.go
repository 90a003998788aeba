package memory

import (
	"testing"

	"github.com/maypok86/otter/v2"
)

// heap is a heap whose live size and overhead the test sets, one
// collection a call.
type heap struct{ live, overhead, cycles uint64 }

func (h *heap) read() heapReading {
	h.cycles++
	return heapReading{live: h.live, overhead: h.overhead, cycles: h.cycles}
}

// limitFor is the memory limit under which a heap without overhead is to
// keep its live bytes under target.
func limitFor(target uint64) int64 { return int64(float64(target)/LiveShare) + 1 }

func newCache(t *testing.T, maximum uint64) *otter.Cache[int, []byte] {
	t.Helper()
	return otter.Must(&otter.Options[int, []byte]{
		MaximumWeight: maximum,
		Weigher:       func(_ int, v []byte) uint32 { return uint32(len(v)) },
	})
}

func fill(c *otter.Cache[int, []byte], n, size int) {
	for i := range n {
		c.Set(i, make([]byte, size))
	}
}

// pagesAndSets are two full caches, of pages (64 MB) and sets (48 MB),
// under a governor whose target is 200 MB and whose heap holds live bytes;
// the pages give way first when pagesFirst is set.
func pagesAndSets(t *testing.T, live uint64, pagesFirst bool) (g *Governor, h *heap, pages, sets *otter.Cache[int, []byte]) {
	t.Helper()
	pages, sets = newCache(t, 64<<20), newCache(t, 48<<20)
	fill(pages, 1000, 64<<10)
	fill(sets, 300, 128<<10)
	h = &heap{live: live}
	g = NewGovernor(limitFor(200<<20), nil)
	g.heap = h.read
	g.Add(Kept{Name: "pages", Cache: pages, UnitBytes: 1, First: pagesFirst},
		Kept{Name: "sets", Cache: sets, UnitBytes: 1})
	return g, h, pages, sets
}

func TestCachesShrinkWhenTheHeapPassesItsTarget(t *testing.T) {
	g, _, pages, sets := pagesAndSets(t, 300<<20, false)

	g.Adjust()
	pages.CleanUp()
	sets.CleanUp()
	if g.Scale() >= 1 {
		t.Fatalf("100 MB over the target left the caches at %.2f of their bounds", g.Scale())
	}
	// The heap is 100 MB over; the caches hold 112 MB, so both bounds fall
	// by half at most in one step, and by the same share.
	if got, want := pages.GetMaximum(), uint64(float64(64<<20)*g.Scale()); got != want {
		t.Errorf("pages bound %d, want %d", got, want)
	}
	if pages.WeightedSize() > pages.GetMaximum() || sets.WeightedSize() > sets.GetMaximum() {
		t.Errorf("caches hold %d and %d over bounds %d and %d", pages.WeightedSize(), sets.WeightedSize(), pages.GetMaximum(), sets.GetMaximum())
	}
	if g.Scale() < 0.5 {
		t.Errorf("one step lowered the bounds to %.2f: more than half", g.Scale())
	}

	// Still over, step after step: the bounds fall no lower than the floor.
	for range 20 {
		g.Adjust()
	}
	if g.Scale() != minScale {
		t.Errorf("bounds at %.3f after twenty steps over, want the floor %.3f", g.Scale(), minScale)
	}
	if got := sets.GetMaximum(); got != uint64(float64(48<<20)*minScale) {
		t.Errorf("sets bound %d at the floor", got)
	}
}

func TestCachesGrowBackSlowlyWithRoom(t *testing.T) {
	pages := newCache(t, 64<<20)
	fill(pages, 1000, 64<<10)
	h := &heap{live: 500 << 20}
	g := NewGovernor(limitFor(200<<20), nil)
	g.heap = h.read
	g.Add(Kept{Name: "pages", Cache: pages, UnitBytes: 1})
	for range 10 {
		g.Adjust()
	}
	low := g.Scale()

	// Just under the target is not room: the bounds stay.
	h.live = 195 << 20
	g.Adjust()
	if g.Scale() != low {
		t.Fatalf("bounds moved from %.3f to %.3f at 195 MB of 200", low, g.Scale())
	}
	h.live = 100 << 20
	g.Adjust()
	if s := g.Scale(); s <= low || s > low*growth*1.0001 {
		t.Fatalf("with room the bounds went from %.3f to %.3f, want one step of %.2f", low, s, growth)
	}
	for range 200 {
		g.Adjust()
	}
	if g.Scale() != 1 || pages.GetMaximum() != 64<<20 {
		t.Errorf("after long with room: scale %.3f, bound %d; want the full bound", g.Scale(), pages.GetMaximum())
	}
}

func TestNoCollectionNoChange(t *testing.T) {
	pages := newCache(t, 64<<20)
	fill(pages, 100, 64<<10)
	g := NewGovernor(limitFor(1<<20), nil)
	// The live figure of the last collection, with no collection since:
	// an idle server must not lower its bounds tick after tick on it.
	g.heap = func() heapReading { return heapReading{live: 100 << 20, cycles: 7} }
	g.Add(Kept{Name: "pages", Cache: pages, UnitBytes: 1})
	g.Adjust()
	first := g.Scale()
	for range 10 {
		g.Adjust()
	}
	if first >= 1 || g.Scale() != first {
		t.Errorf("scale %.3f after the first look, %.3f after ten more on the same collection", first, g.Scale())
	}
}

func TestTargetLeavesTheCollectorRoom(t *testing.T) {
	whole := (heapReading{}).target(320 << 20)
	if whole >= 320<<20 || whole < 160<<20 {
		t.Errorf("target %d MB for a 320 MB limit", whole>>20)
	}
	if got := (heapReading{overhead: 100 << 20}).target(320 << 20); got >= whole-50<<20 {
		t.Errorf("target %d MB for a 320 MB limit of which the runtime holds 100 MB that no object can use; %d MB with none",
			got>>20, whole>>20)
	}
	if got := (heapReading{overhead: 400 << 20}).target(320 << 20); got != 0 {
		t.Errorf("target %d MB with the overhead past the limit", got>>20)
	}
}

// TestOverheadLowersTheTarget: memory the runtime holds and no object can
// use (spans left partly filled by evictions, above all) is the
// collector's room lost, so the same live heap that fits under a limit
// with little overhead is too much with more.
func TestOverheadLowersTheTarget(t *testing.T) {
	g, h, pages, _ := pagesAndSets(t, 180<<20, false)
	g.Adjust()
	if g.Scale() != 1 || pages.GetMaximum() != 64<<20 {
		t.Fatalf("180 MB live under a 200 MB target moved the bounds (scale %.2f)", g.Scale())
	}
	h.overhead = 60 << 20
	g.Adjust()
	if g.Scale() >= 1 || pages.GetMaximum() >= 64<<20 {
		t.Errorf("with 60 MB of the limit lost to overhead, 180 MB live kept the bounds whole (scale %.2f)", g.Scale())
	}
}

// TestWholePagesGiveWayFirst: over the target, the response cache (First)
// gives up its room before the caches every page shares lose any; only
// at its least share do they fall. With room again, they grow back first.
func TestWholePagesGiveWayFirst(t *testing.T) {
	g, h, pages, sets := pagesAndSets(t, 230<<20, true)
	var followed float64 = 1
	g.Follow(func(s float64) { followed = s })

	g.Adjust()
	if pages.GetMaximum() >= 64<<20 {
		t.Fatalf("30 MB over the target left the pages at their whole bound")
	}
	if sets.GetMaximum() != 48<<20 || g.Scale() != 1 || followed != 1 {
		t.Fatalf("the shared caches fell (sets bound %d, scale %.2f, followed %.2f) while the pages had room to give",
			sets.GetMaximum(), g.Scale(), followed)
	}
	for range 20 {
		g.Adjust()
	}
	if got, want := pages.GetMaximum(), uint64(float64(64<<20)*minScale); got != want {
		t.Errorf("pages bound %d after twenty steps over, want their least share %d", got, want)
	}
	if g.Scale() >= 1 || followed != g.Scale() || sets.GetMaximum() >= 48<<20 {
		t.Errorf("with the pages at their least share and the heap still over, the shared caches stayed whole (scale %.2f, followed %.2f)",
			g.Scale(), followed)
	}

	// Room again: the shared caches grow back, and the pages only once
	// they are whole.
	h.live = 100 << 20
	g.Adjust()
	if pages.GetMaximum() != uint64(float64(64<<20)*minScale) {
		t.Errorf("the pages grew back (bound %d) before the shared caches were whole (scale %.3f)", pages.GetMaximum(), g.Scale())
	}
	for range 400 {
		g.Adjust()
	}
	if g.Scale() != 1 || pages.GetMaximum() != 64<<20 || sets.GetMaximum() != 48<<20 {
		t.Errorf("after long with room: scale %.3f, pages %d, sets %d; want every bound whole", g.Scale(), pages.GetMaximum(), sets.GetMaximum())
	}
}
