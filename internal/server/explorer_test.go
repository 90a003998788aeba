package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestExplorerWithoutForce: with nothing chosen the explorer lists the
// forces most estimated and asks for one, rather than charting every
// force at once; its boxes suggest as the reader types instead of listing
// every actor and place.
func TestExplorerWithoutForce(t *testing.T) {
	h := newHandler(t)
	body := get(t, h, "/estimates", http.StatusOK, `data-testid="force-overview"`, "Choose a force to chart",
		`href="/estimates?force=Islamic+State"`, "2 estimates", `data-testid="estimate-table"`,
		`hx-get="/suggest/actors"`, `hx-get="/suggest/places"`, `data-listbox="est-force-list"`)
	if strings.Contains(body, `data-testid="estimate-chart"`) {
		t.Error("GET /estimates draws a chart of every force; want the forces listed to choose from")
	}
	if strings.Contains(body, "<datalist") || strings.Contains(body, `<option value="Badr Organization"`) {
		t.Error("GET /estimates lists actors as options; want boxes that suggest as one types")
	}
	// A filter without a force lists its estimates and asks for a force.
	get(t, h, "/estimates?from=2016-08", http.StatusOK, "Choose a force to chart its estimates.", "3,000–4,500")
	// A typed alias is resolved without script.
	get(t, h, "/estimates?force=daesh", http.StatusOK, `data-testid="estimate-chart"`, "as many as 10,000",
		`<option value="Coalition estimates">`)
}

