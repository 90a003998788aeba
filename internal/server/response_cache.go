package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"

	"github.com/sitrep/sitrep/internal/spill"
)

// DefaultCacheBytes bounds the response cache unless configured otherwise.
const DefaultCacheBytes = 64 << 20

// maxCachedBody is the largest compressed response kept; a larger one
// (an unusually long page) is served as it is made.
const maxCachedBody = 1 << 20

// versionKey is where conditionalGet leaves the data version it read, so
// the cache need not read it again.
const versionKey = "sitrep.version"

// cachedResponse is one public response, compressed, as of a version of
// the data.
type cachedResponse struct {
	version int64
	// header is the response's headers but its ETag: the same for every
	// page of a kind, so kept once for all of them (headerSets). Its
	// values are never changed, only replaced.
	header http.Header
	// etag is the ETag header's value, the one header each page has its
	// own of.
	etag []string
	// gzipped is the body, or kept names it in the cache's spill store.
	gzipped []byte
	kept    spill.Ref
	// immutable is set for a response its Cache-Control says never changes.
	immutable bool
}

// responseCache keeps public GET responses in memory, compressed once, up
// to a fixed number of bytes. An entry serves requests for the same
// address and variant while the data version it was made at is current;
// a publish moves the version on, so the next request renders afresh and
// replaces it. A flood of distinct addresses only evicts older entries:
// the bound holds whatever readers ask for.
type responseCache struct {
	entries *otter.Cache[string, *cachedResponse]
	// flight joins requests that miss the same page at once (cacheResponses).
	flight singleflight.Group
	// spill keeps the bodies out of the heap when there is one (nil
	// otherwise): a kept page is written to its reader from the page
	// cache, and the heap keeps only its headers.
	spill *spill.Store
	tidy  spill.Tidier
	// headers are the header sets kept pages share.
	headers headerSets
}

// headerSets keeps one copy of each set of headers kept pages are sent
// with, but their ETags. Every list page has the same seven, and each
// page kept with a map of its own took about a kilobyte of the heap: at
// a million events, with the bodies in the spill store, the headers of
// the pages kept were 8 of the 65 MB of live heap sitrep had within 135 MB.
type headerSets struct {
	mu   sync.Mutex
	sets map[string]http.Header
}

// maxHeaderSets bounds the sets kept: a few kinds of page make a few
// sets, and a header that varied page by page would make a set per page.
const maxHeaderSets = 64

// share returns h, or a set of the same headers already kept.
func (hs *headerSets) share(h http.Header) http.Header {
	var key strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		key.WriteString(k)
		for _, v := range h[k] {
			key.WriteByte(0)
			key.WriteString(v)
		}
		key.WriteByte(1)
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if kept, ok := hs.sets[key.String()]; ok {
		return kept
	}
	if len(hs.sets) < maxHeaderSets {
		if hs.sets == nil {
			hs.sets = map[string]http.Header{}
		}
		hs.sets[key.String()] = h
	}
	return h
}

// Bodies are kept in segments of 8 MB, twice the cache's bound of them:
// room for bodies replaced, or pushed out while still being sent, before
// their segments close.
const responseSegmentBytes = 8 << 20

// newResponseCache makes a cache of maxBytes, its bodies kept in files in
// spillDir ("" for none; the heap when none can be made there).
func newResponseCache(maxBytes int, spillDir string) (*responseCache, error) {
	if maxBytes <= 0 {
		return nil, nil
	}
	rc := &responseCache{}
	if spillDir != "" {
		// Without a store, bodies are kept in the heap.
		rc.spill, _ = spill.Open(spillDir, responseSegmentBytes, 2*(maxBytes/responseSegmentBytes)+2)
	}
	c, err := otter.New(&otter.Options[string, *cachedResponse]{
		MaximumWeight: uint64(maxBytes),
		// A body pushed out or replaced gives its space in the store up;
		// readers being sent it hold their views.
		OnDeletion: func(e otter.DeletionEvent[string, *cachedResponse]) { rc.spill.Free(e.Value.kept) },
		// The headers are shared (headerSets): an entry's own are its
		// key, its ETag and the entry itself.
		Weigher: func(key string, r *cachedResponse) uint32 {
			n := len(key) + r.size() + 256
			for _, v := range r.etag {
				n += len(v)
			}
			return uint32(n)
		},
	})
	if err != nil {
		rc.spill.Close()
		return nil, err
	}
	rc.entries = c
	return rc, nil
}

// close lets go of the store's files; a nil cache has none.
func (c *responseCache) close() error {
	if c == nil {
		return nil
	}
	return c.spill.Close()
}

