package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
	"github.com/sitrep/sitrep/internal/synth"
)

// warmedPages records what a warming asked for and how each answered.
type warmedPages struct {
	mu     sync.Mutex
	status map[string]int
}

func (p *warmedPages) handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		p.mu.Lock()
		p.status[r.URL.RequestURI()] = rec.Code
		p.mu.Unlock()
		w.WriteHeader(rec.Code)
	})
}

// A warming asks for the pages whose first request builds what later
// ones read (every published timeline and its embed, each force's
// estimates, the map of every event at each zoom, each tag's map data
// and counts over time), and each answers
// as a reader's request would: not refused for want of a Host header the
// site allows, and not logged as a reader's request.
func TestWarmAsksForThePagesThatKeepAggregates(t *testing.T) {
	ctx := t.Context()
	var logs bytes.Buffer
	var logMu sync.Mutex
	a, err := app.Open(ctx, app.Config{DBPath: filepath.Join(t.TempDir(), "sitrep.db"), AllowedHosts: []string{"sitrep.example"},
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	rep, err := synth.Generate(ctx, a.DB, synth.Options{Events: 1500, Estimates: 300, Actors: 30, Places: 60, Sources: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	pages := &warmedPages{status: map[string]int{}}
	n, err := server.Warm(ctx, pages.handler(a.Handler()), a.DB)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(pages.status) {
		t.Errorf("Warm says it asked for %d pages; %d were asked for", n, len(pages.status))
	}
	var want []string
	for _, tl := range rep.Timelines {
		want = append(want, "/timelines/"+tl.Slug, "/embed/timelines/"+tl.Slug)
	}
	forces, _, err := a.DB.FindMostEstimatedForces(ctx, 10)
	if err != nil || len(forces) < 2 {
		t.Fatalf("the synthetic record's forces: %v, %v", forces, err)
	}
	for _, f := range forces {
		want = append(want, "/estimates?"+url.Values{"force": {f.Force.Name}}.Encode())
	}
	tag := url.Values{"tag": {rep.BiggestTag}}.Encode()
	want = append(want, "/map", "/api/v1/events/map?z=0", "/api/v1/events/map?z=7", "/api/v1/events/map?"+tag, "/api/v1/events/histogram?"+tag)
	if len(rep.Timelines) == 0 {
		t.Fatal("the synthetic record has no timelines to warm")
	}
	for _, w := range want {
		if _, ok := pages.status[w]; !ok {
			t.Errorf("warming did not ask for %s", w)
		}
	}
	for page, code := range pages.status {
		if code != http.StatusOK {
			t.Errorf("warming %s answered %d", page, code)
		}
	}
	logMu.Lock()
	defer logMu.Unlock()
	if strings.Contains(logs.String(), "msg=request") {
		t.Errorf("warming's requests were logged as readers':\n%s", logs.String())
	}
}

// KeepWarm warms the pages at once, and the pages and search's sets again
// once the record has changed and gone quiet, and neither while it stays
// unchanged. Search's sets are not made at start: opening the database
// made them.
func TestKeepWarmWarmsAgainAfterAWrite(t *testing.T) {
	a := newApp(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	pages, search := make(chan int, 16), make(chan int, 16)
	go server.KeepWarm(ctx, a.Handler(), a.DB, server.Warming{Quiet: 20 * time.Millisecond, SearchQuiet: 100 * time.Millisecond,
		Pages: func(n int, _ time.Duration, err error) {
			if err != nil {
				t.Errorf("warming pages: %v", err)
			}
			pages <- n
		},
		Search: func(n int, _ time.Duration, err error) {
			if err != nil {
				t.Errorf("warming search: %v", err)
			}
			search <- n
		}})
	if n := receive(t, pages, "pages at start"); n == 0 {
		t.Error("no pages warmed at start")
	}
	select {
	case <-pages:
		t.Fatal("pages warmed again with the record unchanged")
	case <-search:
		t.Fatal("search's sets made with the record unchanged since it was opened")
	case <-time.After(300 * time.Millisecond):
	}
	if err := a.DB.CreateActor(ctx, &conflict.Actor{Name: "Saraya Salam"}, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	if n := receive(t, pages, "pages after a write"); n == 0 {
		t.Error("no pages warmed after a write")
	}
	receive(t, search, "search after a write")
	select {
	case <-search:
		t.Fatal("search's sets made twice for one write")
	case <-time.After(300 * time.Millisecond):
	}
}

// TestKeepWarmWarmsPagesWhileSetsAreMade: making search's sets takes
// seconds at a million events, and a write meanwhile still has its pages
// warmed; the sets are made again after it once the first making ends.
func TestKeepWarmWarmsPagesWhileSetsAreMade(t *testing.T) {
	a := newApp(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	pages, search, started, release := make(chan int, 16), make(chan int, 16), make(chan bool, 16), make(chan bool)
	go server.KeepWarm(ctx, a.Handler(), a.DB, server.Warming{Quiet: 20 * time.Millisecond, SearchQuiet: 50 * time.Millisecond,
		Pages:  func(n int, _ time.Duration, _ error) { pages <- n },
		Search: func(n int, _ time.Duration, _ error) { search <- n },
		MakeSets: func(ctx context.Context) (int, error) {
			started <- true
			select {
			case <-release:
				return 7, nil
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}})
	write := func(name string) {
		t.Helper()
		if err := a.DB.CreateActor(ctx, &conflict.Actor{Name: name}, conflict.Change{AuthorName: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	receive(t, pages, "pages warmed at start")
	write("Saraya Salam")
	receive(t, pages, "pages warmed after the first write")
	receive(t, started, "sets begun after the first write")
	write("Kataib Hezbollah")
	if n := receive(t, pages, "pages warmed after a write while the sets are made"); n == 0 {
		t.Error("no pages warmed")
	}
	release <- true
	if n := receive(t, search, "sets made"); n != 7 {
		t.Errorf("told of %d sets, want the 7 made", n)
	}
	// The second write came after the sets began: they are made again.
	receive(t, started, "sets begun again for the write made while they were made")
}

// receive returns what c is sent next, failing the test if nothing comes
// within 10 s: what says what was awaited.
func receive[T any](t *testing.T, c chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: not within 10 s", what)
	}
	var zero T
	return zero
}

// lockedWriter lets the app's log be read while warming may write it.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
