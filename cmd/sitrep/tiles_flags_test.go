package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/tiles/tilestest"
)

// TestServeTilesFlags: --tiles names a PMTiles archive sitrep can serve,
// or serve stops at start with one line saying what is wrong.
func TestServeTilesFlags(t *testing.T) {
	_, stderr, err := runCLI(t, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-tiles", "SITREP_TILES", "-tiles-style", "/tiles/{z}/{x}/{y}", "PMTiles"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.pmtiles", tilestest.Archive{Tiles: map[[3]uint32][]byte{{0, 0, 0}: []byte("png")},
		Type: tiles.TypePNG, TileCompression: tiles.CompressionNone, InternalCompression: tiles.CompressionGzip}.Bytes(t))
	v2 := write("v2.pmtiles", append([]byte("PM\x02"), make([]byte, 200)...))
	zip := write("tiles.zip", append([]byte("PK\x03\x04"), make([]byte, 200)...))
	remote := write("remote.json", []byte(`{"version":8,"sources":{"b":{"type":"vector","url":"https://tiles.example.org/t.json"}},"layers":[{"id":"bg","type":"background"}]}`))
	db := filepath.Join(dir, "sitrep.db")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--tiles", filepath.Join(dir, "missing.pmtiles")}, "missing.pmtiles: no such file"},
		{[]string{"--tiles", zip}, `does not begin with "PMTiles"`},
		{[]string{"--tiles", v2}, "PMTiles version 2; sitrep reads version 3"},
		{[]string{"--tiles", dir}, "is a directory"},
		{[]string{"--tiles-style", remote}, "give the tiles it draws with --tiles"},
		{[]string{"--tiles", good, "--tiles-style", remote}, `points at "https://tiles.example.org/t.json"`},
	} {
		_, _, err := runCLI(t, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("serve %q = %v, want one line saying %s", tt.args, err, tt.want)
		}
	}
}