// size is the body's length in bytes.
func (r *cachedResponse) size() int {
	if r.gzipped == nil {
		return r.kept.Len()
	}
	return len(r.gzipped)
}

// keep keeps r under key: its body moved to the spill store when there is
// one. r itself is not changed: the requests it was made for are still
// sending it. A body the store refuses (full, or larger than a segment)
// is not kept: the governor does not bound this cache when it has a
// store, so the heap must not take the body instead; the next reader
// makes the page again.
func (c *responseCache) keep(key string, r *cachedResponse) {
	kept := r
	if c.spill != nil && len(r.gzipped) > 0 {
		ref, ok := c.spill.Put(r.gzipped)
		if !ok {
			c.tidy.Refused(c.spill, c.moveOut)
			return
		}
		moved := *r
		moved.gzipped, moved.kept = nil, ref
		kept = &moved
		c.tidy.Maybe(c.spill, c.moveOut)
	}
	c.entries.Set(key, kept)
}

// body returns r's body and what to call once it is sent, or ok false
// when the store no longer keeps it (r was replaced or pushed out since
// it was found).
func (c *responseCache) body(r *cachedResponse) (b []byte, release func(), ok bool) {
	if r.gzipped != nil {
		return r.gzipped, func() {}, true
	}
	v, ok := c.spill.View(r.kept)
	if !ok {
		return nil, nil, false
	}
	return v.Bytes, v.Release, true
}

// inHeap is r with its body in the heap, for requests that wait for
// another's rendering and would otherwise find it pushed out.
func (c *responseCache) inHeap(r *cachedResponse) (*cachedResponse, bool) {
	b, release, ok := c.body(r)
	if !ok {
		return nil, false
	}
	defer release()
	copied := *r
	copied.gzipped, copied.kept = bytes.Clone(b), spill.Ref{}
	return &copied, true
}

// moveOut moves the bodies kept in segments of the spill store being
// emptied (spill.Tidier) to its current one.
func (c *responseCache) moveOut() {
	for key, r := range c.entries.All() {
		c.spill.Move(r.kept, func(to spill.Ref) bool {
			moved := *r
			moved.kept = to
			got, _ := c.entries.Compute(key, func(old *cachedResponse, found bool) (*cachedResponse, otter.ComputeOp) {
				if !found || old != r {
					return old, otter.CancelOp
				}
				return &moved, otter.WriteOp
			})
			return got == &moved
		})
	}
}

// cacheResponses serves public GET responses from the cache, and fills it.
// It runs after conditionalGet, so it only sees requests that one found
// cacheable and did not answer with 304, and before the compressor: the
// compressed body is what is kept, and a client that takes no gzip gets it
// inflated.
//
// Requests for the same page that miss at once are answered by one
// rendering. Every write moves the version on, and a page many readers
// have open (an embed on a newsroom's front page) is then asked for by
// all of them within milliseconds: each used to render it, one after
// another through the render slots, and the last waited for them all. At
// a million events, with 64 readers of one list and a write each second,
// that took the list's 99th percentile from 22 ms to 117–166 ms; shared,
// it stays at 19–22 ms. What the first rendered is shared exactly as the
// cache would share it a moment later, and nothing else.
func (s *Server) cacheResponses(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cache == nil {
		return next
	}
	return func(c echo.Context) error {
		version, ok := c.Get(versionKey).(int64)
		if !ok || strings.HasPrefix(c.Request().URL.Path, "/api/v1/export") {
			return next(c)
		}
		req := c.Request()
		key := req.Method + " " + s.absURL(c, req.URL.RequestURI()) + "\x00" + req.Header.Get("HX-Request") + "\x00" + req.Header.Get("HX-Target")
		gzipOK := acceptsGzip(req.Header.Get(echo.HeaderAcceptEncoding))
		if hit, ok := s.cache.kept(key, version); ok {
			if served, err := s.cache.serveKept(c, hit, gzipOK); served {
				return err
			}
		}
		if !gzipOK {
			// Its page is made uncompressed, which is not kept or shared.
			return s.respond(c, next, key, version)
		}
		// A request whose reader went away while it made the page leaves
		// the others without one: they try again, one of them making it.
		for range maxFlights {
			var own *made
			shared, gone, _ := s.cache.flight.Do(key+"\x00"+strconv.FormatInt(version, 10), func() (any, error) {
				// Another request may have kept the page since this one
				// missed. The others are given it in the heap: once kept it
				// may be pushed out before they send it.
				if hit, ok := s.cache.kept(key, version); ok {
					if inHeap, ok := s.cache.inHeap(hit); ok {
						return inHeap, nil
					}
				}
				own = s.make(c, next, key, version)
				if err := req.Context().Err(); err != nil && !own.shareable {
					return (*cachedResponse)(nil), err
				}
				if !own.shareable {
					return (*cachedResponse)(nil), nil
				}
				return own.entry, nil
			})
			if own != nil {
				return own.send(c)
			}
			if entry := shared.(*cachedResponse); entry != nil {
				// Shared in the heap, so always served; were its body ever
				// in the store and gone, this request makes its own page
				// rather than answer with none.
				if served, err := s.cache.serveKept(c, entry, true); served {
					return err
				}
				break
			}
			if gone == nil || req.Context().Err() != nil {
				break
			}
		}
		// What the other request made could not be shared (an error page,
		// a streamed or oversized body): this one makes its own.
		return s.respond(c, next, key, version)
	}
}

