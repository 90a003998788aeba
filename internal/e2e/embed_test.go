package e2e

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// newForeignSite starts a second loopback server, another origin than
// sitrep's (its port differs), serving pages as a newsroom would: an
// article with sitrep's script snippet in it, and a page that tries to
// frame one of sitrep's ordinary pages.
func newForeignSite(t *testing.T, sitrep string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /article", func(w http.ResponseWriter, r *http.Request) {
		theme := r.URL.Query().Get("theme")
		snippet := fmt.Sprintf(`<div data-sitrep-timeline="mosul-2016" data-theme="%s" data-limit="20">`+
			`<a href="%s/timelines/mosul-2016">Mosul, 2016 on sitrep</a></div>`+"\n"+
			`<script async src="%s/embed.js"></script>`, html.EscapeString(theme), sitrep, sitrep)
		fmt.Fprintf(w, foreignPage, theme, "How the battle for Mosul began", snippet)
	})
	mux.HandleFunc("GET /chart", func(w http.ResponseWriter, r *http.Request) {
		snippet := fmt.Sprintf(`<div data-sitrep-estimates="force=ISIS&amp;place=Mosul" data-compact="1" data-title="Estimates of IS fighters in Mosul"></div>`+
			`<script async src="%s/embed.js"></script>`, sitrep)
		fmt.Fprintf(w, foreignPage, "light", "How many fighters held Mosul?", snippet)
	})
	mux.HandleFunc("GET /framing", func(w http.ResponseWriter, r *http.Request) {
		frames := fmt.Sprintf(`<iframe id="page" src="%s/events" title="sitrep's events page" width="600" height="300"></iframe>`+
			`<iframe id="embed" src="%s/embed/timelines/mosul-2016" title="Timeline from sitrep" width="600" height="300"></iframe>`,
			sitrep, sitrep)
		fmt.Fprintf(w, foreignPage, "light", "A page that frames sitrep", frames)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// foreignPage is a newsroom's article: its own styles and fonts, a theme,
// and the embed between two paragraphs.
const foreignPage = `<!DOCTYPE html>
<html lang="en" class="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Daily Example</title><link rel="icon" href="data:,">
<style>
body{margin:0;font:18px/1.6 Georgia,serif;background:#fbfaf7;color:#222}
.dark body{background:#0f1114;color:#ddd}
header{padding:14px 24px;border-bottom:3px solid #222;font:700 22px/1 Georgia,serif}
.dark header{border-color:#ddd}
main{max-width:720px;margin:0 auto;padding:8px 20px 40px}
</style></head>
<body><header>The Daily Example</header><main>
<h1>%s</h1>
<p>Weeks before the offensive, fighters trained in Diyala province while coalition aircraft struck the roads into the city.
The record below is kept by sitrep, with every fact linked to the report it came from.</p>
%s
<p>The offensive to retake the city began in October 2016.</p>
</main></body></html>`

// TestEmbedOnForeignPage pastes the script snippet into another origin's
// page and checks what its readers get: the timeline in a frame that fits
// its content, links that open the full page in a new tab, the theme asked
// for, and no axe-core violation in the embed.
func TestEmbedOnForeignPage(t *testing.T) {
	chromiumPath(t) // skip before the database is made
	srv := newServer(t)
	foreign := newForeignSite(t, srv.URL)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)

	tests := []struct {
		width  int64
		theme  string
		bg     string // the embed's background colour in this theme
		scheme string // the reader's setting, which data-theme overrides
	}{
		{desktopWidth, "light", "rgb(255, 255, 255)", "dark"},
		{desktopWidth, "dark", "rgb(21, 23, 27)", "light"},
		{phoneWidth, "light", "rgb(255, 255, 255)", "dark"},
		{phoneWidth, "dark", "rgb(21, 23, 27)", "light"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("embed-foreign-%d-%s", tt.width, tt.theme)
		t.Run(name, func(t *testing.T) {
			setViewport(t, ctx, tt.width)
			setColorScheme(t, ctx, tt.scheme)
			run(t, ctx, chromedp.Navigate(foreign.URL+"/article?theme="+tt.theme))

			height := waitFrameHeight(t, ctx)
			frame := embedFrame(t, ctx, "/embed/timelines/mosul-2016")
			if !strings.Contains(frame.URL, "theme="+tt.theme) || !strings.Contains(frame.URL, "limit=20") {
				t.Errorf("the frame loaded %s, want the snippet's theme and limit in its address", frame.URL)
			}
			type frameState struct {
				ScrollHeight float64  `json:"scrollHeight"`
				Entries      int      `json:"entries"`
				Background   string   `json:"background"`
				Links        []string `json:"links"`
				Bad          []string `json:"bad"`
				Attribution  bool     `json:"attribution"`
			}
			got := evalIn[frameState](t, ctx, frame.ID, `(() => {
  const links = [...document.querySelectorAll('a')];
  return {
    scrollHeight: document.documentElement.scrollHeight,
    entries: document.querySelectorAll('[data-testid=embed-timeline] > li').length,
    background: getComputedStyle(document.documentElement).backgroundColor,
    links: links.map(a => a.href),
    bad: links.filter(a => a.target !== '_blank' || !a.relList.contains('noopener')).map(a => a.outerHTML),
    attribution: links.some(a => a.textContent.trim() === 'sitrep' && a.href === location.origin + '/'),
  };
})()`)
			if got.Entries < 5 {
				t.Errorf("the frame shows %d timeline entries, want the demo's 3 events and 2 estimates", got.Entries)
			}
			if height <= 150 || math.Abs(height-got.ScrollHeight) > 2 {
				t.Errorf("the frame is %.0f px tall and its document %.0f px; want it over 150 px and fitted to the document", height, got.ScrollHeight)
			}
			if got.Background != tt.bg {
				t.Errorf("the embed's background is %s, want %s for data-theme=%s", got.Background, tt.bg, tt.theme)
			}
			if len(got.Bad) > 0 {
				t.Errorf("links that do not open a new tab with rel=noopener:\n  %s", strings.Join(got.Bad, "\n  "))
			}
			for _, href := range got.Links {
				if !strings.HasPrefix(href, srv.URL+"/") {
					t.Errorf("the embed links %s, want a page of sitrep's at %s", href, srv.URL)
				}
			}
			if !got.Attribution {
				t.Errorf("the embed has no attribution link naming sitrep")
			}
			attrs := eval[map[string]string](t, ctx, `(() => {
  const f = document.querySelector('[data-sitrep-timeline] iframe');
  return {title: f.title, loading: f.loading, width: f.getBoundingClientRect().width + '', parent: f.parentElement.getBoundingClientRect().width + ''};
})()`)
			if attrs["title"] == "" || attrs["loading"] != "lazy" || attrs["width"] != attrs["parent"] {
				t.Errorf("the iframe has %v; want a title, loading=lazy and the full width", attrs)
			}
			screenshot(t, ctx, name+".png")
		})
	}

	// The loader heeds only its own frames: a message claiming a height
	// from the page itself (another origin than sitrep's) changes nothing.
	before := frameHeight(t, ctx)
	eval[bool](t, ctx, `(window.postMessage({sitrep: 'height', height: 7}, '*'), true)`)
	time.Sleep(300 * time.Millisecond)
	if after := frameHeight(t, ctx); after != before {
		t.Errorf("a message from the page's own origin resized the frame from %.0f to %.0f px", before, after)
	}

	// Resizing the page reflows the embed, and the frame follows.
	setViewport(t, ctx, desktopWidth)
	run(t, ctx, chromedp.Navigate(foreign.URL+"/article?theme=light"))
	wide := waitFrameHeight(t, ctx)
	setViewport(t, ctx, phoneWidth)
	narrow := waitFor(t, ctx, func() (float64, bool) {
		h := frameHeight(t, ctx)
		return h, h > wide
	})
	frame := embedFrame(t, ctx, "/embed/timelines/mosul-2016")
	if sh := evalIn[float64](t, ctx, frame.ID, `document.documentElement.scrollHeight`); math.Abs(narrow-sh) > 2 {
		t.Errorf("after narrowing the page the frame is %.0f px tall and its document %.0f px", narrow, sh)
	}
}

// TestEstimatesEmbedOnForeignPage pastes the estimates snippet: its value
// is the explorer's query, and the other data attributes are options.
func TestEstimatesEmbedOnForeignPage(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	foreign := newForeignSite(t, srv.URL)
	ctx := newBrowser(t)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, phoneWidth)
	run(t, ctx, chromedp.Navigate(foreign.URL+"/chart"))
	frame := embedFrame(t, ctx, "/embed/estimates?")
	if want := srv.URL + "/embed/estimates?force=ISIS&place=Mosul&compact=1"; frame.URL != want {
		t.Errorf("the frame loaded %s, want %s", frame.URL, want)
	}
	if title := eval[string](t, ctx, `document.querySelector('[data-sitrep-estimates] iframe').title`); title != "Estimates of IS fighters in Mosul" {
		t.Errorf("the frame's title is %q, want the snippet's data-title", title)
	}
	height := waitFor(t, ctx, func() (float64, bool) {
		h := eval[float64](t, ctx, `Number(document.querySelector('[data-sitrep-estimates] iframe').height)`)
		sh := evalIn[float64](t, ctx, frame.ID, `document.documentElement.scrollHeight`)
		return h, h > 150 && math.Abs(h-sh) <= 2
	})
	if h1 := evalIn[string](t, ctx, frame.ID, `document.querySelector('h1').textContent.trim()`); h1 != "Estimates of Islamic State in Mosul" {
		t.Errorf("the chart embed's heading is %q", h1)
	}
	t.Logf("estimates frame fitted at %.0f px", height)
	screenshot(t, ctx, "embed-foreign-chart-375-light.png")
}

// TestEmbedAccessible runs axe-core on the embeds themselves, loaded in a
// tab: axe does not enter cross-origin frames.
func TestEmbedAccessible(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	for _, tt := range []struct {
		path   string
		width  int64
		scheme string
	}{
		{"/embed/timelines/mosul-2016", desktopWidth, "light"},
		{"/embed/timelines/mosul-2016?theme=dark&compact=1", phoneWidth, "light"},
		{"/embed/timelines/mosul-2016", phoneWidth, "dark"},
		{"/embed/estimates?force=ISIS&place=Mosul", desktopWidth, "light"},
		{"/embed/estimates?force=ISIS&theme=dark", phoneWidth, "light"},
		{"/embed/events/1?theme=dark", desktopWidth, "light"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			setViewport(t, ctx, tt.width)
			setColorScheme(t, ctx, tt.scheme)
			run(t, ctx, chromedp.Navigate(srv.URL+tt.path), chromedp.WaitVisible(chromedp.CSS("main")))
			checkAxe(t, ctx)
			if tt.path == "/embed/estimates?force=ISIS&place=Mosul" {
				screenshot(t, ctx, "embed-estimates-1280-light.png")
			}
		})
	}
}

