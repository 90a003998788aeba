package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestHomePage loads the home page with the demo data at desktop width in the
// light scheme and at phone width in the dark scheme, and checks what a
// reader gets: the demo's facts, the document language, a skip link first in
// the tab order, nothing fetched from elsewhere, and no axe-core violations.
func TestHomePage(t *testing.T) {
	chromiumPath(t) // skip before the database is made
	srv := newServer(t)

	tests := []struct {
		name   string
		width  int64
		scheme string
	}{
		{"home-1280-light", desktopWidth, "light"},
		{"home-375-dark", phoneWidth, "dark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newBrowser(t)
			noExternalRequests(t, ctx, srv)
			noConsoleErrors(t, ctx)
			setViewport(t, ctx, tt.width)
			setColorScheme(t, ctx, tt.scheme)

			run(t, ctx,
				chromedp.Navigate(srv.URL+"/"),
				chromedp.WaitVisible(chromedp.CSS("main")),
			)

			if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
				t.Errorf(`<html lang> = %q, want "en"`, lang)
			}

			text := visibleText(t, ctx)
			for _, want := range []string{
				"Badr Organization", // 2016-09-27: Badr fighters train in Diyala
				"Diyala",
				"3,000–4,500",       // IS fighters in Mosul, claimed by U.S. officials
				"as many as 10,000", // the coalition's July 2016 upper bound
			} {
				if !strings.Contains(text, want) {
					t.Errorf("home page text lacks %q; it reads:\n%s", want, text)
				}
			}

			screenshot(t, ctx, tt.name+".png") // before Tab shows the skip link
			checkAxe(t, ctx)
			checkActorListsWrap(t, ctx)
			checkNavFits(t, ctx, tt.width)
			if tt.width == phoneWidth {
				// A common Android width, narrower than the phone above.
				setViewport(t, ctx, 360)
				checkNavFits(t, ctx, 360)
				setViewport(t, ctx, tt.width)
			}
			checkSkipLink(t, ctx)
		})
	}
}

// checkActorListsWrap narrows each event's line of place and actors a
// pixel at a time, from a phone's width to less than half of it, and checks
// that it wraps as text does: no line begins with the comma between two
// actors, and no actor's colour ends a line without its name. Where the
// line happens to break depends on names and widths, so every width is
// tried rather than the page's own.
func checkActorListsWrap(t *testing.T, ctx context.Context) {
	t.Helper()
	type result struct {
		Lists    int      `json:"lists"`
		Problems []string `json:"problems"`
	}
	got := eval[result](t, ctx, `(() => {
  const out = {lists: 0, problems: []};
  const lineOf = (node, from, to) => {
    const r = document.createRange();
    r.setStart(node, from); r.setEnd(node, to);
    const rects = r.getClientRects();
    return rects.length ? rects[0] : r.getBoundingClientRect();
  };
  const sameLine = (a, b) => Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) < 0.6 * Math.min(a.height, b.height);
  for (const meta of document.querySelectorAll('.tl-event__meta')) {
    const actors = meta.querySelectorAll('.actor');
    if (actors.length < 2) continue;
    out.lists++;
    const keep = meta.style.width;
    for (let w = 375; w >= 160; w--) {
      meta.style.width = w + 'px';
      for (const a of actors) {
        const name = a.querySelector('span').firstChild;
        const swatch = a.querySelector('.swatch');
        if (swatch && !sameLine(swatch.getBoundingClientRect(), lineOf(name, 0, 1))) {
          out.problems.push(w + 'px: the colour of ' + a.textContent.trim() + ' ends a line without its name');
        }
        const next = a.nextSibling;
        if (next && next.nodeType === Node.TEXT_NODE && next.data.startsWith(',')) {
          const rects = a.getClientRects();
          if (!sameLine(rects[rects.length - 1], lineOf(next, 0, 1))) {
            out.problems.push(w + 'px: a line begins with the comma after ' + a.textContent.trim());
          }
        }
      }
    }
    meta.style.width = keep;
  }
  out.problems = out.problems.slice(0, 10);
  return out;
})()`)
	if got.Lists == 0 {
		t.Fatal("no event on the page names two actors: nothing to check")
	}
	for _, p := range got.Problems {
		t.Error(p)
	}
}

// checkNavFits checks that the site's four links are all on screen at
// width, with nothing of the strip scrolled out of sight.
func checkNavFits(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	got := eval[[]float64](t, ctx, `(() => {
  const nav = document.querySelector('.nav');
  const last = nav.querySelector('li:last-child a').getBoundingClientRect();
  return [nav.scrollWidth - nav.clientWidth, last.right] })()`)
	if got[0] > 0 {
		t.Errorf("at %d px the site's links scroll sideways by %v px", width, got[0])
	}
	if got[1] > float64(width) {
		t.Errorf("at %d px the last of the site's links ends at %v px, off screen", width, got[1])
	}
}

// checkSkipLink presses Tab once on a freshly loaded page and checks that the
// focus lands on a link that skips to an element of the page.
func checkSkipLink(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.KeyEvent(kb.Tab))
	type focused struct {
		Tag    string `json:"tag"`
		Href   string `json:"href"`
		Text   string `json:"text"`
		Target bool   `json:"target"`
	}
	got := eval[focused](t, ctx, `(() => {
  const el = document.activeElement;
  const href = (el && el.getAttribute('href')) || '';
  return {
    tag: el ? el.tagName.toLowerCase() : '',
    href: href,
    text: el ? el.textContent.trim() : '',
    target: href.startsWith('#') && href.length > 1 && document.getElementById(href.slice(1)) !== null,
  };
})()`)
	if got.Tag != "a" || !got.Target || !strings.Contains(strings.ToLower(got.Text), "skip") {
		t.Errorf("first Tab focuses <%s href=%q>%s</%s>, want a skip link to an element of the page",
			got.Tag, got.Href, got.Text, got.Tag)
	}
}
