package tiles_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/tiles/tilestest"
)

func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiles.pmtiles")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTileID(t *testing.T) {
	for _, tt := range []struct {
		z    uint8
		x, y uint32
		want uint64
	}{
		{0, 0, 0, 0},
		{1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4},
		{2, 1, 3, 11},
		{3, 3, 0, 26},
		{12, 0, 0, 5592405},
	} {
		if got := tiles.TileID(tt.z, tt.x, tt.y); got != tt.want {
			t.Errorf("tiles.TileID(%d, %d, %d) = %d, want %d", tt.z, tt.x, tt.y, got, tt.want)
		}
	}
	// Every tile of a zoom level has its own ID, within the level's range.
	seen := map[uint64]bool{}
	for x := range uint32(16) {
		for y := range uint32(16) {
			id := tiles.TileID(4, x, y)
			if id < 85 || id >= 85+256 || seen[id] {
				t.Fatalf("tiles.TileID(4, %d, %d) = %d: outside 85…340 or taken twice", x, y, id)
			}
			seen[id] = true
		}
	}
}

// world is every tile of zooms 0 to 3, each its own bytes but for a
// stretch of sea tiles at zoom 3 that share theirs.
func world() map[[3]uint32][]byte {
	ts := map[[3]uint32][]byte{}
	for z := range uint32(4) {
		for x := range uint32(1) << z {
			for y := range uint32(1) << z {
				ts[[3]uint32{z, x, y}] = fmt.Appendf(nil, "tile %d/%d/%d", z, x, y)
			}
		}
	}
	for x := range uint32(4) {
		for y := range uint32(4) {
			ts[[3]uint32{3, x, y}] = []byte("sea")
		}
	}
	delete(ts, [3]uint32{2, 3, 3})
	return ts
}

func TestArchiveReadsEveryTile(t *testing.T) {
	for _, tt := range []struct {
		name     string
		leaves   int
		internal tiles.Compression
	}{
		{"root only, uncompressed", 0, tiles.CompressionNone},
		{"root only, gzip", 0, tiles.CompressionGzip},
		{"leaf directories, gzip", 5, tiles.CompressionGzip},
		{"leaf directories, uncompressed", 2, tiles.CompressionNone},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := world()
			w := tilestest.Archive{Tiles: ts, Type: tiles.TypePNG, TileCompression: tiles.CompressionNone, InternalCompression: tt.internal,
				LeafSize: tt.leaves, MaxZoom: 3, Metadata: `{"name":"World","attribution":"Test"}`}
			a, err := tiles.Open(writeFile(t, w.Bytes(t)))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer a.Close()
			if n, leaf, _ := tiles.RootShape(a); n == 0 || (tt.leaves > 0) != leaf {
				t.Fatalf("root has %d entries, the first a leaf: %v; leaves are not being tested as meant", n, leaf)
			}
			// The sea is one run of 16 tiles: fewer entries than tiles.
			sea := 0
			for k := range ts {
				z, x, y := uint8(k[0]), k[1], k[2]
				got, ok, err := a.Tile(z, x, y)
				if err != nil || !ok || !bytes.Equal(got.Data, ts[k]) {
					t.Errorf("Tile(%d/%d/%d) = %q, %v, %v; want %q", z, x, y, got.Data, ok, err, ts[k])
				}
				if string(ts[k]) == "sea" {
					sea++
				}
			}
			if sea != 16 {
				t.Fatalf("%d sea tiles, want 16", sea)
			}
			for _, k := range [][3]uint32{{2, 3, 3}, {4, 0, 0}, {3, 8, 0}} {
				if got, ok, err := a.Tile(uint8(k[0]), k[1], k[2]); ok || err != nil {
					t.Errorf("Tile(%v) = %q, %v, %v; want no tile", k, got.Data, ok, err)
				}
			}
			if a.Metadata().Name != "World" || a.Metadata().Attribution != "Test" {
				t.Errorf("metadata = %+v", a.Metadata())
			}
		})
	}
}

