// Package e2e drives the real application in a headless Chromium: what only a
// browser shows (focus order, colour schemes, layout at phone width) and the
// axe-core accessibility rules.
//
// The tests need Chromium at /usr/bin/chromium, or at the path in
// SITREP_CHROMIUM. Without it they skip, except under CI (CI=true), where a
// missing browser fails the run so that the checks cannot silently stop.
// Set SITREP_SCREENSHOTS to a directory to keep full-page screenshots.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sitrep/sitrep/internal/app"
)

const (
	// defaultChromium is where Debian's chromium package puts the browser.
	defaultChromium = "/usr/bin/chromium"

	// testTimeout bounds the browser work of one test, so a page that never
	// loads fails that test instead of the whole run.
	testTimeout = 3 * time.Minute

	// stepTimeout bounds one run or eval call, so that a wait for
	// something that never comes fails soon, with the page's state, rather
	// than when the whole test's time is up.
	stepTimeout = 45 * time.Second

	// startTimeout bounds the start of the browser process.
	startTimeout = 30 * time.Second

	// Viewport widths the pages are checked at: a laptop and a small phone.
	desktopWidth = 1280
	phoneWidth   = 375
)

// newServer starts the application with the demo data on a fresh database in
// t.TempDir(), behind an httptest server on a random loopback port. The
// application's log is shown only when the test fails.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	return newServerWith(t, nil)
}

// newServerWith is newServer with its handler wrapped by wrap (when not
// nil), for a test that watches what the server answers.
func newServerWith(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	logs := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("application log:\n%s", logs)
		}
	})
	a, err := app.Open(t.Context(), app.Config{
		DBPath: filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:   true,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	h := a.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if err := a.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return srv
}

// testLog collects log output; the server writes to it from its own
// goroutines, hence the lock.
type testLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// chromiumPath returns the browser to run, or ends the test: a skip when
// Chromium is missing on a developer's machine or under -short, a failure
// when it is missing under CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	path := os.Getenv("SITREP_CHROMIUM")
	if path == "" {
		path = defaultChromium
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is required under CI (CI=true) but %s is missing: %v", path, err)
		}
		t.Skipf("chromium not installed at %s: browser tests skipped", path)
	}
	return path
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// chromedp context for one tab, limited to testTimeout. The browser stops
// when the test ends. Extra options are added last, so they may undo a
// default (chromedp.Flag("disable-gpu", false)).
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := chromiumPath(t)

	// A browser now and then exits as it starts, on a loaded machine:
	// one that does is started once more, in a fresh profile, and the
	// test fails only if that one fails too.
	var (
		ctx    context.Context
		output *testLog
		err    error
	)
	for attempt := 1; attempt <= 2; attempt++ {
		if ctx, output, err = startBrowser(t, path, extra); err == nil {
			break
		}
		if attempt == 1 {
			t.Logf("starting %s: %v; starting it again", path, err)
		}
	}
	if err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, err, output)
	}

	tctx, tcancel := context.WithTimeout(ctx, testTimeout)
	t.Cleanup(tcancel)
	return tctx
}

// startBrowser starts one browser for newBrowser, stopped when the test
// ends, and returns its tab's context and output.
func startBrowser(t *testing.T, path string, extra []chromedp.ExecAllocatorOption) (context.Context, *testLog, error) {
	// The profile directory is created before the cleanups below are
	// registered, so it is removed only after the browser has exited.
	profile := t.TempDir()
	output := &testLog{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.CombinedOutput(output),
	)
	opts = append(opts, extra...)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp may report errors from its own goroutines after the test has
	// returned, when t.Logf would panic; they are kept and shown on failure.
	cdpErrors := &testLog{}
	logf := func(format string, args ...any) { fmt.Fprintf(cdpErrors, format+"\n", args...) }
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithErrorf(logf))
	t.Cleanup(func() {
		cancel()
		allocCancel() // waits for the browser process to exit
		if s := cdpErrors.String(); t.Failed() && s != "" {
			t.Logf("chromedp errors:\n%s", s)
		}
	})

	// The first action starts the browser and binds its life to ctx, so it
	// must not carry the per-test timeout; a timer guards it instead.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() && err != nil {
		err = fmt.Errorf("no browser after %v: %w", startTimeout, err)
	}
	if err != nil {
		cancel()
		allocCancel()
	}
	return ctx, output, err
}

// run runs browser actions and fails the test on the first error, or when
// they take longer than stepTimeout, saying where the page was.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("browser: %v\n%s", err, pageState(ctx))
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value,
// failing the test on an error. A promise is awaited, for at most
// stepTimeout.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v\n%s", expr, err, pageState(ctx))
	}
	return v
}

// pageState describes where the page is, for a step that failed or never
// finished: its address, what has focus, whether htmx is still at work,
// and the start of its text.
func pageState(ctx context.Context) string {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	state, err := chromedp.Run(sctx, chromedp.Evaluate[string](`(() => {
  const a = document.activeElement;
  const busy = document.querySelectorAll('.htmx-request, .htmx-swapping, .htmx-settling').length;
  return 'page: ' + location.href + '\nfocus: ' + (a ? a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') : 'none') +
    '\nhtmx at work on ' + busy + ' element(s)\ntext: ' + document.body.innerText.replace(/\s+/g, ' ').slice(0, 600);
})()`))
	if err != nil {
		return "page state unknown: " + err.Error()
	}
	return state
}

