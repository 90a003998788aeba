package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/demo"
	"github.com/sitrep/sitrep/internal/edtf"
)

// newApp is newHandler for tests that also write to the database.
func newApp(t *testing.T) *app.App {
	t.Helper()
	// httptest's requests are for example.com: allowed, so that absolute
	// URLs name it as a configured site's would.
	return openApp(t, app.Config{Demo: true, AllowedHosts: []string{"example.com"}})
}

// openApp opens sitrep with cfg on a fresh database of the test's own,
// closes it when the test ends, and shows its log if the test failed.
func openApp(t *testing.T, cfg app.Config) *app.App {
	t.Helper()
	logs := &testLog{}
	cfg.DBPath = filepath.Join(t.TempDir(), "sitrep.db")
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
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
		if err := a.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
	})
	return a
}

const timelineEmbed = "/embed/timelines/" + demo.TimelineSlug

// addEvents publishes n more events in the demo timeline's year, each
// citing the demo's source, as an editor would.
func addEvents(t testing.TB, a *app.App, n int) {
	t.Helper()
	ctx := t.Context()
	src, err := a.DB.FindSourceByURL(ctx, demoSourceURL(t, a))
	if err != nil {
		t.Fatalf("FindSourceByURL: %v", err)
	}
	mosul, err := a.DB.FindPlaceBySlug(ctx, "mosul")
	if err != nil {
		t.Fatalf("FindPlaceBySlug: %v", err)
	}
	is, err := a.DB.FindActorBySlug(ctx, "islamic-state")
	if err != nil {
		t.Fatalf("FindActorBySlug: %v", err)
	}
	place := mosul.Ref()
	// Words drawn at random compress worse than real reports do, so the
	// measured size errs on the heavy side.
	rng := rand.New(rand.NewPCG(6, 6))
	words := func(n int) string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocabulary[rng.IntN(len(vocabulary))]
		}
		return strings.Join(out, " ")
	}
	events := make([]*conflict.Event, n)
	for i := range events {
		events[i] = &conflict.Event{
			Title:     "Reported clash " + strconv.Itoa(i+1) + ": " + words(6+rng.IntN(6)),
			Date:      edtf.MustParse(fmt.Sprintf("2016-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))),
			Place:     &place,
			Actors:    []conflict.EventActor{{Actor: is.Ref(), Role: "attacker"}},
			Tags:      []string{"clashes", vocabulary[rng.IntN(len(vocabulary))]},
			Body:      strings.ToUpper(words(1)[:1]) + words(40)[1:] + ".",
			Status:    conflict.Published,
			Citations: []conflict.Citation{{Source: src, Quote: words(12), Locator: "paragraph 3"}},
		}
	}
	if err := a.DB.CreateEvents(ctx, events, conflict.Change{AuthorName: "test"}); err != nil {
		t.Fatalf("CreateEvents: %v", err)
	}
}

// demoSourceURL is the address of the demo's one source.
func demoSourceURL(t testing.TB, a *app.App) string {
	t.Helper()
	srcs, err := a.DB.FindSources(t.Context(), 10)
	if err != nil || len(srcs) == 0 {
		t.Fatalf("FindSources: %v (%d sources)", err, len(srcs))
	}
	return srcs[0].URL
}

var vocabulary = strings.Fields(`the of and to in a that forces city fighters said officials military
coalition airstrikes Mosul Islamic State Iraqi security offensive north south east west river bridge district
village convoy checkpoint mortar artillery drone civilians families displaced reported killed wounded
commander spokesman militia Badr Organization Diyala Raqqa Syria Iraq province government army police
counter-terrorism units advanced retreated captured surrounded shelling gunfire clashes residents hospital
market mosque school road highway airport base camp supplies reinforcements weapons vehicles tunnels
explosives snipers operation week month morning night Tuesday Thursday September October according
estimate intelligence sources witnesses local council statement denied confirmed independently`)

func itoa(n int) string { return strconv.Itoa(n) }

var anchor = regexp.MustCompile(`<a\s[^>]*>`)

func TestEmbedTimeline(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, timelineEmbed+"?theme=dark")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", timelineEmbed, rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`<html lang="en" data-theme="dark">`,
		"Mosul, 2016",
		"Badr Organization fighters train in Diyala ahead of the battle for Mosul",
		"Top Islamic State officials and their families leave Mosul for Raqqa",
		"3,000–4,500", // an interleaved estimate
		`href="/static/css/embed.`,
		`src="/static/js/embed-frame.`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET %s lacks %q", timelineEmbed, want)
		}
	}
	for _, unwanted := range []string{"<form", "<nav", "htmx", "site.css", "Sign in", "csrf"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("GET %s contains %q; an embed has no site chrome, forms or editor controls", timelineEmbed, unwanted)
		}
	}
	if n := strings.Count(body, "<script"); n != 1 {
		t.Errorf("GET %s has %d scripts, want only the height reporter", timelineEmbed, n)
	}
	links := anchor.FindAllString(body, -1)
	if len(links) < 5 {
		t.Fatalf("GET %s has %d links, want the title, events, estimates and attribution", timelineEmbed, len(links))
	}
	for _, a := range links {
		if !strings.Contains(a, `target="_blank"`) || !strings.Contains(a, `rel="noopener"`) {
			t.Errorf("link %s does not open in a new tab with rel=noopener", a)
		}
	}
	if !regexp.MustCompile(`<a href="http://example.com/"[^>]*>.*sitrep</a>`).MatchString(body) {
		t.Errorf("GET %s has no attribution link naming sitrep", timelineEmbed)
	}
	if !strings.Contains(body, `href="http://example.com/timelines/mosul-2016"`) {
		t.Errorf("GET %s does not link the full timeline", timelineEmbed)
	}
}

