package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// testLog collects the application's log, shown only when a test fails.
type testLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// newHandler opens sitrep on a fresh database with the demo data and
// returns its handler: the real router, middleware and error handler.
func newHandler(t *testing.T) http.Handler {
	t.Helper()
	return newApp(t).Handler()
}

// do sends one request through h and returns the recorded response.
func do(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHome(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("GET / Content-Type = %q, want text/html; charset=UTF-8", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`<html lang="en">`,
		`href="#main"`,
		"Skip to content",
		`id="main"`,
		// The demo's events, newest first, dates in words.
		"Badr Organization fighters train in Diyala ahead of the battle for Mosul",
		"Coalition airstrikes limit Islamic State reinforcement of Mosul",
		"Top Islamic State officials and their families leave Mosul for Raqqa",
		"27 Sep 2016",
		"September 2016 (approx.)",
		"Jul – Sep 2016",
		// Its estimates, as the source put them.
		"3,000–4,500",
		"as many as 10,000",
		"Coalition estimates",
		// Its timeline.
		"Mosul, 2016",
		"/timelines/mosul-2016",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET / body lacks %q", want)
		}
	}
	if i, j := strings.Index(body, "Badr Organization fighters"), strings.Index(body, "Top Islamic State officials"); i < 0 || j < 0 || i > j {
		t.Errorf("GET / lists events out of order: the 27 Sep event at %d, the Jul–Sep event at %d; want newest first", i, j)
	}
}

func TestHealthz(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/healthz")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", rec.Code, rec.Body.String())
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /healthz Cache-Control = %q, want no-store", cc)
	}
}

func TestNotFound(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{"/no/such/page", "/events/999999", "/timelines/no-such-timeline", "/actors/nobody", "/places/nowhere"} {
		t.Run(target, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, target)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("GET %s = %d, want 404", target, rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, `data-testid="error-page"`) || !strings.Contains(body, "Page not found") {
				t.Errorf("GET %s body is not the error page:\n%.500s", target, body)
			}
			// No Go error text: echo's own error strings, driver messages.
			for _, leak := range []string{"code=404", "message=", "sql:", "no rows", "sqlite"} {
				if strings.Contains(strings.ToLower(body), leak) {
					t.Errorf("GET %s body shows %q, want no internal error text", target, leak)
				}
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s Content-Type = %q, want text/html", target, ct)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{"/", "/no/such/page", "/healthz"} {
		rec := do(t, h, http.MethodGet, target)
		hdr := rec.Header()
		csp := hdr.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s Content-Security-Policy = %q, want default-src 'self' and frame-ancestors 'none'", target, csp)
		}
		for name, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "strict-origin-when-cross-origin",
		} {
			if got := hdr.Get(name); got != want {
				t.Errorf("GET %s %s = %q, want %q", target, name, got, want)
			}
		}
		if hdr.Get("X-Request-Id") == "" {
			t.Errorf("GET %s has no X-Request-Id", target)
		}
	}
}

var stylesheet = regexp.MustCompile(`href="(/static/css/site\.([0-9a-f]+)\.css)"`)

func TestStaticAssets(t *testing.T) {
	h := newHandler(t)
	home := do(t, h, http.MethodGet, "/").Body.String()
	m := stylesheet.FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("GET / links no hashed stylesheet /static/css/site.HASH.css")
	}
	cssURL, hash := m[1], m[2]

	rec := do(t, h, http.MethodGet, cssURL)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", cssURL, rec.Code)
	}
	if cc, want := rec.Header().Get("Cache-Control"), "public, max-age=31536000, immutable"; cc != want {
		t.Errorf("GET %s Cache-Control = %q, want %q", cssURL, cc, want)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("GET %s Content-Type = %q, want text/css", cssURL, ct)
	}

	wrong := strings.Repeat("0", len(hash))
	if wrong == hash {
		wrong = strings.Repeat("1", len(hash))
	}
	for _, target := range []string{
		strings.Replace(cssURL, hash, wrong, 1),
		"/static/css/site.css",
		"/static/../go.mod",
		"/static/",
	} {
		rec := do(t, h, http.MethodGet, target)
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMovedPermanently {
			t.Errorf("GET %s = %d, want 404", target, rec.Code)
		}
		if rec.Code == http.StatusOK || strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s answered %d with Cache-Control %q; a wrong name must never be cached for a year",
				target, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}

// TestStylesheetNotEmpty guards against shipping unstyled pages: the
// stylesheet the layout links must have rules in it.
func TestStylesheetNotEmpty(t *testing.T) {
	h := newHandler(t)
	m := stylesheet.FindStringSubmatch(do(t, h, http.MethodGet, "/").Body.String())
	if m == nil {
		t.Fatal("GET / links no hashed stylesheet /static/css/site.HASH.css")
	}
	rec := do(t, h, http.MethodGet, m[1])
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) == "" {
		t.Errorf("GET %s = %d with %d bytes, want 200 with the stylesheet's rules", m[1], rec.Code, rec.Body.Len())
	}
}

func TestLongQueryString(t *testing.T) {
	h := newHandler(t)
	long := "q=" + strings.Repeat("mosul+", 1000) + "&tag=" + strings.Repeat("a", 5000)
	for _, path := range []string{"/", "/events", "/search", "/estimates"} {
		target := path + "?" + long
		rec := do(t, h, http.MethodGet, target)
		if rec.Code >= 500 {
			t.Errorf("GET %s?<%d bytes> = %d, want no server error", path, len(long), rec.Code)
		}
	}
}

func TestHead(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		target string
		status int
		ctype  string
	}{
		{"/", http.StatusOK, "text/html"},
		{"/healthz", http.StatusOK, "text/plain"},
		{"/events", http.StatusOK, "text/html"},
		{"/no/such/page", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		rec := do(t, h, http.MethodHead, tt.target)
		if rec.Code != tt.status {
			t.Errorf("HEAD %s = %d, want %d", tt.target, rec.Code, tt.status)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
			t.Errorf("HEAD %s Content-Type = %q, want %s", tt.target, ct, tt.ctype)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes, want none", tt.target, rec.Body.Len())
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("HEAD %s lacks the security headers", tt.target)
		}
	}
}

func TestGzip(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/", "Accept-Encoding", "gzip")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / with gzip = %d, want 200", rec.Code)
	}
	if ce := rec.Header().Get("Content-Encoding"); ce != "gzip" {
		t.Fatalf("GET / with Accept-Encoding: gzip has Content-Encoding %q, want gzip", ce)
	}
	if v := rec.Header().Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Encoding") {
		t.Errorf("GET / Vary = %q, want Accept-Encoding", v)
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatalf("gzip.NewReader: %v", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("reading the gzipped body: %v", err)
	}
	if !bytes.Contains(body, []byte("Badr Organization")) {
		t.Errorf("gunzipped GET / lacks the demo events")
	}

	plain := do(t, h, http.MethodGet, "/")
	if ce := plain.Header().Get("Content-Encoding"); ce != "" {
		t.Errorf("GET / without Accept-Encoding has Content-Encoding %q, want none", ce)
	}
}
