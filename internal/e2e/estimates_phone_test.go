package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestEstimatesChartFitsAPhone opens the explorer and its embed at 375 px:
// neither scrolls sideways, the chart is the figure drawn for phones with
// no text under 12 px, the latest claim is on screen, and the table shows
// each claim's value and claimant without scrolling.
func TestEstimatesChartFitsAPhone(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	for _, scheme := range []string{"light", "dark"} {
		setColorScheme(t, ctx, scheme)
		setViewport(t, ctx, desktopWidth)
		run(t, ctx,
			chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State"),
			chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate-chart] svg")),
		)
		if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.chart__svg--narrow')).display`); got != "none" {
			t.Errorf("at %d px the phone figure shows (display %s)", desktopWidth, got)
		}
		screenshot(t, ctx, "estimates-"+scheme+"-1280.png")
	}
	setColorScheme(t, ctx, "light")
	setViewport(t, ctx, phoneWidth)
	for _, page := range []struct{ name, path, table string }{
		{"explorer", "/estimates?force=Islamic+State", "[data-testid=estimate-table]"},
		{"embed", "/embed/estimates?force=Islamic+State", "[data-testid=embed-estimate-table]"},
	} {
		t.Run(page.name, func(t *testing.T) {
			run(t, ctx,
				chromedp.Navigate(srv.URL+page.path),
				chromedp.WaitVisible(chromedp.CSS(".chart__svg--narrow")),
			)
			screenshot(t, ctx, "estimates-"+page.name+"-375.png")
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
				t.Errorf("the page scrolls sideways by %d px", w)
			}
			if w := eval[int](t, ctx, `(() => { const f = document.querySelector('[data-testid=estimate-chart]'); return f.scrollWidth - f.clientWidth })()`); w > 0 {
				t.Errorf("the chart scrolls sideways inside its box by %d px", w)
			}
			if got := eval[string](t, ctx, `getComputedStyle(document.querySelector('.chart__svg--wide')).display`); got != "none" {
				t.Errorf("at %d px the wide figure shows (display %s)", phoneWidth, got)
			}
			// The smallest text as rendered: its font size times the
			// figure's scale.
			smallest := eval[float64](t, ctx, `(() => {
				const svg = document.querySelector('.chart__svg--narrow');
				const scale = svg.getScreenCTM().a;
				let least = 1e9;
				svg.querySelectorAll('text').forEach(el => { least = Math.min(least, parseFloat(getComputedStyle(el).fontSize) * scale) });
				return least })()`)
			if smallest < 12 {
				t.Errorf("the chart's smallest text renders at %.1f px, want at least 12", smallest)
			}
			// Marks run earliest first: the last is the latest claim.
			latest := eval[[]float64](t, ctx, `(() => {
				const ms = document.querySelectorAll('.chart__svg--narrow [data-testid=chart-mark-narrow]');
				const r = ms[ms.length - 1].getBoundingClientRect();
				return [r.left, r.right, r.width, ms.length] })()`)
			if latest[3] != 2 || latest[2] == 0 || latest[0] < 0 || latest[1] > phoneWidth {
				t.Errorf("the latest of %v claims spans %v–%v px, want it on a %d px screen", latest[3], latest[0], latest[1], phoneWidth)
			}
			// Value and claimant of each row are on screen without scrolling.
			cells := eval[[]float64](t, ctx, `(() => {
				const row = document.querySelector('`+page.table+` tbody tr');
				const heads = [...row.closest('table').querySelectorAll('thead th')].map(th => th.textContent.trim());
				const value = row.children[heads.indexOf('Estimate')].getBoundingClientRect();
				const who = row.children[heads.indexOf('Claimant')].getBoundingClientRect();
				return [value.left, value.right, who.left, who.right] })()`)
			for i, what := range []string{"value", "claimant"} {
				if l, r := cells[2*i], cells[2*i+1]; l < 0 || r > phoneWidth {
					t.Errorf("the table's %s spans %v–%v px, want it on a %d px screen", what, l, r, phoneWidth)
				}
			}
		})
	}
	setColorScheme(t, ctx, "dark")
	run(t, ctx, chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State"), chromedp.WaitVisible(chromedp.CSS(".chart__svg--narrow")))
	screenshot(t, ctx, "estimates-dark-375.png")
}
