package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestReaderPages loads every page a researcher reads, at desktop width in
// the light scheme and at phone width in the dark one, and checks that each
// shows its content, loads nothing from elsewhere, logs no error, and has no
// axe-core violation.
func TestReaderPages(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	pages := []struct {
		name, path string
		want       []string
	}{
		{"events", "/events", []string{"3 events", "2016", "September", "Jul – Sep 2016"}},
		{"timeline", "/timelines/mosul-2016", []string{"Mosul, 2016", "3 events and 2 estimates", "as many as 10,000", "3,000–4,500", "Badr Organization"}},
		{"timeline-spaced", "/timelines/mosul-2016?spacing=time", []string{"Space evenly", "2 months later", "3 weeks later", "Badr Organization"}},
		{"event", "/events/1", []string{"Badr Organization fighters train", "27 Sep 2016", "Voice of America", "Cite this", "BibTeX"}},
		{"actor", "/actors/islamic-state", []string{"Islamic State", "Daesh", "Estimated size", "3,000 to 10,000"}},
		{"place", "/places/mosul", []string{"Mosul", "الموصل", "Nineveh province", "Iraq"}},
		{"source", "/sources/1", []string{"Voice of America", "Islamic State Struggling to Reinforce Mosul"}},
		{"search", "/search?q=raqqa", []string{"results", "Raqqa"}},
		{"explorer", "/estimates?force=ISIS", []string{"3,000–4,500", "as many as 10,000", "Coalition estimates", "U.S. military officials"}},
		{"estimate", "/estimates/2", []string{"as many as 10,000", "July 2016", "Coalition estimates"}},
		{"filter-error", "/events?from=next+week", []string{"Not a date"}},
		{"not-found", "/events/999", []string{"Page not found"}},
	}
	for _, p := range pages {
		for _, view := range []struct {
			suffix string
			width  int64
			scheme string
		}{{"1280-light", desktopWidth, "light"}, {"375-dark", phoneWidth, "dark"}} {
			t.Run(p.name+"-"+view.suffix, func(t *testing.T) {
				ctx := newBrowser(t)
				noExternalRequests(t, ctx, srv)
				if p.name != "not-found" {
					noConsoleErrors(t, ctx)
				}
				setViewport(t, ctx, view.width)
				setColorScheme(t, ctx, view.scheme)
				run(t, ctx, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS("main")))
				text := visibleText(t, ctx)
				for _, w := range p.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s lacks %q; it reads:\n%s", p.path, w, text)
					}
				}
				if overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
					t.Errorf("%s scrolls sideways at %dpx", p.path, view.width)
				}
				if strings.HasPrefix(p.name, "timeline") {
					// A timeline is read as a story: its filters are folded
					// away, its first entry is on the first screen, and the
					// navigation does not claim it is the events list.
					if top := eval[float64](t, ctx, `document.querySelector('[data-testid=event-item]').getBoundingClientRect().top`); top > float64(eval[float64](t, ctx, `window.innerHeight`)) {
						t.Errorf("%s at %dpx: the first event starts %.0f px down, below the first screen", p.path, view.width, top)
					}
					if eval[bool](t, ctx, `document.querySelector('#filter-actor').checkVisibility()`) {
						t.Errorf("%s shows its filter form before the reader asks for it", p.path)
					}
					if current := eval[string](t, ctx, `document.querySelector('.nav [aria-current]')?.textContent ?? ''`); current != "" {
						t.Errorf("%s marks %q as the current section; a timeline is none of them", p.path, current)
					}
				}
				screenshot(t, ctx, p.name+"-"+view.suffix+".png")
				checkAxe(t, ctx)
			})
		}
	}
}

// TestFilterUpdatesInPlace filters /events by an alias with htmx: the list
// changes without a page load and the address bar carries the filter, so
// the view can be shared.
func TestFilterUpdatesInPlace(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/events"),
		chromedp.WaitVisible(chromedp.CSS("#filter-actor")),
	)
	eval[bool](t, ctx, `window.__sameDocument = true`)
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#filter-actor"), "ISIS"),
		chromedp.KeyEvent(kb.Enter),
	)
	eval[bool](t, ctx, `new Promise(resolve => {
  const done = () => document.querySelector('[data-testid=results-count]').textContent.trim() === '2 events';
  const tick = () => done() ? resolve(true) : setTimeout(tick, 50);
  tick();
})`)
	if !eval[bool](t, ctx, `window.__sameDocument === true`) {
		t.Error("filtering reloaded the page; want htmx to swap the results only")
	}
	loc := eval[string](t, ctx, `location.search`)
	if !strings.Contains(loc, "actor=ISIS") {
		t.Errorf("location.search = %q, want the filter in the address", loc)
	}
	titles := eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid=event-item] h5')].map(e => e.textContent.trim())`)
	for _, title := range titles {
		if strings.Contains(title, "Badr") {
			t.Errorf("filtered by ISIS, the list still shows %q", title)
		}
	}
	if len(titles) != 2 {
		t.Errorf("filtered list shows %d events, want 2: %q", len(titles), titles)
	}
}

