package tiles

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Palette is the colours of a default style: the site's own.
type Palette struct {
	Sea, Land, Border, Line string
}

// SourceName is the name the default style gives the archive's source.
const SourceName = "sitrep"

// DefaultStyle is a neutral MapLibre style for the archive, its tiles
// at tileURL (a template with {z}, {x} and {y}): for images one raster
// layer; for vector tiles a plain fill and line layer per layer the
// metadata lists. Land and water are told apart by the layers' names
// only: a layer called earth or land is land on a sea background, any
// layer called water, ocean or lake is sea on a land background.
func (a *Archive) DefaultStyle(tileURL string, p Palette) ([]byte, error) {
	h := a.header
	src := map[string]any{
		"tiles":   []string{tileURL},
		"minzoom": h.MinZoom,
		"maxzoom": h.MaxZoom,
	}
	if h.MinLon < h.MaxLon && h.MinLat < h.MaxLat {
		src["bounds"] = []float64{h.MinLon, h.MinLat, h.MaxLon, h.MaxLat}
	}
	if a.meta.Attribution != "" {
		src["attribution"] = a.meta.Attribution
	}
	var layers []map[string]any
	background := p.Sea
	if !h.TileType.Vector() {
		src["type"] = "raster"
		src["tileSize"] = 256
		layers = []map[string]any{{"id": "background", "type": "background", "paint": map[string]any{"background-color": p.Sea}},
			{"id": "tiles", "type": "raster", "source": SourceName}}
	} else {
		src["type"] = "vector"
		hasLand := false
		for _, l := range a.meta.VectorLayers {
			if landLayer.MatchString(l.ID) {
				hasLand = true
			}
		}
		if !hasLand {
			background = p.Land
		}
		// Land first, water over it, other areas over both, lines on
		// top: each a group, in the metadata's order within it.
		var land, water, areas, lines []map[string]any
		for _, l := range a.meta.VectorLayers {
			if l.ID == "" {
				continue
			}
			// A fill draws only areas; a line, unfiltered, would
			// outline every area too.
			fill := map[string]any{"id": l.ID + "-fill", "type": "fill", "source": SourceName, "source-layer": l.ID}
			line := map[string]any{"id": l.ID + "-line", "type": "line", "source": SourceName, "source-layer": l.ID,
				"filter": []any{"in", []any{"geometry-type"}, []any{"literal", []string{"LineString", "MultiLineString"}}},
				"paint":  map[string]any{"line-color": p.Line, "line-width": 0.6}}
			switch {
			case landLayer.MatchString(l.ID):
				fill["paint"] = map[string]any{"fill-color": p.Land}
				land = append(land, fill)
			case waterLayer.MatchString(l.ID):
				fill["paint"] = map[string]any{"fill-color": p.Sea}
				water = append(water, fill)
				line["paint"] = map[string]any{"line-color": p.Sea, "line-width": 1}
			default:
				fill["paint"] = map[string]any{"fill-color": p.Border, "fill-opacity": 0.12}
				areas = append(areas, fill)
			}
			if boundaryLayer.MatchString(l.ID) {
				line["paint"] = map[string]any{"line-color": p.Border, "line-width": 1}
			}
			lines = append(lines, line)
		}
		layers = append(layers, map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": background}})
		for _, g := range [][]map[string]any{land, water, areas, lines} {
			layers = append(layers, g...)
		}
	}
	name := a.meta.Name
	if name == "" {
		name = "sitrep"
	}
	style := map[string]any{
		"version": 8,
		"name":    name,
		"sources": map[string]any{SourceName: src},
		"layers":  layers,
	}
	if h.CenterLon != 0 || h.CenterLat != 0 {
		style["center"] = []float64{h.CenterLon, h.CenterLat}
		style["zoom"] = h.CenterZoom
	}
	return json.Marshal(style)
}

var (
	landLayer     = regexp.MustCompile(`(?i)^(earth|land|landmass)$`)
	waterLayer    = regexp.MustCompile(`(?i)(water|ocean|lake|sea)`)
	boundaryLayer = regexp.MustCompile(`(?i)(boundar|border|admin)`)
)

// ReadStyle reads a deployer's own MapLibre style and checks that it
// draws from nowhere but sitrep: every source's tiles or TileJSON, its
// glyphs and its sprite must be paths on the site ("/tiles/{z}/{x}/{y}"),
// never another host's address.
func ReadStyle(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s struct {
		Version json.Number `json:"version"`
		Sources map[string]struct {
			URL   string   `json:"url"`
			Tiles []string `json:"tiles"`
			Data  any      `json:"data"`
		} `json:"sources"`
		Glyphs string          `json:"glyphs"`
		Sprite json.RawMessage `json:"sprite"`
		Layers []any           `json:"layers"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("not a JSON style: %v", err)
	}
	if s.Version != "8" {
		return nil, fmt.Errorf("style version %q: MapLibre styles are version 8", s.Version)
	}
	if len(s.Layers) == 0 {
		return nil, fmt.Errorf("the style has no layers")
	}
	check := func(what, u string) error {
		if u == "" || (strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")) {
			return nil
		}
		return fmt.Errorf("%s points at %q: give a path on sitrep itself, such as /tiles/{z}/{x}/{y}, so that no reader's browser asks another host", what, u)
	}
	for name, src := range s.Sources {
		if err := check(fmt.Sprintf("source %q", name), src.URL); err != nil {
			return nil, err
		}
		for _, t := range src.Tiles {
			if err := check(fmt.Sprintf("source %q", name), t); err != nil {
				return nil, err
			}
		}
		if d, ok := src.Data.(string); ok {
			if err := check(fmt.Sprintf("source %q", name), d); err != nil {
				return nil, err
			}
		}
	}
	if err := check("glyphs", s.Glyphs); err != nil {
		return nil, err
	}
	if len(s.Sprite) > 0 {
		var one string
		var many []struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(s.Sprite, &one) == nil {
			if err := check("sprite", one); err != nil {
				return nil, err
			}
		} else if json.Unmarshal(s.Sprite, &many) == nil {
			for _, sp := range many {
				if err := check("sprite", sp.URL); err != nil {
					return nil, err
				}
			}
		}
	}
	return b, nil
}
