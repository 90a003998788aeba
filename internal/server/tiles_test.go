package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/tiles/tilestest"
)

// tilesApp is the worked example served with an archive of its own
// tiles: every tile of zooms 0 to 2 but one.
func tilesApp(t *testing.T, typ tiles.Type, compression tiles.Compression, style []byte) *app.App {
	t.Helper()
	ts := map[[3]uint32][]byte{}
	for z := range uint32(3) {
		for x := range uint32(1) << z {
			for y := range uint32(1) << z {
				b := []byte("tile " + string(rune('0'+z)) + string(rune('0'+x)) + string(rune('0'+y)))
				if compression == tiles.CompressionGzip {
					b = tilestest.Gzip(t, b)
				}
				ts[[3]uint32{z, x, y}] = b
			}
		}
	}
	delete(ts, [3]uint32{2, 3, 3})
	a := tilestest.Open(t, tilestest.Archive{Tiles: ts, Type: typ, TileCompression: compression,
		InternalCompression: tiles.CompressionGzip, LeafSize: 4, MaxZoom: 2,
		Metadata: `{"attribution":"Test tiles","vector_layers":[{"id":"earth"},{"id":"water"}]}`})
	return openApp(t, app.Config{Demo: true, AllowedHosts: []string{"example.com"}, Tiles: a, TilesStyle: style})
}

func TestTileServing(t *testing.T) {
	h := tilesApp(t, tiles.TypePNG, tiles.CompressionNone, nil).Handler()
	rec := do(t, h, http.MethodGet, "/tiles/2/1/3")
	if rec.Code != http.StatusOK || rec.Body.String() != "tile 213" {
		t.Fatalf("GET /tiles/2/1/3 = %d %q, want the tile", rec.Code, rec.Body)
	}
	hd := rec.Header()
	if ct := hd.Get("Content-Type"); ct != "image/png" {
		t.Errorf("Content-Type = %q, want image/png", ct)
	}
	if ce := hd.Get("Content-Encoding"); ce != "" {
		t.Errorf("a PNG tile sent with Content-Encoding %q", ce)
	}
	if cc := hd.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=86400") {
		t.Errorf("Cache-Control = %q, want a public one of a day", cc)
	}
	etag := hd.Get("ETag")
	if etag == "" || hd.Get("Set-Cookie") != "" {
		t.Fatalf("ETag %q, Set-Cookie %q: want a validator and no cookie", etag, hd.Get("Set-Cookie"))
	}
	if rec := do(t, h, http.MethodGet, "/tiles/2/1/3", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("GET with If-None-Match = %d, %d bytes; want 304 and nothing", rec.Code, rec.Body.Len())
	}
	if other := do(t, h, http.MethodGet, "/tiles/2/1/2").Header().Get("ETag"); other == etag {
		t.Errorf("two tiles share the ETag %s", etag)
	}
	// Styles written for other servers name a format.
	if rec := do(t, h, http.MethodGet, "/tiles/1/0/1.png"); rec.Code != http.StatusOK || rec.Body.String() != "tile 101" {
		t.Errorf("GET /tiles/1/0/1.png = %d %q", rec.Code, rec.Body)
	}
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/tiles/2/3/3", http.StatusNotFound},   // not in the archive
		{"/tiles/5/0/0", http.StatusNotFound},   // deeper than it goes
		{"/tiles/2/4/0", http.StatusBadRequest}, // x past the grid
		{"/tiles/1/0/-1", http.StatusBadRequest},
		{"/tiles/x/0/0", http.StatusBadRequest},
		{"/tiles/40/0/0", http.StatusBadRequest},
	} {
		if rec := do(t, h, http.MethodGet, tt.path); rec.Code != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.want)
		}
	}
}

func TestVectorTilesKeepTheirGzip(t *testing.T) {
	h := tilesApp(t, tiles.TypeMVT, tiles.CompressionGzip, nil).Handler()
	rec := do(t, h, http.MethodGet, "/tiles/0/0/0", "Accept-Encoding", "gzip, br")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /tiles/0/0/0 = %d", rec.Code)
	}
	if ct, ce := rec.Header().Get("Content-Type"), rec.Header().Get("Content-Encoding"); ct != "application/vnd.mapbox-vector-tile" || ce != "gzip" {
		t.Errorf("Content-Type %q, Content-Encoding %q; want an MVT tile, gzip", ct, ce)
	}
	// Sent as stored, compressed once: it unpacks to the tile.
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the body is not gzip: %v", err)
	}
	if b, _ := io.ReadAll(zr); string(b) != "tile 000" {
		t.Errorf("the body unpacks to %q, want the tile", b)
	}
	// A client that takes no gzip gets the tile unpacked, under its own ETag.
	plain := do(t, h, http.MethodGet, "/tiles/0/0/0", "Accept-Encoding", "identity")
	if plain.Body.String() != "tile 000" || plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("ETag") == rec.Header().Get("ETag") {
		t.Errorf("without gzip: %q, Content-Encoding %q, ETag %q (gzip's %q)", plain.Body, plain.Header().Get("Content-Encoding"),
			plain.Header().Get("ETag"), rec.Header().Get("ETag"))
	}
}

