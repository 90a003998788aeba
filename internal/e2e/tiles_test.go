package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/geo"
	"github.com/sitrep/sitrep/internal/tiles"
	"github.com/sitrep/sitrep/internal/tiles/tilestest"
)

// TestMapOnOwnTiles starts sitrep with a small PMTiles archive of raster
// tiles (the built-in outlines, drawn into PNGs here) and opens /map.
// Where headless Chromium has WebGL, the map must be drawn by MapLibre on
// tiles asked of this server's /tiles/, with the places as marks that are
// links to their events; where it has none, the SVG map must still show.
// Either way no request leaves the host and nothing scrolls sideways on a
// phone.
func TestMapOnOwnTiles(t *testing.T) {
	srv, asked := newTilesServer(t, rasterArchive(t))
	// SwiftShader gives headless Chromium WebGL without a GPU.
	ctx := newBrowser(t, chromedp.Flag("disable-gpu", false), chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true), chromedp.Flag("ignore-gpu-blocklist", true))
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map")))

	if !eval[bool](t, ctx, `!!document.createElement('canvas').getContext('webgl2')`) {
		// The map without WebGL is TestMapOnOwnTilesWithoutWebGL's; this test
		// is of the map MapLibre draws, and must not pass without one.
		if os.Getenv("CI") != "" {
			t.Fatal("no WebGL2 in headless Chromium with SwiftShader: the tiled map cannot be tested")
		}
		t.Skip("no WebGL2 in this headless Chromium: the tiled map cannot be tested here")
	}
	t.Log("headless Chromium has WebGL2: checking the map drawn with MapLibre")
	waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length > 0`, 30*time.Second)
	waitTrue(t, ctx, `(() => { const c = document.querySelector('.map__gl canvas'); return !!c && c.width > 0 })()`, 10*time.Second)

	type state struct {
		SVGHidden  bool     `json:"svgHidden"`
		CanvasName string   `json:"canvasName"`
		Tabbable   bool     `json:"tabbable"`
		Marks      []string `json:"marks"`
		Width      float64  `json:"width"`
	}
	st := eval[state](t, ctx, `(() => {
		const c = document.querySelector('.map__gl canvas');
		return {svgHidden: getComputedStyle(document.querySelector('.map__svg')).display === 'none', canvasName: c.getAttribute('aria-label'),
			tabbable: c.tabIndex >= 0, width: c.getBoundingClientRect().width,
			marks: [...document.querySelectorAll('.map-gl__mark')].map(m => m.getAttribute('aria-label'))};
	})()`)
	if !st.SVGHidden {
		t.Errorf("MapLibre drew the map but the SVG map is still shown beside it")
	}
	if !strings.Contains(st.CanvasName, "Map of 3 events") || !st.Tabbable {
		t.Errorf("the map's canvas is named %q, tabbable %v: want the map's title, reachable by keyboard", st.CanvasName, st.Tabbable)
	}
	if st.Width < 600 {
		t.Errorf("the map is %.0f px wide at %d px", st.Width, desktopWidth)
	}
	if !slices.ContainsFunc(st.Marks, func(s string) bool { return strings.Contains(s, "Mosul") }) {
		t.Errorf("no mark names Mosul: %q", st.Marks)
	}
	// The table beside the map stays, as its equivalent in words.
	if got := visibleText(t, ctx); !strings.Contains(got, "Places in this view") || !strings.Contains(got, "3 events at 2 places") {
		t.Errorf("the table of places or the summary is gone:\n%s", got)
	}
	// Tiles came from this server's /tiles/, the style too.
	if got := asked(); !slices.ContainsFunc(got, func(u string) bool { return strings.HasPrefix(u, "/tiles/style.json") }) ||
		!slices.ContainsFunc(got, func(u string) bool { return strings.Count(u, "/") == 4 }) {
		t.Errorf("requests to /tiles/: %q, want the style and tiles", got)
	}

	// Every mark is a link the keyboard reaches.
	if !eval[bool](t, ctx, `(() => { const a = document.querySelector('a.map-gl__mark[aria-label^="Mosul"]'); a.focus(); return document.activeElement === a })()`) {
		t.Errorf("Mosul's mark takes no keyboard focus")
	}
	checkAxe(t, ctx)

	// The keyboard moves the map: focus the canvas, press the arrow.
	before := eval[float64](t, ctx, `document.querySelector('.maplibregl-marker').getBoundingClientRect().left`)
	run(t, ctx, chromedp.Focus(chromedp.CSS(".map__gl canvas")), chromedp.KeyEvent(kb.ArrowRight))
	time.Sleep(800 * time.Millisecond)
	after := eval[float64](t, ctx, `document.querySelector('.maplibregl-marker').getBoundingClientRect().left`)
	if math.Abs(after-before) < 20 {
		t.Errorf("the right arrow on the focused map moved its marks %.0f px", after-before)
	}

	for _, width := range []int64{desktopWidth, phoneWidth} {
		for _, scheme := range []string{"light", "dark"} {
			setColorScheme(t, ctx, scheme)
			// Tall enough for the whole page: a full-page screenshot
			// that must grow the viewport catches MapLibre redrawing.
			var opts []chromedp.EmulateViewportOption
			if width < 600 {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
			}
			run(t, ctx, chromedp.EmulateViewport(width, 2000, opts...), chromedp.Navigate(srv.URL+"/map"))
			waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length > 0`, 30*time.Second)
			time.Sleep(1500 * time.Millisecond) // the tiles fade in
			if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth`); wide {
				t.Errorf("at %d px, %s, the map page scrolls sideways", width, scheme)
			}
			viewportShot(t, ctx, "map-tiles-"+strconv.Itoa(int(width))+"-"+scheme+".png")
		}
	}
	setColorScheme(t, ctx, "light")
	setViewport(t, ctx, desktopWidth)

	// The embed draws on the tiles too, under its own policy; its marks
	// open the site's lists in a new tab, out of the frame.
	run(t, ctx, chromedp.Navigate(srv.URL+"/embed/map"))
	waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length > 0`, 30*time.Second)
	if !eval[bool](t, ctx, `[...document.querySelectorAll('a.map-gl__mark')].every(a => a.target === '_blank')`) {
		t.Errorf("the embed's marks open their lists inside the frame")
	}
	time.Sleep(time.Second)
	viewportShot(t, ctx, "embed-map-tiles-1280.png")

	// A new filter swaps the results in place (htmx): the new map is
	// drawn on the tiles too, and the old one gives back its WebGL.
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"))
	waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length === 2`, 30*time.Second)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`htmx.ajax('GET', '/map?place=mosul', {target: '#results', select: '#results', swap: 'outerHTML'})`))
	waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length === 1 && document.querySelectorAll('.maplibregl-canvas').length === 1`, 30*time.Second)

	// A place's mark opens its events, as the SVG map's does.
	run(t, ctx, chromedp.Click(chromedp.CSS(`.map-gl__mark[aria-label^="Mosul"]`)))
	waitTrue(t, ctx, `location.pathname === '/events'`, 10*time.Second)
	if q := eval[string](t, ctx, `location.search`); !strings.Contains(q, "place=mosul") {
		t.Errorf("Mosul's mark opened /events%s, want Mosul's events", q)
	}
}

