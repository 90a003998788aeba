package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
)

// benchTimeline is the timeline the embed benchmarks show: every event,
// with the estimates between them.
const benchTimeline = "bench-everything"

// embedBenchHandler serves the database named by SITREP_BENCH_DB (made
// with `sitrep synth`: 100,000 events, 10,000 estimates for "Synthetic
// Force"), or a small generated one, after adding a published timeline
// over every event when it has none.
func embedBenchHandler(b *testing.B) http.Handler {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("SITREP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("SITREP_BENCH_DB") == "" {
		if _, err := synth.Generate(ctx, db, synth.Options{Events: 2000, Estimates: 500, Actors: 40, Places: 100, Sources: 50,
			Force: "Synthetic Force", Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.FindTimelineBySlug(ctx, benchTimeline); conflict.ErrorCode(err) == conflict.NotFound {
		t := conflict.Timeline{Slug: benchTimeline, Title: "Everything", WithEstimates: true}
		err = db.CreateTimeline(ctx, &t, conflict.Change{AuthorName: "benchmark"})
		if err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	db.Close()
	a, err := app.Open(ctx, app.Config{DBPath: path, CacheBytes: -1}) // each request is rendered: the cache would answer the repeats
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a.Handler()
}

// benchRequest sends GET url with the header pairs b.N times, fails on
// any other status than want, and reports the median beside the mean.
func benchRequest(b *testing.B, h http.Handler, url string, want int, header ...string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		req := httptest.NewRequest(http.MethodGet, url, nil)
		for j := 0; j+1 < len(header); j += 2 {
			req.Header.Set(header[j], header[j+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != want {
			b.Fatalf("GET %s = %d, want %d", url, rec.Code, want)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e6, "ms-median")
}

// BenchmarkEmbedTimeline renders embeds in full, as on a cache miss.
func BenchmarkEmbedTimeline(b *testing.B) {
	h := embedBenchHandler(b)
	tl := "/embed/timelines/" + benchTimeline
	b.Run("timeline", func(b *testing.B) { benchRequest(b, h, tl, http.StatusOK) })
	b.Run("timeline-newest-200", func(b *testing.B) { benchRequest(b, h, tl+"?order=newest&limit=200", http.StatusOK) })
	b.Run("timeline-actor", func(b *testing.B) { benchRequest(b, h, tl+"?actor=Synthetic+Force&theme=dark", http.StatusOK) })
	b.Run("timeline-gzip", func(b *testing.B) { benchRequest(b, h, tl, http.StatusOK, "Accept-Encoding", "gzip") })
	b.Run("estimates", func(b *testing.B) { benchRequest(b, h, "/embed/estimates?force=Synthetic+Force", http.StatusOK) })
}

// BenchmarkEmbedConditional revalidates an embed whose ETag still
// matches: the 304 path, which renders nothing.
func BenchmarkEmbedConditional(b *testing.B) {
	h := embedBenchHandler(b)
	for _, url := range []string{"/embed/timelines/" + benchTimeline, "/embed/estimates?force=Synthetic+Force"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || etag == "" {
			b.Fatalf("GET %s = %d with ETag %q", url, rec.Code, etag)
		}
		b.Run(filepath.Base(url), func(b *testing.B) {
			benchRequest(b, h, url, http.StatusNotModified, "If-None-Match", etag)
		})
	}
}
