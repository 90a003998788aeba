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
func (p Pin) world(z int) (float64, float64) {
	if !p.projected {
		return worldPixel(p.Point, z)
	}
	size := WorldWidth * math.Exp2(float64(z))
	return p.mx * size, p.my * size
}

// InView reports whether the pin is drawn inside the view.
func (p Pin) InView(v View) bool {
	wx, wy := p.world(v.Zoom)
	cx, cy := worldPixel(v.Center, v.Zoom)
	x, y := wx-cx+float64(v.Width)/2, wy-cy+float64(v.Height)/2
	return x >= 0 && y >= 0 && x <= float64(v.Width) && y <= float64(v.Height)
}

// Cluster is what the map draws: the pins that fall in one cell of the
// zoom level's grid, at their event-weighted centre.
type Cluster struct {
	X, Y float64 // in the view's pixels
	N    int     // events
	// Pins are the cluster's places, most events first.
	Pins []Pin
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

// Clusters groups the pins that fall inside the view by the cells of a
// grid fixed to the world at the view's zoom, so that the groups stay the
// same as the view pans.
func Clusters(v View, pins []Pin) []Cluster {
	byCell := map[[2]int]*Cluster{}
	var order [][2]int
	cx, cy := worldPixel(v.Center, v.Zoom)
	left, top := cx-float64(v.Width)/2, cy-float64(v.Height)/2
	for _, p := range pins {
		wx, wy := p.world(v.Zoom)
		x, y := wx-left, wy-top
		if p.N <= 0 || x < 0 || y < 0 || x > float64(v.Width) || y > float64(v.Height) {
			continue
		}
		cell := [2]int{int(math.Floor(wx / CellSize)), int(math.Floor(wy / CellSize))}
		c := byCell[cell]
		if c == nil {
			c = &Cluster{}
			byCell[cell] = c
			order = append(order, cell)
		}
		// A running mean weighted by events.
		n := float64(c.N + p.N)
		c.X += (x - c.X) * float64(p.N) / n
		c.Y += (y - c.Y) * float64(p.N) / n
		c.N += p.N
		c.Pins = append(c.Pins, p)
		c.Approx = c.Approx || p.Approx
	}
	out := make([]Cluster, 0, len(order))
	most := 0
	for _, cell := range order {
		c := byCell[cell]
		slices.SortFunc(c.Pins, func(a, b Pin) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key)) })
		most = max(most, c.N)
		out = append(out, *c)
	}
	for i := range out {
		out[i].R = 6 + 14*math.Sqrt(float64(out[i].N)/float64(most))
	}
	// Larger marks first, so smaller ones are drawn on top and stay
	// clickable; ties in a fixed order.
	slices.SortFunc(out, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Pins[0].Key, b.Pins[0].Key))
	})
	return out
}
