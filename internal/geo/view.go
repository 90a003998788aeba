package geo

import (
	"math"
	"strconv"
	"sync"
)

// Point is a position in degrees.
type Point struct{ Lon, Lat float64 }

// WorldWidth is the width of the whole world, in pixels, at zoom 0; each
// zoom level doubles it.
const WorldWidth = 1024

// MaxZoom is the closest a map zooms: a town's streets are beyond what the
// outlines can show, but places a few kilometres apart still part.
const MaxZoom = 11

// maxLat is where Web Mercator stops: the world is then a square.
const maxLat = 85.05112878

// worldPixel projects p to pixels from the world's top-left corner at
// zoom z (Web Mercator).
func worldPixel(p Point, z int) (float64, float64) {
	size := WorldWidth * math.Exp2(float64(z))
	lat := math.Max(-maxLat, math.Min(maxLat, p.Lat)) * math.Pi / 180
	x := (p.Lon + 180) / 360 * size
	y := (1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * size
	return x, y
}

// worldPoint is worldPixel's inverse.
func worldPoint(x, y float64, z int) Point {
	size := WorldWidth * math.Exp2(float64(z))
	lon := x/size*360 - 180
	lat := math.Atan(math.Sinh(math.Pi*(1-2*y/size))) * 180 / math.Pi
	return Point{Lon: lon, Lat: lat}
}

// View is what one map shows: the point at its centre, its zoom level and
// its size in pixels.
type View struct {
	Center        Point
	Zoom          int
	Width, Height int
}

// Pixel returns where p falls in the view, from its top-left corner.
func (v View) Pixel(p Point) (float64, float64) {
	x, y := worldPixel(p, v.Zoom)
	cx, cy := worldPixel(v.Center, v.Zoom)
	return x - cx + float64(v.Width)/2, y - cy + float64(v.Height)/2
}

// Bounds returns the view's west, south, east and north edges in degrees.
func (v View) Bounds() (west, south, east, north float64) {
	cx, cy := worldPixel(v.Center, v.Zoom)
	nw := worldPoint(cx-float64(v.Width)/2, cy-float64(v.Height)/2, v.Zoom)
	se := worldPoint(cx+float64(v.Width)/2, cy+float64(v.Height)/2, v.Zoom)
	return nw.Lon, se.Lat, se.Lon, nw.Lat
}

// Contains reports whether p is drawn inside the view, with margin pixels
// to spare on every side.
func (v View) Contains(p Point, margin float64) bool {
	x, y := v.Pixel(p)
	return x >= -margin && y >= -margin && x <= float64(v.Width)+margin && y <= float64(v.Height)+margin
}

// Clamp keeps the zoom in range and the centre where the view still shows
// the world rather than the space beyond it.
func (v View) Clamp() View {
	v.Zoom = max(0, min(MaxZoom, v.Zoom))
	size := WorldWidth * math.Exp2(float64(v.Zoom))
	cx, cy := worldPixel(v.Center, v.Zoom)
	half := func(n int, c float64) float64 {
		h := float64(n) / 2
		if size <= 2*h {
			return size / 2
		}
		return math.Max(h, math.Min(size-h, c))
	}
	v.Center = worldPoint(half(v.Width, cx), half(v.Height, cy), v.Zoom)
	return v
}

// Zoomed returns the view dz levels closer (or farther, when negative)
// about the same centre.
func (v View) Zoomed(dz int) View {
	v.Zoom += dz
	return v.Clamp()
}

// Panned moves the view by a fraction of its size: Panned(0, -0.5) is
// half a view to the north.
func (v View) Panned(fx, fy float64) View {
	cx, cy := worldPixel(v.Center, v.Zoom)
	v.Center = worldPoint(cx+fx*float64(v.Width), cy+fy*float64(v.Height), v.Zoom)
	return v.Clamp()
}

// maxFitZoom is the closest a fitted view goes: a single place is shown
// with its region around it.
const maxFitZoom = 4

// Fit returns the closest view of the given size that shows every point
// within its middle part, leaving pad (a fraction of each side) around
// them to see where they are; the whole world when there are none.
func Fit(points []Point, width, height int, pad float64) View {
	v := View{Width: width, Height: height}
	if len(points) == 0 {
		v.Center = Point{Lon: 20, Lat: 20}
		return v.Clamp()
	}
	west, east, south, north := 180.0, -180.0, 90.0, -90.0
	for _, p := range points {
		west, east = math.Min(west, p.Lon), math.Max(east, p.Lon)
		south, north = math.Min(south, p.Lat), math.Max(north, p.Lat)
	}
	for z := maxFitZoom; z >= 0; z-- {
		x0, y0 := worldPixel(Point{Lon: west, Lat: north}, z)
		x1, y1 := worldPixel(Point{Lon: east, Lat: south}, z)
		if x1-x0 <= float64(width)*(1-2*pad) && y1-y0 <= float64(height)*(1-2*pad) || z == 0 {
			v.Zoom = z
			v.Center = worldPoint((x0+x1)/2, (y0+y1)/2, z)
			break
		}
	}
	return v.Clamp()
}

// LandPath returns the SVG path of every country that reaches into the
// view, in the view's pixels, clipped a little beyond its edges and
// rounded to a tenth of a pixel, so that a zoomed-in view weighs what it
// shows rather than the world.
func LandPath(v View) (string, error) {
	countries, err := Countries(v.Zoom)
	if err != nil {
		return "", err
	}
	west, south, east, north := v.Bounds()
	const margin = 8.0
	box := rect{-margin, -margin, float64(v.Width) + margin, float64(v.Height) + margin}
	w := landWork.Get().(*landBuffers)
	defer landWork.Put(w)
	b, ring, tmp := w.path[:0], w.ring[:0], w.tmp[:0]
	defer func() { w.path, w.ring, w.tmp = b, ring, tmp }()
	size := WorldWidth * math.Exp2(float64(v.Zoom))
	cx, cy := worldPixel(v.Center, v.Zoom)
	left, top := cx-float64(v.Width)/2, cy-float64(v.Height)/2
	for i := range countries {
		c := &countries[i]
		if c.East < west || c.West > east || c.North < south || c.South > north {
			continue
		}
		for k, r := range c.projected {
			bounds := c.ringBounds[k]
			x0, y0, x1, y1 := bounds[0]*size-left, bounds[1]*size-top, bounds[2]*size-left, bounds[3]*size-top
			if x1 < box[0] || x0 > box[2] || y1 < box[1] || y0 > box[3] {
				continue
			}
			ring = ring[:0]
			for _, p := range r {
				ring = append(ring, [2]float64{p[0]*size - left, p[1]*size - top})
			}
			if x0 < box[0] || x1 > box[2] || y0 < box[1] || y1 > box[3] {
				ring, tmp = box.clip(ring, tmp)
			}
			// Points closer than half a pixel to the last one drawn add
			// bytes and nothing visible.
			first, lastX, lastY, n := true, 0.0, 0.0, 0
			for _, p := range ring {
				if !first && math.Abs(p[0]-lastX) < 0.5 && math.Abs(p[1]-lastY) < 0.5 {
					continue
				}
				if first {
					b = append(b, 'M')
				} else {
					b = append(b, 'L')
				}
				b = appendTenths(b, p[0])
				b = append(b, ' ')
				b = appendTenths(b, p[1])
				first, lastX, lastY = false, p[0], p[1]
				n++
			}
			if n > 0 {
				b = append(b, 'Z')
			}
		}
	}
	return string(b), nil
}

// landBuffers are what drawing the land works in: the path and two rings
// for clipping, kept between views rather than grown for each (most of a
// map page's garbage).
type landBuffers struct {
	path      []byte
	ring, tmp [][2]float64
}

var landWork = sync.Pool{New: func() any { return new(landBuffers) }}

// appendTenths appends f rounded to a tenth, without a trailing ".0": the
// path's numbers, written by hand because a general float formatting was
// a fifth of drawing the land.
func appendTenths(b []byte, f float64) []byte {
	t := int64(math.Round(f * 10))
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	if d := t % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

// Label is a name written on the map, in the view's pixels.
type Label struct {
	X, Y float64
	Text string
}

// labelMinWidth is how wide, in pixels, a country must be drawn for its
// name to fit on it.
const labelMinWidth = 80

// CountryLabels names the countries drawn wide enough to carry a name,
// at their largest part's middle when that is in view.
func CountryLabels(v View) []Label {
	countries, err := Countries(v.Zoom)
	if err != nil {
		return nil
	}
	size := WorldWidth * math.Exp2(float64(v.Zoom))
	cx, cy := worldPixel(v.Center, v.Zoom)
	left, top := cx-float64(v.Width)/2, cy-float64(v.Height)/2
	var out []Label
	for _, c := range countries {
		// Longitude is linear in Web Mercator: the width needs no
		// projection, and most countries are too narrow at low zooms.
		if c.labelSpan/360*size < labelMinWidth {
			continue
		}
		x, y := worldPixel(c.Label, v.Zoom)
		x, y = x-left, y-top
		if x < 20 || y < 20 || x > float64(v.Width)-20 || y > float64(v.Height)-20 {
			continue
		}
		out = append(out, Label{X: x, Y: y, Text: c.Name})
	}
	return out
}

// rect is a clipping rectangle: x0, y0, x1, y1.
type rect [4]float64

// clip cuts a ring to the rectangle (Sutherland–Hodgman). What lies
// outside becomes edges along the rectangle, which the margin keeps out
// of sight. It works in ring and spare, in turn, rather than in a new
// slice per edge, and returns the clipped ring and the other buffer.
func (r rect) clip(ring, spare [][2]float64) (clipped, free [][2]float64) {
	in, out := ring, spare
	for edge := range 4 {
		if len(in) == 0 {
			break
		}
		out = out[:0]
		prev := in[len(in)-1]
		for _, p := range in {
			switch pin, qin := r.inside(edge, p), r.inside(edge, prev); {
			case pin && qin:
				out = append(out, p)
			case pin:
				out = append(out, r.cross(edge, prev, p), p)
			case qin:
				out = append(out, r.cross(edge, prev, p))
			}
			prev = p
		}
		in, out = out, in
	}
	return in, out
}

// inside reports whether p is on the inner side of one of the edges: 0
// left, 1 right, 2 top, 3 bottom.
func (r rect) inside(edge int, p [2]float64) bool {
	switch edge {
	case 0:
		return p[0] >= r[0]
	case 1:
		return p[0] <= r[2]
	case 2:
		return p[1] >= r[1]
	default:
		return p[1] <= r[3]
	}
}

// cross is where the segment from a to b crosses an edge.
func (r rect) cross(edge int, a, b [2]float64) [2]float64 {
	switch edge {
	case 0:
		return atX(a, b, r[0])
	case 1:
		return atX(a, b, r[2])
	case 2:
		return atY(a, b, r[1])
	default:
		return atY(a, b, r[3])
	}
}

func atX(a, b [2]float64, x float64) [2]float64 {
	t := (x - a[0]) / (b[0] - a[0])
	return [2]float64{x, a[1] + t*(b[1]-a[1])}
}

func atY(a, b [2]float64, y float64) [2]float64 {
	t := (y - a[1]) / (b[1] - a[1])
	return [2]float64{a[0] + t*(b[0]-a[0]), y}
}
