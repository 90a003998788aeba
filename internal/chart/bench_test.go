package chart

import (
	"fmt"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// benchClaims are n claims by 40 claimants over six years.
func benchClaims(n int) []conflict.Estimate {
	xs := make([]conflict.Estimate, n)
	day := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	quals := []conflict.Qualifier{conflict.Exact, conflict.Range, conflict.AtLeast, conflict.AtMost, conflict.About}
	for i := range xs {
		v := int64(500 + (i*7919)%25000)
		xs[i] = est(i+1, day.AddDate(0, 0, (i*37)%2190).Format("2006-01-02"), quals[i%len(quals)], fmt.Sprintf("Claimant %02d", i%40), v, v+900)
	}
	return xs
}

func BenchmarkNew(b *testing.B) {
	for _, n := range []int{40, 500, 10_000, 50_000} {
		xs := benchClaims(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				New(xs, Options{})
			}
		})
	}
}

// BenchmarkGrouped charts 240 groups of 50 claims, as a large force's
// tallies give them.
func BenchmarkGrouped(b *testing.B) {
	var gs []conflict.ClaimGroup
	jan := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 240 {
		m := jan.AddDate(0, i/8*2, 0)
		gs = append(gs, conflict.ClaimGroup{Force: islamicState, Claimant: fmt.Sprintf("Claimant %02d", i%8), Unit: "fighters", Count: 50,
			Low: conflict.Count(int64(500 + i)), High: conflict.Count(int64(20000 + i)), Min: int64(500 + i), Max: int64(20000 + i), FirstID: conflict.EstimateID(i + 1),
			From: edtf.MustParse(m.Format("2006-01-02")), To: edtf.MustParse(m.AddDate(0, 2, -1).Format("2006-01-02"))})
	}
	for b.Loop() {
		Grouped(gs, Options{})
	}
}

// BenchmarkBandAfter charts a small force's 250 claims by 8 claimants as
// the explorer does, drawn one by one and banded sooner.
func BenchmarkBandAfter(b *testing.B) {
	xs := benchClaims(250)
	for i := range xs {
		xs[i].Claimant = fmt.Sprintf("Claimant %02d", i%8)
	}
	for _, n := range []int{0, 100, 50} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				New(xs, Options{BandAfter: n, GroupURL: func(claimant string, from, to edtf.Date) string { return "/g?" + claimant },
					EstimateURL: func(id conflict.EstimateID) string { return "/e" }})
			}
		})
	}
}
