package e2e

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/edtf"
)

// TestSearchInArabicScript types a place's name in Arabic script, without
// its article, and sees the place it names, its events, and the events
// written in Arabic, each name laid out in its own direction: the Arabic
// right to left, the Latin left to right beside it.
func TestSearchInArabicScript(t *testing.T) {
	chromiumPath(t)
	a, err := app.Open(t.Context(), app.Config{DBPath: filepath.Join(t.TempDir(), "sitrep.db"), Demo: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	src, err := a.DB.FindSourceByID(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"قصف جوي على أحياء الموصل القديمة", "اشتباكات قرب جامع النوري في الموصل"} {
		e := conflict.Event{Title: title, Body: "أفاد سكان بسقوط قذائف على السوق.", Date: edtf.MustParse("2016-10-20"),
			Status: conflict.Published, Citations: []conflict.Citation{{Source: src}}}
		if err := a.DB.CreateEvent(t.Context(), &e, conflict.Change{AuthorName: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)

	for _, width := range []int64{desktopWidth, phoneWidth} {
		ctx := newBrowser(t)
		noConsoleErrors(t, ctx)
		setViewport(t, ctx, width)
		run(t, ctx,
			chromedp.Navigate(srv.URL+"/search"),
			chromedp.WaitVisible(chromedp.CSS("#search-q")),
			chromedp.SendKeys(chromedp.CSS("#search-q"), "موصل"),
			chromedp.Submit(chromedp.CSS("#search-q")),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="search-group-event"]`)),
		)
		if dir := eval[string](t, ctx, `getComputedStyle(document.querySelector('#search-q')).direction`); dir != "rtl" {
			t.Errorf("at %dpx the search box holding Arabic runs %s; want rtl", width, dir)
		}
		// The place the name names comes first, under its Latin name.
		named := eval[string](t, ctx, `(() => { const a = document.querySelector('[data-testid="search-named"] [data-testid="search-hit-title"]');
			return a ? a.textContent.trim() + ' ' + getComputedStyle(a).direction : '' })()`)
		if named != "Mosul ltr" {
			t.Errorf("at %dpx the named place reads %q; want Mosul, left to right", width, named)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid="search-named-event"]').length`); n == 0 {
			t.Errorf("at %dpx the search lists none of Mosul's events", width)
		}
		titles := eval[[]string](t, ctx, `[...document.querySelectorAll('[data-testid="search-group-event"] [data-testid="search-hit-title"]')]
			.map(a => a.textContent.trim() + ' ' + getComputedStyle(a).direction)`)
		arabic := 0
		for _, s := range titles {
			if strings.Contains(s, "الموصل") {
				arabic++
				if !strings.HasSuffix(s, " rtl") {
					t.Errorf("at %dpx the result %q is not laid out right to left", width, s)
				}
			}
		}
		if arabic != 2 {
			t.Errorf("at %dpx the events found are %q; want both written in Arabic", width, titles)
		}
		// Laid out right to left: an Arabic title's first word is at its
		// right edge.
		if ok := eval[bool](t, ctx, `(() => { const a = [...document.querySelectorAll('[data-testid="search-group-event"] [data-testid="search-hit-title"]')]
			.find(a => a.textContent.includes('الموصل')); const r = document.createRange(); r.setStart(a.firstChild, 0); r.setEnd(a.firstChild, 1);
			const first = r.getBoundingClientRect(), box = a.getBoundingClientRect(); return box.right - first.right < 2 })()`); !ok {
			t.Errorf("at %dpx an Arabic title does not begin at its right edge", width)
		}
		if overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
			t.Errorf("search results scroll sideways at %dpx", width)
		}
		checkAxe(t, ctx)
		screenshot(t, ctx, "search-arabic-"+map[int64]string{desktopWidth: "1280", phoneWidth: "375"}[width]+".png")

		// A place's other names are each isolated, with the separator
		// between them, not inside the Arabic one.
		run(t, ctx, chromedp.Navigate(srv.URL+"/places/mosul"), chromedp.WaitVisible(chromedp.CSS("main")))
		names := eval[[]string](t, ctx, `[...document.querySelectorAll('.facts .inline-list li')].filter(li => li.querySelector('bdi'))
			.map(li => li.querySelector('bdi').textContent + ' ' + getComputedStyle(li).direction + ' ' + getComputedStyle(li.querySelector('bdi')).direction)`)
		found := false
		for _, s := range names {
			if strings.HasPrefix(s, "الموصل ") {
				found = true
				if s != "الموصل ltr rtl" {
					t.Errorf("at %dpx the name الموصل is laid out as %q; want it right to left inside a list running left to right", width, s)
				}
			}
		}
		if !found {
			t.Errorf("at %dpx Mosul's page lists its other names %q; want الموصل isolated among them", width, names)
		}
		screenshot(t, ctx, "place-names-"+map[int64]string{desktopWidth: "1280", phoneWidth: "375"}[width]+".png")
	}
}
