package server_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
)

// hostsApp opens sitrep with the demo data and cfg's origin settings.
func hostsApp(t *testing.T, cfg app.Config) *app.App {
	t.Helper()
	logs := &testLog{}
	cfg.DBPath = filepath.Join(t.TempDir(), "sitrep.db")
	cfg.Demo = true
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	cfg.Accounts.Password = auth.TestParams
	a, err := app.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logs.mu.Lock()
			t.Logf("application log:\n%s", logs.buf.String())
			logs.mu.Unlock()
		}
		a.Close()
	})
	return a
}

// getFor sends a GET for host from the peer remote, with header pairs.
func getFor(t *testing.T, h http.Handler, host, remote, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host = host
	if remote != "" {
		req.RemoteAddr = remote + ":40000"
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func mustCIDRs(t *testing.T, cidrs ...string) []*net.IPNet {
	var out []*net.IPNet
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// publicPages carry absolute URLs: a canonical link, oEmbed discovery,
// embed snippets, the oEmbed answer, API links.
var publicPages = []string{
	"/timelines/" + demo.TimelineSlug,
	"/estimates?force=ISIS",
	"/embed/timelines/" + demo.TimelineSlug,
	"/oembed?format=json&url=" + url.QueryEscape("http://evil.test/timelines/"+demo.TimelineSlug),
	"/api/v1/events",
	"/api/v1",
}

// TestUnknownHostNotInPages: with nothing configured, a Host header a
// client made up is written into no page, cached or not; a loopback name
// (development) still gets absolute URLs.
func TestUnknownHostNotInPages(t *testing.T) {
	a := hostsApp(t, app.Config{})
	h := a.Handler()
	for _, target := range publicPages {
		// Twice: the second answer may come from the response cache.
		for range 2 {
			rec := getFor(t, h, "evil.test", "", target)
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s for evil.test = %d, want 200", target, rec.Code)
				continue
			}
			if strings.Contains(rec.Body.String(), "evil.test") {
				t.Errorf("GET %s for Host evil.test (Cache-Control %q) writes evil.test into the page", target, rec.Header().Get("Cache-Control"))
			}
		}
	}
	page := "/timelines/" + demo.TimelineSlug
	local := getFor(t, h, "localhost:8080", "", page)
	if !strings.Contains(local.Body.String(), `href="http://localhost:8080/timelines/`+demo.TimelineSlug) {
		t.Errorf("GET %s for localhost:8080 has no absolute canonical link", page)
	}
	// And evil.test does not get the page made for localhost from the cache, nor the reverse.
	if body := getFor(t, h, "evil.test", "", page).Body.String(); strings.Contains(body, "localhost") {
		t.Errorf("GET %s for evil.test was served the page made for localhost", page)
	}
}

// TestAllowedHosts: with a list, other hosts are refused 421 (but for the
// health check), and listed hosts get absolute URLs on their own name.
func TestAllowedHosts(t *testing.T) {
	a := hostsApp(t, app.Config{AllowedHosts: []string{"sitrep.example.org", "mirror.example.org:8443"}})
	h := a.Handler()
	page := "/timelines/" + demo.TimelineSlug
	for _, host := range []string{"evil.test", "localhost", "mirror.example.org"} {
		rec := getFor(t, h, host, "", page)
		if rec.Code != http.StatusMisdirectedRequest || strings.Contains(rec.Body.String(), host+"/") || !strings.Contains(rec.Body.String(), "does not answer for that host name") {
			t.Errorf("GET %s for %s = %d, want 421 without the host in it", page, host, rec.Code)
		}
	}
	if rec := getFor(t, h, "evil.test", "", "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("GET /healthz for any host = %d, want 200", rec.Code)
	}
	for host, want := range map[string]string{
		"sitrep.example.org":      "http://sitrep.example.org/",
		"SiTrep.Example.org:80":   "http://SiTrep.Example.org:80/",
		"mirror.example.org:8443": "http://mirror.example.org:8443/",
	} {
		rec := getFor(t, h, host, "", page)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `href="`+want+`timelines/`) {
			t.Errorf("GET %s for %s = %d, want 200 with links on %s", page, host, rec.Code, want)
		}
	}
}

// TestBaseURL: with --base-url every absolute URL is on it, whatever the
// Host; with allowed hosts too, the base URL's host is allowed.
func TestBaseURL(t *testing.T) {
	a := hostsApp(t, app.Config{BaseURL: "https://sitrep.example.org/"})
	h := a.Handler()
	for _, target := range publicPages {
		rec := getFor(t, h, "evil.test", "", target)
		body := rec.Body.String()
		if strings.Contains(body, "evil.test") {
			t.Errorf("GET %s for evil.test with a base URL names evil.test", target)
		}
	}
	rec := getFor(t, h, "evil.test", "", "/timelines/"+demo.TimelineSlug)
	if !strings.Contains(rec.Body.String(), `href="https://sitrep.example.org/timelines/`+demo.TimelineSlug) {
		t.Errorf("the canonical link is not on the base URL")
	}
	b := hostsApp(t, app.Config{BaseURL: "https://sitrep.example.org", AllowedHosts: []string{"internal.example.org"}})
	for host, want := range map[string]int{"sitrep.example.org": 200, "internal.example.org": 200, "evil.test": 421} {
		if rec := getFor(t, b.Handler(), host, "", "/"); rec.Code != want {
			t.Errorf("GET / for %s with a base URL and a list = %d, want %d", host, rec.Code, want)
		}
	}
}

// TestTrustedProxies: X-Forwarded-Proto and X-Forwarded-For count only from
// a trusted proxy; then HTTPS brings HSTS, Secure cookies and https links.
func TestTrustedProxies(t *testing.T) {
	a := hostsApp(t, app.Config{AllowedHosts: []string{"sitrep.example.org"}, TrustedProxies: mustCIDRs(t, "10.0.0.0/8")})
	h := a.Handler()
	page := "/timelines/" + demo.TimelineSlug
	for _, tt := range []struct {
		name, remote, proto string
		https               bool
	}{
		{"trusted proxy says https", "10.1.2.3", "https", true},
		{"trusted proxy says http", "10.1.2.3", "http", false},
		{"proxies append: the nearest says https", "10.1.2.3", "http, https", true},
		{"a client says https itself", "203.0.113.5", "https", false},
		{"a private address not in the list", "192.168.1.1", "https", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := getFor(t, h, "sitrep.example.org", tt.remote, page, "X-Forwarded-Proto", tt.proto)
			hsts := rec.Header().Get("Strict-Transport-Security")
			links := strings.Contains(rec.Body.String(), `href="https://sitrep.example.org/timelines/`)
			if (hsts != "") != tt.https || links != tt.https {
				t.Errorf("HSTS %q, https links %v; want HTTPS = %v", hsts, links, tt.https)
			}
			signin := getFor(t, h, "sitrep.example.org", tt.remote, "/signin", "X-Forwarded-Proto", tt.proto)
			if secure := strings.Contains(setCookie(signin, "_csrf"), "; Secure"); secure != tt.https {
				t.Errorf("CSRF cookie Secure = %v, want %v", secure, tt.https)
			}
		})
	}
	if rec := getFor(t, hostsApp(t, app.Config{}).Handler(), "localhost", "127.0.0.1", page, "X-Forwarded-Proto", "https"); rec.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("without --trusted-proxies, X-Forwarded-Proto from loopback set HSTS")
	}

	// The sign-in throttle counts the address a trusted proxy forwards
	// for, and the peer's own address otherwise.
	hash, err := auth.NewHasher(auth.TestParams).Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := conflict.User{Email: "dorrian@example.org", Name: "Dorrian", Role: conflict.RoleEditor}
	if err := a.DB.CreateUser(t.Context(), &u, hash); err != nil {
		t.Fatal(err)
	}
	agent := func(remote, xff string) *userAgent {
		c := newUserAgent(t, h)
		c.remote = remote
		c.header.Set("X-Forwarded-For", xff)
		return c
	}
	// A client fails 20 times behind the proxy, on accounts that do not
	// exist; the proxy's other clients are not slowed down by it.
	failing := agent("10.1.2.3", "198.51.100.7")
	for i := range 20 {
		signinHost(failing)
		if rec := failing.post("/signin", url.Values{"email": {"nobody" + strconv.Itoa(i) + "@example.org"}, "password": {"wrong password"}}); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d = %d, want 422", i+1, rec.Code)
		}
	}
	if rec := failing.post("/signin", url.Values{"email": {u.Email}, "password": {testPassword}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the failing client behind the proxy = %d, want 429", rec.Code)
	}
	other := agent("10.1.2.3", "198.51.100.8")
	signinHost(other)
	if rec := other.post("/signin", url.Values{"email": {u.Email}, "password": {testPassword}}); rec.Code != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy = %d, want 303", rec.Code)
	}
	// From a peer that is not a proxy, the header is the client's own
	// invention: its failures count against the peer.
	liar := agent("203.0.113.5", "198.51.100.99")
	signinHost(liar)
	for i := range 20 {
		liar.header.Set("X-Forwarded-For", "198.51.100."+strconv.Itoa(100+i))
		liar.post("/signin", url.Values{"email": {"nobody" + strconv.Itoa(i) + "@example.org"}, "password": {"wrong password"}})
	}
	liar.header.Set("X-Forwarded-For", "198.51.100.200")
	if rec := liar.post("/signin", url.Values{"email": {u.Email}, "password": {testPassword}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a client changing its own X-Forwarded-For escaped the throttle: %d, want 429", rec.Code)
	}
}

// signinHost sends the agent's requests to the allowed host.
func signinHost(c *userAgent) { c.host = "sitrep.example.org" }