// TestPageRefusesFraming shows that an ordinary page stays blank in
// another origin's frame, while an embed beside it renders.
func TestPageRefusesFraming(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	foreign := newForeignSite(t, srv.URL)
	ctx := newBrowser(t)

	var (
		mu      sync.Mutex
		refusal []string
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && e.Entry != nil {
			if strings.Contains(e.Entry.Text, "frame-ancestors") || strings.Contains(e.Entry.Text, "X-Frame-Options") {
				mu.Lock()
				refusal = append(refusal, e.Entry.Text)
				mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatalf("listening to the log: %v", err)
	}
	run(t, ctx, chromedp.Navigate(foreign.URL+"/framing"))

	// The embed beside it renders, so the check below can see a frame's
	// content when there is any.
	embed := embedFrame(t, ctx, "/embed/timelines/mosul-2016")
	if n := evalIn[int](t, ctx, embed.ID, `document.querySelectorAll('[data-testid=embed-timeline] > li').length`); n == 0 {
		t.Fatalf("the embed beside the refused page shows nothing")
	}

	tree := frameTree(t, ctx)
	var blocked *cdp.Frame
	for _, f := range tree {
		if strings.Contains(f.URL, "/events") || strings.Contains(f.UnreachableURL, "/events") || f.Name == "page" {
			blocked = f
		}
	}
	if blocked == nil {
		// Chromium may give the refused frame an error page's address.
		for _, f := range tree {
			if f.ParentID != "" && !strings.Contains(f.URL, "/embed/") {
				blocked = f
			}
		}
	}
	if blocked == nil {
		t.Fatalf("no frame for /events in the page's frame tree: %v", urls(tree))
	}
	if strings.HasPrefix(blocked.URL, srv.URL+"/events") {
		// The frame kept sitrep's address: it must still show nothing of
		// the page.
		if text := evalIn[string](t, ctx, blocked.ID, `document.body ? document.body.innerText : ''`); strings.Contains(text, "Badr") {
			t.Errorf("the framed /events page rendered its content in another origin's frame:\n%s", text)
		}
	}
	// The parent cannot see inside either way; what the browser shows the
	// reader is an error page or nothing, never sitrep's page.
	if got := evalIn[string](t, ctx, blocked.ID, `document.querySelector('[data-testid=results-count]') ? 'rendered' : 'blank'`); got != "blank" {
		t.Errorf("the framed /events page rendered in another origin's frame")
	}
	waitFor(t, ctx, func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		return len(refusal), len(refusal) > 0
	})
	t.Logf("the browser refused the frame: %s", refusal[0])
	// A full screenshot paints only the frames within the viewport.
	eval[bool](t, ctx, `document.getElementById('embed').scrollIntoView(), true`)
	screenshot(t, ctx, "embed-framing-refused.png")
}

// TestEmbedPanel checks the Embed panel of a timeline: the snippets the
// script builds as options change are the ones the server writes for the
// same options, and the preview follows.
func TestEmbedPanel(t *testing.T) {
	chromiumPath(t)
	srv := newServer(t)
	ctx := newBrowser(t)
	noExternalRequests(t, ctx, srv)
	noConsoleErrors(t, ctx)
	setViewport(t, ctx, desktopWidth)

	type snippets struct {
		Script  string `json:"script"`
		Iframe  string `json:"iframe"`
		Preview string `json:"preview"`
	}
	read := `({script: document.getElementById('embed-script').value, iframe: document.getElementById('embed-iframe').value,
  preview: document.querySelector('.embed-panel__preview').src})`

	// Without the script: the server writes the snippets for the options
	// in the query.
	run(t, ctx, chromedp.Navigate(srv.URL+"/timelines/mosul-2016?embed_theme=dark&embed_limit=20&embed_order=newest&embed_compact=1"),
		chromedp.WaitVisible(chromedp.CSS(".embed-panel textarea")))
	server := eval[snippets](t, ctx, read)

	// With it: choose the same options in the form.
	run(t, ctx, chromedp.Navigate(srv.URL+"/timelines/mosul-2016"), chromedp.WaitReady(chromedp.CSS(".embed-panel__copy")))
	run(t, ctx, chromedp.Click(chromedp.CSS(".embed-panel summary")))
	eval[bool](t, ctx, `(() => {
  const f = document.querySelector('.embed-panel form').elements;
  f.embed_theme.value = 'dark';
  f.embed_limit.value = '20';
  f.embed_order.value = 'newest';
  f.embed_compact.checked = true;
  f.embed_compact.dispatchEvent(new Event('change', {bubbles: true}));
  return true;
})()`)
	client := eval[snippets](t, ctx, read)
	if client != server {
		t.Errorf("the panel's script built\n  %+v\nfor the options the server wrote as\n  %+v", client, server)
	}
	if !strings.Contains(client.Script, `data-theme="dark" data-limit="20" data-order="newest" data-compact="1"`) {
		t.Errorf("script snippet = %s, want the chosen options", client.Script)
	}
	// The preview shows the chosen options and resizes to its content. It
	// loads lazily, as a reader scrolls to it: bring it into view first, or
	// whether it loads depends on where the page happens to be scrolled.
	// A lazy frame whose address changes out of view may wait for the
	// next time it is seen: on a loaded machine it was not always seen
	// again, so it is brought into view on every look.
	preview := waitFor(t, ctx, func() (*cdp.Frame, bool) {
		eval[bool](t, ctx, `(document.querySelector('.embed-panel__preview').scrollIntoView(), true)`)
		return loadedFrame(t, ctx, "compact=1")
	})
	if theme := evalIn[string](t, ctx, preview.ID, `document.documentElement.dataset.theme`); theme != "dark" {
		t.Errorf("the preview's theme is %q, want dark", theme)
	}
	waitFor(t, ctx, func() (float64, bool) {
		h := eval[float64](t, ctx, `Number(document.querySelector('.embed-panel__preview').height)`)
		sh := evalIn[float64](t, ctx, preview.ID, `document.documentElement.scrollHeight`)
		return h, h > 150 && math.Abs(h-sh) <= 2
	})
	screenshot(t, ctx, "embed-panel-1280.png")
	checkAxeIn(t, ctx, ".embed-panel")
}

// checkAxeIn runs axe-core on the part of the page selector picks, for a
// component whose page belongs to someone else.
func checkAxeIn(t *testing.T, ctx context.Context, selector string) {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource(t))); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	expr := strings.Replace(axeRun, "axe.run(document,", fmt.Sprintf("axe.run(document.querySelector(%q),", selector), 1)
	violations := eval[[]axeViolation](t, ctx, expr)
	for _, v := range violations {
		t.Errorf("axe-core in %s: %s (%s): %s on %s", selector, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
	}
}

