package server

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// cacheHarness serves pages through the response cache the way New wires
// it: the data version set before it, the compressor after it.
type cacheHarness struct {
	e       *echo.Echo
	s       *Server
	version atomic.Int64
	renders atomic.Int64
}

// newCacheHarness keeps bodies in a spill store, as a server beside its
// database does.
func newCacheHarness(t *testing.T, maxBytes int) *cacheHarness {
	t.Helper()
	cache, err := newResponseCache(maxBytes, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := &cacheHarness{e: echo.New(), s: &Server{cache: cache, cfg: Config{BaseURL: "https://sitrep.test"}}}
	h.e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(versionKey, h.version.Load())
			return next(c)
		}
	})
	h.e.Use(h.s.cacheResponses)
	h.e.Use(middleware.Gzip())
	rng := rand.New(rand.NewPCG(1, 2))
	filler := make([]byte, 8000)
	for i := range filler {
		filler[i] = byte('a' + rng.IntN(26))
	}
	h.e.GET("/page", func(c echo.Context) error {
		n := h.renders.Add(1)
		return c.HTML(http.StatusOK, fmt.Sprintf("<p>%s as of %d, render %d</p>%s", c.QueryParam("q"), h.version.Load(), n, filler))
	})
	h.e.GET("/missing", func(c echo.Context) error { return echo.ErrNotFound })
	h.e.GET("/tagged", func(c echo.Context) error {
		h.renders.Add(1)
		q := c.QueryParam("q")
		c.Response().Header().Set("ETag", `W/"`+q+`"`)
		c.Response().Header().Set("Cache-Control", "public, max-age=60")
		c.Response().Header().Add("Vary", "Cookie")
		return c.HTML(http.StatusOK, "<p>"+q+"</p>"+string(filler))
	})
	return h
}

