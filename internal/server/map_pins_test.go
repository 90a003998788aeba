package server

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/geo"
	"github.com/sitrep/sitrep/internal/spill"
)

// testPins is n pins spread over the world, with their indexes most
// events first.
func testPins(n int) ([]geo.Pin, []int32) {
	pins := make([]geo.Pin, n)
	byN := make([]int32, n)
	for i := range pins {
		pins[i] = geo.NewPin(i, geo.Point{Lon: -179 + float64(i%100)*3.5, Lat: -60 + float64(i/100)*6}, 1+i%7, false)
		byN[i] = int32(i)
	}
	return pins, byN
}

// keptPins puts pins in the cache under the filter, as mapPinsOf does.
func keptPins(kept *mapPinsCache, filter string, pins []geo.Pin, byN []int32) *mapPins {
	mp := &mapPins{n: len(pins), kept: kept, key: mapPinsKey{version: 1, filter: filter}}
	mp.keep(pins, byN)
	kept.Set(mp.key, mp)
	return mp
}

// TestMapGridsAreWeighed: a filter's pins count against the map's budget
// with the clusters of every zoom level made for them, each once, so that
// a flood of filters zoomed every way cannot keep grids past it.
func TestMapGridsAreWeighed(t *testing.T) {
	for _, where := range []string{"heap", "spill"} {
		t.Run(where, func(t *testing.T) {
			dir := ""
			if where == "spill" {
				dir = t.TempDir()
			}
			kept := newMapPins(dir)
			pins, byN := testPins(2000)
			mp := keptPins(kept, "actor=a", pins, byN)
			kept.CleanUp()
			if got := kept.WeightedSize(); got != 2000 {
				t.Fatalf("pins alone weigh %d, want 2000", got)
			}
			r, ok := mp.read()
			if !ok {
				t.Fatal("pins just kept cannot be read")
			}
			defer r.release()
			cells := 0
			for z := range geo.MaxZoom + 1 {
				cells += r.grid(z).Cells()
			}
			r.grid(3) // asked for again: made once, counted once
			kept.CleanUp()
			if got, want := kept.WeightedSize(), uint64(2000+cells/2); got != want || cells < 2000 {
				t.Errorf("pins with %d clusters weigh %d, want %d", cells, got, want)
			}

			// Pins the cache has let go of are not put back by their grids.
			kept.Invalidate(mp.key)
			keptPins(kept, "actor=b", pins[:10], byN[:10])
			mp.grids, mp.gridRefs, mp.gridsOnce = [geo.MaxZoom + 1]*geo.Grid{}, [geo.MaxZoom + 1]spill.Ref{}, [geo.MaxZoom + 1]sync.Once{}
			r.grid(5)
			kept.CleanUp()
			if _, ok := kept.GetIfPresent(mp.key); ok {
				t.Error("a grid made for pins no longer kept put them back")
			}
		})
	}
}

// TestMapPinsKeptOutOfTheHeap: with a spill store, a filter's pins and
// grids are kept there, read in place as they were made; a request that
// reads them when the cache lets them go reads on, and those let go give
// their space up. Without one they stay in the heap.
func TestMapPinsKeptOutOfTheHeap(t *testing.T) {
	kept := newMapPins(t.TempDir())
	if kept.store == nil {
		t.Fatal("no spill store in a folder files can be made in")
	}
	pins, byN := testPins(3000)
	for i := range byN {
		byN[i] = int32(len(byN) - 1 - i)
	}
	mp := keptPins(kept, "tag=airstrike", pins, byN)
	if !mp.spilled || mp.heapPins != nil {
		t.Fatal("pins were kept in the heap")
	}
	r, ok := mp.read()
	if !ok {
		t.Fatal("pins just kept cannot be read")
	}
	if !reflect.DeepEqual(r.pins, pins) || !reflect.DeepEqual(r.byN, byN) {
		t.Fatal("pins read from the store differ from those kept")
	}
	view := geo.View{Center: geo.Point{Lon: 10, Lat: 20}, Zoom: 3, Width: 960, Height: 540}
	want := geo.NewGrid(pins, 3).In(view)
	if got := r.grid(3).In(view); !reflect.DeepEqual(got, want) {
		t.Fatalf("the grid made gives %d clusters, want %d", len(got), len(want))
	}
	if mp.grids[3] != nil || mp.gridRefs[3].Len() == 0 {
		t.Fatal("the grid made was kept in the heap")
	}
	// A second request reads the grid kept.
	r2, ok := mp.read()
	if !ok {
		t.Fatal("kept pins cannot be read again")
	}
	if got := r2.grid(3).In(view); !reflect.DeepEqual(got, want) {
		t.Fatalf("the grid kept gives %d clusters, want %d", len(got), len(want))
	}
	if live, _ := kept.store.Stats(); live == 0 {
		t.Fatal("the store holds nothing")
	}

	// Let go while both requests read: they read on; a later one finds
	// them gone, and their space is given up.
	kept.Invalidate(mp.key)
	kept.CleanUp()
	waitFor(t, func() bool { live, _ := kept.store.Stats(); return live == 0 })
	if _, ok := mp.read(); ok {
		t.Error("pins let go could still be read")
	}
	if got := r2.grid(3).In(view); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(r2.pins, pins) {
		t.Error("a request's pins changed when the cache let them go")
	}
	r.release()
	r2.release()

	// Reweighed with its grid, a filter's pins are not let go.
	mp = keptPins(kept, "tag=shelling", pins, byN)
	r, _ = mp.read()
	r.grid(4)
	r.release()
	kept.CleanUp()
	time.Sleep(100 * time.Millisecond) // what the cache lets go, it tells on a goroutine
	if _, ok := mp.read(); !ok {
		t.Error("pins reweighed with a new grid were let go")
	}

	heap := newMapPins("")
	mp = keptPins(heap, "tag=airstrike", pins, byN)
	if mp.spilled || len(mp.heapPins) != len(pins) {
		t.Error("without a store, pins were not kept in the heap")
	}
}

// waitFor waits a few seconds for cond: the cache tells what it lets go
// on a goroutine of its own.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out")
}

// TestPinsArePlainValues: pins are kept in the spill store as their bytes,
// which the collector does not look into, so a pin must hold no pointer.
func TestPinsArePlainValues(t *testing.T) {
	var plain func(reflect.Type) bool
	plain = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				if !plain(ty.Field(i).Type) {
					return false
				}
			}
			return true
		case reflect.Array:
			return plain(ty.Elem())
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			return true
		}
		return false
	}
	if !plain(reflect.TypeFor[geo.Pin]()) {
		t.Fatal("geo.Pin holds a pointer: it cannot be kept in the spill store")
	}
}

// TestMapPinsTheStoreCannotHoldStayOutOfTheHeap: pins a full store
// refuses are the request's own, not kept in the heap past the governor.
func TestMapPinsTheStoreCannotHoldStayOutOfTheHeap(t *testing.T) {
	kept := newMapPins(t.TempDir())
	store, err := spill.Open(t.TempDir(), 4096, 1)
	if err != nil {
		t.Fatal(err)
	}
	kept.store = store
	pins, byN := testPins(500) // 34 KB: more than the store holds
	mp := &mapPins{n: len(pins), kept: kept, key: mapPinsKey{version: 1, filter: "tag=siege"}}
	if mp.keep(pins, byN) {
		t.Fatal("pins larger than the store were kept")
	}
	if mp.heapPins != nil || mp.spilled {
		t.Error("pins the store refused were kept in the heap")
	}
}
