package components

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

var update = flag.Bool("update", false, "rewrite golden files")

// chartExample is the worked example's two estimates of Islamic State in
// Mosul, and three more that use the other qualifiers and an interval.
func chartExample() []conflict.Estimate {
	is := conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}
	mosul := &conflict.PlaceRef{ID: 1, Slug: "mosul", Name: "Mosul"}
	est := func(id conflict.EstimateID, asOf string, q conflict.Qualifier, low, high conflict.Bound, claimant string) conflict.Estimate {
		return conflict.Estimate{ID: id, Force: is, Place: mosul, AsOf: edtf.MustParse(asOf), Unit: "fighters",
			Qualifier: q, Low: low, High: high, Claimant: claimant, Status: conflict.Published}
	}
	none := conflict.Bound{}
	return []conflict.Estimate{
		est(1, "2016-09-29", conflict.Range, conflict.Count(3000), conflict.Count(4500), "U.S. military officials"),
		est(2, "2016-07", conflict.AtMost, none, conflict.Count(10000), "Coalition estimates"),
		est(3, "2016-06-15", conflict.AtLeast, conflict.Count(5000), none, "Iraqi security forces"),
		est(4, "2016-08-20", conflict.About, conflict.Count(6000), conflict.Count(6000), "Kurdish intelligence"),
		est(5, "2016-08-01/2016-08-31", conflict.Exact, conflict.Count(4800), conflict.Count(4800), "U.S. military officials"),
	}
}

func renderChart(t testing.TB, c chart.Chart) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := EstimateChart(c).Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.Bytes()
}

func TestEstimateChartGolden(t *testing.T) {
	c := chart.New(chartExample(), chart.Options{EstimateURL: EstimatePath})
	got := renderChart(t, c)
	golden := filepath.Join("testdata", "estimate_chart.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("EstimateChart output differs from %s (run go test -update and review the diff):\n%s", golden, got)
	}
}

func TestEstimateChartMarkup(t *testing.T) {
	c := chart.New(chartExample(), chart.Options{EstimateURL: EstimatePath})
	html := string(renderChart(t, c))
	for _, want := range []string{
		`data-testid="estimate-chart"`,
		`aria-labelledby="estimate-chart-title" aria-describedby="estimate-chart-desc"`,
		`<desc id="estimate-chart-desc">5 estimates of Islamic State`,
		`href="/estimates/2"`,
		`<title>as many as 10,000 fighters, Islamic State in Mosul, as of July 2016, claimed by Coalition estimates</title>`,
		`class="chart-mark__focus"`,
		`<ul class="chart-legend"`,
		`<figcaption class="chart__caption">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("markup lacks %s", want)
		}
	}
	if n := strings.Count(html, `data-testid="chart-mark"`); n != 5 {
		t.Errorf("%d marks, want 5", n)
	}
	if n := strings.Count(html, `data-testid="chart-mark-narrow"`); n != 5 {
		t.Errorf("%d marks in the phone figure, want 5", n)
	}
	if !strings.Contains(html, `class="chart__svg chart__svg--narrow"`) || !strings.Contains(html, `viewBox="0 0 340 `) {
		t.Error("markup lacks the phone figure drawn 340 wide")
	}
	// The Content-Security-Policy forbids inline styles.
	if strings.Contains(html, "style=") {
		t.Error("markup has a style attribute")
	}
}

func TestEstimateChartEmpty(t *testing.T) {
	html := string(renderChart(t, chart.New(nil, chart.Options{})))
	if !strings.Contains(html, "No estimates to chart.") || strings.Contains(html, "<svg") {
		t.Errorf("empty chart = %s", html)
	}
}

func TestEstimateChart500IsCompact(t *testing.T) {
	html := renderChart(t, chart.New(randomEstimates(500), chart.Options{EstimateURL: EstimatePath}))
	// Each open-ended bound carries its fade to the plot's edge; the phone
	// figure draws so many claims as bands.
	if n := len(html); n > 250_000 {
		t.Errorf("500 estimates render to %d bytes, want under 250 KB", n)
	}
	if n := bytes.Count(html, []byte(`data-testid="chart-mark"`)); n != 500 {
		t.Errorf("%d marks, want 500", n)
	}
	if n := bytes.Count(html, []byte(`data-testid="chart-mark-narrow"`)); n == 0 || n > 12 {
		t.Errorf("the phone figure draws %d marks, want a band per claimant", n)
	}
}

// randomEstimates are n estimates over four years, with every qualifier,
// precision and a dozen claimants, the same on every run.
func randomEstimates(n int) []conflict.Estimate {
	rng := rand.New(rand.NewPCG(1, 2))
	claimants := []string{"U.S. military officials", "Coalition estimates", "Iraqi security forces",
		"Kurdish intelligence", "Syrian Observatory for Human Rights", "Russian defence ministry",
		"Turkish officials", "UN panel of experts", "Iraqi parliament", "Local activists",
		"Popular Mobilization Forces", "Islamic State propaganda"}
	force := conflict.ActorRef{ID: 1, Slug: "islamic-state", Name: "Islamic State"}
	xs := make([]conflict.Estimate, n)
	for i := range xs {
		y, m, d := 2014+rng.IntN(4), 1+rng.IntN(12), 1+rng.IntN(28)
		var asOf string
		switch rng.IntN(6) {
		case 0:
			asOf = fmt.Sprintf("%04d-%02d", y, m)
		case 1:
			asOf = fmt.Sprintf("%04d-%02d-%02d/%04d-%02d-%02d", y, m, 1, y, m, d)
		default:
			asOf = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		}
		v := int64(1000 + rng.IntN(40000))
		e := conflict.Estimate{ID: conflict.EstimateID(i + 1), Force: force, AsOf: edtf.MustParse(asOf),
			Unit: "fighters", Claimant: claimants[rng.IntN(len(claimants))]}
		switch q := conflict.Qualifiers[rng.IntN(len(conflict.Qualifiers))]; q {
		case conflict.Range:
			e.Qualifier, e.Low, e.High = q, conflict.Count(v), conflict.Count(v+int64(rng.IntN(10000))+1)
		case conflict.AtLeast:
			e.Qualifier, e.Low = q, conflict.Count(v)
		case conflict.AtMost:
			e.Qualifier, e.High = q, conflict.Count(v)
		default:
			e.Qualifier, e.Low, e.High = q, conflict.Count(v), conflict.Count(v)
		}
		xs[i] = e
	}
	return xs
}

func BenchmarkChart500(b *testing.B) {
	xs := randomEstimates(500)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		c := chart.New(xs, chart.Options{EstimateURL: EstimatePath})
		if err := EstimateChart(c).Render(context.Background(), &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/chart")
}