// TestMapOnOwnVectorTiles: an archive of vector tiles, stored gzipped, is
// drawn with the style sitrep makes from its metadata: the land of its
// "earth" layer in the map's land colour on its sea.
func TestMapOnOwnVectorTiles(t *testing.T) {
	srv, asked := newTilesServer(t, vectorArchive(t))
	ctx := newBrowser(t, chromedp.Flag("disable-gpu", false), chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true), chromedp.Flag("ignore-gpu-blocklist", true))
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map")))
	if !eval[bool](t, ctx, `!!document.createElement('canvas').getContext('webgl2')`) {
		t.Fatal("no WebGL2 in headless Chromium with SwiftShader: the vector tiles cannot be drawn here")
	}
	waitTrue(t, ctx, `document.querySelector('.map.map--gl') !== null && document.querySelectorAll('.map-gl__mark').length > 0`, 30*time.Second)
	time.Sleep(1500 * time.Millisecond)
	type box struct{ X, Y, W, H float64 }
	b := eval[box](t, ctx, `(() => { const r = document.querySelector('.map__gl canvas').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height} })()`)
	viewportShot(t, ctx, "map-vector-tiles-1280-light.png")
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	// Mosul and Diyala are on land; the view, fitted to them, is most
	// of it land: count the map's pixels of the land colour.
	near := func(c color.Color, r, g, bl uint32) bool {
		cr, cg, cb, _ := c.RGBA()
		d := func(a, b uint32) uint32 { return max(a>>8, b) - min(a>>8, b) }
		return d(cr, r) < 6 && d(cg, g) < 6 && d(cb, bl) < 6
	}
	land, all := 0, 0
	for y := int(b.Y) + 4; y < int(b.Y+b.H)-4; y += 4 {
		for x := int(b.X) + 4; x < int(b.X+b.W)-4; x += 4 {
			all++
			if near(img.At(x, y), 0xf4, 0xf1, 0xea) {
				land++
			}
		}
	}
	if all == 0 || land*2 < all {
		t.Errorf("%d of %d sampled pixels of the map are land: the vector tiles were not drawn", land, all)
	}
	if got := asked(); !slices.ContainsFunc(got, func(u string) bool { return strings.Count(u, "/") == 4 }) {
		t.Errorf("no tile was asked for: %q", got)
	}
}

