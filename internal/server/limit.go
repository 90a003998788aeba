package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// Exports and large API reads are the requests that read much: an export
// may take minutes and holds a database connection throughout. They read
// through the database's export pool (sqlite.DB.Bulk), so pages never
// wait behind them, and a limiter admits only a few at once, per client
// and in all, so a crowd of them cannot take the machine either. Past the
// limit the answer is 429 with Retry-After, held back a moment (Hold). A
// download that its client stops reading is cut off by a deadline on each
// write (download), which ends its read transaction and frees its place;
// one that is read pauses after each chunk it writes while pages are asked
// for, so that exports never take the whole machine from readers.

// BulkLimits bound exports and large API reads; a zero field takes its
// default.
type BulkLimits struct {
	// PerClient is how many may run at once for one client address
	// (DefaultBulkPerClient).
	PerClient int
	// Total is how many may run at once in all (DefaultBulkTotal).
	Total int
	// WriteTimeout is how long a download waits for its client to take
	// each chunk before cutting it off (DefaultWriteTimeout).
	WriteTimeout time.Duration
	// Hold is how long a refusal is held back before it is sent
	// (DefaultHold).
	Hold time.Duration
}

// The default limits. Two exports at once from one address is a reader
// downloading two formats. The export pool has a connection for each of
// the four in all, so a request let in never waits for one: past the
// limit a client is told so, rather than kept waiting without a word.
// Time, not connections, is what exports must not take from pages: they
// pause between pages of records (download).
const (
	DefaultBulkPerClient = 2
	DefaultBulkTotal     = 4
	DefaultWriteTimeout  = 10 * time.Second
	DefaultHold          = time.Second
)

// A refusal is cheap, but a client that asks again the moment it is
// refused, fifty of them, would make tens of thousands a second and take
// the machine from pages as surely as the exports would. So a refusal is
// held back for a second: each such client then asks once a second. A
// client that waits the Retry-After it is given never notices. Past
// maxHeld refusals waiting at once, the rest are sent at once, so that
// holding them costs no more than a bounded number of goroutines.
const maxHeld = 1024

// largeRead is the API page size above which a list is a bulk read:
// the default page is 50, a bulk read asks for up to 1,000.
const largeRead = 100

// retryAfter is the seconds a refused client is asked to wait: about what
// a large export takes to free its place.
const retryAfter = 10

// bulkKey marks, in the request's context, a request the limiter admitted
// as a bulk read, whose reads go to the export pool (store).
const bulkKey = "sitrep.bulk"

func (l BulkLimits) withDefaults() BulkLimits {
	if l.PerClient <= 0 {
		l.PerClient = DefaultBulkPerClient
	}
	if l.Total <= 0 {
		l.Total = DefaultBulkTotal
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = DefaultWriteTimeout
	}
	if l.Hold <= 0 {
		l.Hold = DefaultHold
	}
	return l
}

// limiter counts the bulk requests running, in all and per client.
type limiter struct {
	perClient, total int

	mu       sync.Mutex
	running  int
	byClient map[string]int
}

func newLimiter(l BulkLimits) *limiter {
	return &limiter{perClient: l.PerClient, total: l.Total, byClient: map[string]int{}}
}

// acquire takes a place for client, or says why there is none: the client
// has all of its own places ("client"), or every place is taken ("all").
func (l *limiter) acquire(client string) (release func(), full string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byClient[client] >= l.perClient {
		return nil, "client"
	}
	if l.running >= l.total {
		return nil, "all"
	}
	l.running++
	l.byClient[client]++
	return sync.OnceFunc(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.running--
		if l.byClient[client]--; l.byClient[client] <= 0 {
			delete(l.byClient, client)
		}
	}), ""
}

// isExport reports whether a request is an export.
func isExport(c echo.Context) bool { return strings.HasPrefix(c.Path(), apiPrefix+"/export/") }

// isLargeRead reports whether a request is an API list of more than
// largeRead records. Only the API's lists take ?limit=; elsewhere the
// parameter is refused.
func isLargeRead(c echo.Context) bool {
	if !isAPI(c.Path()) {
		return false
	}
	n, err := strconv.Atoi(c.QueryParam("limit"))
	return err == nil && n > largeRead
}

// limitExports admits exports within the limits and refuses the rest with
// 429. It runs before the ETag's lookup, so a flood of refusals costs no
// database read; exports are never cached. It also counts the other
// requests being answered, for exports to yield to (download).
func (s *Server) limitExports(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isExport(c) {
			s.asked.Add(1)
			s.answering.Add(1)
			defer s.answering.Add(-1)
			return next(c)
		}
		return s.admit(c, next)
	}
}

// limitLargeReads does the same for large API reads. It runs after the
// response cache, so a large read the cache answers costs no place.
func (s *Server) limitLargeReads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isLargeRead(c) {
			return next(c)
		}
		return s.admit(c, next)
	}
}

// admit runs next if the limits leave a place for this client.
func (s *Server) admit(c echo.Context, next echo.HandlerFunc) error {
	release, full := s.bulk.acquire(clientAddr(c))
	if release == nil {
		s.hold(c)
		h := c.Response().Header()
		h.Set("Retry-After", strconv.Itoa(retryAfter))
		h.Set(echo.HeaderCacheControl, "no-store")
		return busyError(full, s.bulk.perClient, s.bulk.total)
	}
	defer release()
	c.Set(bulkKey, true)
	return next(c)
}

