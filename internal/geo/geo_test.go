package geo

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestBasemapHasTheWorld reads both outline files whole: every country
// of Natural Earth's list, Iraq among them where it is.
func TestBasemapHasTheWorld(t *testing.T) {
	for _, z := range []int{0, MaxZoom} {
		countries, err := Countries(z)
		if err != nil {
			t.Fatal(err)
		}
		if len(countries) < 170 {
			t.Errorf("zoom %d: %d countries, want the world's", z, len(countries))
		}
		var iraq *Country
		for i := range countries {
			if countries[i].Name == "Iraq" {
				iraq = &countries[i]
			}
		}
		if iraq == nil {
			t.Fatalf("zoom %d: no Iraq", z)
		}
		if iraq.West < 38 || iraq.West > 39.5 || iraq.East < 48 || iraq.East > 49 || iraq.South < 29 || iraq.North > 37.5 {
			t.Errorf("zoom %d: Iraq spans %.2f–%.2f E, %.2f–%.2f N", z, iraq.West, iraq.East, iraq.South, iraq.North)
		}
	}
}

// TestFitShowsEveryPoint fits views to sets of places and checks each is
// drawn inside, clear of the edges, at the closest zoom that does so.
func TestFitShowsEveryPoint(t *testing.T) {
	for _, pts := range [][]Point{
		{{Lon: 43.13, Lat: 36.34}},
		{{Lon: 43.13, Lat: 36.34}, {Lon: 45.15, Lat: 33.77}, {Lon: 39.0, Lat: 35.95}},
		{{Lon: -74, Lat: 40.7}, {Lon: 139.7, Lat: 35.7}},
	} {
		v := Fit(pts, 960, 540, 0.2)
		for _, p := range pts {
			x, y := v.Pixel(p)
			// At zoom 0 the world is as far out as a map goes: the points
			// need only be in view.
			pad := 0.2
			if v.Zoom == 0 {
				pad = 0
			}
			if x < pad*960-1 || x > (1-pad)*960+1 || y < pad*540-1 || y > (1-pad)*540+1 {
				t.Errorf("%v: %v drawn at (%.0f, %.0f), outside the middle of zoom %d", pts, p, x, y, v.Zoom)
			}
		}
		if v.Zoom < maxFitZoom {
			closer := Fit(pts, 960, 540, 0.2)
			closer.Zoom++
			inside := true
			for _, p := range pts {
				x, y := closer.Pixel(p)
				inside = inside && x >= 0.2*960 && x <= 0.8*960 && y >= 0.2*540 && y <= 0.8*540
			}
			if inside && len(pts) > 1 {
				t.Errorf("%v: zoom %d would show them all too", pts, closer.Zoom)
			}
		}
	}
}

// TestPanAndZoomAreSteps: a step north and back south returns to the
// same view, and zoom stays within its range.
func TestPanAndZoomAreSteps(t *testing.T) {
	v := View{Center: Point{Lon: 43, Lat: 35}, Zoom: 5, Width: 960, Height: 540}
	back := v.Panned(0, -0.5).Panned(0, 0.5)
	if math.Abs(back.Center.Lat-v.Center.Lat) > 1e-9 || math.Abs(back.Center.Lon-v.Center.Lon) > 1e-9 {
		t.Errorf("north then south: %v, want %v", back.Center, v.Center)
	}
	if z := v.Zoomed(100).Zoom; z != MaxZoom {
		t.Errorf("zoomed far in: %d", z)
	}
	if z := v.Zoomed(-100).Zoom; z != 0 {
		t.Errorf("zoomed far out: %d", z)
	}
}

// TestLandPathWeighsWhatItShows: a close view of Iraq draws Iraq and its
// neighbours, not the world, and stays inside the view's margin.
func TestLandPathWeighsWhatItShows(t *testing.T) {
	world, err := LandPath(View{Center: Point{Lon: 20, Lat: 20}, Zoom: 0, Width: 960, Height: 540}.Clamp())
	if err != nil {
		t.Fatal(err)
	}
	close, err := LandPath(View{Center: Point{Lon: 43, Lat: 34}, Zoom: 6, Width: 960, Height: 540})
	if err != nil {
		t.Fatal(err)
	}
	if len(close) == 0 || len(close) > len(world) {
		t.Errorf("a close view draws %d bytes, the world %d", len(close), len(world))
	}
	for _, f := range strings.FieldsFunc(close, func(r rune) bool { return r == 'M' || r == 'L' || r == 'Z' || r == ' ' }) {
		var n float64
		if _, err := fmtSscan(f, &n); err != nil || n < -9 || n > 969 {
			t.Fatalf("coordinate %q outside the clipped view", f)
		}
	}
}