func TestArchiveRunLengths(t *testing.T) {
	ts := world()
	b := tilestest.Archive{Tiles: ts, Type: tiles.TypePNG, TileCompression: tiles.CompressionNone, InternalCompression: tiles.CompressionGzip, MaxZoom: 3}.Bytes(t)
	a, err := tiles.New(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if n, _, runs := tiles.RootShape(a); runs == 0 || n >= len(ts) {
		t.Fatalf("%d entries for %d tiles, %d of them runs: run lengths are not being tested", n, len(ts), runs)
	}
	// Tiles of one run share their bytes' place, so their ETags agree.
	one, _, _ := a.Tile(3, 0, 0)
	two, _, _ := a.Tile(3, 1, 1)
	if one.Offset != two.Offset {
		t.Errorf("two sea tiles at offsets %d and %d, want one", one.Offset, two.Offset)
	}
}

func TestLeafCacheIsBounded(t *testing.T) {
	w := tilestest.Archive{Tiles: world(), Type: tiles.TypeMVT, TileCompression: tiles.CompressionGzip, InternalCompression: tiles.CompressionGzip, LeafSize: 2, MaxZoom: 3}
	b := w.Bytes(t)
	a, err := tiles.New(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	tiles.BoundLeafCache(a, 6)
	for k := range w.Tiles {
		if _, ok, err := a.Tile(uint8(k[0]), k[1], k[2]); !ok || err != nil {
			t.Fatalf("Tile(%v) = %v, %v", k, ok, err)
		}
		if n := tiles.LeafDirsKept(a); n > 3 {
			t.Fatalf("%d leaf directories of 2 entries kept, bound 6 entries", n)
		}
	}
}

func TestOpenRefusesWhatItCannotServe(t *testing.T) {
	good := tilestest.Archive{Tiles: world(), Type: tiles.TypePNG, TileCompression: tiles.CompressionNone, InternalCompression: tiles.CompressionGzip, MaxZoom: 3}.Bytes(t)
	with := func(i int, v byte) []byte {
		b := slices.Clone(good)
		b[i] = v
		return b
	}
	for _, tt := range []struct {
		name string
		file []byte
		want string
	}{
		{"not PMTiles", []byte(strings.Repeat("PK\x03\x04 a zip file ", 20)), `does not begin with "PMTiles"`},
		{"too short", []byte("PMTiles"), "shorter than a PMTiles header"},
		{"version 2", with(7, 2), "version 2"},
		{"brotli directories", with(97, byte(tiles.CompressionBrotli)), "compressed with brotli"},
		{"zstd tiles", with(98, byte(tiles.CompressionZstd)), "tiles are compressed with zstd"},
		{"unknown tile type", with(99, 0), "tile type is unknown"},
		{"truncated", good[:len(good)-10], "past the end of the file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tiles.Open(writeFile(t, tt.file))
			if err == nil || !errors.Is(err, tiles.ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("tiles.Open = %v, want an tiles.ErrFormat saying %q", err, tt.want)
			}
		})
	}
	if _, err := tiles.Open(filepath.Join(t.TempDir(), "missing.pmtiles")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("tiles.Open(missing) = %v, want not exist", err)
	}
}

func TestDefaultStyle(t *testing.T) {
	p := tiles.Palette{Sea: "#sea", Land: "#land", Border: "#border", Line: "#line"}
	raster := tilestest.Archive{Tiles: world(), Type: tiles.TypePNG, TileCompression: tiles.CompressionNone, InternalCompression: tiles.CompressionGzip, MaxZoom: 3,
		Metadata: `{"attribution":"© Test"}`}.Bytes(t)
	a, err := tiles.New(bytes.NewReader(raster), int64(len(raster)))
	if err != nil {
		t.Fatal(err)
	}
	var style struct {
		Version int `json:"version"`
		Sources map[string]struct {
			Type        string   `json:"type"`
			Tiles       []string `json:"tiles"`
			Attribution string   `json:"attribution"`
			MaxZoom     int      `json:"maxzoom"`
		} `json:"sources"`
		Layers []struct {
			ID, Type, SourceLayer string
			Paint                 map[string]any `json:"paint"`
		} `json:"layers"`
	}
	b, err := a.DefaultStyle("/tiles/{z}/{x}/{y}", p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &style); err != nil {
		t.Fatal(err)
	}
	src := style.Sources[tiles.SourceName]
	if style.Version != 8 || src.Type != "raster" || src.Tiles[0] != "/tiles/{z}/{x}/{y}" || src.Attribution != "© Test" || src.MaxZoom != 3 {
		t.Errorf("raster style = %s", b)
	}
	if len(style.Layers) != 2 || style.Layers[1].Type != "raster" {
		t.Errorf("raster style's layers = %+v, want the background and one raster layer", style.Layers)
	}

	vector := tilestest.Archive{Tiles: world(), Type: tiles.TypeMVT, TileCompression: tiles.CompressionGzip, InternalCompression: tiles.CompressionGzip, MaxZoom: 3,
		Metadata: `{"vector_layers":[{"id":"roads"},{"id":"water"},{"id":"earth"},{"id":"boundaries"}]}`}.Bytes(t)
	if a, err = tiles.New(bytes.NewReader(vector), int64(len(vector))); err != nil {
		t.Fatal(err)
	}
	if b, err = a.DefaultStyle("/tiles/{z}/{x}/{y}", p); err != nil {
		t.Fatal(err)
	}
	style.Layers = nil
	if err := json.Unmarshal(b, &style); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range style.Layers {
		ids = append(ids, l.ID)
	}
	want := "background earth-fill water-fill roads-fill boundaries-fill roads-line water-line earth-line boundaries-line"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("vector style's layers = %s, want %s", got, want)
	}
	if c := style.Layers[0].Paint["background-color"]; c != "#sea" {
		t.Errorf("with an earth layer the background is %v, want the sea", c)
	}
	if c := style.Layers[2].Paint["fill-color"]; c != "#sea" {
		t.Errorf("water is %v, want the sea", c)
	}
}