// frameHeight is the height the embed script gave the iframe.
func frameHeight(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	return eval[float64](t, ctx, `(() => { const f = document.querySelector('[data-sitrep-timeline] iframe'); return f ? Number(f.height) || 0 : 0; })()`)
}

// waitFrameHeight waits until the embed's frame has been resized to more
// than its starting height, and stays put.
func waitFrameHeight(t *testing.T, ctx context.Context) float64 {
	t.Helper()
	last := -1.0
	return waitFor(t, ctx, func() (float64, bool) {
		h := frameHeight(t, ctx)
		steady := h > 0 && h != 400 && h == last
		last = h
		return h, steady
	})
}

// waitFor polls check every 100 ms until it reports done, and fails the
// test after 10 seconds.
func waitFor[T any](t *testing.T, ctx context.Context, check func() (T, bool)) T {
	t.Helper()
	// Generous: CI runs the race detector on two loaded cores.
	deadline := time.Now().Add(30 * time.Second)
	for {
		v, done := check()
		if done {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting; last value %v", v)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting: %v", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// frameTree lists every frame of the page.
func frameTree(t *testing.T, ctx context.Context) []*cdp.Frame {
	t.Helper()
	res, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("Page.getFrameTree: %v", err)
	}
	var out []*cdp.Frame
	var walk func(*page.FrameTree)
	walk = func(ft *page.FrameTree) {
		if ft == nil {
			return
		}
		out = append(out, ft.Frame)
		for _, c := range ft.ChildFrames {
			walk(c)
		}
	}
	walk(res.FrameTree)
	return out
}

func urls(fs []*cdp.Frame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.URL+" "+f.UnreachableURL)
	}
	return out
}

