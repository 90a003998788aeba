package e2e

import (
	"strconv"
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
	// The estimates' tables stack each row's cells on a phone, each under
	// its column's name: nothing scrolls sideways, not even inside the
	// table's box. A claimant's own page has the same table, the embed one
	// of its own.
	run(t, ctx, chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State"), chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate-table]")))
	claimant := eval[string](t, ctx, `document.querySelector('[data-testid=estimate-table] [data-testid=claimant-link]').getAttribute('href')`)
	for _, page := range []struct{ path, table string }{
		{"/estimates?force=Islamic+State", "[data-testid=estimate-table]"},
		{claimant, "[data-testid=estimate-table]"},
		{"/embed/estimates?force=Islamic+State", "[data-testid=embed-estimate-table]"},
	} {
		path := page.path
		run(t, ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS(page.table)))
		type cell struct {
			Heading string  `json:"heading"`
			Label   string  `json:"label"`
			Left    float64 `json:"left"`
			Right   float64 `json:"right"`
		}
		got := eval[struct {
			Scroll int    `json:"scroll"`
			Cells  []cell `json:"cells"`
		}](t, ctx, `(() => {
			const table = document.querySelector('`+page.table+`');
			const box = table.parentElement;
			const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
			const cells = [];
			table.querySelectorAll('tbody tr').forEach(tr => [...tr.children].forEach((td, i) => {
				const r = td.getBoundingClientRect();
				cells.push({heading: heads[i], label: getComputedStyle(td, '::before').content, left: r.left, right: r.right});
			}));
			return {scroll: box.scrollWidth - box.clientWidth, cells: cells} })()`)
		if got.Scroll > 0 {
			t.Errorf("%s: the estimates' table scrolls sideways inside its box by %d px", path, got.Scroll)
		}
		if len(got.Cells) == 0 {
			t.Errorf("%s: the estimates' table has no cells", path)
		}
		for _, c := range got.Cells {
			if want := strconv.Quote(c.Heading + ": "); c.Label != want {
				t.Errorf("%s: a cell of the column %q is labelled %s, want %s", path, c.Heading, c.Label, want)
				break
			}
			if c.Left < 0 || c.Right > phoneWidth {
				t.Errorf("%s: a cell of the column %q spans %v–%v px, want it on a %d px screen", path, c.Heading, c.Left, c.Right, phoneWidth)
				break
			}
		}
	}
	setColorScheme(t, ctx, "dark")
	run(t, ctx, chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State"), chromedp.WaitVisible(chromedp.CSS(".chart__svg--narrow")))
	screenshot(t, ctx, "estimates-dark-375.png")
}

// TestEstimatesTableFitsADesktop: at 1280 px the explorer's table shows
// every column, the quote included, without scrolling inside its box, even
// when a row holds the longest values a large record gives: an approximate
// date, "as many as" a five-figure number, a long force in a place. The
// demo's rows are short, so the first is given those values in the page.
func TestEstimatesTableFitsADesktop(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate-table]")),
	)
	got := eval[[]float64](t, ctx, `(() => {
		const table = document.querySelector('[data-testid=estimate-table]');
		const row = table.querySelector('tbody tr');
		row.querySelector('time').textContent = '25 Dec 2020 (approx.)';
		row.querySelector('.estimate-value').textContent = 'as many as 10,289';
		row.querySelector('.actor span').textContent = "People's Protection Units";
		const place = row.querySelector('.place');
		if (place) place.textContent = 'Deir ez-Zor';
		row.querySelector('q').textContent = 'Officials put the number at as many as 10,289.';
		const box = table.closest('.table-wrap');
		const quote = row.lastElementChild.getBoundingClientRect();
		return [box.scrollWidth - box.clientWidth, quote.right, box.getBoundingClientRect().right] })()`)
	if got[0] > 0 {
		t.Errorf("at %d px the estimates' table scrolls sideways inside its box by %v px", desktopWidth, got[0])
	}
	if got[1] > got[2] {
		t.Errorf("at %d px the quote ends at %v px, past its box's edge at %v px", desktopWidth, got[1], got[2])
	}
}