func TestEmbedTimelineOptions(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		name, query string
		want, not   []string
	}{
		{"defaults", "", []string{`data-theme="auto"`, `content="light dark"`, "trained in Diyala province", "1 source"}, []string{"More events on sitrep"}},
		{"light", "?theme=light", []string{`data-theme="light"`}, nil},
		{"bad theme", "?theme=purple&limit=abc&order=sideways", []string{`data-theme="auto"`}, nil},
		// The limit counts estimates too: the first entry here is an event,
		// with an estimate of the same month after it.
		{"limit 1 has more", "?limit=1", []string{"More events on sitrep", "Top Islamic State officials"}, []string{"Coalition airstrikes", "as many as 10,000"}},
		{"limit 4", "?limit=4", []string{"More events on sitrep", "Badr Organization fighters"}, []string{"3,000–4,500"}},
		{"limit 5 shows all", "?limit=5", []string{"3,000–4,500"}, []string{"More events on sitrep"}},
		{"newest first", "?limit=1&order=newest", []string{"3,000–4,500"}, []string{"Top Islamic State officials", "Badr Organization fighters"}},
		{"compact", "?compact=1", []string{`class="compact"`}, []string{"1 source", `class="x"`}},
		{"filter by actor", "?actor=Badr", []string{"Badr Organization fighters"}, []string{"Top Islamic State officials"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, timelineEmbed+tt.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s%s = %d, want 200", timelineEmbed, tt.query, rec.Code)
			}
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s%s lacks %q", timelineEmbed, tt.query, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s%s contains %q", timelineEmbed, tt.query, n)
				}
			}
		})
	}
	// Newest first, estimates and events stay in one date order.
	newest := do(t, h, http.MethodGet, timelineEmbed+"?order=newest").Body.String()
	order := []string{"3,000–4,500", "Badr Organization fighters", "Coalition airstrikes", "as many as 10,000"}
	for i := 1; i < len(order); i++ {
		if a, b := strings.Index(newest, order[i-1]), strings.Index(newest, order[i]); a < 0 || b < 0 || a > b {
			t.Errorf("newest first, %q (at %d) should come before %q (at %d)", order[i-1], a, order[i], b)
		}
	}
	if rec := do(t, h, http.MethodGet, "/embed/timelines/no-such-timeline"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /embed/timelines/no-such-timeline = %d, want 404", rec.Code)
	}
}

