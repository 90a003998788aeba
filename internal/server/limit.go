package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
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
// limit the answer is 429 with Retry-After. A download that its client
// stops reading is cut off by a deadline on each write (download), which
// ends its read transaction and frees its place.

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
}

// The default limits. Two exports at once from one address is a reader
// downloading two formats; four in all keeps at most two waiting for the
// export pool's two connections.
const (
	DefaultBulkPerClient = 2
	DefaultBulkTotal     = 4
	DefaultWriteTimeout  = 10 * time.Second
)

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

// isBulk reports whether a request is an export or an API list of more
// than largeRead records. Only the API's lists take ?limit=; elsewhere
// the parameter is refused, or means nothing.
func isBulk(c echo.Context) bool {
	p := c.Path()
	if strings.HasPrefix(p, apiPrefix+"/export/") {
		return true
	}
	if !isAPI(p) {
		return false
	}
	n, err := strconv.Atoi(c.QueryParam("limit"))
	return err == nil && n > largeRead
}

// limitBulk admits bulk requests within the limits and refuses the rest
// with 429. It runs after the response cache, so a large read the cache
// answers costs no place.
func (s *Server) limitBulk(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isBulk(c) {
			return next(c)
		}
		release, full := s.bulk.acquire(clientAddr(c))
		if release == nil {
			h := c.Response().Header()
			h.Set("Retry-After", strconv.Itoa(retryAfter))
			h.Set(echo.HeaderCacheControl, "no-store")
			return busyError(full, s.bulk.perClient, s.bulk.total)
		}
		defer release()
		c.Set(bulkKey, true)
		return next(c)
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
type download struct {
	ctx     context.Context
	res     *echo.Response
	rc      *http.ResponseController
	timeout time.Duration
	err     error
}

func (s *Server) newDownload(c echo.Context) *download {
	return &download{ctx: c.Request().Context(), res: c.Response(), rc: http.NewResponseController(c.Response()), timeout: s.limits.WriteTimeout}
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
	if d.err = d.deadline(); d.err != nil {
		return 0, d.err
	}
	n, err := d.res.Write(p)
	if err != nil {
		d.err = fmt.Errorf("download cut off: %w", err)
	}
	return n, d.err
}

// Flush sends what is buffered. The response's Flush reports no error, but
// a failed write cancels the request's context, which the next read of the
// database and the next Write see.
func (d *download) Flush() {
	if d.err != nil {
		return
	}
	if d.err = d.deadline(); d.err != nil {
		return
	}
	d.res.Flush()
	if err := d.ctx.Err(); err != nil {
		d.err = fmt.Errorf("download cut off: %w", err)
	}
}