// vectorArchive is a PMTiles archive of vector tiles with one layer,
// "earth", of the built-in outlines' land, zooms 2 to 6 (the world to 4),
// each tile gzipped as real archives store them.
func vectorArchive(t *testing.T) []byte {
	t.Helper()
	out := map[[3]uint32][]byte{}
	for z := uint8(2); z <= 6; z++ {
		n := uint32(1) << z
		x0, x1, y0, y1 := uint32(0), n-1, uint32(0), n-1
		if z > 4 {
			x0, y1 = tileOf(28, 18, z)
			x1, y0 = tileOf(62, 46, z)
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				out[[3]uint32{uint32(z), x, y}] = tilestest.Gzip(t, landTile(t, z, x, y))
			}
		}
	}
	return tilestest.Archive{Tiles: out, Type: tiles.TypeMVT, TileCompression: tiles.CompressionGzip,
		InternalCompression: tiles.CompressionGzip, MinZoom: 2, MaxZoom: 6,
		Metadata: `{"name":"Test land","attribution":"Natural Earth","vector_layers":[{"id":"earth","fields":{}}]}`}.Bytes(t)
}

// landTile is one Mapbox Vector Tile (protobuf, written by hand): a layer
// "earth" of one polygon per ring of the outlines in the tile, each ring
// turned to run clockwise on screen, as the format's outer rings do.
func landTile(t *testing.T, z uint8, x, y uint32) []byte {
	const extent = 4096
	var geom []uint64
	var pen [2]int64
	for _, ring := range tileRings(t, z, x, y) {
		pts := make([][2]int64, 0, len(ring))
		for _, p := range ring {
			q := [2]int64{int64(math.Round(p[0] * extent / 256)), int64(math.Round(p[1] * extent / 256))}
			if len(pts) == 0 || pts[len(pts)-1] != q {
				pts = append(pts, q)
			}
		}
		if len(pts) < 3 {
			continue
		}
		var area int64
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			area += a[0]*b[1] - b[0]*a[1]
		}
		if area == 0 {
			continue
		}
		if area < 0 {
			slices.Reverse(pts)
		}
		// Every step, a ring's first too, is from where the pen last
		// stopped.
		zig := func(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }
		geom = append(geom, 1|1<<3, zig(pts[0][0]-pen[0]), zig(pts[0][1]-pen[1]))
		geom = append(geom, 2|uint64(len(pts)-1)<<3)
		for i := 1; i < len(pts); i++ {
			geom = append(geom, zig(pts[i][0]-pts[i-1][0]), zig(pts[i][1]-pts[i-1][1]))
		}
		geom = append(geom, 7|1<<3)
		pen = pts[len(pts)-1]
	}
	field := func(b []byte, num, wire uint64) []byte { return binary.AppendUvarint(b, num<<3|wire) }
	bytesField := func(b []byte, num uint64, v []byte) []byte {
		return append(binary.AppendUvarint(field(b, num, 2), uint64(len(v))), v...)
	}
	var packed []byte
	for _, g := range geom {
		packed = binary.AppendUvarint(packed, g)
	}
	var feature []byte
	feature = binary.AppendUvarint(field(feature, 3, 0), 3) // a polygon
	feature = bytesField(feature, 4, packed)
	var layer []byte
	layer = binary.AppendUvarint(field(layer, 15, 0), 2) // version 2
	layer = bytesField(layer, 1, []byte("earth"))
	if len(geom) > 0 {
		layer = bytesField(layer, 2, feature)
	}
	layer = binary.AppendUvarint(field(layer, 5, 0), extent)
	return bytesField(nil, 3, layer)
}