// TestFilterSuggestsAsYouType picks an actor from the suggestions with the
// keyboard alone, drops it by unticking it, then picks a place typed in
// Arabic script with the mouse: the results, the address and the chosen
// values follow without a page load, and the focus stays in the box.
func TestFilterSuggestsAsYouType(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/events"),
		chromedp.WaitVisible(chromedp.CSS("#filter-actor")),
	)
	eval[bool](t, ctx, `window.__sameDocument = true`)
	run(t, ctx,
		chromedp.Click(chromedp.CSS("#filter-actor")),
		chromedp.SendKeys(chromedp.CSS("#filter-actor"), "daesh"),
		chromedp.WaitVisible(chromedp.CSS("#filter-actor-listbox [role=option]")),
		chromedp.KeyEvent(kb.ArrowDown),
	)
	if got := eval[string](t, ctx, `document.activeElement.getAttribute('aria-activedescendant') + ' ' + document.activeElement.getAttribute('aria-expanded')`); got != "filter-actor-opt-0 true" {
		t.Errorf("after ArrowDown the box says %q, want the first option active and the list expanded", got)
	}
	if got := eval[string](t, ctx, `document.getElementById('filter-actor-opt-0').textContent.trim().replace(/\s+/g, ' ')`); got != "Islamic State also Daesh" {
		t.Errorf("the first suggestion for daesh reads %q, want the actor and the alias that matched", got)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitCount(t, ctx, "2 events")
	if got := eval[string](t, ctx, `location.search`); got != "?actor=Islamic+State" && got != "?actor=Islamic%20State" {
		t.Errorf("location.search = %q, want only the chosen actor", got)
	}
	if got := eval[string](t, ctx, `[...document.querySelectorAll('#filter-body .pick input:checked')].map(i => i.value).join('|')`); got != "Islamic State" {
		t.Errorf("chosen actors = %q, want Islamic State ticked", got)
	}
	if got := eval[string](t, ctx, `document.activeElement.id + '=' + document.activeElement.value`); got != "filter-actor=" {
		t.Errorf("focus after choosing is on %q, want the empty actor box", got)
	}
	// The box that came with the results is a combobox once htmx has
	// settled it.
	eval[bool](t, ctx, `new Promise(resolve => {
  const tick = () => document.activeElement.getAttribute('role') === 'combobox' ? resolve(true) : setTimeout(tick, 20);
  tick();
})`)
	// Unticking the chosen actor drops it at once.
	run(t, ctx, chromedp.Click(chromedp.CSS("#filter-body .pick")))
	waitCount(t, ctx, "3 events")
	if n := eval[int](t, ctx, `document.querySelectorAll('#filter-body .pick').length`); n != 0 {
		t.Errorf("%d chosen values left after unticking the only one", n)
	}
	// A place in Arabic script, chosen with the mouse, once the fields
	// that came with the results are in place.
	settled(t, ctx)
	run(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#filter-place"), "الموص"),
		chromedp.WaitVisible(chromedp.CSS("#filter-place-listbox [role=option]")),
		chromedp.Click(chromedp.CSS("#filter-place-listbox [role=option]")),
	)
	waitCount(t, ctx, "2 events")
	if got := eval[string](t, ctx, `[...document.querySelectorAll('#filter-body .pick input:checked')].map(i => i.value).join('|')`); got != "Mosul" {
		t.Errorf("chosen places = %q, want Mosul ticked", got)
	}
	if !eval[bool](t, ctx, `window.__sameDocument === true`) {
		t.Error("choosing a suggestion reloaded the page; want htmx to swap the results and the fields")
	}
}

// waitCount waits until the results count reads want.
func waitCount(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	eval[bool](t, ctx, `new Promise(resolve => {
  const done = () => document.querySelector('[data-testid=results-count]').textContent.trim() === `+"`"+want+"`"+`;
  const tick = () => done() ? resolve(true) : setTimeout(tick, 50);
  tick();
})`)
}

// TestChartMarksLeadToEstimates tabs onto the chart's marks and follows one
// with the keyboard.
func TestChartMarksLeadToEstimates(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	run(t, ctx,
		chromedp.Navigate(srv.URL+"/estimates?force=Islamic+State&place=Mosul"),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate-chart] svg")),
	)
	marks := eval[int](t, ctx, `document.querySelectorAll('[data-testid=chart-mark]').length`)
	if marks != 2 {
		t.Fatalf("chart has %d marks, want 2 (one per estimate)", marks)
	}
	// Tab until a chart mark has focus; the filter form's fields come first.
	focused := false
	for i := 0; i < 30 && !focused; i++ {
		run(t, ctx, chromedp.KeyEvent(kb.Tab))
		focused = eval[bool](t, ctx, `!!document.activeElement.closest('[data-testid=chart-mark]')`)
	}
	if !focused {
		t.Fatal("no chart mark took keyboard focus within 30 Tab presses")
	}
	label := eval[string](t, ctx, `document.activeElement.closest('[data-testid=chart-mark]').querySelector('title').textContent`)
	if !strings.Contains(label, "claimed by") {
		t.Errorf("focused mark's title = %q, want it to say who claimed it", label)
	}
	run(t, ctx,
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=estimate]")),
	)
	if path := eval[string](t, ctx, `location.pathname`); !strings.HasPrefix(path, "/estimates/") {
		t.Errorf("Enter on a mark went to %q, want an estimate page", path)
	}
}
