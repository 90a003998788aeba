package e2e

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHistogramBarNarrowsTheList clicks a bar of the histogram above
// /events and expects the list narrowed to the bar's dates: the events
// that begin in it, and those that reach into it; the bar is reachable by
// keyboard.
func TestHistogramBarNarrowsTheList(t *testing.T) {
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/events"), chromedp.WaitVisible(chromedp.CSS("[data-testid=histogram]")))
	if got := visibleText(t, ctx); !strings.Contains(got, "Most events: ") {
		t.Errorf("/events has no summary of its histogram; it reads:\n%s", got)
	}
	const bar = `document.querySelector('.histo__svg a')`
	name := eval[string](t, ctx, bar+`.querySelector('title').textContent`)
	if !eval[bool](t, ctx, `(() => { const b = `+bar+`; b.focus(); return document.activeElement === b })()`) {
		t.Errorf("the bar %q takes no keyboard focus", name)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(".histo__svg a")), chromedp.WaitVisible(chromedp.CSS("[data-testid=results-count]")))
	search := eval[string](t, ctx, `location.search`)
	if search != "?from=2016-07-01&to=2016-07-03" {
		t.Errorf("the bar %q led to %q, want its dates", name, search)
	}
	if got, want := eval[string](t, ctx, `document.querySelector('[data-testid=results-count]').textContent`), "1 event"; got != want {
		t.Errorf("after the bar %q the list counts %q, want %q", name, got, want)
	}
	if got := eval[string](t, ctx, `document.querySelector('#filter-from').value + ' ' + document.querySelector('#filter-to').value`); got != "2016-07-01 2016-07-03" {
		t.Errorf("the filter form reads %q after the bar", got)
	}
	if got := visibleText(t, ctx); !strings.Contains(got, "Top Islamic State officials") || strings.Contains(got, "Badr Organization fighters train") {
		t.Errorf("the narrowed list is not the bar's; it reads:\n%s", got)
	}
}

// TestTableSortsAndDownloadsItself sorts the table view by its headings
// and downloads its CSV, which must hold the table's rows in its order.
func TestTableSortsAndDownloadsItself(t *testing.T) {
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/events"), chromedp.WaitVisible(chromedp.CSS("[data-testid=view-table]")))
	run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=view-table]")), chromedp.WaitVisible(chromedp.CSS("[data-testid=event-table]")))
	const rows = `[...document.querySelectorAll('[data-testid=table-row]')].map(r => [...r.cells].map(c => c.textContent.replace(/\s+/g, ' ').trim()))`
	steps := []struct {
		heading string
		column  int
		want    []string
		search  string
	}{
		{"Place", 2, []string{"Diyala province", "Mosul", "Mosul"}, "?sort=place&view=table"},
		{"Place", 2, []string{"Mosul", "Mosul", "Diyala province"}, "?sort=-place&view=table"},
		{"Sources", 5, []string{"2", "2", "1"}, "?sort=-sources&view=table"},
		{"Date", 0, []string{"Jul – Sep 2016", "September 2016 (approx.)", "27 Sep 2016"}, "?view=table"},
		{"Date", 0, []string{"27 Sep 2016", "September 2016 (approx.)", "Jul – Sep 2016"}, "?order=newest&view=table"},
	}
	for _, s := range steps {
		run(t, ctx, chromedp.Click(chromedp.CSS("[data-testid=sort-"+s.heading+"]")), chromedp.WaitVisible(chromedp.CSS("[data-testid=event-table]")))
		if got := eval[string](t, ctx, `location.search`); got != s.search {
			t.Errorf("sorting by %s led to %q, want %q", s.heading, got, s.search)
		}
		table := eval[[][]string](t, ctx, rows)
		var col []string
		for _, r := range table {
			col = append(col, r[s.column])
		}
		if !slices.Equal(col, s.want) {
			t.Errorf("sorted by %s (%s), the column reads %q, want %q", s.heading, s.search, col, s.want)
		}
		sort := eval[string](t, ctx, `document.querySelector('[data-testid=sort-`+s.heading+`]').closest('th').getAttribute('aria-sort')`)
		if sort != "ascending" && sort != "descending" {
			t.Errorf("the %s heading's aria-sort is %q after sorting by it", s.heading, sort)
		}
		// The table's CSV, as the download link fetches it.
		text := eval[string](t, ctx, `fetch(document.querySelector('[data-testid=downloads] a[data-format=csv]').href).then(r => r.text())`)
		records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatalf("reading the CSV of %s: %v", s.search, err)
		}
		if len(records) != len(table)+1 {
			t.Fatalf("the CSV of %s has %d rows, the table %d", s.search, len(records)-1, len(table))
		}
		for i, r := range table {
			if !slices.Equal(records[i+1], r) {
				t.Errorf("%s row %d: CSV %q, table %q", s.search, i+1, records[i+1], r)
			}
		}
	}
	// The filter form keeps the view.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#filter-to"), "2016-08"), chromedp.Submit(chromedp.CSS("#filter-to")))
	// The table of the page before stays visible until the new one
	// arrives: wait for the address to change, not for a table.
	got := waitFor(t, ctx, func() (string, bool) {
		// Asked mid-navigation, the page may have no context to answer.
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
		return s, err == nil && strings.Contains(s, "to=2016-08")
	})
	run(t, ctx, chromedp.WaitVisible(chromedp.CSS("[data-testid=event-table]")))
	if !strings.Contains(got, "view=table") {
		t.Errorf("filtering the table led to %q", got)
	}
}

// TestInstrumentPages checks the histogram and table pages with axe, at
// desktop width in the light scheme and at phone width in the dark one,
// where none may scroll sideways and no text of the instruments may be
// smaller than 12 px.
func TestInstrumentPages(t *testing.T) {
	srv := newServer(t)
	for _, p := range []struct{ name, path string }{
		{"histogram", "/events"},
		{"table", "/events?view=table"},
		{"table-sorted", "/timelines/mosul-2016?view=table&sort=-sources"},
		{"claims", "/estimates?force=ISIS"},
	} {
		for _, view := range []struct {
			suffix string
			width  int64
			scheme string
		}{{"1280-light", desktopWidth, "light"}, {"1280-dark", desktopWidth, "dark"}, {"375-light", phoneWidth, "light"}, {"375-dark", phoneWidth, "dark"}} {
			t.Run(p.name+"-"+view.suffix, func(t *testing.T) {
				ctx := newBrowser(t)
				noExternalRequests(t, ctx, srv)
				noConsoleErrors(t, ctx)
				setViewport(t, ctx, view.width)
				setColorScheme(t, ctx, view.scheme)
				run(t, ctx, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
				if overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
					t.Errorf("%s scrolls sideways at %dpx", p.path, view.width)
				}
				small := eval[[]string](t, ctx, `[...document.querySelectorAll('.histo *, .etable *, .view-switch *')]
					.filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.checkVisibility())
					.filter(e => parseFloat(getComputedStyle(e).fontSize) < 12).map(e => e.textContent.trim().slice(0, 40))`)
				if len(small) > 0 {
					t.Errorf("%s at %dpx: text under 12 px: %q", p.path, view.width, small)
				}
				if !eval[bool](t, ctx, `!!document.querySelector('[data-testid=histogram]')`) {
					t.Errorf("%s has no histogram", p.path)
				}
				screenshot(t, ctx, "instruments-"+p.name+"-"+view.suffix+".png")
				checkAxe(t, ctx)
			})
		}
	}
}
