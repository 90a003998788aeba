package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// A crowd of readers is answered a few at a time: never more pages are
// being made at once than there are places, every reader is answered, and
// writes and /healthz do not wait in the readers' line.
func TestRenderingIsLimitedToItsPlaces(t *testing.T) {
	const places = 3
	e := echo.New()
	e.Use(limitRendering(places))
	var running, most atomic.Int32
	release := make(chan struct{})
	page := func(c echo.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		return c.String(http.StatusOK, "page")
	}
	e.GET("/events", page)
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.POST("/events/new", func(c echo.Context) error { return c.String(http.StatusOK, "saved") })

	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/events", nil))
			codes[i] = rec.Code
		}()
	}
	time.Sleep(50 * time.Millisecond) // the crowd arrives and queues
	if n := running.Load(); n != places {
		t.Errorf("%d pages being made at once with %d places; want %d", n, places, places)
	}
	for _, r := range []*http.Request{httptest.NewRequest(http.MethodGet, "/healthz", nil), httptest.NewRequest(http.MethodPost, "/events/new", nil)} {
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { e.ServeHTTP(rec, r); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("%s %s waited in the readers' line", r.Method, r.URL.Path)
		}
	}
	close(release)
	wg.Wait()
	if m := most.Load(); m > places {
		t.Errorf("at most %d pages were made at once; want no more than %d", m, places)
	}
	for i, code := range codes {
		if code != http.StatusOK {
			t.Fatalf("reader %d got %d; every reader in line must be answered", i, code)
		}
	}
}

// A reader who leaves while waiting in line gives up its turn at once.
func TestAReaderWhoLeavesTheLineIsLetGo(t *testing.T) {
	e := echo.New()
	e.Use(limitRendering(1))
	release := make(chan struct{})
	defer close(release)
	e.GET("/events", func(c echo.Context) error { <-release; return nil })
	var gotErr error
	e.HTTPErrorHandler = func(err error, c echo.Context) { gotErr = err }
	go e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/events", nil))
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/events", nil).WithContext(ctx))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("a reader who left the line was kept waiting")
	}
	if !errors.Is(gotErr, context.DeadlineExceeded) {
		t.Errorf("the reader who left got %v; want its context's end", gotErr)
	}
}
