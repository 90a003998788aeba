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
			checkSkipLink(t, ctx)
		})
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