func (h *cacheHarness) get(t *testing.T, target string, gzipOK bool) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if gzipOK {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	h.e.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		if !gzipOK {
			t.Fatalf("GET %s without Accept-Encoding: gzip came back compressed", target)
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return rec.Code, string(body)
}

func TestResponseCacheServesUntilTheDataChanges(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	_, first := h.get(t, "/page?q=mosul", true)
	_, again := h.get(t, "/page?q=mosul", true)
	_, plain := h.get(t, "/page?q=mosul", false)
	if again != first || plain != first {
		t.Errorf("a repeated request was rendered again: %q, then %q and %q", first[:40], again[:40], plain[:40])
	}
	if n := h.renders.Load(); n != 1 {
		t.Errorf("three requests for one address at one version rendered %d times, want 1", n)
	}
	if _, other := h.get(t, "/page?q=raqqa", true); !strings.HasPrefix(other, "<p>raqqa") {
		t.Errorf("another address got %q", other[:40])
	}
	h.version.Add(1) // a publish
	if _, after := h.get(t, "/page?q=mosul", false); !strings.Contains(after, "as of 1,") {
		t.Errorf("after the data changed the page still reads %q", after[:40])
	}
	if code, _ := h.get(t, "/missing", true); code != http.StatusNotFound {
		t.Errorf("a missing page answered %d", code)
	}
	h.get(t, "/missing", true)
	// An error page goes straight through the cache: a client that takes
	// no gzip must not get it compressed (get fails the test if it does).
	if code, _ := h.get(t, "/missing", false); code != http.StatusNotFound {
		t.Errorf("a missing page without gzip answered %d", code)
	}
	if n := h.s.cache.entries.EstimatedSize(); n != 2 {
		t.Errorf("the cache holds %d entries, want 2 (errors are never kept)", n)
	}
}

// Pages kept keep their headers once for all of them, and each is still
// served with its own ETag.
func TestKeptPagesShareTheirHeaders(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	send := func(q string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/tagged?q="+q, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.e.ServeHTTP(rec, req)
		return rec
	}
	for _, q := range []string{"mosul", "raqqa"} {
		send(q)
	}
	for _, q := range []string{"mosul", "raqqa"} {
		rec := send(q)
		if got, want := rec.Header().Get("ETag"), `W/"`+q+`"`; got != want {
			t.Errorf("%s served from the cache with ETag %s, want %s", q, got, want)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("%s served from the cache with Cache-Control %q", q, got)
		}
		if got := rec.Header().Values("Vary"); !slices.Contains(got, "Cookie") {
			t.Errorf("%s served from the cache with Vary %q, want Cookie among them", q, got)
		}
	}
	if n := h.renders.Load(); n != 2 {
		t.Fatalf("two pages asked for twice each were rendered %d times, want 2", n)
	}
	kept := func(q string) *cachedResponse {
		for key, r := range h.s.cache.entries.All() {
			if strings.Contains(key, "/tagged?q="+q+"\x00") {
				return r
			}
		}
		t.Fatalf("page %s is not kept", q)
		return nil
	}
	a, b := kept("mosul"), kept("raqqa")
	if reflect.ValueOf(a.header).UnsafePointer() != reflect.ValueOf(b.header).UnsafePointer() {
		t.Errorf("two pages with the same headers but their ETags keep a copy each")
	}
	if _, ok := a.header["Etag"]; ok {
		t.Errorf("the shared headers hold a page's ETag")
	}
}

func TestResponseCacheStaysWithinItsBound(t *testing.T) {
	const bound = 200_000
	h := newCacheHarness(t, bound)
	for i := range 2000 {
		h.get(t, fmt.Sprintf("/page?q=flood-%d", i), i%2 == 0)
	}
	h.s.cache.entries.CleanUp()
	if w := h.s.cache.entries.WeightedSize(); w > bound {
		t.Errorf("after 2,000 distinct addresses the cache weighs %d bytes, over its bound of %d", w, bound)
	}
	if n := h.s.cache.entries.EstimatedSize(); n == 0 || n >= 2000 {
		t.Errorf("the cache holds %d entries after a flood of 2,000; want some, evicted down to the bound", n)
	}
	// The bodies are in the spill store, which frees those pushed out
	// (told on a goroutine of the cache's own).
	deadline := time.Now().Add(5 * time.Second)
	for {
		live, segments := h.s.cache.spill.Stats()
		if live > 0 && live <= bound && segments <= 2*(bound/responseSegmentBytes)+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the spill store keeps %d bytes of bodies in %d segments, want some and no more than the bound of %d", live, segments, bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Without a spill store, bodies are kept in the heap, and served the same.
func TestResponseCacheWithoutASpillStore(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	cache, err := newResponseCache(DefaultCacheBytes, "")
	if err != nil {
		t.Fatal(err)
	}
	h.s.cache = cache
	_, first := h.get(t, "/page?q=heap", true)
	_, again := h.get(t, "/page?q=heap", false)
	if first != again || h.renders.Load() != 1 {
		t.Errorf("a page kept in the heap was rendered %d times, served as %.40q then %.40q", h.renders.Load(), first, again)
	}
}

// TestResponseCacheKeepsNoBodyItsStoreRefuses: with a spill store the
// cache is bounded by itself, not the governor, so a body the store
// cannot take (larger than a segment) is not kept in the heap instead.
func TestResponseCacheKeepsNoBodyItsStoreRefuses(t *testing.T) {
	cache, err := newResponseCache(DefaultCacheBytes, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.spill.Close() })
	if cache.spill == nil {
		t.Fatal("no spill store in a folder files can be made in")
	}
	cache.keep("big", &cachedResponse{version: 1, gzipped: make([]byte, responseSegmentBytes+1)})
	cache.keep("small", &cachedResponse{version: 1, gzipped: []byte("\x1f\x8b page")})
	cache.entries.CleanUp()
	if _, ok := cache.entries.GetIfPresent("big"); ok {
		t.Error("a body larger than a segment was kept in the heap")
	}
	r, ok := cache.entries.GetIfPresent("small")
	if !ok || r.gzipped != nil || r.kept.Len() == 0 {
		t.Fatalf("a small body was not kept in the store (kept %v, in the heap %v)", ok, ok && r.gzipped != nil)
	}
	b, release, ok := cache.body(r)
	if !ok || string(b) != "\x1f\x8b page" {
		t.Errorf("the small body reads %q, %v", b, ok)
	}
	if ok {
		release()
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "br, gzip;q=0.8": true, "GZIP": true, "gzip;q=0": false, "identity": false, "*": true, "deflate, br": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// A page warming asked for is kept for readers when the site has a base
// URL, which its key and links name whoever asks; without one, both name
// the host asked for, which a warming request has none of, so the page
// would take up room that no reader's request would ever find.
func TestWarmedPagesAreKeptOnlyUnderTheBaseURL(t *testing.T) {
	for _, base := range []string{"https://sitrep.test", ""} {
		h := newCacheHarness(t, DefaultCacheBytes)
		h.s.hosts = newHosts(Config{BaseURL: base})
		req := httptest.NewRequest(http.MethodGet, "/page?q=mosul", nil)
		req = req.WithContext(context.WithValue(req.Context(), warmingKey{}, true))
		req.Header.Set("Accept-Encoding", "gzip")
		h.e.ServeHTTP(&discardResponse{}, req)
		_, body := h.get(t, "/page?q=mosul", true)
		kept := strings.Contains(body, "render 1</p>")
		if want := base != ""; kept != want {
			t.Errorf("base URL %q: a reader was served the warmed page: %v, want %v (%q)", base, kept, want, body[:40])
		}
		if n := h.s.cache.entries.EstimatedSize(); n != 1 {
			t.Errorf("base URL %q: the cache holds %d entries, want 1", base, n)
		}
	}
}

// gatedPage is a route of the cache harness whose renders wait at a gate:
// entered has a value each time one begins, and each waits until release
// is closed. fail says whether a render answers with an error.
func (h *cacheHarness) gatedPage(path string, fail func(render int64) bool) (entered chan int64, release chan struct{}) {
	entered, release = make(chan int64, 64), make(chan struct{})
	h.e.GET(path, func(c echo.Context) error {
		n := h.renders.Add(1)
		entered <- n
		<-release
		if fail(n) {
			return echo.NewHTTPError(http.StatusServiceUnavailable, "busy")
		}
		return c.HTML(http.StatusOK, fmt.Sprintf("<p>render %d</p>", n))
	})
	return entered, release
}

// getAll asks for target from n readers at once while the first's render
// waits at the gate, and returns what each was served.
func (h *cacheHarness) getAll(t *testing.T, target string, n int, entered chan int64, release chan struct{}) []string {
	t.Helper()
	bodies := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	get := func(i int) {
		defer wg.Done()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.e.ServeHTTP(rec, req)
		codes[i] = rec.Code
		body := rec.Body.String()
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(rec.Body)
			if err == nil {
				b, _ := io.ReadAll(zr)
				body = string(b)
			}
		}
		bodies[i] = body
	}
	wg.Add(1)
	go get(0)
	<-entered
	for i := 1; i < n; i++ {
		wg.Add(1)
		go get(i)
	}
	// The others are let in while the first render is held. One that
	// reaches the cache only after it is let go finds its page kept.
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, code := range codes {
		bodies[i] = fmt.Sprintf("%d %s", code, bodies[i])
	}
	return bodies
}

// Readers who ask for a page that is not kept while it is being made
// (every reader of a popular page, just after a write) are all sent the
// one rendering, not each their own one after another.
func TestReadersOfOnePageShareItsRendering(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	entered, release := h.gatedPage("/busy", func(int64) bool { return false })
	bodies := h.getAll(t, "/busy?embed=1", 12, entered, release)
	if n := h.renders.Load(); n != 1 {
		t.Errorf("12 readers at once: the page was rendered %d times, want once", n)
	}
	for i, b := range bodies {
		if b != "200 <p>render 1</p>" {
			t.Errorf("reader %d was served %q, want the first rendering", i, b)
		}
	}
}

// What cannot be kept (here an error) is not shared either: each reader
// waiting for it makes its own page.
func TestReadersDoNotShareAnErrorPage(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	entered, release := h.gatedPage("/flaky", func(n int64) bool { return n == 1 })
	bodies := h.getAll(t, "/flaky", 4, entered, release)
	if !strings.HasPrefix(bodies[0], "503 ") {
		t.Errorf("the first reader was served %q, want its own error", bodies[0])
	}
	for i, b := range bodies[1:] {
		if !strings.HasPrefix(b, "200 <p>render ") {
			t.Errorf("reader %d was served %q after the first got an error; want a page of its own", i+1, b)
		}
	}
}

// A reader who goes away while its page is being made (its queries then
// fail) does not leave the others who waited for it without a page: one
// of them makes it, for all of them.
func TestReadersGoOnWhenTheFirstGoesAway(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	entered, release := make(chan int64, 64), make(chan struct{})
	h.e.GET("/busy", func(c echo.Context) error {
		n := h.renders.Add(1)
		entered <- n
		if n == 1 {
			<-release
		}
		if err := c.Request().Context().Err(); err != nil {
			return err
		}
		return c.HTML(http.StatusOK, fmt.Sprintf("<p>render %d</p>", n))
	})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{})
	go func() {
		defer close(first)
		req := httptest.NewRequest(http.MethodGet, "/busy", nil).WithContext(ctx)
		req.Header.Set("Accept-Encoding", "gzip")
		h.e.ServeHTTP(httptest.NewRecorder(), req)
	}()
	<-entered
	bodies := make([]string, 8)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, body := h.get(t, "/busy", true)
			bodies[i] = fmt.Sprintf("%d %s", code, body)
		}()
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	close(release)
	<-first
	wg.Wait()
	if n := h.renders.Load(); n != 2 {
		t.Errorf("the first reader went away: the page was rendered %d times in all, want twice (its own and one for the rest)", n)
	}
	for i, b := range bodies {
		if b != "200 <p>render 2</p>" {
			t.Errorf("reader %d was served %q, want the second rendering", i, b)
		}
	}
}

// A page being made takes a buffer to hold its body back only when it
// writes: while it waits its turn to render (limitRendering, inside the
// cache), sixty-four readers holding buffers grown for earlier pages kept
// megabytes live. A 200 with no body at all, whose capture never took a
// buffer, still reaches its reader as one.
func TestCaptureTakesItsBufferAtTheFirstWrite(t *testing.T) {
	h := newCacheHarness(t, DefaultCacheBytes)
	var heldBefore atomic.Bool
	h.e.GET("/late", func(c echo.Context) error {
		w := c.Response().Writer
		for {
			if cw, ok := w.(*captureWriter); ok {
				heldBefore.Store(cw.buf != nil)
				break
			}
			u, ok := w.(interface{ Unwrap() http.ResponseWriter })
			if !ok {
				t.Errorf("no capture under the handler's writer %T", c.Response().Writer)
				break
			}
			w = u.Unwrap()
		}
		return c.HTML(http.StatusOK, "<p>late</p>")
	})
	h.e.GET("/empty", func(c echo.Context) error { return c.NoContent(http.StatusOK) })

	if code, body := h.get(t, "/late", true); code != http.StatusOK || body != "<p>late</p>" {
		t.Fatalf("GET /late: %d %q", code, body)
	}
	if heldBefore.Load() {
		t.Error("the capture held a buffer before the page wrote anything")
	}
	for i := range 2 {
		if code, body := h.get(t, "/empty", true); code != http.StatusOK || body != "" {
			t.Errorf("GET /empty (%d): %d %q, want 200 and no body", i, code, body)
		}
	}
}

// pageSecurityHeaders names every header securityHeaders sets, so that a
// 304 leaves none of them behind: a header added to one and not the other
// fails here.
func TestPageSecurityHeadersNameWhatSecurityHeadersSets(t *testing.T) {
	s := &Server{hosts: &hosts{}}
	e := echo.New()
	for _, target := range []string{"/events", "/embed/timelines/x"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.TLS = &tls.ConnectionState{} // HSTS is set over HTTPS only
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		c.SetPath(target)
		if err := s.securityHeaders(func(echo.Context) error { return nil })(c); err != nil {
			t.Fatal(err)
		}
		if len(rec.Header()) == 0 {
			t.Fatalf("securityHeaders set nothing on %s", target)
		}
		for k := range rec.Header() {
			if !slices.Contains(pageSecurityHeaders, k) {
				t.Errorf("securityHeaders sets %s on %s, which pageSecurityHeaders does not name: a 304 would keep it", k, target)
			}
		}
	}
}
