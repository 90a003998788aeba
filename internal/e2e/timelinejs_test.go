package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// timelineJSPage loads Knight Lab's TimelineJS from testdata/timelinejs and
// gives it the export that the page's query names, fetched across origins
// from sitrep as a newsroom's page would: the API's CORS lets it read it.
const timelineJSPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/timelinejs/timeline.css">
<script src="/timelinejs/timeline.js"></script>
</head><body>
<div id="tl" style="width: 1000px; height: 600px"></div>
<script>
window.tlState = 'loading';
fetch(new URLSearchParams(location.search).get('export'))
  .then(r => { if (!r.ok) throw new Error('export: HTTP ' + r.status); return r.json(); })
  .then(data => {
    window.tlData = data;
    window.timeline = new TL.Timeline('tl', data, {script_path: location.origin + '/timelinejs/'});
    window.timeline.on('loaded', () => { window.tlState = 'loaded'; });
  })
  .catch(e => { window.tlState = 'error: ' + e.message; });
</script>
</body></html>`

// newTimelineJSSite serves the test page and the vendored TimelineJS from
// an origin other than sitrep's.
func newTimelineJSSite(t *testing.T) *httptest.Server {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "testdata", "timelinejs")
	if _, err := os.Stat(filepath.Join(dir, "timeline.js")); err != nil {
		t.Fatalf("TimelineJS is not vendored in %s: %v", dir, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /timelinejs/", http.StripPrefix("/timelinejs/", http.FileServer(http.Dir(dir))))
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(timelineJSPage))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestTimelineJSExport loads the demo timeline, exported as TimelineJS
// JSON, into the real Knight Lab TimelineJS in Chromium, and checks that
// it builds a slide for each event, showing its headline.
func TestTimelineJSExport(t *testing.T) {
	chromiumPath(t)
	sitrep := newServer(t)
	site := newTimelineJSSite(t)
	ctx := newBrowser(t)
	export := sitrep.URL + "/api/v1/export/timelines/mosul-2016?format=timelinejs"
	run(t, ctx, chromedp.Navigate(site.URL+"/page?export="+export))

	deadline := time.Now().Add(30 * time.Second)
	var state string
	for time.Now().Before(deadline) {
		state = eval[string](t, ctx, `window.tlState`)
		if state != "loading" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if state != "loaded" {
		t.Fatalf("TimelineJS did not load the export: %s", state)
	}
	// Slides are built for every event; TimelineJS shows one at a time, so
	// the headlines are read from the slides' DOM, and the markers on the
	// time axis are counted.
	headlines := eval[[]string](t, ctx, `[...document.querySelectorAll('.tl-slide .tl-headline')].map(h => h.textContent.trim())`)
	markers := eval[int](t, ctx, `document.querySelectorAll('.tl-timemarker').length`)
	titles := eval[[]string](t, ctx, `window.tlData.events.map(e => e.text.headline)`)
	if len(titles) != 5 {
		t.Fatalf("the export has %d slides, want the demo timeline's 3 events and 2 estimates", len(titles))
	}
	joined := strings.Join(headlines, "\n")
	for _, want := range append(titles, "Mosul, 2016") {
		if !strings.Contains(joined, want) {
			t.Errorf("TimelineJS shows no slide headed %q; its headlines:\n%s", want, joined)
		}
	}
	if markers != len(titles) {
		t.Errorf("the time axis has %d markers, want %d", markers, len(titles))
	}
	// Moving on from the title shows the earliest slide's headline on
	// screen.
	run(t, ctx, chromedp.Click(chromedp.CSS(".tl-slidenav-next")))
	time.Sleep(800 * time.Millisecond)
	visible := visibleText(t, ctx)
	shown := false
	for _, title := range titles {
		shown = shown || strings.Contains(visible, title)
	}
	if !shown {
		t.Errorf("after moving to the first slide the page shows none of the headlines; it reads:\n%s", visible)
	}
	screenshot(t, ctx, "timelinejs.png")
}

// TestAPIDocsPage checks the API's guide as a reader meets it: at phone
// width with an example answer open, nothing scrolls sideways, and axe
// finds nothing.
func TestAPIDocsPage(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, phoneWidth)
	run(t, ctx, chromedp.Navigate(srv.URL+"/api/v1"), chromedp.WaitVisible(chromedp.CSS("[data-testid=api-endpoint]")))
	eval[bool](t, ctx, `document.querySelectorAll('.api-endpoint details').forEach(d => d.open = true), true`)
	if overflow := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`); overflow {
		t.Error("/api/v1 scrolls sideways at phone width")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=api-endpoint]').length`); n < 15 {
		t.Errorf("the guide lists %d endpoints", n)
	}
	screenshot(t, ctx, "api-docs-375.png")
	checkAxe(t, ctx)
}
