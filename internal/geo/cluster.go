package geo

import (
	"cmp"
	"math"
	"slices"
)

// Pin is one place with the number of events there to draw.
type Pin struct {
	// Key is the caller's: which place this is.
	Key   int
	Point Point
	N     int
	// Approx is set when the place has no position of its own and stands
	// at its nearest ancestor's.
	Approx bool
	// mx, my are Point projected once, as fractions of the world's
	// width and height (NewPin): a map of thousands of places then
	// projects none of them again.
	mx, my    float64
	projected bool
}

// NewPin returns a pin with its point projected once.
func NewPin(key int, p Point, n int, approx bool) Pin {
	mx, my := worldPixel(p, 0)
	return Pin{Key: key, Point: p, N: n, Approx: approx, mx: mx / WorldWidth, my: my / WorldWidth, projected: true}
}

// world returns the pin's position in pixels from the world's top-left
// corner at zoom z.
func (p *Pin) world(z int) (float64, float64) {
	if !p.projected {
		return worldPixel(p.Point, z)
	}
	size := WorldWidth * math.Exp2(float64(z))
	return p.mx * size, p.my * size
}

// Window is a view's rectangle in world pixels, to test many pins
// against it without projecting its centre for each.
type Window struct {
	zoom                     int
	left, top, right, bottom float64
	// The same rectangle as fractions of the world, which a projected
	// pin is tested against without scaling it to the zoom.
	fLeft, fTop, fRight, fBottom float64
}

// Window returns the view's rectangle in world pixels.
func (v View) Window() Window {
	cx, cy := worldPixel(v.Center, v.Zoom)
	w, h := float64(v.Width)/2, float64(v.Height)/2
	size := WorldWidth * math.Exp2(float64(v.Zoom))
	return Window{zoom: v.Zoom, left: cx - w, top: cy - h, right: cx + w, bottom: cy + h,
		fLeft: (cx - w) / size, fTop: (cy - h) / size, fRight: (cx + w) / size, fBottom: (cy + h) / size}
}

// Has reports whether the pin is drawn inside the window.
func (w Window) Has(p *Pin) bool {
	if p.projected {
		return p.mx >= w.fLeft && p.my >= w.fTop && p.mx <= w.fRight && p.my <= w.fBottom
	}
	x, y := p.world(w.zoom)
	return x >= w.left && y >= w.top && x <= w.right && y <= w.bottom
}

// Cluster is what the map draws: the pins that fall in one cell of the
// zoom level's grid, at their event-weighted centre.
type Cluster struct {
	X, Y float64 // in the view's pixels
	N    int     // events
	// Pins are the cluster's places, most events first, as indexes of
	// the pins the grid was made of: grids of every zoom level are kept
	// for many filters, and copies of their pins would weigh many times
	// the pins themselves.
	Pins []int32
	// Approx is set when any of its places stands at an ancestor's
	// position.
	Approx bool
	// R is the radius of its mark in pixels, by the square root of its
	// share of the largest cluster's events.
	R float64
}

// CellSize is the side of the grid's cells in pixels: pins closer than
// this at a zoom level are drawn as one.
const CellSize = 44

// Grid is a set of pins grouped by the cells of the grid fixed to the
// world at one zoom level: the same for every view at that zoom, so it is
// made once for a set of pins and cut to each view (In).
type Grid struct {
	zoom  int
	cells []cell
	// pins are every cell's pins (indexes into the pins the grid was made
	// of), cell by cell, each cell's most events first.
	pins []int32
}

// cell is one cluster in world pixels; its pins are pins[first :
// first+count] of its grid. A map of every place keeps a grid for each
// zoom level, each with up to a cell a place, so a cell is kept small.
type cell struct {
	wx, wy       float64
	n            int32
	first, count int32
	approx       bool
}

// Cells is how many clusters the grid holds, which is most of what it
// weighs.
func (g *Grid) Cells() int { return len(g.cells) }

// pinsOf returns c's pins, sharing the grid's memory.
func (g *Grid) pinsOf(c *cell) []int32 {
	return g.pins[c.first : c.first+c.count : c.first+c.count]
}

// NewGrid groups the pins at zoom z. Its cells hold the pins' indexes in
// one array shared by all of them.
func NewGrid(pins []Pin, z int) *Grid {
	byCell := map[[2]int]int{}
	g := &Grid{zoom: z}
	cellOf := make([]int32, len(pins))
	var sizes []int
	for i := range pins {
		p := &pins[i]
		cellOf[i] = -1
		if p.N <= 0 {
			continue
		}
		wx, wy := p.world(z)
		key := [2]int{int(math.Floor(wx / CellSize)), int(math.Floor(wy / CellSize))}
		k, ok := byCell[key]
		if !ok {
			k = len(g.cells)
			byCell[key] = k
			g.cells = append(g.cells, cell{})
			sizes = append(sizes, 0)
		}
		cellOf[i] = int32(k)
		sizes[k]++
		c := &g.cells[k]
		// A running mean weighted by events.
		n := float64(int(c.n) + p.N)
		c.wx += (wx - c.wx) * float64(p.N) / n
		c.wy += (wy - c.wy) * float64(p.N) / n
		c.n += int32(p.N)
		c.approx = c.approx || p.Approx
	}
	start := 0
	for k := range g.cells {
		g.cells[k].first = int32(start)
		start += sizes[k]
	}
	g.pins = make([]int32, start)
	for i, k := range cellOf {
		if k >= 0 {
			c := &g.cells[k]
			g.pins[c.first+c.count] = int32(i)
			c.count++
		}
	}
	byEvents := func(a, b int32) int {
		return cmp.Or(cmp.Compare(pins[b].N, pins[a].N), cmp.Compare(pins[a].Key, pins[b].Key))
	}
	for i := range g.cells {
		slices.SortFunc(g.pinsOf(&g.cells[i]), byEvents)
	}
	// Larger marks first, so smaller ones are drawn on top and stay
	// clickable; ties in a fixed order.
	slices.SortFunc(g.cells, func(a, b cell) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(pins[g.pins[a.first]].Key, pins[g.pins[b.first]].Key))
	})
	return g
}

// In returns the clusters whose centres fall inside the view, in the
// view's pixels, sized against the largest of them.
func (g *Grid) In(v View) []Cluster {
	cx, cy := worldPixel(v.Center, g.zoom)
	left, top := cx-float64(v.Width)/2, cy-float64(v.Height)/2
	inView := func(c *cell) (x, y float64, ok bool) {
		x, y = c.wx-left, c.wy-top
		return x, y, x >= 0 && y >= 0 && x <= float64(v.Width) && y <= float64(v.Height)
	}
	// Counted first, so that the clusters are allocated once: a view
	// is asked for on every pan and zoom.
	n := 0
	for i := range g.cells {
		if _, _, ok := inView(&g.cells[i]); ok {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Cluster, 0, n)
	most := 0
	for i := range g.cells {
		c := &g.cells[i]
		x, y, ok := inView(c)
		if !ok {
			continue
		}
		out = append(out, Cluster{X: x, Y: y, N: int(c.n), Pins: g.pinsOf(c), Approx: c.approx})
		most = max(most, int(c.n))
	}
	for i := range out {
		out[i].R = 6 + 14*math.Sqrt(float64(out[i].N)/float64(most))
	}
	return out
}

// Clusters groups the pins of the view's zoom level by the cells of the
// world's grid and returns those in the view.
func Clusters(v View, pins []Pin) []Cluster {
	return NewGrid(pins, v.Zoom).In(v)
}
