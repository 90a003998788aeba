package server

import (
	"sync"
	"testing"

	"github.com/sitrep/sitrep/internal/geo"
)

// TestMapGridsAreWeighed: a filter's pins count against the map's budget
// with the clusters of every zoom level made for them, each once, so that
// a flood of filters zoomed every way cannot keep grids past it.
func TestMapGridsAreWeighed(t *testing.T) {
	kept := newMapPins()
	pins := make([]geo.Pin, 2000)
	for i := range pins {
		pins[i] = geo.NewPin(i, geo.Point{Lon: -179 + float64(i%100)*3.5, Lat: -60 + float64(i/100)*6}, 1+i%7, false)
	}
	mp := &mapPins{pins: pins}
	key := mapPinsKey{version: 1, filter: "actor=a"}
	mp.kept, mp.key = kept, key
	kept.Set(key, mp)
	kept.CleanUp()
	if got := kept.WeightedSize(); got != 2000 {
		t.Fatalf("pins alone weigh %d, want 2000", got)
	}
	cells := 0
	for z := range geo.MaxZoom + 1 {
		cells += mp.grid(z).Cells()
	}
	mp.grid(3) // asked for again: made once, counted once
	kept.CleanUp()
	if got, want := kept.WeightedSize(), uint64(2000+cells/2); got != want || cells < 2000 {
		t.Errorf("pins with %d clusters weigh %d, want %d", cells, got, want)
	}

	// Pins the cache has let go of are not put back by their grids.
	kept.Invalidate(key)
	other := &mapPins{pins: pins[:10], kept: kept, key: mapPinsKey{version: 1, filter: "actor=b"}}
	kept.Set(other.key, other)
	mp.grids, mp.gridsOnce = [geo.MaxZoom + 1]*geo.Grid{}, [geo.MaxZoom + 1]sync.Once{}
	mp.grid(5)
	kept.CleanUp()
	if _, ok := kept.GetIfPresent(key); ok {
		t.Error("a grid made for pins no longer kept put them back")
	}
}