func TestEmbedEstimates(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{
		"/embed/estimates?force=ISIS&place=Mosul",
		"/embed/estimates?actor=ISIS&place=Mosul", // actor= is force=
	} {
		rec := do(t, h, http.MethodGet, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200", target, rec.Code)
		}
		body := rec.Body.String()
		for _, want := range []string{"Estimates of Islamic State in Mosul", "<svg", "3,000–4,500", "as many as 10,000", "Coalition estimates", "<table"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", target, want)
			}
		}
		for _, a := range anchor.FindAllString(body, -1) {
			if !strings.Contains(a, `target="_blank"`) {
				t.Errorf("GET %s: link %s does not open in a new tab", target, a)
			}
		}
	}
	compact := do(t, h, http.MethodGet, "/embed/estimates?force=ISIS&compact=1").Body.String()
	if strings.Contains(compact, "<table") || !strings.Contains(compact, "<svg") {
		t.Errorf("a compact estimates embed should have the chart and no table")
	}
	unknown := do(t, h, http.MethodGet, "/embed/estimates?force=Nobody")
	if unknown.Code != http.StatusOK || !strings.Contains(unknown.Body.String(), "Nothing to show") {
		t.Errorf("GET /embed/estimates?force=Nobody = %d, want 200 saying there is nothing to show", unknown.Code)
	}
}

func TestEmbedEvent(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/embed/events/1")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /embed/events/1 = %d, want 200", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), `data-testid="embed-event"`) {
		t.Errorf("GET /embed/events/1 shows no event card")
	}
	if rec := do(t, h, http.MethodGet, "/embed/events/99999"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /embed/events/99999 = %d, want 404", rec.Code)
	}
}

// TestFramingPolicy checks that embeds, and only embeds, may be framed by
// any site.
func TestFramingPolicy(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{timelineEmbed, "/embed/estimates?force=ISIS", "/embed/events/1"} {
		hdr := do(t, h, http.MethodGet, target).Header()
		csp := hdr.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "'none'") && strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s Content-Security-Policy = %q, want frame-ancestors *", target, csp)
		}
		for _, strict := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'"} {
			if !strings.Contains(csp, strict) {
				t.Errorf("GET %s Content-Security-Policy = %q, want %s kept", target, csp, strict)
			}
		}
		if xfo := hdr.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("GET %s X-Frame-Options = %q, want none", target, xfo)
		}
	}
	for _, target := range []string{"/", "/events", "/timelines/mosul-2016", "/estimates?force=ISIS", "/oembed?url=x", "/embed.js", "/embedded"} {
		hdr := do(t, h, http.MethodGet, target).Header()
		if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s Content-Security-Policy = %q, want frame-ancestors 'none'", target, csp)
		}
		if xfo := hdr.Get("X-Frame-Options"); xfo != "DENY" {
			t.Errorf("GET %s X-Frame-Options = %q, want DENY", target, xfo)
		}
	}
}

// TestEmbedNoCookies checks that an embed neither sets nor reads a
// cookie: a reader's cookies do not change it or its caching.
func TestEmbedNoCookies(t *testing.T) {
	h := newHandler(t)
	plain := do(t, h, http.MethodGet, timelineEmbed)
	withCookie := do(t, h, http.MethodGet, timelineEmbed, "Cookie", "sitrep_session=abc; csrf=def")
	for _, rec := range []*httptest.ResponseRecorder{plain, withCookie} {
		if sc := rec.Header().Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("GET %s set cookies %q, want none", timelineEmbed, sc)
		}
	}
	if a, b := plain.Header().Get("ETag"), withCookie.Header().Get("ETag"); a == "" || a != b {
		t.Errorf("GET %s ETag = %q without cookies and %q with them; want the same, cacheable answer", timelineEmbed, a, b)
	}
	if cc := withCookie.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("GET %s with a cookie Cache-Control = %q, want public", timelineEmbed, cc)
	}
}

