// Package geo draws maps without a request to another host: country
// outlines from Natural Earth (public domain) shipped inside the binary,
// the Web Mercator projection, views that zoom and pan by whole steps, and
// the grouping of places into clusters per zoom level, so that a map of a
// million events draws a few dozen marks.
package geo

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// The basemap files are made by ./gen from the world-atlas package's
// TopoJSON (see gen/main.go and NOTICE): coarse outlines (1:110 million)
// for the world, finer ones (1:50 million, simplified) for a region.
var (
	//go:embed basemap-coarse.bin
	coarseData []byte
	//go:embed basemap-fine.bin
	fineData []byte
)

// Country is one country's outline.
type Country struct {
	Name string
	// projected are its rings in Web Mercator, as fractions of the
	// world's size: projected once, drawn at any zoom by a multiply. The
	// rings in degrees are not kept: nothing draws from them, and every
	// process holds both basemaps (1.2 MB of points).
	projected [][][2]float64
	// ringBounds bound each projected ring (west, north, east, south as
	// fractions of the world), to skip a ring outside a view, or the
	// clipping of one inside it, without looking at its points.
	ringBounds [][4]float64
	// West, South, East, North bound the rings, to skip a country outside
	// a view without projecting it.
	West, South, East, North float64
	// Label is where its name is written: the middle of its largest
	// ring's bounds.
	Label Point
	// labelSpan is that ring's width in degrees.
	labelSpan float64
}

var (
	loadOnce       sync.Once
	coarse, fine   []Country
	errBasemap     error
	fineFromZoomAt = 3
)

// Countries returns the outlines to draw at zoom z.
func Countries(z int) ([]Country, error) {
	loadOnce.Do(func() {
		if coarse, errBasemap = decode(coarseData); errBasemap != nil {
			return
		}
		fine, errBasemap = decode(fineData)
	})
	if z >= fineFromZoomAt {
		return fine, errBasemap
	}
	return coarse, errBasemap
}

// decode reads a basemap file: the arcs, then each country's rings as
// references to arcs (a negative reference ^i is arc i reversed).
func decode(b []byte) ([]Country, error) {
	if len(b) < 5 || string(b[:5]) != "SRBM1" {
		return nil, errors.New("basemap: not a basemap file")
	}
	r := reader{b: b[5:]}
	arcs := make([][]Point, r.uvarint())
	for i := range arcs {
		n := r.uvarint()
		if n > len(r.b) {
			return nil, errors.New("basemap: truncated")
		}
		pts := make([]Point, n)
		var x, y int64
		for j := range pts {
			x += r.varint()
			y += r.varint()
			pts[j] = Point{Lon: float64(x) / 100, Lat: float64(y) / 100}
		}
		arcs[i] = pts
	}
	out := make([]Country, r.uvarint())
	for i := range out {
		c := &out[i]
		c.Name = r.string()
		c.West, c.South, c.East, c.North = 180, 90, -180, -90
		polys := r.uvarint()
		for range polys {
			rings := r.uvarint()
			for range rings {
				var ring []Point
				for range r.uvarint() {
					ref := int(r.varint())
					reversed := ref < 0
					if reversed {
						ref = ^ref
					}
					if ref < 0 || ref >= len(arcs) {
						return nil, fmt.Errorf("basemap: arc %d of %d", ref, len(arcs))
					}
					arc := arcs[ref]
					for k := range arc {
						p := arc[k]
						if reversed {
							p = arc[len(arc)-1-k]
						}
						// Arcs share their ends: drop the repeated point.
						if k == 0 && len(ring) > 0 {
							continue
						}
						ring = append(ring, p)
					}
				}
				w, s, e, n := 180.0, 90.0, -180.0, -90.0
				for _, p := range ring {
					w, e = math.Min(w, p.Lon), math.Max(e, p.Lon)
					s, n = math.Min(s, p.Lat), math.Max(n, p.Lat)
				}
				c.West, c.East = math.Min(c.West, w), math.Max(c.East, e)
				c.South, c.North = math.Min(c.South, s), math.Max(c.North, n)
				mid := (w + e) / 2
				if e-w > 180 {
					// A ring across the antimeridian (Fiji's, Russia's
					// east) is narrow the other way round the world.
					w, e = 360.0, 0.0
					for _, p := range ring {
						lon := p.Lon
						if lon < 0 {
							lon += 360
						}
						w, e = math.Min(w, lon), math.Max(e, lon)
					}
					if mid = (w + e) / 2; mid > 180 {
						mid -= 360
					}
				}
				if e-w > c.labelSpan {
					c.Label, c.labelSpan = Point{Lon: mid, Lat: (s + n) / 2}, e-w
				}
				proj := make([][2]float64, len(ring))
				bounds := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
				for k, p := range ring {
					x, y := worldPixel(p, 0)
					proj[k] = [2]float64{x / WorldWidth, y / WorldWidth}
					bounds = [4]float64{math.Min(bounds[0], proj[k][0]), math.Min(bounds[1], proj[k][1]),
						math.Max(bounds[2], proj[k][0]), math.Max(bounds[3], proj[k][1])}
				}
				c.projected = append(c.projected, proj)
				c.ringBounds = append(c.ringBounds, bounds)
			}
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("basemap: truncated")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errors.New("basemap: truncated")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if n > len(r.b) {
		r.err = errors.New("basemap: truncated")
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