// TestMapOnOwnTilesWithoutWebGL: in a browser without WebGL the map of a
// deployment with tiles is the SVG map, and MapLibre is never fetched.
func TestMapOnOwnTilesWithoutWebGL(t *testing.T) {
	srv, tilesServed := newTilesServer(t, rasterArchive(t))
	ctx := newBrowser(t, chromedp.Flag("disable-webgl", true))
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	library := requestsTo(t, ctx, "/static/js/maplibre")
	for _, width := range []int64{desktopWidth, phoneWidth} {
		setViewport(t, ctx, width)
		run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map__svg")))
		if eval[bool](t, ctx, `!!document.createElement('canvas').getContext('webgl2')`) {
			t.Fatal("--disable-webgl left WebGL2 on: this test would not test the fallback")
		}
		time.Sleep(time.Second) // time for map.js to have decided
		if n := eval[int](t, ctx, `document.querySelectorAll('.map__mark').length`); n != 2 {
			t.Errorf("at %d px the SVG map shows %d marks, want Mosul and Diyala", width, n)
		}
		if eval[bool](t, ctx, `!document.querySelector('.map__gl').hidden || document.querySelector('.map.map--gl') !== null`) {
			t.Errorf("at %d px without WebGL the MapLibre map was started", width)
		}
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
			t.Errorf("at %d px the map page scrolls sideways", width)
		}
	}
	if got := library(); len(got) > 0 {
		t.Errorf("without WebGL the page still fetched %q", got)
	}
	if got := tilesServed(); len(got) > 0 {
		t.Errorf("without WebGL the page still asked for %q", got)
	}
}

// TestMapOnOwnTilesWithABrokenStyle: a style MapLibre cannot draw leaves
// the SVG map where it was.
func TestMapOnOwnTilesWithABrokenStyle(t *testing.T) {
	broken := []byte(`{"version":8,"sources":{"b":{"type":"raster","tiles":["/tiles/{z}/{x}/{y}"]}},"layers":[{"id":"x","type":"no such type","source":"b"}]}`)
	srv, _ := newTilesServer(t, rasterArchive(t), broken...)
	ctx := newBrowser(t, chromedp.Flag("disable-gpu", false), chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true), chromedp.Flag("ignore-gpu-blocklist", true))
	noExternalRequests(t, ctx, srv)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map__svg")))
	// The script marks a map it gave up on.
	waitTrue(t, ctx, `document.querySelector('.map__gl').hasAttribute('data-failed')`, 20*time.Second)
	if !eval[bool](t, ctx, `document.querySelector('.map__gl').hidden && document.querySelector('.map.map--gl') === null && document.querySelector('.map__svg').getBoundingClientRect().width > 300`) {
		t.Errorf("with a style MapLibre cannot draw, the SVG map is not what is shown")
	}
}

// viewportShot keeps a screenshot of the viewport, as screenshot does of
// the page: a full-page capture grows the viewport, and a WebGL canvas
// caught redrawing for its new size comes out blank.
func viewportShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SITREP_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name), png, 0o644)
	}
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
}