func TestConditionalGet(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{timelineEmbed, "/embed/estimates?force=ISIS", "/events", "/timelines/mosul-2016", "/"} {
		t.Run(target, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, target)
			etag := rec.Header().Get("ETag")
			if rec.Code != http.StatusOK || etag == "" {
				t.Fatalf("GET %s = %d with ETag %q, want 200 with an ETag", target, rec.Code, etag)
			}
			if cc, want := rec.Header().Get("Cache-Control"), "public, max-age=60, stale-while-revalidate=600"; cc != want {
				t.Errorf("GET %s Cache-Control = %q, want %q", target, cc, want)
			}
			again := do(t, h, http.MethodGet, target, "If-None-Match", etag)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("GET %s with If-None-Match: %s = %d with %d bytes, want 304 and no body", target, etag, again.Code, again.Body.Len())
			}
			if got := again.Header().Get("ETag"); got != etag {
				t.Errorf("304 ETag = %q, want %q", got, etag)
			}
			// The stored response keeps its own security headers: a cache
			// updates it with the 304's, which are these.
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s lacks the security headers", target)
			}
			if got, want := again.Header().Get("Cache-Control"), rec.Header().Get("Cache-Control"); got != want {
				t.Errorf("304 Cache-Control = %q, want the page's %q", got, want)
			}
			if got, want := varyFields(again.Header()), varyFields(rec.Header()); !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("304 Vary = %q, want the page's %q", got, want)
			}
			if got, want := again.Header().Get("Cross-Origin-Resource-Policy"), rec.Header().Get("Cross-Origin-Resource-Policy"); got != want {
				t.Errorf("304 Cross-Origin-Resource-Policy = %q, want the page's %q", got, want)
			}
			list := do(t, h, http.MethodGet, target, "If-None-Match", `"other", `+strings.TrimPrefix(etag, "W/"))
			if list.Code != http.StatusNotModified {
				t.Errorf("GET %s with the ETag in a list = %d, want 304", target, list.Code)
			}
			stale := do(t, h, http.MethodGet, target, "If-None-Match", `W/"stale"`)
			if stale.Code != http.StatusOK {
				t.Errorf("GET %s with a stale ETag = %d, want 200", target, stale.Code)
			}
		})
	}
	// Another address, another ETag.
	a := do(t, h, http.MethodGet, timelineEmbed).Header().Get("ETag")
	b := do(t, h, http.MethodGet, timelineEmbed+"?theme=dark").Header().Get("ETag")
	if a == b {
		t.Errorf("two embeds with different options share the ETag %s", a)
	}
	// Not cached: the health check, errors, and pages for a reader with a
	// cookie (who may be signed in).
	for _, tt := range []struct {
		target string
		header []string
	}{
		{"/healthz", nil},
		{"/no/such/page", nil},
		{"/embed/timelines/no-such-timeline", nil},
		{"/events", []string{"Cookie", "sitrep_session=abc"}},
	} {
		rec := do(t, h, http.MethodGet, tt.target, tt.header...)
		if rec.Header().Get("ETag") != "" || strings.HasPrefix(rec.Header().Get("Cache-Control"), "public") {
			t.Errorf("GET %s %v: ETag %q Cache-Control %q, want neither public caching nor an ETag",
				tt.target, tt.header, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
		}
	}
}

// TestETagFollowsWrites checks that publishing an event changes the ETag
// at once, so the embed shows it within the max-age.
func TestETagFollowsWrites(t *testing.T) {
	a := newApp(t)
	h := a.Handler()
	before := do(t, h, http.MethodGet, timelineEmbed)
	etag := before.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	addEvents(t, a, 1)
	after := do(t, h, http.MethodGet, timelineEmbed, "If-None-Match", etag)
	if after.Code != http.StatusOK {
		t.Fatalf("GET %s after a write with the old ETag = %d, want 200", timelineEmbed, after.Code)
	}
	if got := after.Header().Get("ETag"); got == etag || got == "" {
		t.Errorf("ETag after a write = %q, want a new one (was %q)", got, etag)
	}
	if !strings.Contains(after.Body.String(), "Reported clash 1:") {
		t.Errorf("the embed does not show the event published since")
	}
}