// maxFlights is how many times a request waits for another to make the
// page it asked for before it makes its own.
const maxFlights = 3

// kept returns the response kept for key that still holds at version.
func (c *responseCache) kept(key string, version int64) (*cachedResponse, bool) {
	hit, ok := c.entries.GetIfPresent(key)
	// An immutable response (an embed pinned to a past moment) stays
	// good whatever is published later.
	return hit, ok && (hit.version == version || hit.immutable)
}

// serveKept answers from a kept or shared response, or with 304 when it is
// immutable and the client holds it already. served is false, and nothing
// is written, when the response's body is no longer kept.
func (rc *responseCache) serveKept(c echo.Context, hit *cachedResponse, gzipOK bool) (served bool, err error) {
	if hit.immutable && len(hit.etag) > 0 && etagMatch(c.Request().Header.Get("If-None-Match"), hit.etag[0]) {
		// Its validator is its own, not the data version's that
		// conditionalGet compared.
		h := c.Response().Header()
		h["Etag"] = hit.etag
		for _, k := range []string{"Cache-Control", echo.HeaderVary} {
			h[k] = hit.header.Values(k)
		}
		return true, c.NoContent(http.StatusNotModified)
	}
	body, release, ok := rc.body(hit)
	if !ok {
		return false, nil
	}
	defer release()
	return true, serveCached(c, hit, body, gzipOK)
}

// made is a page rendered by make for the cache.
type made struct {
	// entry is the page compressed with the headers kept with it, nil
	// when the response went to the client as it was written (another
	// status than 200, a streamed or oversized body).
	entry *cachedResponse
	// shareable says entry may be kept and sent to other requests.
	shareable bool
	// header is the response's, to send entry with.
	header http.Header
	err    error
}

// respond makes the page and sends it.
func (s *Server) respond(c echo.Context, next echo.HandlerFunc, key string, version int64) error {
	return s.make(c, next, key, version).send(c)
}

// make renders the page into a held-back buffer and keeps it when it may
// be kept.
func (s *Server) make(c echo.Context, next echo.HandlerFunc, key string, version int64) *made {
	req, res := c.Request(), c.Response()
	capture := &captureWriter{ResponseWriter: res.Writer}
	defer capture.free()
	res.Writer = capture
	// Only a client that takes gzip is asked to get it: whatever the
	// capture does not hold back (an error page, a streamed or large
	// body) reaches the client as the compressor wrote it. A client
	// without gzip is served kept pages inflated but keeps none itself.
	accept := req.Header.Get(echo.HeaderAcceptEncoding)
	gzipOK := acceptsGzip(accept)
	if gzipOK {
		req.Header.Set(echo.HeaderAcceptEncoding, "gzip")
	}
	err := next(c)
	req.Header.Set(echo.HeaderAcceptEncoding, accept)
	res.Writer = capture.ResponseWriter
	if capture.passthrough || !capture.wrote {
		return &made{err: err}
	}
	// A complete 200 response, held back so far. A warming request's
	// is kept only when the site has a base URL: without one, a page's
	// key and links name the host it was asked for, and a warming
	// request names none a reader would, so its page would only take
	// up room.
	h := res.Header()
	m := &made{entry: &cachedResponse{version: version, gzipped: capture.held(), header: http.Header{}}, header: h, err: err}
	m.shareable = err == nil && h.Get("Set-Cookie") == "" && h.Get(echo.HeaderContentEncoding) == "gzip" &&
		(!warming(req.Context()) || s.hosts.baseURL() != "")
	if m.shareable {
		for _, k := range []string{echo.HeaderContentType, echo.HeaderContentEncoding, "Cache-Control", echo.HeaderVary, "Link",
			"Content-Language", echo.HeaderAccessControlAllowOrigin} {
			if v := h.Values(k); len(v) > 0 {
				// Clipped: a response served from the entry that adds
				// to one of these copies it rather than writing into
				// what other pages share.
				m.entry.header[http.CanonicalHeaderKey(k)] = slices.Clip(v)
			}
		}
		m.entry.header = s.cache.headers.share(m.entry.header)
		if v := h.Values("ETag"); len(v) > 0 {
			m.entry.etag = slices.Clip(v)
		}
		m.entry.immutable = strings.Contains(h.Get("Cache-Control"), "immutable")
		s.cache.keep(key, m.entry)
	}
	return m
}

