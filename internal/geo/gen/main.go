// Command gen converts Natural Earth country outlines, as the world-atlas
// package (version 2.0.2, ISC licence; the data itself is in the public
// domain) distributes them in TopoJSON, into the compact basemap files
// internal/geo embeds. It runs at development time only:
//
//	npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//	go run ./internal/geo/gen -in package -out internal/geo
//
// Each output file holds the shared borders (TopoJSON's arcs) once,
// simplified as whole arcs so that neighbours keep meeting exactly, with
// coordinates in hundredths of a degree written as zig-zag varint deltas;
// then each country as rings of arc references.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
	Arcs [][][2]int `json:"arcs"`
}

func main() {
	in := flag.String("in", "package", "the unpacked world-atlas package")
	out := flag.String("out", "internal/geo", "where to write the basemap files")
	flag.Parse()
	// Coarse outlines for the whole world, finer ones once the map zooms
	// into a region; the tolerance is in degrees.
	for _, f := range []struct {
		src, dst  string
		tolerance float64
	}{
		{"countries-110m.json", "basemap-coarse.bin", 0.05},
		{"countries-50m.json", "basemap-fine.bin", 0.025},
	} {
		n, points, err := convert(filepath.Join(*in, f.src), filepath.Join(*out, f.dst), f.tolerance)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d bytes, %d points\n", f.dst, n, points)
	}
}

func convert(src, dst string, tolerance float64) (int, int, error) {
	raw, err := os.ReadFile(src)
	if err != nil {
		return 0, 0, err
	}
	var t topology
	if err := json.Unmarshal(raw, &t); err != nil {
		return 0, 0, err
	}
	var buf bytes.Buffer
	buf.WriteString("SRBM1")
	put := func(v int64) { buf.Write(binary.AppendVarint(nil, v)) }
	putU := func(v int) { buf.Write(binary.AppendUvarint(nil, uint64(v))) }
	putU(len(t.Arcs))
	points := 0
	for _, arc := range t.Arcs {
		// Undo TopoJSON's delta encoding, then simplify in degrees.
		var x, y int
		pts := make([][2]float64, len(arc))
		for i, p := range arc {
			x, y = x+p[0], y+p[1]
			pts[i] = [2]float64{float64(x)*t.Transform.Scale[0] + t.Transform.Translate[0], float64(y)*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		kept := simplify(pts, tolerance)
		var q [][2]int64
		for _, p := range kept {
			c := [2]int64{int64(math.Round(p[0] * 100)), int64(math.Round(p[1] * 100))}
			if len(q) > 0 && q[len(q)-1] == c && len(q) < len(kept)-1 {
				continue
			}
			q = append(q, c)
		}
		putU(len(q))
		var px, py int64
		for _, c := range q {
			put(c[0] - px)
			put(c[1] - py)
			px, py = c[0], c[1]
		}
		points += len(q)
	}
	geoms := t.Objects.Countries.Geometries
	putU(len(geoms))
	for _, g := range geoms {
		putU(len(g.Properties.Name))
		buf.WriteString(g.Properties.Name)
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return 0, 0, err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return 0, 0, err
			}
		}
		putU(len(polys))
		for _, p := range polys {
			putU(len(p))
			for _, ring := range p {
				putU(len(ring))
				for _, a := range ring {
					put(int64(a))
				}
			}
		}
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	return buf.Len(), points, nil
}

// simplify is Douglas–Peucker: the points that stray more than tolerance
// from the line between the ones kept. The ends are always kept, so arcs
// still meet.
func simplify(pts [][2]float64, tolerance float64) [][2]float64 {
	if len(pts) <= 2 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var walk func(a, b int)
	walk = func(a, b int) {
		best, at := 0.0, -1
		for i := a + 1; i < b; i++ {
			if d := distance(pts[i], pts[a], pts[b]); d > best {
				best, at = d, i
			}
		}
		if at >= 0 && best > tolerance {
			keep[at] = true
			walk(a, at)
			walk(at, b)
		}
	}
	walk(0, len(pts)-1)
	// A closed arc (an island) would collapse to its two ends: keep the
	// two points farthest along it as well.
	if pts[0] == pts[len(pts)-1] {
		n := 0
		for _, k := range keep {
			if k {
				n++
			}
		}
		if n < 4 {
			for _, i := range []int{len(pts) / 3, 2 * len(pts) / 3} {
				keep[i] = true
			}
		}
	}
	var out [][2]float64
	for i, p := range pts {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

func distance(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}