func TestOEmbed(t *testing.T) {
	h := newHandler(t)
	q := func(page string, extra ...string) string {
		v := url.Values{"url": {page}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return "/oembed?" + v.Encode()
	}
	type answer struct {
		Version, Type, Title, HTML string
		ProviderName               string `json:"provider_name"`
		ProviderURL                string `json:"provider_url"`
		Width, Height              int
	}
	tests := []struct {
		name, target, wantSrc string
		width, height         int
	}{
		{"timeline", q("http://example.com/timelines/mosul-2016?actor=ISIS&after=zzz"), "http://example.com/embed/timelines/mosul-2016?actor=ISIS", 640, 600},
		{"event", q("http://example.com/events/1-anything", "maxwidth", "300", "maxheight", "200", "format", "json"), "http://example.com/embed/events/1", 300, 200},
		{"estimates", q("http://example.com/estimates?force=ISIS&place=Mosul"), "http://example.com/embed/estimates?force=ISIS&amp;place=Mosul", 640, 640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tt.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200: %s", tt.target, rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var got answer
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("decoding %s: %v", rec.Body, err)
			}
			if got.Version != "1.0" || got.Type != "rich" || got.ProviderName != "sitrep" || got.ProviderURL != "http://example.com/" || got.Title == "" {
				t.Errorf("answer = %+v, want version 1.0, type rich, provider sitrep, a title", got)
			}
			if got.Width != tt.width || got.Height != tt.height {
				t.Errorf("size = %d×%d, want %d×%d", got.Width, got.Height, tt.width, tt.height)
			}
			if !strings.HasPrefix(got.HTML, `<iframe src="`+tt.wantSrc+`"`) || !strings.Contains(got.HTML, `title="`) {
				t.Errorf("html = %s, want an iframe of %s with a title", got.HTML, tt.wantSrc)
			}
		})
	}
	for _, tt := range []struct {
		target string
		status int
	}{
		{"/oembed", http.StatusBadRequest},
		{q("http://example.com/timelines/mosul-2016", "format", "xml"), http.StatusNotImplemented},
		{q("http://elsewhere.example/timelines/mosul-2016"), http.StatusNotFound},
		{q("ftp://example.com/timelines/mosul-2016"), http.StatusNotFound},
		{q("http://example.com/actors/islamic-state"), http.StatusNotFound},
		{q("http://example.com/timelines/no-such"), http.StatusNotFound},
		{q("http://example.com/events/99999"), http.StatusNotFound},
		{q("http://example.com/events/1/rev/1"), http.StatusNotFound},
		{q("not a url at all"), http.StatusNotFound},
	} {
		if rec := do(t, h, http.MethodGet, tt.target); rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.target, rec.Code, tt.status)
		}
	}
}

var oembedLink = regexp.MustCompile(`<link rel="alternate" type="application/json\+oembed" href="([^"]+)" title="[^"]+">`)

func TestOEmbedDiscovery(t *testing.T) {
	h := newHandler(t)
	for _, page := range []string{"/timelines/mosul-2016", "/events/1", "/estimates?force=ISIS"} {
		rec := do(t, h, http.MethodGet, page)
		if rec.Code == http.StatusMovedPermanently {
			page = rec.Header().Get("Location")
			rec = do(t, h, http.MethodGet, page)
		}
		m := oembedLink.FindStringSubmatch(rec.Body.String())
		if m == nil {
			t.Errorf("GET %s has no oEmbed discovery link", page)
			continue
		}
		href := strings.ReplaceAll(m[1], "&amp;", "&")
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		if ans := do(t, h, http.MethodGet, u.RequestURI()); ans.Code != http.StatusOK {
			t.Errorf("GET %s's discovery link %s = %d, want 200", page, href, ans.Code)
		}
	}
}