// hold waits before a refusal is sent (see maxHeld).
func (s *Server) hold(c echo.Context) {
	defer s.held.Add(-1)
	if s.held.Add(1) > maxHeld {
		return
	}
	t := time.NewTimer(s.limits.Hold)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.Request().Context().Done():
	}
}

func busyError(full string, perClient, total int) error {
	if full == "client" {
		return conflict.Errorf(conflict.Busy, "You already have %d downloads or large reads running, as many as sitrep runs at once for one address. "+
			"Try again in %d seconds, or when one has finished.", perClient, retryAfter)
	}
	return conflict.Errorf(conflict.Busy, "sitrep is running as many downloads and large reads as it takes at once (%d). "+
		"Try again in %d seconds.", total, retryAfter)
}

// store is where a handler reads records: the export pool for a bulk
// read, the readers' pool otherwise.
func (s *Server) store(c echo.Context) *sqlite.DB {
	if bulk, _ := c.Get(bulkKey).(bool); bulk {
		return s.bulkDB
	}
	return s.db
}

// wantsPage reports whether an error on an API address should be shown
// as a page: a refused download whose link a browser followed.
func wantsPage(c echo.Context, err error) bool {
	return conflict.ErrorCode(err) == conflict.Busy && strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/html")
}

// download is an export's response body. Every write and flush first sets
// a deadline WriteTimeout ahead, so a client that stops reading is cut off
// within WriteTimeout of its last read: the write fails, the export stops
// with that error, its read transaction ends and its place is freed. A
// client that keeps reading may take as long as the export needs, past
// the server's timeout for a whole response.
//
// An export also yields to pages. After each chunk it writes, when other
// requests are being answered or have come since the last chunk, it
// pauses: twice as long as it worked on the chunk when it runs alone, five
// times as long when two run (3n-1 for n), so that exports together work
// about a third of the time at most while pages are asked for, and all
// the time when no one else is asking. Measured at a million events with
// four exports running, half the time made /events 1.75 times as slow at
// the median; a third, 1.34 times.
type download struct {
	ctx     context.Context
	res     *echo.Response
	rc      *http.ResponseController
	timeout time.Duration
	err     error

	answering *atomic.Int64 // requests other than exports
	asked     *atomic.Int64 // ever received; seen is as of the last chunk
	seen      int64
	exporting *atomic.Int64 // downloads under way, this one among them
	started   bool          // it has written, so has a connection
	since     time.Time     // the end of the last chunk
	waiting   time.Duration // in writes since then, for the client
}

// maxYield bounds one pause, so that a page that took long to read does
// not stop its export for many times as long.
const maxYield = 250 * time.Millisecond

// newDownload starts a download; close ends it.
func (s *Server) newDownload(c echo.Context) *download {
	return &download{ctx: c.Request().Context(), res: c.Response(), rc: http.NewResponseController(c.Response()),
		timeout: s.limits.WriteTimeout, answering: &s.answering, asked: &s.asked, exporting: &s.exporting, since: time.Now()}
}

// start counts the download as under way once it writes: until then it
// may only be waiting for a database connection, using no time at all.
func (d *download) start() {
	if !d.started {
		d.started = true
		d.exporting.Add(1)
	}
}

func (d *download) close() {
	if d.started {
		d.exporting.Add(-1)
	}
}

// deadline gives the next write WriteTimeout. A response with no
// connection of its own (a test's recorder) has no deadline to set.
func (d *download) deadline() error {
	err := d.rc.SetWriteDeadline(time.Now().Add(d.timeout))
	if err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// Write sends p, or fails with the first error a write or flush met: a
// cut-off client stays cut off.
func (d *download) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	d.start()
	if d.err = d.deadline(); d.err != nil {
		return 0, d.err
	}
	start := time.Now()
	n, err := d.res.Write(p)
	d.waiting += time.Since(start)
	if err != nil {
		d.err = fmt.Errorf("download cut off: %w", err)
		return n, d.err
	}
	d.yield()
	return n, nil
}

// Flush sends what is buffered. The response's Flush reports no error, but
// a failed write cancels the request's context, which the next read of the
// database and the next Write see.
func (d *download) Flush() {
	if d.err != nil {
		return
	}
	d.start()
	if d.err = d.deadline(); d.err != nil {
		return
	}
	start := time.Now()
	d.res.Flush()
	d.waiting += time.Since(start)
	if err := d.ctx.Err(); err != nil {
		d.err = fmt.Errorf("download cut off: %w", err)
		return
	}
	d.yield()
}

// yield pauses, after each chunk written, while pages are being answered
// or were asked for since the last chunk (see download). A chunk is 64 KB
// or a page of records, a few milliseconds' work, so a page asked for
// while exports run waits for little more than that.
func (d *download) yield() {
	defer func() { d.since, d.waiting = time.Now(), 0 }()
	asked := d.asked.Load()
	if d.answering.Load() == 0 && asked == d.seen {
		return
	}
	d.seen = asked
	worked := max(time.Since(d.since)-d.waiting, 0)
	pause := min(worked*time.Duration(3*max(d.exporting.Load(), 1)-1), maxYield)
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-d.ctx.Done():
	}
}