// TestExplorerChartsALargeForceFromItsTallies gives a force more estimates
// than a chart draws one by one: the chart's bars then come from the tallies,
// and the count, spread and table still account for every estimate.
func TestExplorerChartsALargeForceFromItsTallies(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	const n = chart.MaxMarks + 100
	var xs []*conflict.Estimate
	for i := range n {
		xs = append(xs, &conflict.Estimate{Force: is.Ref(), AsOf: edtf.MustParse(fmt.Sprintf("%d-%02d-%02d", 2010+i%6, 1+i%12, 1+i%28)),
			Unit: "fighters", Qualifier: conflict.Range, Low: conflict.Count(int64(2000 + i)), High: conflict.Count(int64(2500 + i)),
			Claimant: []string{"Monitor", "Ministry", "Council"}[i%3], Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
	}
	if err := a.DB.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	total := n + 2
	body := get(t, h, "/estimates?force=ISIS", http.StatusOK,
		fmt.Sprintf("%d estimates by 5 claimants put the force at 2,000 to 10,000 fighters.", total),
		fmt.Sprintf("lists 100 of %d estimates", total), "each band spans the lowest to the highest claim")
	marks := strings.Count(body, `data-testid="chart-mark"`)
	if marks == 0 || marks > 250 {
		t.Errorf("chart of %d estimates draws %d marks, want a readable number of bands", total, marks)
	}
	// The wide figure's bands, one per claimant, hold every claim.
	wide := body[strings.Index(body, "chart__svg--wide"):strings.Index(body, "chart__svg--narrow")]
	claims := 0
	for _, m := range regexp.MustCompile(`<title>[^<:]+: ([\d,]+) claims? from `).FindAllStringSubmatch(wide, -1) {
		var c int
		fmt.Sscan(strings.ReplaceAll(m[1], ",", ""), &c)
		claims += c
	}
	if claims != total {
		t.Errorf("the chart's bars hold %d claims, want all %d", claims, total)
	}
	// A range of 100 claims, more than the explorer draws one by one, is
	// drawn from the tallies too: bars of a claimant's claims, each
	// linking to them, and none of the 100 drawn alone.
	body = get(t, h, "/estimates?force=ISIS&from=2012-01-01&to=2012", http.StatusOK,
		fmt.Sprintf("%d estimates of Islamic State", n/6))
	wide = body[strings.Index(body, "chart__svg--wide"):strings.Index(body, "chart__svg--narrow")]
	if strings.Contains(wide, `href="/estimates/`) || !strings.Contains(wide, `href="/estimates?claimant=`) {
		t.Errorf("a range of %d claims of a large force is not drawn as bars linking to their claims:\n%s", n/6, wide)
	}
	// A date range is answered as exactly: 2012 holds a sixth of them,
	// all the council's.
	get(t, h, "/estimates?force=ISIS&claimant=council&from=2012-01-01&to=2012", http.StatusOK,
		fmt.Sprintf("%d estimates by 1 claimant", n/6))
	// The strip of counts over time counts each claim of the range once,
	// and a claim published since at once.
	histogram := func() int {
		body := get(t, h, "/estimates?force=ISIS&from=2012-01-01&to=2012-12-31", http.StatusOK)
		strip := between(body, `data-testid="histogram"`, "</figure>")
		sum := 0
		for _, m := range regexp.MustCompile(`<title>[^<:]+: ([\d,]+) claims?</title>`).FindAllStringSubmatch(strip, -1) {
			var c int
			fmt.Sscan(strings.ReplaceAll(m[1], ",", ""), &c)
			sum += c
		}
		return sum
	}
	if got := histogram(); got != n/6 {
		t.Errorf("the histogram of 2012 counts %d claims, want %d", got, n/6)
	}
	x := &conflict.Estimate{Force: is.Ref(), AsOf: edtf.MustParse("2012-06-15"), Unit: "fighters", Qualifier: conflict.Exact,
		Low: conflict.Count(3000), High: conflict.Count(3000), Claimant: "Monitor", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: src}}}
	if err := a.DB.CreateEstimate(ctx, x, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := histogram(); got != n/6+1 {
		t.Errorf("after a claim of 2012 is published, the histogram counts %d claims, want %d", got, n/6+1)
	}
}

// TestExplorerChartsRevisionsAndUnits: a claim its claimant revised is
// drawn faded and joined to the revision, claims in vehicles get a panel of
// their own, and each mark's title names its place; the headline spread
// is per place and unit.
func TestExplorerChartsRevisionsAndUnits(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(asOf, unit string, n int64) *conflict.Estimate {
		return &conflict.Estimate{Force: is.Ref(), AsOf: edtf.MustParse(asOf), Unit: unit, Qualifier: conflict.Exact,
			Low: conflict.Count(n), High: conflict.Count(n), Claimant: "Local monitor", Status: conflict.Published,
			Citations: []conflict.Citation{{Source: src}}}
	}
	early, vehicles := mk("2016-08-01", "fighters", 6000), mk("2016-08-02", "vehicles", 1200)
	if err := a.DB.CreateEstimates(ctx, []*conflict.Estimate{early, vehicles}, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	later := mk("2016-08-20", "fighters", 5000)
	later.Relations = []conflict.Relation{{Kind: conflict.Supersedes, Target: int64(early.ID)}}
	if err := a.DB.CreateEstimates(ctx, []*conflict.Estimate{later}, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	body := get(t, a.Handler(), "/estimates?force=ISIS", http.StatusOK,
		`data-unit="fighters"`, `data-unit="vehicles"`,
		"1,200 vehicles.", "put the force in Mosul at 3,000 to 10,000 fighters.",
		"(superseded by Local monitor&#39;s claim of 20 Aug 2016: 5,000)",
		`class="chart__links"`)
	wide := body[strings.Index(body, "chart__svg--wide"):strings.Index(body, "chart__svg--narrow")]
	if n := strings.Count(wide, `class="chart-mark chart-mark--superseded"`); n != 1 {
		t.Errorf("%d superseded marks in the wide figure, want 1", n)
	}
	if strings.Count(wide, `data-unit=`) != 2 {
		t.Errorf("the wide figure has %d panels, want one per unit", strings.Count(wide, `data-unit=`))
	}
	for _, m := range regexp.MustCompile(`<title>([^<]*claimed by[^<]*)</title>`).FindAllStringSubmatch(wide, -1) {
		if strings.Contains(m[1], "Islamic State, as of") {
			// Claims made here have no place: that must be said by its
			// absence, not by another claim's place.
			continue
		}
		if !strings.Contains(m[1], "Islamic State in Mosul") {
			t.Errorf("mark title %q does not name its place", m[1])
		}
	}
}

// TestExplorerCutsAKeptForceToEachRange: a small force's estimates, and
// the first page of a filter without its end date, are kept between
// writes and cut to each date range the explorer is asked for; the chart
// and the table show only the range's claims, and a claim published since
// shows at once.
func TestExplorerCutsAKeptForceToEachRange(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	h := a.Handler()
	// The demo's claims are "as many as 10,000" in July 2016 and
	// 3,000–4,500 on 29 September.
	for _, tt := range []struct {
		url      string
		want     string
		unwanted string
		marks    int
	}{
		{"/estimates?force=ISIS&to=2016-08-10", "as many as 10,000", "3,000–4,500", 1},
		{"/estimates?force=ISIS&from=2016-08-01", "3,000–4,500", "as many as 10,000", 1},
		{"/estimates?force=ISIS", "3,000–4,500", "No estimates to chart", 2},
		// Without a force the table alone lists the range.
		{"/estimates?to=2016-08-10", "as many as 10,000", "3,000–4,500", 0},
	} {
		body := get(t, h, tt.url, http.StatusOK, tt.want)
		if strings.Contains(body, tt.unwanted) {
			t.Errorf("GET %s shows %q, which is outside its range", tt.url, tt.unwanted)
		}
		if n := strings.Count(body, `data-testid="chart-mark"`); n != tt.marks {
			t.Errorf("GET %s charts %d claims, want %d", tt.url, n, tt.marks)
		}
	}
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := &conflict.Estimate{Force: is.Ref(), AsOf: edtf.MustParse("2016-08-05"), Unit: "fighters", Qualifier: conflict.Exact,
		Low: conflict.Count(7777), High: conflict.Count(7777), Claimant: "Local monitor", Status: conflict.Published,
		Citations: []conflict.Citation{{Source: src, Quote: "about seven thousand"}}}
	if err := a.DB.CreateEstimate(ctx, x, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	body := get(t, h, "/estimates?force=ISIS&to=2016-08-10", http.StatusOK, "7,777", "about seven thousand")
	if n := strings.Count(body, `data-testid="chart-mark"`); n != 2 {
		t.Errorf("after a claim is published, the range charts %d claims, want 2", n)
	}
	get(t, h, "/estimates?to=2016-08-10", http.StatusOK, "7,777", "about seven thousand")
}

// TestExplorerDrawsAFewPanelsOfAForceWithManySubForces: a force with a
// dozen sub-forces draws its own panel and its largest sub-forces', in
// both figures, with about as many bars as a force of one panel; it says
// how many panels it draws of how many and links every sub-force left out
// to its own chart with the same other filters, while the count, summary
// and table still cover every estimate.
func TestExplorerDrawsAFewPanelsOfAForceWithManySubForces(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatal(err)
	}
	src, err := a.DB.FindSourceByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var xs []*conflict.Estimate
	for f := range 12 {
		sub := conflict.Actor{Name: fmt.Sprintf("Wilayat %02d", f), Kind: is.Kind, Parent: &conflict.ActorRef{ID: is.ID}, Status: conflict.Published}
		if err := a.DB.CreateActor(ctx, &sub, conflict.Change{AuthorName: "test"}); err != nil {
			t.Fatal(err)
		}
		for i := range 60 + 5*f {
			xs = append(xs, &conflict.Estimate{Force: sub.Ref(), AsOf: edtf.MustParse(fmt.Sprintf("%d-%02d-%02d", 2010+i%6, 1+i%12, 1+i%28)),
				Unit: "fighters", Qualifier: conflict.Exact, Low: conflict.Count(int64(1000 + i)),
				Claimant: []string{"Monitor", "Ministry", "Council"}[i%3], Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}})
		}
	}
	if err := a.DB.CreateEstimates(ctx, xs, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatal(err)
	}
	total := len(xs) + 2
	if total <= chart.MaxMarks {
		t.Fatalf("%d estimates: want more than a chart draws one by one, so that it draws them from the tallies", total)
	}
	h := a.Handler()
	body := get(t, h, "/estimates?force=ISIS&from=2010", http.StatusOK,
		"This chart draws 6 of its 13 panels", `href="#chart-omitted"`, `id="chart-omitted"`, "7 panels not drawn",
		fmt.Sprintf("%s estimates of ", conflict.FormatCount(int64(total))),
		fmt.Sprintf("lists 100 of %s estimates", conflict.FormatCount(int64(total))))
	if n := strings.Count(body, `class="chart__panel"`); n != 12 {
		t.Errorf("%d chart panels, want 6 in each of the 2 figures", n)
	}
	wide := between(body, "chart__svg--wide", "chart__svg--narrow")
	for f := range 12 {
		name := fmt.Sprintf("Wilayat %02d", f)
		link := fmt.Sprintf(`href="/estimates?force=Wilayat+%02d&amp;from=2010"`, f)
		drawn := f >= 7
		if got := strings.Contains(wide, ">"+name+" · fighters<"); got != drawn {
			t.Errorf("%s drawn: %v, want %v (the 5 sub-forces with most estimates)", name, got, drawn)
		}
		if got := strings.Contains(body, link); got != !drawn {
			t.Errorf("%s linked to its own chart: %v, want %v", name, got, !drawn)
		}
	}
	// The groups go to the panels drawn: about as many bars as one panel's.
	if marks := strings.Count(wide, `data-testid="chart-mark"`); marks == 0 || marks > 250 {
		t.Errorf("the wide figure draws %d marks, want about 200 across its panels", marks)
	}
	// A force with few sub-forces draws every panel and says nothing of it.
	body = get(t, h, "/estimates?force=Wilayat+03", http.StatusOK)
	if strings.Contains(body, `data-testid="chart-panels"`) || strings.Contains(body, `data-testid="chart-omitted"`) {
		t.Error("a force of one panel says panels are left out")
	}
}

// TestExplorerTableRowsFollowAnEdit: the explorer keeps its table's rows
// written between writes; an edit of an estimate shows in its row at once,
// on a kept force's page and on a page read from the database alike.
func TestExplorerTableRowsFollowAnEdit(t *testing.T) {
	a := newApp(t)
	ctx := t.Context()
	h := a.Handler()
	pages := []string{"/estimates?force=ISIS", "/estimates?from=2016-09-01"}
	for _, u := range pages {
		get(t, h, u, http.StatusOK, "3,000–4,500")
	}
	x, err := a.DB.FindEstimateByExternalID(ctx, "demo:is-mosul-2016-09-29")
	if err != nil {
		t.Fatal(err)
	}
	x.Low, x.High = conflict.Count(3500), conflict.Count(5000)
	if _, err := a.DB.UpdateEstimate(ctx, &x, x.Version, reviewerChange); err != nil {
		t.Fatal(err)
	}
	for _, u := range pages {
		body := get(t, h, u, http.StatusOK, "3,500–5,000")
		if strings.Contains(body, "3,000–4,500") {
			t.Errorf("GET %s still shows the estimate as it was before the edit", u)
		}
	}
}
