package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/synth"
)

// benchHandler serves the database named by SITREP_BENCH_DB (made with
// `sitrep synth`, e.g. 100,000 events and 10,000 estimates for one force
// called "Synthetic Force"), or a small generated one when it is unset.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	path := os.Getenv("SITREP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
		ctx := context.Background()
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := synth.Generate(ctx, db, synth.Options{Events: 2000, Estimates: 500, Actors: 40, Places: 100, Sources: 50,
			Force: "Synthetic Force", Seed: 1}); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	a, err := app.Open(context.Background(), app.Config{DBPath: path, CacheBytes: -1}) // each request is rendered: the cache would answer the repeats
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a.Handler()
}

// benchGet requests url b.N times, fails on any status but 200, and
// reports the median time per request beside Go's mean.
func benchGet(b *testing.B, h http.Handler, url string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", url, rec.Code)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}

func BenchmarkTimelineFiltered(b *testing.B) {
	h := benchHandler(b)
	b.Run("all", func(b *testing.B) { benchGet(b, h, "/events") })
	b.Run("actor", func(b *testing.B) { benchGet(b, h, "/events?actor=Synthetic+Force") })
	b.Run("actor+dates", func(b *testing.B) { benchGet(b, h, "/events?actor=Synthetic+Force&from=2016-01&to=2016-12") })
	b.Run("tag+newest", func(b *testing.B) { benchGet(b, h, "/events?tag=airstrike&order=newest") })
	b.Run("text", func(b *testing.B) { benchGet(b, h, "/events?q=convoys") })
}

func BenchmarkSearch(b *testing.B) {
	h := benchHandler(b)
	b.Run("word", func(b *testing.B) { benchGet(b, h, "/search?q=satellite") })
	b.Run("phrase", func(b *testing.B) { benchGet(b, h, "/search?q=%22heavy+fighting%22") })
	b.Run("prefix", func(b *testing.B) { benchGet(b, h, "/search?q=reinf*") })
}

func BenchmarkExplorer(b *testing.B) {
	h := benchHandler(b)
	b.Run("force", func(b *testing.B) { benchGet(b, h, "/estimates?force=Synthetic+Force") })
}
