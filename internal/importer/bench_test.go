package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/importer"
	"github.com/sitrep/sitrep/internal/sqlite/sqlitetest"
)

// writeACLED writes an ACLED-style CSV of n rows: a few countries, their
// regions, districts and some thousands of locations, a few hundred
// actors, dozens of publishers, six years of dates at every precision.
func writeACLED(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(7, 11))
	w.WriteString(header)
	types := [][2]string{{"Battles", "Armed clash"}, {"Explosions/Remote violence", "Air/drone strike"},
		{"Explosions/Remote violence", "Shelling/artillery/missile attack"}, {"Violence against civilians", "Attack"},
		{"Strategic developments", "Looting/property destruction"}, {"Protests", "Peaceful protest"}}
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		country := rng.IntN(5)
		admin1 := country*10 + rng.IntN(10)
		admin2 := admin1*10 + rng.IntN(10)
		location := admin2*10 + rng.IntN(10)
		t := types[rng.IntN(len(types))]
		date := start.AddDate(0, 0, rng.IntN(6*365)).Format("2006-01-02")
		prec := []string{"1", "1", "1", "2", "3"}[rng.IntN(5)]
		actor1 := fmt.Sprintf("Armed Group %d", rng.IntN(300))
		actor2 := ""
		if rng.IntN(2) == 0 {
			actor2 = fmt.Sprintf("Military Forces of Country %d", country)
		}
		assoc := ""
		if rng.IntN(5) == 0 {
			assoc = fmt.Sprintf("Militia %d; Tribal Group %d", rng.IntN(50), rng.IntN(50))
		}
		source := fmt.Sprintf("Publisher %d", rng.IntN(60))
		if rng.IntN(3) == 0 {
			source += fmt.Sprintf("; Publisher %d", rng.IntN(60))
		}
		lat := 30 + float64(location%97)/10
		lon := 36 + float64(location%89)/10
		fmt.Fprintf(w, "C%dX%d,%s,%s,%s,%s,%s,%s,%s,,Country %d,Region %d,District %d,Location %d,%s,%s,%d,%s,National,\"On %s, %s clashed near Location %d; %d reported killed, according to local sources.\",%d\n",
			country, i+1, date, prec, t[0], t[1], actor1, assoc, actor2, country, admin1, admin2, location,
			strconv.FormatFloat(lat, 'f', 4, 64), strconv.FormatFloat(lon, 'f', 4, 64), 1+rng.IntN(3), source,
			date, actor1, location, rng.IntN(5), rng.IntN(5))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImportACLED imports a 100,000-row ACLED-style CSV into an
// empty database, all in one transaction. Run it with -benchtime=1x.
func BenchmarkImportACLED(b *testing.B) {
	rows := 100_000
	if s := os.Getenv("SITREP_BENCH_ROWS"); s != "" {
		rows, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "acled.csv")
	writeACLED(b, path, rows)
	info, _ := os.Stat(path)
	b.Logf("%d rows, %.1f MB", rows, float64(info.Size())/(1<<20))
	for b.Loop() {
		b.StopTimer()
		db := sqlitetest.New(b)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := cpuTime()
		start := time.Now()
		res, err := importer.Run(context.Background(), db, f, importer.Options{Name: "acled.csv"})
		if err != nil {
			b.Fatalf("import: %v %v", err, first(res.Problems))
		}
		if err := db.Checkpoint(context.Background()); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		cpu := cpuTime() - cpu0
		b.StopTimer()
		f.Close()
		if res.Events.Created != rows {
			b.Fatalf("created %d events, want %d", res.Events.Created, rows)
		}
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("%d rows in %s (%.0f rows/s, %s of CPU); places %+v", rows, elapsed.Round(time.Millisecond),
			float64(rows)/elapsed.Seconds(), cpu.Round(time.Millisecond), res.Places)
		b.StartTimer()
	}
}

func first(ps []conflict.ImportProblem) []conflict.ImportProblem {
	if len(ps) > 5 {
		return ps[:5]
	}
	return ps
}

// TestImportLarger imports a thousand generated rows and then the
// same file again, which must match every row and change nothing.
func TestImportLarger(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	path := filepath.Join(t.TempDir(), "acled.csv")
	writeACLED(t, path, 1000)
	db := sqlitetest.New(t)
	for i, want := range []conflict.ImportCounts{{Created: 1000}, {Matched: 1000}} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := importer.Run(t.Context(), db, f, importer.Options{Name: "acled.csv"})
		f.Close()
		if err != nil {
			t.Fatalf("import %d: %v %v", i+1, err, first(res.Problems))
		}
		if res.Events != want {
			t.Errorf("import %d: events %+v, want %+v", i+1, res.Events, want)
		}
		if i == 1 && res.Changes() != 0 {
			t.Errorf("import again changed %d records: %+v", res.Changes(), res)
		}
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