// settled waits until htmx has no request, swap or settle under way, so
// that a field about to be typed into is not replaced as the keys arrive.
func settled(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `new Promise(resolve => {
  let quiet = 0;
  const tick = () => {
    quiet = document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') ? 0 : quiet + 1;
    quiet >= 3 ? resolve(true) : setTimeout(tick, 30);
  };
  tick();
})`)
}

// setViewport sets the width of the viewport. Narrow widths are emulated as a
// mobile device, so a page without a viewport meta tag shows up as a shrunken
// desktop page, as it would on a phone.
func setViewport(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	height := int64(900)
	if width < 600 {
		height = 812
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	run(t, ctx, chromedp.EmulateViewport(width, height, opts...))
}

// setColorScheme emulates the user's preferred colour scheme, "light" or
// "dark", for the prefers-color-scheme media query. It lasts across
// navigations of the tab.
func setColorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
}

// noExternalRequests fails the test, when it ends, if the page requested
// anything from a host other than the test server's: pages must work offline
// and must not leak their readers to third parties. Call it before the first
// navigation.
func noExternalRequests(t *testing.T, ctx context.Context, srv *httptest.Server) {
	t.Helper()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatalf("parsing the server URL: %v", err)
	}
	var (
		mu       sync.Mutex
		external []string
	)
	err = chromedp.Listen(ctx, func(ev any) {
		e, ok := ev.(*network.EventRequestWillBeSent)
		if !ok || e.Request == nil {
			return
		}
		u, err := url.Parse(e.Request.URL)
		if err != nil {
			return
		}
		switch u.Scheme {
		case "data", "blob", "about":
			return
		}
		if u.Host != base.Host {
			mu.Lock()
			external = append(external, e.Request.Method+" "+e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listening for requests: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(external) > 0 {
			t.Errorf("the page made %d requests to other hosts than %s:\n  %s",
				len(external), base.Host, strings.Join(external, "\n  "))
		}
	})
}

// noConsoleErrors fails the test, when it ends, if the page logged an error to
// the console, threw an uncaught exception, or failed to load a resource: the
// browser logs a failed load, a 404 included, as an error. Headless Chromium
// asks for /favicon.ico unless the page links an icon. Call it before the
// first navigation.
func noConsoleErrors(t *testing.T, ctx context.Context) {
	t.Helper()
	var (
		mu   sync.Mutex
		errs []string
	)
	add := func(s string) {
		mu.Lock()
		errs = append(errs, s)
		mu.Unlock()
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				add("console.error: " + remoteArgs(e.Args))
			}
		case *runtime.EventExceptionThrown:
			if d := e.ExceptionDetails; d != nil {
				msg := d.Text
				if d.Exception != nil && d.Exception.Description != "" {
					msg += " " + d.Exception.Description
				}
				add(fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1))
			}
		case *log.EventEntryAdded:
			if e.Entry != nil && e.Entry.Level == log.EntryLevelError {
				add(fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatalf("listening to the console: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(errs) > 0 {
			t.Errorf("the browser reported %d errors:\n  %s", len(errs), strings.Join(errs, "\n  "))
		}
	})
}

// remoteArgs renders the arguments of a console call as the console shows
// them, roughly.
func remoteArgs(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a == nil:
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// axeViolation is one failed axe-core rule with the elements that fail it.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Targets []string `json:"targets"`
}

// axeRun runs axe-core on the document and returns only its violations, each
// element target flattened to one selector string (a target inside an iframe
// or a shadow root is a list of selectors, joined with " >>> ").
const axeRun = `axe.run(document, {resultTypes: ['violations']}).then(r =>
  r.violations.map(v => ({
    id: v.id,
    impact: v.impact || '',
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map(n => [].concat(n.target).map(s => [].concat(s).join(' >>> ')).join(' >>> ')),
  })))`

// checkAxe runs the axe-core rules (every rule that axe runs by default: WCAG
// 2.x A and AA plus its best practices) on the page loaded in ctx, and fails
// the test with one line per violated rule. For an embed, load the embed URL
// itself rather than a page that frames it.
func checkAxe(t *testing.T, ctx context.Context) {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource(t))); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	violations := eval[[]axeViolation](t, ctx, axeRun)
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range violations {
		targets := v.Targets
		more := ""
		if len(targets) > 3 {
			more = fmt.Sprintf(" and %d more", len(targets)-3)
			targets = targets[:3]
		}
		fmt.Fprintf(&b, "\n  %s (%s): %s\n    on %s%s\n    see %s",
			v.ID, v.Impact, v.Help, strings.Join(targets, ", "), more, v.HelpURL)
	}
	page := eval[string](t, ctx, `location.pathname + location.search`)
	t.Errorf("axe-core found %d violations on %s:%s", len(violations), page, b.String())
}

var axeOnce = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", "axe", "axe.min.js"))
	return string(b), err
})

// axeSource returns the vendored axe-core script.
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := axeOnce()
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	return src
}

// repoRoot finds the module root by walking up from the working directory
// (the package directory under go test) to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// screenshot saves a full-page PNG named name in the directory that
// SITREP_SCREENSHOTS names, and does nothing when it is unset. Screenshots are
// for people reviewing a change; no test compares them.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SITREP_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
}

// visibleText returns the text of the page as a reader sees it (innerText
// leaves out hidden elements), with runs of white space collapsed to one
// space.
func visibleText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return strings.Join(strings.Fields(eval[string](t, ctx, `document.body.innerText`)), " ")
}
