package e2e

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// TestRevalidatedPagesKeepTheirGuards reloads a page, and an embed in
// another origin's frame, which the browser revalidates: sitrep answers
// 304 and leaves out the security headers it sent with the page, since
// the stored response keeps them. The reloaded documents must still be
// under their policies: an inline script refused, the embed still shown
// in the other origin's frame. A 304 that carried other security headers
// would replace the stored ones, and a looser policy in it would loosen
// the page's.
func TestRevalidatedPagesKeepTheirGuards(t *testing.T) {
	chromiumPath(t)
	answered := &statusLog{}
	srv := newServerWith(t, answered.wrap)
	foreign := newForeignSite(t, srv.URL)
	ctx := newBrowser(t)

	const page, embed = "/events", "/embed/timelines/mosul-2016"
	run(t, ctx, chromedp.Navigate(srv.URL+page), chromedp.Reload())
	if got := answered.of(page); !slices.Equal(got, []int{http.StatusOK, http.StatusNotModified}) {
		t.Fatalf("loading %s and reloading it, sitrep answered %v; want 200, then 304 to the revalidation", page, got)
	}
	if eval[bool](t, ctx, inlineScriptRuns) {
		t.Errorf("an inline script ran in %s reloaded after a 304: its Content-Security-Policy no longer held", page)
	}

	run(t, ctx, chromedp.Navigate(foreign.URL+"/framing"))
	// The probe itself: the other origin's page has no policy, and the
	// script runs there.
	if !eval[bool](t, ctx, inlineScriptRuns) {
		t.Fatalf("an inline script did not run on a page without a policy: the probe is broken")
	}
	frame := embedFrame(t, ctx, embed)
	evalIn[bool](t, ctx, frame.ID, `location.reload(), true`)
	waitFor(t, ctx, func() ([]int, bool) {
		got := answered.of(embed)
		return got, len(got) == 2
	})
	if got := answered.of(embed); !slices.Equal(got, []int{http.StatusOK, http.StatusNotModified}) {
		t.Fatalf("loading the embed in a frame and reloading it, sitrep answered %v; want 200, then 304", got)
	}
	frame = waitFor(t, ctx, func() (*cdp.Frame, bool) {
		f := embedFrame(t, ctx, embed)
		n := evalIn[int](t, ctx, f.ID, `document.querySelectorAll('[data-testid=embed-timeline] > li').length`)
		return f, n > 0
	})
	if evalIn[bool](t, ctx, frame.ID, inlineScriptRuns) {
		t.Errorf("an inline script ran in the embed reloaded after a 304: its Content-Security-Policy no longer held")
	}
	// A full screenshot paints only the frames within the viewport.
	eval[bool](t, ctx, `document.getElementById('embed').scrollIntoView(), true`)
	screenshot(t, ctx, "revalidated-embed.png")
}

// inlineScriptRuns adds an inline script to the page and says whether it
// ran: a Content-Security-Policy without 'unsafe-inline' refuses it.
const inlineScriptRuns = `(() => {
  const s = document.createElement('script');
  s.textContent = 'document.documentElement.dataset.inlineRan = "1"';
  document.body.append(s);
  return document.documentElement.dataset.inlineRan === '1';
})()`

// statusLog records the status sitrep answered each request for a path
// with.
type statusLog struct {
	mu     sync.Mutex
	status map[string][]int
}

func (l *statusLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.status == nil {
			l.status = map[string][]int{}
		}
		l.status[r.URL.Path] = append(l.status[r.URL.Path], rec.status)
	})
}

func (l *statusLog) of(path string) []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.status[path])
}

// statusRecorder notes the status a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection beneath.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