func TestReadStyle(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, style, want string
	}{
		{"own tiles", `{"version":8,"sources":{"b":{"type":"vector","tiles":["/tiles/{z}/{x}/{y}"]}},"layers":[{"id":"bg","type":"background"}]}`, ""},
		{"another host's tiles", `{"version":8,"sources":{"b":{"type":"vector","tiles":["https://tiles.example.org/{z}/{x}/{y}.pbf"]}},"layers":[{"id":"bg","type":"background"}]}`, `source "b" points at "https://tiles.example.org`},
		{"protocol-relative TileJSON", `{"version":8,"sources":{"b":{"type":"vector","url":"//example.org/t.json"}},"layers":[{"id":"bg","type":"background"}]}`, `source "b" points at`},
		{"remote glyphs", `{"version":8,"sources":{},"glyphs":"https://fonts.example.org/{fontstack}/{range}.pbf","layers":[{"id":"bg","type":"background"}]}`, "glyphs points at"},
		{"remote sprite", `{"version":8,"sources":{},"sprite":"https://example.org/sprite","layers":[{"id":"bg","type":"background"}]}`, "sprite points at"},
		{"not a style", `{"version":7,"layers":[]}`, "version 8"},
		{"not JSON", `<html>`, "not a JSON style"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.style), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := tiles.ReadStyle(path)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("tiles.ReadStyle = %v, want it read", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("tiles.ReadStyle = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestOutsideCannotWrap: a section check refuses offsets near the top of
// the range, which a plain sum would wrap below the section's size.
func TestOutsideCannotWrap(t *testing.T) {
	for _, c := range []struct {
		offset uint64
		length uint32
		size   uint64
		want   bool
	}{
		{90, 10, 100, false},
		{91, 10, 100, true},
		{0, 0, 0, false},
		{101, 0, 100, true},
		{^uint64(0) - 5, 10, 100, true},
	} {
		if got := tiles.Outside(c.offset, c.length, c.size); got != c.want {
			t.Errorf("outside(%d, %d, %d) = %v, want %v", c.offset, c.length, c.size, got, c.want)
		}
	}
}
