package e2e

import (
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/geo"
)

// TestMapShowsTheWorkedExample opens /map of the worked example: its
// places are drawn at their coordinates in a view fitted to them, with
// the basemap and nothing from another host; every mark is a link a
// keyboard reaches, named by its place and count; clicking Mosul lists
// Mosul's events; axe finds nothing, light or dark; and at phone width
// nothing scrolls sideways.
func TestMapShowsTheWorkedExample(t *testing.T) {
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map__svg")))

	// The view fits the demo's two places with events, as the server
	// fits them: each mark must be where its coordinates project.
	mosul, diyala := geo.Point{Lon: 43.13, Lat: 36.34}, geo.Point{Lon: 45.1494, Lat: 33.7733}
	view := geo.Fit([]geo.Point{mosul, diyala}, 960, 540, 0.2)
	type mark struct {
		Name   string  `json:"name"`
		X      float64 `json:"x"`
		Y      float64 `json:"y"`
		Width  float64 `json:"width"`
		Inside bool    `json:"inside"`
	}
	marks := eval[[]mark](t, ctx, `(() => {
		const svg = document.querySelector('.map__svg').getBoundingClientRect();
		return [...document.querySelectorAll('.map__mark')].map(a => {
			const c = a.querySelector('circle'), r = c.getBoundingClientRect();
			return {name: a.getAttribute('aria-label'), x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), width: r.width,
				inside: r.left >= svg.left && r.right <= svg.right && r.top >= svg.top && r.bottom <= svg.bottom};
		});
	})()`)
	want := map[string]geo.Point{"Mosul: 2 events": mosul, "Diyala province: 1 event": diyala}
	if len(marks) != len(want) {
		t.Fatalf("the map draws %d marks, want %d: %+v", len(marks), len(want), marks)
	}
	for _, m := range marks {
		at, ok := want[m.Name]
		if !ok {
			t.Errorf("unexpected mark %q", m.Name)
			continue
		}
		x, y := view.Pixel(at)
		if math.Abs(m.X-x) > 0.1 || math.Abs(m.Y-y) > 0.1 {
			t.Errorf("%q drawn at (%.1f, %.1f), its coordinates project to (%.1f, %.1f)", m.Name, m.X, m.Y, x, y)
		}
		if m.Width < 8 || !m.Inside {
			t.Errorf("%q is not visible on the map: %.1f px wide, inside %v", m.Name, m.Width, m.Inside)
		}
	}
	if land := eval[int](t, ctx, `document.querySelector('.map__land').getAttribute('d').length`); land < 500 {
		t.Errorf("the basemap draws %d characters of outlines: no countries", land)
	}
	if got := visibleText(t, ctx); !strings.Contains(got, "IRAQ") || !strings.Contains(got, "3 events at 2 places") {
		t.Errorf("the map does not name Iraq or sum up its events; the page reads:\n%s", got)
	}
	const mosulMark = `a.map__mark[aria-label^="Mosul"]`
	if !eval[bool](t, ctx, `(() => { const a = document.querySelector('`+mosulMark+`'); a.focus(); return document.activeElement === a })()`) {
		t.Errorf("Mosul's mark takes no keyboard focus")
	}
	checkAxe(t, ctx)
	setColorScheme(t, ctx, "dark")
	checkAxe(t, ctx)
	if sea := eval[string](t, ctx, `getComputedStyle(document.querySelector('.map__sea')).fill`); sea != "rgb(14, 26, 36)" {
		t.Errorf("in dark mode the sea is %s, want the dark sea", sea)
	}
	setColorScheme(t, ctx, "light")

	run(t, ctx, chromedp.Click(chromedp.CSS(mosulMark)), chromedp.WaitVisible(chromedp.CSS("[data-testid=results-count]")))
	if got := eval[string](t, ctx, `location.pathname + location.search`); got != "/events?place=mosul" {
		t.Errorf("Mosul's mark led to %s", got)
	}
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=results-count]').textContent`); got != "2 events" {
		t.Errorf("Mosul's list counts %q, its mark 2 events", got)
	}

	// Zooming is a link too, and keeps the marks where they belong.
	run(t, ctx, chromedp.Navigate(srv.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(".map__svg")))
	run(t, ctx, chromedp.Click(chromedp.CSS(".map__control--out")), chromedp.WaitVisible(chromedp.CSS(".map__svg")))
	if n := eval[int](t, ctx, `document.querySelectorAll('.map__mark').length`); n == 0 {
		t.Errorf("zoomed out, the map draws no marks")
	}

	// The list's views lead to the map of the same events.
	run(t, ctx, chromedp.Navigate(srv.URL+"/events?place=mosul"), chromedp.WaitVisible(chromedp.CSS("[data-testid=view-map]")))
	run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=view-map]")), chromedp.WaitVisible(chromedp.CSS(".map__svg")))
	if got := eval[string](t, ctx, `location.pathname + location.search + ' ' + [...document.querySelectorAll('.map__mark')].map(a => a.getAttribute('aria-label')).join('; ')`); got != "/map?place=mosul Mosul: 2 events" {
		t.Errorf("the list's Map view shows %q, want Mosul's map", got)
	}

	setViewport(t, ctx, phoneWidth)
	for _, page := range []string{"/map", "/places/iraq", "/embed/map"} {
		run(t, ctx, chromedp.Navigate(srv.URL+page), chromedp.WaitReady(chromedp.CSS("body")))
		if w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("at %d px %s is %d px wide: it scrolls sideways", phoneWidth, page, w[0])
		}
	}
	checkAxe(t, ctx)
}