func TestTileStyle(t *testing.T) {
	h := tilesApp(t, tiles.TypeMVT, tiles.CompressionGzip, nil).Handler()
	var style struct {
		Sources map[string]struct {
			Tiles       []string `json:"tiles"`
			Attribution string   `json:"attribution"`
		} `json:"sources"`
		Layers []struct {
			ID    string         `json:"id"`
			Paint map[string]any `json:"paint"`
		} `json:"layers"`
	}
	light := do(t, h, http.MethodGet, "/tiles/style.json")
	if err := json.Unmarshal(light.Body.Bytes(), &style); err != nil {
		t.Fatalf("GET /tiles/style.json = %d %q: %v", light.Code, light.Body, err)
	}
	src := style.Sources[tiles.SourceName]
	if len(src.Tiles) != 1 || src.Tiles[0] != "/tiles/{z}/{x}/{y}" || src.Attribution != "Test tiles" {
		t.Errorf("the style's source = %+v, want sitrep's own tiles and the archive's attribution", src)
	}
	if len(style.Layers) < 3 || style.Layers[1].ID != "earth-fill" || style.Layers[1].Paint["fill-color"] != "#f4f1ea" {
		t.Errorf("the light style's layers = %+v, want land in the map's land colour", style.Layers)
	}
	dark := do(t, h, http.MethodGet, "/tiles/style.json?theme=dark")
	if err := json.Unmarshal(dark.Body.Bytes(), &style); err != nil {
		t.Fatal(err)
	}
	if style.Layers[1].Paint["fill-color"] != "#2a2d33" || dark.Header().Get("ETag") == light.Header().Get("ETag") {
		t.Errorf("the dark style's land = %v, ETag %q (light %q)", style.Layers[1].Paint["fill-color"], dark.Header().Get("ETag"), light.Header().Get("ETag"))
	}

	own := []byte(`{"version":8,"sources":{"b":{"type":"vector","tiles":["/tiles/{z}/{x}/{y}"]}},"layers":[{"id":"bg","type":"background"}]}`)
	h = tilesApp(t, tiles.TypeMVT, tiles.CompressionGzip, own).Handler()
	if rec := do(t, h, http.MethodGet, "/tiles/style.json?theme=dark"); !bytes.Equal(rec.Body.Bytes(), own) {
		t.Errorf("with --tiles-style, /tiles/style.json = %q, want the deployer's style", rec.Body)
	}
}

var mapGLRE = regexp.MustCompile(`<div class="map__gl" hidden data-map-gl data-style="([^"]*)" data-places="([^"]*)" data-library="([^"]*)"`)

// TestMapWithTiles: with tiles the map page carries what its script needs
// to draw on them (and still the SVG map); without, nothing of MapLibre.
func TestMapWithTiles(t *testing.T) {
	h := tilesApp(t, tiles.TypePNG, tiles.CompressionNone, nil).Handler()
	body := do(t, h, http.MethodGet, "/map?actor=islamic-state").Body.String()
	m := mapGLRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("/map with tiles has no MapLibre container:\n%s", body)
	}
	if m[1] != "/tiles/style.json" || !regexp.MustCompile(`^/static/js/maplibre-gl\.[0-9a-f]+\.mjs$`).MatchString(m[3]) {
		t.Errorf("style %q, library %q", m[1], m[3])
	}
	if !strings.Contains(body, `class="map__svg"`) || !regexp.MustCompile(`<script src="/static/js/map\.[0-9a-f]+\.js" defer>`).MatchString(body) {
		t.Errorf("/map with tiles lacks the SVG map or the script")
	}
	// The places the script draws are the filter's, counted by place.
	places, err := url.Parse(strings.ReplaceAll(m[2], "&amp;", "&"))
	if err != nil || places.Path != "/map.json" || places.Query().Get("actor") != "islamic-state" {
		t.Fatalf("places at %q, want /map.json with the filter", m[2])
	}
	rec := do(t, h, http.MethodGet, places.String())
	var fc struct {
		Type     string `json:"type"`
		List     string `json:"list"`
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Name, Slug, Href string
				N                int
				Approx           bool
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || fc.Type != "FeatureCollection" {
		t.Fatalf("GET %s = %d %q: %v", places, rec.Code, rec.Body, err)
	}
	all := do(t, h, http.MethodGet, "/map.json")
	var every struct {
		Features []struct {
			Properties struct {
				Name string
				N    int
				Href string
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(all.Body.Bytes(), &every); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range every.Features {
		got[f.Properties.Name] = f.Properties.N
	}
	// The worked example: as the SVG map counts it, one feature a place.
	if len(got) != 2 || got["Mosul"] != 2 || got["Diyala province"] != 1 {
		t.Errorf("/map.json counts %v, want Mosul 2 and Diyala province 1", got)
	}
	for _, f := range every.Features {
		if f.Properties.Name == "Mosul" && f.Properties.Href != "/events?place=mosul" {
			t.Errorf("Mosul links to %q, want its events", f.Properties.Href)
		}
	}
	if fc.List == "" || strings.Contains(fc.List, "place=") || !strings.Contains(fc.List, "actor=islamic-state") {
		t.Errorf("the list a cluster adds its places to = %q, want the filter without places", fc.List)
	}

	// Without tiles: no MapLibre, no tile routes.
	plain := newHandler(t)
	body = do(t, plain, http.MethodGet, "/map").Body.String()
	if strings.Contains(body, "maplibre") || strings.Contains(body, "/tiles/") || strings.Contains(body, "data-map-gl") {
		t.Errorf("/map without tiles mentions MapLibre or /tiles/")
	}
	for _, path := range []string{"/tiles/style.json", "/tiles/0/0/0", "/map.json"} {
		if rec := do(t, plain, http.MethodGet, path); rec.Code != http.StatusNotFound {
			t.Errorf("without tiles GET %s = %d, want 404", path, rec.Code)
		}
	}
}
