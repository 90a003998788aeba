package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testArchive is a PMTiles v3 archive for tests, written here from the
// format's description: tiles by z/x/y, with run lengths for consecutive
// tiles of the same bytes and, when LeafSize is set, the entries in leaf
// directories of that many entries under the root.
type testArchive struct {
	Tiles               map[[3]uint32][]byte
	Type                Type
	TileCompression     Compression
	InternalCompression Compression
	LeafSize            int
	Metadata            string
	MinZoom, MaxZoom    uint8
}

// Bytes writes the archive.
func (w testArchive) Bytes(t testing.TB) []byte {
	t.Helper()
	ids := map[uint64][]byte{}
	for k, b := range w.Tiles {
		ids[TileID(uint8(k[0]), k[1], k[2])] = b
	}
	order := make([]uint64, 0, len(ids))
	for id := range ids {
		order = append(order, id)
	}
	slices.Sort(order)
	var data bytes.Buffer
	offsets := map[string]uint64{}
	var entries []entry
	for _, id := range order {
		b := ids[id]
		if n := len(entries); n > 0 {
			last := &entries[n-1]
			if last.id+uint64(last.run) == id && bytes.Equal(ids[last.id], b) {
				last.run++
				continue
			}
		}
		off, ok := offsets[string(b)]
		if !ok {
			off = uint64(data.Len())
			offsets[string(b)] = off
			data.Write(b)
		}
		entries = append(entries, entry{id: id, offset: off, length: uint32(len(b)), run: 1})
	}
	root := entries
	var leaves bytes.Buffer
	if w.LeafSize > 0 {
		root = nil
		for chunk := range slices.Chunk(entries, w.LeafSize) {
			enc := w.compress(t, encodeDirectory(chunk))
			root = append(root, entry{id: chunk[0].id, offset: uint64(leaves.Len()), length: uint32(len(enc))})
			leaves.Write(enc)
		}
	}
	rootBytes := w.compress(t, encodeDirectory(root))
	meta := w.compress(t, []byte(w.Metadata))

	h := make([]byte, headerLen)
	copy(h, magic)
	h[7] = 3
	put := func(i int, v uint64) { binary.LittleEndian.PutUint64(h[i:], v) }
	off := uint64(headerLen)
	put(8, off)
	put(16, uint64(len(rootBytes)))
	off += uint64(len(rootBytes))
	put(24, off)
	put(32, uint64(len(meta)))
	off += uint64(len(meta))
	put(40, off)
	put(48, uint64(leaves.Len()))
	off += uint64(leaves.Len())
	put(56, off)
	put(64, uint64(data.Len()))
	put(72, uint64(len(ids)))
	put(80, uint64(len(entries)))
	put(88, uint64(len(offsets)))
	h[96] = 1
	h[97] = byte(w.InternalCompression)
	h[98] = byte(w.TileCompression)
	h[99] = byte(w.Type)
	h[100], h[101] = w.MinZoom, w.MaxZoom
	deg := func(i int, v float64) { binary.LittleEndian.PutUint32(h[i:], uint32(int32(v*1e7))) }
	deg(102, -180)
	deg(106, -85)
	deg(110, 180)
	deg(114, 85)
	h[118] = 1
	deg(119, 44)
	deg(123, 33.3)

	var out bytes.Buffer
	for _, part := range [][]byte{h, rootBytes, meta, leaves.Bytes(), data.Bytes()} {
		out.Write(part)
	}
	return out.Bytes()
}

func (w testArchive) compress(t testing.TB, b []byte) []byte {
	if w.InternalCompression != CompressionGzip {
		return b
	}
	return gzipBytes(t, b)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeDirectory(dir []entry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(dir)))
	var last uint64
	for _, e := range dir {
		b = binary.AppendUvarint(b, e.id-last)
		last = e.id
	}
	for _, e := range dir {
		b = binary.AppendUvarint(b, uint64(e.run))
	}
	for _, e := range dir {
		b = binary.AppendUvarint(b, uint64(e.length))
	}
	for i, e := range dir {
		if i > 0 && e.offset == dir[i-1].offset+uint64(dir[i-1].length) {
			b = binary.AppendUvarint(b, 0)
			continue
		}
		b = binary.AppendUvarint(b, e.offset+1)
	}
	return b
}

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
		if got := TileID(tt.z, tt.x, tt.y); got != tt.want {
			t.Errorf("TileID(%d, %d, %d) = %d, want %d", tt.z, tt.x, tt.y, got, tt.want)
		}
	}
	// Every tile of a zoom level has its own ID, within the level's range.
	seen := map[uint64]bool{}
	for x := range uint32(16) {
		for y := range uint32(16) {
			id := TileID(4, x, y)
			if id < 85 || id >= 85+256 || seen[id] {
				t.Fatalf("TileID(4, %d, %d) = %d: outside 85…340 or taken twice", x, y, id)
			}
			seen[id] = true
		}
	}
}

// world is every tile of zooms 0 to 3, each its own bytes but for a
// stretch of sea tiles at zoom 3 that share theirs.
func world() map[[3]uint32][]byte {
	tiles := map[[3]uint32][]byte{}
	for z := range uint32(4) {
		for x := range uint32(1) << z {
			for y := range uint32(1) << z {
				tiles[[3]uint32{z, x, y}] = fmt.Appendf(nil, "tile %d/%d/%d", z, x, y)
			}
		}
	}
	for x := range uint32(4) {
		for y := range uint32(4) {
			tiles[[3]uint32{3, x, y}] = []byte("sea")
		}
	}
	delete(tiles, [3]uint32{2, 3, 3})
	return tiles
}

