package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// caseVariant spells s with the letters picked by the bits of n in
// capitals: the same filter under a new URL, so neither the response
// cache nor the chart cache can answer it.
func caseVariant(s string, n int) string {
	r := []rune(strings.ToLower(s))
	bit := 0
	for i := range r {
		if unicode.IsLetter(r[i]) {
			if n&(1<<bit) != 0 {
				r[i] = unicode.ToUpper(r[i])
			}
			bit++
		}
	}
	return string(r)
}

// BenchmarkExplorerDistinct asks the explorer for "Synthetic Force" (as
// `sitrep synth --force` makes it) under a new URL each time, its name
// spelt in other capitals, so that no cache answers.
func BenchmarkExplorerDistinct(b *testing.B) {
	h := benchHandler(b)
	force := "Synthetic Force"
	for _, tt := range []struct{ name, query string }{
		{"all", ""},
		{"from", "from=%m"},
		{"force", "force=%s"},
		{"force+claimant", "force=%s&claimant=Ministry+of+Defence"},
		{"force+year", "force=%s&from=%y"},
		{"force+dates", "force=%s&from=2018-03&to=2019-06"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			benchGetEach(b, h, func(i int) string {
				if tt.query == "" {
					// An unknown parameter makes a new URL of the same page.
					return "/estimates?v=" + strconv.Itoa(i)
				}
				q := strings.Replace(tt.query, "%s", url.QueryEscape(caseVariant(force, i)), 1)
				q = strings.Replace(q, "%m", fmt.Sprintf("%d-%02d", 2014+i%8, 1+i/8%12), 1)
				q = strings.Replace(q, "%y", strconv.Itoa(2014+i%8), 1)
				return "/estimates?" + q
			})
		})
	}
}

// benchGetEach requests urlFor(i) for i from 0 to b.N, fails on any status
// but 200, and reports the median time per request.
func benchGetEach(b *testing.B, h http.Handler, urlFor func(int) string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u := urlFor(i)
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", u, rec.Code)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}

// BenchmarkURLs asks, in turn, for each address listed in the file named
// by SITREP_BENCH_URLS (one a line, as scripts/benchtool urls writes them).
func BenchmarkURLs(b *testing.B) {
	path := os.Getenv("SITREP_BENCH_URLS")
	if path == "" {
		b.Skip("SITREP_BENCH_URLS names no file of addresses")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	urls := strings.Fields(string(data))
	h := benchHandler(b)
	benchGetEach(b, h, func(i int) string { return urls[i%len(urls)] })
}