func TestEmbedPanel(t *testing.T) {
	h := newHandler(t)
	closed := do(t, h, http.MethodGet, "/timelines/mosul-2016").Body.String()
	if !strings.Contains(closed, `<details class="embed-panel" id="embed"`) || strings.Contains(closed, `id="embed" open`) {
		t.Errorf("a timeline page should have the Embed panel, closed")
	}
	body := do(t, h, http.MethodGet, "/timelines/mosul-2016?actor=ISIS&embed_theme=dark&embed_limit=20&embed_compact=1").Body.String()
	for _, want := range []string{
		`id="embed" open`,
		// The script snippet, escaped in its text area.
		`&lt;div data-sitrep-timeline=&#34;mosul-2016&#34; data-actor=&#34;ISIS&#34; data-theme=&#34;dark&#34; data-limit=&#34;20&#34; data-compact=&#34;1&#34;&gt;`,
		`&lt;script async src=&#34;http://example.com/embed.js&#34;&gt;&lt;/script&gt;`,
		// The iframe snippet.
		`&lt;iframe src=&#34;http://example.com/embed/timelines/mosul-2016?actor=ISIS&amp;amp;theme=dark&amp;amp;limit=20&amp;amp;compact=1&#34;`,
		// The preview and the hidden filter.
		`src="http://example.com/embed/timelines/mosul-2016?actor=ISIS&amp;theme=dark&amp;limit=20&amp;compact=1"`,
		`<input type="hidden" name="actor" value="ISIS">`,
		`<option value="dark" selected>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("timeline page with embed options lacks %s", want)
		}
	}
	est := do(t, h, http.MethodGet, "/estimates?force=ISIS&place=Mosul&embed_order=newest").Body.String()
	for _, want := range []string{
		`&lt;div data-sitrep-estimates=&#34;force=ISIS&amp;amp;place=Mosul&#34; data-order=&#34;newest&#34;&gt;`,
		`src="http://example.com/embed/estimates?force=ISIS&amp;place=Mosul&amp;order=newest"`,
	} {
		if !strings.Contains(est, want) {
			t.Errorf("estimates page with embed options lacks %s", want)
		}
	}
}

func TestEmbedScript(t *testing.T) {
	h := newHandler(t)
	rec := do(t, h, http.MethodGet, "/embed.js")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /embed.js = %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("GET /embed.js Content-Type = %q, want text/javascript", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=600") || strings.Contains(cc, "immutable") {
		t.Errorf("GET /embed.js Cache-Control = %q, want a short max-age: its address has no hash", cc)
	}
	if n := rec.Body.Len(); n > 2048 {
		t.Errorf("embed.js is %d bytes, want under 2 KB", n)
	}
	t.Logf("embed.js: %d bytes", rec.Body.Len())
	etag := rec.Header().Get("ETag")
	if again := do(t, h, http.MethodGet, "/embed.js", "If-None-Match", etag); again.Code != http.StatusNotModified {
		t.Errorf("GET /embed.js with its ETag = %d, want 304", again.Code)
	}
}

// maxEmbedTransfer is the weight budget of a 50-event timeline embed, with
// everything it loads, compressed.
const maxEmbedTransfer = 30 * 1024

var embedAssets = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestEmbedTransferSize measures what a 50-event timeline embed costs a
// reader: the page, its stylesheet and its script, as gzip sends them.
func TestEmbedTransferSize(t *testing.T) {
	a := newApp(t)
	addEvents(t, a, 50)
	h := a.Handler()
	// The demo's 3 events and 2 estimates, and the 50 added.
	page := do(t, h, http.MethodGet, timelineEmbed+"?limit=55", "Accept-Encoding", "gzip")
	if page.Code != http.StatusOK || page.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET %s = %d, Content-Encoding %q; want 200 gzip", timelineEmbed, page.Code, page.Header().Get("Content-Encoding"))
	}
	html := gunzip(t, page.Body.Bytes())
	if n := strings.Count(string(html), `<li class="ev">`); n < 50 {
		t.Fatalf("the embed shows %d events, want at least 50", n)
	}
	total := page.Body.Len()
	parts := []string{"page " + itoa(page.Body.Len())}
	assets := embedAssets.FindAllStringSubmatch(string(html), -1)
	if len(assets) != 2 {
		t.Errorf("the embed loads %d assets, want a stylesheet and a script", len(assets))
	}
	for _, m := range assets {
		rec := do(t, h, http.MethodGet, m[1], "Accept-Encoding", "gzip")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", m[1], rec.Code)
		}
		total += rec.Body.Len()
		parts = append(parts, m[1]+" "+itoa(rec.Body.Len()))
	}
	t.Logf("50-event timeline embed: %d bytes compressed (%s); page uncompressed %d bytes", total, strings.Join(parts, ", "), len(html))
	if total > maxEmbedTransfer {
		t.Errorf("a 50-event timeline embed transfers %d bytes compressed, want under %d", total, maxEmbedTransfer)
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// varyFields are the header fields h's Vary lines name, sorted.
func varyFields(h http.Header) []string {
	var out []string
	for _, line := range h.Values("Vary") {
		for f := range strings.SplitSeq(line, ",") {
			out = append(out, http.CanonicalHeaderKey(strings.TrimSpace(f)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
