package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/export"
	"github.com/sitrep/sitrep/internal/sqlite"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
	"github.com/sitrep/sitrep/internal/synth"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                "",
		"Mosul":           "Mosul",
		"=1+1":            "'=1+1",
		"+44 20":          "'+44 20",
		"-3":              "'-3",
		"@SUM(A1)":        "'@SUM(A1)",
		"\tTab":           "'\tTab",
		"\rCR":            "'\rCR",
		"a=b":             "a=b",
		"'already quoted": "'already quoted",
	} {
		if got := export.Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFormats exports the demo in every format and checks what each
// format promises.
func TestFormats(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	ctx := t.Context()
	for _, f := range export.Formats {
		for _, what := range []string{"events", "estimates"} {
			t.Run(string(f)+"/"+what, func(t *testing.T) {
				var buf bytes.Buffer
				var err error
				if what == "events" {
					err = export.Events(ctx, &buf, db, conflict.EventFilter{}, f, export.Options{})
				} else {
					err = export.Estimates(ctx, &buf, db, conflict.EstimateFilter{}, f, export.Options{})
				}
				if err != nil {
					t.Fatal(err)
				}
				if f == export.CSV {
					rows, err := csv.NewReader(&buf).ReadAll()
					if err != nil {
						t.Fatalf("not RFC 4180: %v", err)
					}
					wantRows := map[string]int{"events": 4, "estimates": 3}[what]
					if len(rows) != wantRows {
						t.Errorf("%d rows, want a header and %d records", len(rows), wantRows-1)
					}
					return
				}
				var v map[string]any
				if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, buf.String())
				}
			})
		}
	}
}

// TestTimelineJSDates checks that slides say no more than the dates know.
func TestTimelineJSDates(t *testing.T) {
	db := sqlitetest.NewWithDemo(t)
	var buf bytes.Buffer
	if err := export.Events(t.Context(), &buf, db, conflict.EventFilter{}, export.TimelineJS, export.Options{Title: "Mosul"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Title struct {
			Text struct{ Headline string } `json:"text"`
		} `json:"title"`
		Events []struct {
			StartDate   map[string]int `json:"start_date"`
			EndDate     map[string]int `json:"end_date"`
			DisplayDate string         `json:"display_date"`
			Text        struct{ Headline, Text string }
			Group       string `json:"group"`
		} `json:"events"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Title.Text.Headline != "Mosul" || len(doc.Events) != 3 {
		t.Fatalf("doc = %+v", doc)
	}
	want := []struct {
		start, end map[string]int
		display    string
	}{
		{map[string]int{"year": 2016, "month": 7}, map[string]int{"year": 2016, "month": 9}, "Jul – Sep 2016"},
		{map[string]int{"year": 2016, "month": 9}, nil, "September 2016 (approx.)"},
		{map[string]int{"year": 2016, "month": 9, "day": 27}, nil, "27 Sep 2016"},
	}
	for i, w := range want {
		e := doc.Events[i]
		if !sameDate(e.StartDate, w.start) || !sameDate(e.EndDate, w.end) || e.DisplayDate != w.display {
			t.Errorf("slide %d: start %v end %v display %q, want %v %v %q", i, e.StartDate, e.EndDate, e.DisplayDate, w.start, w.end, w.display)
		}
		if e.Group == "" || e.Text.Headline == "" || !strings.Contains(e.Text.Text, "Voice of America") {
			t.Errorf("slide %d lacks group, headline or sources: %+v", i, e)
		}
	}
}

func sameDate(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// benchDB opens the database SITREP_BENCH_DB names (made with
// `sitrep synth --events 100000`), or generates a small one.
func benchDB(b *testing.B) *sqlite.DB {
	b.Helper()
	if path := os.Getenv("SITREP_BENCH_DB"); path != "" {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	db := sqlitetest.Open(b, filepath.Join(b.TempDir(), "bench.db"))
	if _, err := synth.Generate(context.Background(), db, synth.Options{Events: 5000, Actors: 40, Places: 100, Sources: 50, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return db
}

// countingDiscard counts what an export writes.
type countingDiscard struct{ n atomic.Int64 }

func (c *countingDiscard) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// BenchmarkExportCSV exports every event as CSV, and reports the peak
// heap in use while it ran: flat when the export streams.
func BenchmarkExportCSV(b *testing.B) {
	benchExport(b, export.CSV)
}

func BenchmarkExportJSON(b *testing.B) {
	benchExport(b, export.JSON)
}

func benchExport(b *testing.B, f export.Format) {
	db := benchDB(b)
	var total int64
	var peak atomic.Uint64
	for b.Loop() {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		peak.Store(base.HeapInuse)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
				}
			}
		}()
		w := &countingDiscard{}
		cpu0 := cpuTime()
		start := time.Now()
		if err := export.Events(context.Background(), w, db, conflict.EventFilter{}, f, export.Options{}); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		cpu := cpuTime() - cpu0
		close(stop)
		<-done
		total = w.n.Load()
		b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(total)/(1<<20), "file-MB")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("%s export: %.1f MB in %s (%s of CPU)", f, float64(total)/(1<<20), elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond))
	}
}

// cpuTime is the CPU time the process has used, user and system: on a
// machine others load, it measures the work where wall time cannot.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