// send writes what make held back to the client that asked for it.
func (m *made) send(c echo.Context) error {
	if m.entry == nil {
		return m.err
	}
	gzipOK := acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding))
	return writeBody(c.Response().Writer, m.header, m.entry.gzipped, gzipOK && m.header.Get(echo.HeaderContentEncoding) == "gzip")
}

// serveCached answers from a kept response, with the headers it was sent
// with: its ETag and Cache-Control belong to the same address and data
// version, so they hold for this request too.
func serveCached(c echo.Context, r *cachedResponse, gzipped []byte, gzipOK bool) error {
	res := c.Response()
	h := res.Header()
	for k, v := range r.header {
		h[k] = v
	}
	if r.etag != nil {
		h["Etag"] = r.etag
	}
	if gzipOK {
		h.Set(echo.HeaderContentLength, strconv.Itoa(len(gzipped)))
		res.WriteHeader(http.StatusOK)
		_, err := res.Write(gzipped)
		return err
	}
	h.Del(echo.HeaderContentEncoding)
	body, err := gunzip(gzipped)
	if err != nil {
		return err
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	res.WriteHeader(http.StatusOK)
	_, err = res.Write(body)
	return err
}

// writeBody sends a response the capture held back, as the client takes it.
func writeBody(w http.ResponseWriter, h http.Header, gzipped []byte, gzipOK bool) error {
	body := gzipped
	if !gzipOK && h.Get(echo.HeaderContentEncoding) == "gzip" {
		var err error
		if body, err = gunzip(gzipped); err != nil {
			return err
		}
		h.Del(echo.HeaderContentEncoding)
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// acceptsGzip reports whether an Accept-Encoding header takes gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// captureWriter holds back a 200 response so it can be kept. Anything else
// — another status, a body past maxCachedBody, a flush (a streamed
// response) — goes straight through to the client from then on.
type captureWriter struct {
	http.ResponseWriter
	// buf holds the body back; it is a pooled buffer (render.go), taken
	// at the first write and free again once the response is kept or let
	// through. Taken sooner, it was held by every request waiting for a
	// turn to render (limitRendering), each buffer as large as the largest
	// page it had been grown for: sixty-four readers of a force's
	// estimates kept some 16 MB of them live.
	buf         *bytes.Buffer
	status      int
	wrote       bool
	passthrough bool
}

func (w *captureWriter) WriteHeader(code int) {
	if w.wrote || w.passthrough {
		return
	}
	w.status = code
	if code != http.StatusOK {
		w.passthrough = true
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.wrote = true
}

func (w *captureWriter) Write(p []byte) (int, error) {
	if !w.wrote && !w.passthrough {
		w.WriteHeader(http.StatusOK)
	}
	if w.passthrough {
		return w.ResponseWriter.Write(p)
	}
	if w.buf == nil {
		w.buf = getBuffer()
	}
	w.buf.Write(p)
	if w.buf.Len() > maxCachedBody {
		return len(p), w.release()
	}
	return len(p), nil
}

// release sends what was held back and lets the rest through.
func (w *captureWriter) release() error {
	w.passthrough = true
	if !w.wrote {
		return nil
	}
	w.ResponseWriter.WriteHeader(w.status)
	var err error
	if w.buf != nil {
		_, err = w.ResponseWriter.Write(w.buf.Bytes())
	}
	w.free()
	return err
}

// held is a copy of the body held back so far, never nil: a kept
// response whose body is nil has it in the spill store (size).
func (w *captureWriter) held() []byte {
	if w.buf == nil {
		return []byte{}
	}
	return bytes.Clone(w.buf.Bytes())
}

// free gives the buffer back once nothing more is held in it.
func (w *captureWriter) free() {
	if w.buf != nil {
		putBuffer(w.buf)
		w.buf = nil
	}
}

func (w *captureWriter) Flush() {
	if !w.passthrough {
		w.release()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