// embedFrame waits for the frame whose address contains path to finish
// loading its document.
func embedFrame(t *testing.T, ctx context.Context, path string) *cdp.Frame {
	t.Helper()
	return waitFor(t, ctx, func() (*cdp.Frame, bool) { return loadedFrame(t, ctx, path) })
}

// loadedFrame is the page's frame whose address holds path, and whether it
// has loaded.
func loadedFrame(t *testing.T, ctx context.Context, path string) (*cdp.Frame, bool) {
	t.Helper()
	for _, f := range frameTree(t, ctx) {
		if f.ParentID != "" && strings.Contains(f.URL, path) {
			return f, evalIn[string](t, ctx, f.ID, `document.readyState`) == "complete"
		}
	}
	return nil, false
}

// evalIn evaluates a JavaScript expression in an isolated world of a frame
// of the page, which sees the frame's document whatever its origin, and
// decodes its value.
func evalIn[T any](t *testing.T, ctx context.Context, frame cdp.FrameID, expr string) T {
	t.Helper()
	world, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame, WorldName: "sitrep-test"})
	if err != nil {
		t.Fatalf("creating an isolated world in frame %s: %v", frame, err)
	}
	inFrame := func(p *runtime.EvaluateParams) { p.ContextID = world.ExecutionContextID }
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, inFrame))
	if err != nil {
		t.Fatalf("evaluating %.80q in frame %s: %v", expr, frame, err)
	}
	return v
}