// TestClustersAddUp: every pin in view is in exactly one cluster, and a
// cluster's count is the sum of its pins'.
func TestClustersAddUp(t *testing.T) {
	v := View{Center: Point{Lon: 43, Lat: 34}, Zoom: 4, Width: 960, Height: 540}
	var pins []Pin
	total := 0
	for i := range 200 {
		p := NewPin(i, Point{Lon: 38 + float64(i%20)*0.5, Lat: 30 + float64(i/20)*0.8}, i+1, i%7 == 0)
		pins = append(pins, p)
		total += p.N
	}
	seen := map[int]bool{}
	sum := 0
	for _, c := range Clusters(v, pins) {
		n := 0
		for _, i := range c.Pins {
			p := pins[i]
			if seen[p.Key] {
				t.Errorf("pin %d in two clusters", p.Key)
			}
			seen[p.Key] = true
			n += p.N
		}
		if n != c.N {
			t.Errorf("cluster of %d pins counts %d, its pins %d", len(c.Pins), c.N, n)
		}
		sum += c.N
	}
	if sum != total || len(seen) != len(pins) {
		t.Errorf("clusters hold %d events of %d pins, want %d of %d", sum, len(seen), total, len(pins))
	}
}

// TestGridReadInPlaceClustersAsMade: a grid written out (Encoded) and read
// back where its bytes lie (GridIn) gives every view the clusters the grid
// gave, and bytes that are not a grid are refused.
func TestGridReadInPlaceClustersAsMade(t *testing.T) {
	var pins []Pin
	for i := range 500 {
		pins = append(pins, NewPin(i, Point{Lon: 30 + float64(i%25)*0.9, Lat: 25 + float64(i/25)*0.7}, 1+i%9, i%11 == 0))
	}
	for _, z := range []int{2, 6, 11} {
		made := NewGrid(pins, z)
		// Copied into words, as a mapped file's page keeps it: aligned.
		enc := made.Encoded()
		words := make([]uint64, len(enc)/8+2)
		b := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*8)[:len(enc)]
		copy(b, enc)
		read, ok := GridIn(b)
		if !ok {
			t.Fatalf("zoom %d: a grid's own bytes were refused", z)
		}
		for _, c := range []Point{{Lon: 36, Lat: 32}, {Lon: 45, Lat: 30}, {Lon: 0, Lat: 0}} {
			v := View{Center: c, Zoom: z, Width: 960, Height: 540}
			if want, got := made.In(v), read.In(v); !reflect.DeepEqual(got, want) {
				t.Errorf("zoom %d at %v: read in place gives %d clusters, made %d", z, c, len(got), len(want))
			}
		}
		if len(made.In(View{Center: Point{Lon: 30 + 0.9*11, Lat: 25 + 0.7*7}, Zoom: z, Width: 960, Height: 540})) == 0 {
			t.Errorf("zoom %d: the view over the pins has no clusters", z)
		}
		if _, ok := GridIn(b[:len(b)-4]); ok {
			t.Errorf("zoom %d: a grid cut short was read", z)
		}
		if _, ok := GridIn(unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*8)[1 : len(enc)+1]); ok {
			t.Errorf("zoom %d: a grid not aligned was read", z)
		}
	}
}

func fmtSscan(s string, n *float64) (int, error) { return fmt.Sscan(s, n) }

// TestCountryLabelsFitTheirCountries names a region's wide countries where
// they are drawn, well inside the view, and leaves out the ones too narrow
// at that zoom to carry a name.
func TestCountryLabelsFitTheirCountries(t *testing.T) {
	region := View{Center: Point{Lat: 34, Lon: 42}, Zoom: 5, Width: 760, Height: 480}
	world := View{Center: Point{Lat: 20, Lon: 0}, Zoom: 1, Width: 760, Height: 480}
	names := func(v View) map[string]Label {
		out := map[string]Label{}
		for _, l := range CountryLabels(v) {
			out[l.Text] = l
		}
		return out
	}
	got := names(region)
	for _, want := range []string{"Iraq", "Syria"} {
		l, ok := got[want]
		if !ok {
			t.Fatalf("the region's labels %v leave out %s", got, want)
		}
		if l.X < 20 || l.Y < 20 || l.X > 740 || l.Y > 460 {
			t.Errorf("%s is labelled at %.0f,%.0f, not 20 px inside the view", want, l.X, l.Y)
		}
	}
	countries, _ := Countries(region.Zoom)
	for _, c := range countries {
		if c.Name == "Iraq" {
			x, y := region.Pixel(c.Label)
			if l := got["Iraq"]; math.Abs(l.X-x) > 1e-6 || math.Abs(l.Y-y) > 1e-6 {
				t.Errorf("Iraq is labelled at %.1f,%.1f, its middle is drawn at %.1f,%.1f", l.X, l.Y, x, y)
			}
		}
	}
	if _, ok := names(world)["Lebanon"]; ok {
		t.Error("Lebanon is labelled on a map of the world, where it is a few pixels wide")
	}
	if _, ok := got["Lebanon"]; ok {
		t.Error("Lebanon is labelled at zoom 5, narrower than a label")
	}
	if _, ok := names(world)["Brazil"]; !ok {
		t.Error("Brazil is not labelled on a map of the world")
	}
	// A country across the antimeridian is labelled there, not at the
	// middle of the world.
	for _, c := range countries {
		if c.Name == "Fiji" && math.Abs(c.Label.Lon) < 170 {
			t.Errorf("Fiji's label is at longitude %.0f", c.Label.Lon)
		}
	}
	if l, ok := names(world)["Fiji"]; ok {
		t.Errorf("Fiji is labelled at %.0f,%.0f on a map of the world centred on Africa", l.X, l.Y)
	}
}