// waitTrue polls a JavaScript condition until it holds, failing the test
// after d.
func waitTrue(t *testing.T, ctx context.Context, cond string, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	for {
		if eval[bool](t, ctx, cond) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("after %v still not: %s", d, cond)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// requestsTo records the paths of requests whose path starts with prefix.
func requestsTo(t *testing.T, ctx context.Context, prefix string) func() []string {
	t.Helper()
	var (
		mu   sync.Mutex
		seen []string
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		e, ok := ev.(*network.EventRequestWillBeSent)
		if !ok || e.Request == nil {
			return
		}
		if u, err := url.Parse(e.Request.URL); err == nil && strings.HasPrefix(u.Path, prefix) {
			mu.Lock()
			seen = append(seen, u.RequestURI())
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listening for requests: %v", err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// newTilesServer starts sitrep with the demo data and the archive as its
// own tiles; tilesServed lists the requests for /tiles/ it answered.
func newTilesServer(t *testing.T, archive []byte, style ...byte) (srv *httptest.Server, tilesServed func() []string) {
	t.Helper()
	var served struct {
		mu    sync.Mutex
		paths []string
	}
	a, err := tiles.New(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("reading the test archive: %v", err)
	}
	logs := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("application log:\n%s", logs)
		}
	})
	s, err := app.Open(t.Context(), app.Config{
		DBPath: filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:   true,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Tiles:  a,
		// The deployer's own style, when given.
		TilesStyle: style,
	})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	// The tiles asked for, as this server saw them: vector tiles are
	// fetched by MapLibre's worker, whose requests the page's own
	// listener does not see (the policy's connect-src 'self' keeps them
	// on this host).
	h := s.Handler()
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/tiles/") {
			served.mu.Lock()
			served.paths = append(served.paths, r.URL.RequestURI())
			served.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return srv, func() []string {
		served.mu.Lock()
		defer served.mu.Unlock()
		return slices.Clone(served.paths)
	}
}

// rasterArchive is a PMTiles v3 archive of PNG tiles, zooms 2 to 7: the
// whole world to zoom 4, and around Iraq, where the worked example is,
// below that. Each tile is the built-in outlines at that place, filled.
func rasterArchive(t *testing.T) []byte {
	t.Helper()
	sea, land, border := color.RGBA{0xdc, 0xe8, 0xf0, 0xff}, color.RGBA{0xf4, 0xf1, 0xea, 0xff}, color.RGBA{0xb9, 0xb2, 0xa5, 0xff}
	drawn := map[[3]uint32][]byte{}
	for z := uint8(2); z <= 7; z++ {
		n := uint32(1) << z
		x0, x1, y0, y1 := uint32(0), n-1, uint32(0), n-1
		if z > 4 {
			x0, y1 = tileOf(28, 18, z)
			x1, y0 = tileOf(62, 46, z)
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				drawn[[3]uint32{uint32(z), x, y}] = drawTile(t, z, x, y, sea, land, border)
			}
		}
	}
	return tilestest.Archive{Tiles: drawn, Type: tiles.TypePNG, TileCompression: tiles.CompressionNone,
		InternalCompression: tiles.CompressionGzip, MinZoom: 2, MaxZoom: 7,
		Metadata: `{"name":"Test outlines","attribution":"Natural Earth"}`}.Bytes(t)
}

// tileOf is the tile at zoom z holding lon, lat.
func tileOf(lon, lat float64, z uint8) (uint32, uint32) {
	n := math.Exp2(float64(z))
	r := lat * math.Pi / 180
	return uint32((lon + 180) / 360 * n), uint32((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
}

// drawTile fills the land of the built-in outlines in one 256-pixel
// tile: the outlines' world is four times a tile's at the same zoom, so
// tile zoom z is their zoom z-2.
func drawTile(t *testing.T, z uint8, x, y uint32, sea, land, border color.Color) []byte {
	img := image.NewPaletted(image.Rect(0, 0, 256, 256), color.Palette{sea, land, border})
	// Even-odd fill of the rings, row by row at pixel centres.
	type edge struct{ x0, y0, x1, y1 float64 }
	var edges []edge
	for _, pts := range tileRings(t, z, x, y) {
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			edges = append(edges, edge{a[0], a[1], b[0], b[1]})
		}
	}
	var xs []float64
	for row := range 256 {
		cy := float64(row) + 0.5
		xs = xs[:0]
		for _, e := range edges {
			if (e.y0 <= cy) != (e.y1 <= cy) {
				xs = append(xs, e.x0+(cy-e.y0)/(e.y1-e.y0)*(e.x1-e.x0))
			}
		}
		sort.Float64s(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			for col := max(0, int(math.Ceil(xs[i]-0.5))); col < 256 && float64(col)+0.5 < xs[i+1]; col++ {
				img.SetColorIndex(col, row, 1)
			}
		}
	}
	// The outlines over the fill: each edge stepped along a pixel at a
	// time.
	for _, e := range edges {
		steps := int(math.Max(math.Abs(e.x1-e.x0), math.Abs(e.y1-e.y0))) + 1
		for i := 0; i <= steps; i++ {
			f := float64(i) / float64(steps)
			px, py := int(e.x0+f*(e.x1-e.x0)), int(e.y0+f*(e.y1-e.y0))
			if px >= 0 && px < 256 && py >= 0 && py < 256 {
				img.SetColorIndex(px, py, 2)
			}
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tileRings are the built-in outlines' rings in one 256-pixel tile, in
// its pixels: the outlines' world is four times a tile's at the same
// zoom, so tile zoom z is their zoom z-2.
func tileRings(t *testing.T, z uint8, x, y uint32) [][][2]float64 {
	n := math.Exp2(float64(z))
	lon := (float64(x)+0.5)/n*360 - 180
	lat := math.Atan(math.Sinh(math.Pi*(1-2*(float64(y)+0.5)/n))) * 180 / math.Pi
	path, err := geo.LandPath(geo.View{Center: geo.Point{Lon: lon, Lat: lat}, Zoom: int(z) - 2, Width: 256, Height: 256})
	if err != nil {
		t.Fatalf("outlines for tile %d/%d/%d: %v", z, x, y, err)
	}
	var rings [][][2]float64
	for ring := range strings.SplitSeq(path, "Z") {
		var pts [][2]float64
		for cmd := range strings.FieldsFuncSeq(ring, func(r rune) bool { return r == 'M' || r == 'L' }) {
			f := strings.Fields(cmd)
			if len(f) != 2 {
				continue
			}
			px, _ := strconv.ParseFloat(f[0], 64)
			py, _ := strconv.ParseFloat(f[1], 64)
			pts = append(pts, [2]float64{px, py})
		}
		if len(pts) > 0 {
			rings = append(rings, pts)
		}
	}
	return rings
}