func TestArchiveReadsEveryTile(t *testing.T) {
	for _, tt := range []struct {
		name     string
		leaves   int
		internal Compression
	}{
		{"root only, uncompressed", 0, CompressionNone},
		{"root only, gzip", 0, CompressionGzip},
		{"leaf directories, gzip", 5, CompressionGzip},
		{"leaf directories, uncompressed", 2, CompressionNone},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tiles := world()
			w := testArchive{Tiles: tiles, Type: TypePNG, TileCompression: CompressionNone, InternalCompression: tt.internal,
				LeafSize: tt.leaves, MaxZoom: 3, Metadata: `{"name":"World","attribution":"Test"}`}
			a, err := Open(writeFile(t, w.Bytes(t)))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer a.Close()
			if len(a.root) == 0 || (tt.leaves > 0) != (a.root[0].run == 0) {
				t.Fatalf("root has %d entries, the first with run %d: leaves are not being tested", len(a.root), a.root[0].run)
			}
			// The sea is one run of 16 tiles: fewer entries than tiles.
			sea := 0
			for k := range tiles {
				z, x, y := uint8(k[0]), k[1], k[2]
				got, ok, err := a.Tile(z, x, y)
				if err != nil || !ok || !bytes.Equal(got.Data, tiles[k]) {
					t.Errorf("Tile(%d/%d/%d) = %q, %v, %v; want %q", z, x, y, got.Data, ok, err, tiles[k])
				}
				if string(tiles[k]) == "sea" {
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
	tiles := world()
	b := testArchive{Tiles: tiles, Type: TypePNG, TileCompression: CompressionNone, InternalCompression: CompressionGzip, MaxZoom: 3}.Bytes(t)
	a, err := New(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	for _, e := range a.root {
		if e.run > 1 {
			runs++
		}
	}
	if runs == 0 || len(a.root) >= len(tiles) {
		t.Fatalf("%d entries for %d tiles, %d of them runs: run lengths are not being tested", len(a.root), len(tiles), runs)
	}
	// Tiles of one run share their bytes' place, so their ETags agree.
	one, _, _ := a.Tile(3, 0, 0)
	two, _, _ := a.Tile(3, 1, 1)
	if one.Offset != two.Offset {
		t.Errorf("two sea tiles at offsets %d and %d, want one", one.Offset, two.Offset)
	}
}

func TestLeafCacheIsBounded(t *testing.T) {
	w := testArchive{Tiles: world(), Type: TypeMVT, TileCompression: CompressionGzip, InternalCompression: CompressionGzip, LeafSize: 2, MaxZoom: 3}
	b := w.Bytes(t)
	a, err := New(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	a.leaves = newDirCache(6)
	for k := range w.Tiles {
		if _, ok, err := a.Tile(uint8(k[0]), k[1], k[2]); !ok || err != nil {
			t.Fatalf("Tile(%v) = %v, %v", k, ok, err)
		}
		if n := a.leaves.len(); n > 3 {
			t.Fatalf("%d leaf directories of 2 entries kept, bound 6 entries", n)
		}
	}
}

func TestOpenRefusesWhatItCannotServe(t *testing.T) {
	good := testArchive{Tiles: world(), Type: TypePNG, TileCompression: CompressionNone, InternalCompression: CompressionGzip, MaxZoom: 3}.Bytes(t)
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
		{"brotli directories", with(97, byte(CompressionBrotli)), "compressed with brotli"},
		{"zstd tiles", with(98, byte(CompressionZstd)), "tiles are compressed with zstd"},
		{"unknown tile type", with(99, 0), "tile type is unknown"},
		{"truncated", good[:len(good)-10], "past the end of the file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(writeFile(t, tt.file))
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open = %v, want an ErrFormat saying %q", err, tt.want)
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.pmtiles")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want not exist", err)
	}
}

func TestDefaultStyle(t *testing.T) {
	p := Palette{Sea: "#sea", Land: "#land", Border: "#border", Line: "#line"}
	raster := testArchive{Tiles: world(), Type: TypePNG, TileCompression: CompressionNone, InternalCompression: CompressionGzip, MaxZoom: 3,
		Metadata: `{"attribution":"© Test"}`}.Bytes(t)
	a, err := New(bytes.NewReader(raster), int64(len(raster)))
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
	src := style.Sources[SourceName]
	if style.Version != 8 || src.Type != "raster" || src.Tiles[0] != "/tiles/{z}/{x}/{y}" || src.Attribution != "© Test" || src.MaxZoom != 3 {
		t.Errorf("raster style = %s", b)
	}
	if len(style.Layers) != 2 || style.Layers[1].Type != "raster" {
		t.Errorf("raster style's layers = %+v, want the background and one raster layer", style.Layers)
	}

	vector := testArchive{Tiles: world(), Type: TypeMVT, TileCompression: CompressionGzip, InternalCompression: CompressionGzip, MaxZoom: 3,
		Metadata: `{"vector_layers":[{"id":"roads"},{"id":"water"},{"id":"earth"},{"id":"boundaries"}]}`}.Bytes(t)
	if a, err = New(bytes.NewReader(vector), int64(len(vector))); err != nil {
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
			_, err := ReadStyle(path)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ReadStyle = %v, want it read", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ReadStyle = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
