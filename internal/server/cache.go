package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/static"
)

// publicCacheControl lets browsers and shared caches (a CDN, a reverse
// proxy) serve a public page or an embed for a minute without asking, then
// serve it stale for ten more while they revalidate in the background. An
// edit that publishes changes the ETag at once, so it shows within the
// minute.
const publicCacheControl = "public, max-age=60, stale-while-revalidate=600"

// conditionalGet gives public GET responses an ETag and Cache-Control, and
// answers 304 Not Modified to a matching If-None-Match before the handler
// runs, so a revalidation costs one indexed lookup and no rendering. The
// ETag is derived from the database's last change, the build, and the
// request, never from the rendered body. Requests skip reports true for
// pass through untouched. Only 200 responses that set neither
// Cache-Control nor a cookie get the headers.
func (s *Server) conditionalGet(skip func(echo.Context) bool) echo.MiddlewareFunc {
	build := buildVersion()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			req, res := c.Request(), c.Response()
			last, err := s.db.LastChange(req.Context())
			if err != nil {
				// Serve the page uncached; the handler will meet the
				// same database and report what is wrong.
				return next(c)
			}
			etag := s.etag(c, build, last)
			vary := "Accept-Encoding"
			if !isEmbed(req.URL.Path) {
				// htmx asks the same address for a fragment, and the
				// session middleware varies pages by cookie.
				vary = "Accept-Encoding, Cookie, HX-Request, HX-Target"
			}
			h := res.Header()
			if etagMatch(req.Header.Get("If-None-Match"), etag) {
				notModified(h, etag, vary)
				return c.NoContent(http.StatusNotModified)
			}
			c.Set(versionKey, last)
			res.Before(func() {
				if res.Status != http.StatusOK || h.Get("Cache-Control") != "" || h.Get("Set-Cookie") != "" {
					return
				}
				h.Set("ETag", etag)
				h.Set("Cache-Control", publicCacheControl)
				if !isEmbed(req.URL.Path) {
					h.Add("Vary", "HX-Request, HX-Target")
				}
			})
			return next(c)
		}
	}
}

// notModified makes h a 304's: the validator, the caching rules and Vary,
// which RFC 9111 has a cache update the response it stored with, and
// what the middleware before set for every response (the request's id, an
// embed's Cross-Origin-Resource-Policy), less the security headers of a
// page. The stored response keeps those, and a 304 has no body for them
// to guard. They are taken out before the three are set: each header past
// the eighth grows the map (and the copy the server makes of it when it
// writes), and revalidations are the most frequent request a busy embed
// gets; with its page's headers a 304 allocated a third more.
func notModified(h http.Header, etag, vary string) {
	for _, k := range pageSecurityHeaders {
		delete(h, k)
	}
	h.Set("ETag", etag)
	h.Set("Cache-Control", publicCacheControl)
	h.Set("Vary", vary)
}

// cacheSkipper picks the requests conditionalGet leaves alone: anything
// but GET (HEAD arrives here as GET), the health check, the assets (which
// cache themselves), and any request carrying a cookie, whose page may
// be a signed-in reader's own. Embeds are always cached: their cookies are
// dropped before they get here (see embedsWithoutCookies). When sessions
// arrive, a signed-in check can replace the cookie test.
func cacheSkipper(c echo.Context) bool {
	req := c.Request()
	if req.Method != http.MethodGet {
		return true
	}
	p := req.URL.Path
	switch {
	case isEmbed(p):
		return false
	case p == "/healthz", p == "/embed.js", p == "/favicon.ico", strings.HasPrefix(p, static.Prefix), isTiles(p):
		return true
	}
	return req.Header.Get("Cookie") != ""
}

// etag is a weak validator for the response to this request as of the
// database's last change: the same page compressed or not is the same
// representation, which is what weak means. The method, the full URL and
// the htmx headers are in it because each picks a different response.
func (s *Server) etag(c echo.Context, build string, last int64) string {
	// Every GET is given one, a revalidation nothing else: the parts are
	// hashed from one buffer on the stack rather than each copied out.
	req := c.Request()
	var stack [512]byte
	b := strconv.AppendInt(stack[:0], last, 10)
	for _, part := range [...]string{build, req.Method, s.absURL(c, req.URL.RequestURI()), req.Header.Get("HX-Request"), req.Header.Get("HX-Target")} {
		b = append(append(b, 0), part...)
	}
	b = append(b, 0)
	sum := sha256.Sum256(b)
	var tag [3 + 24 + 1]byte
	copy(tag[:], `W/"`)
	hex.Encode(tag[3:27], sum[:12])
	tag[27] = '"'
	return string(tag[:])
}

// etagMatch reports whether an If-None-Match header lists etag, compared
// weakly (a W/ prefix on either side is ignored), as RFC 9110 has it for
// If-None-Match.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}

// buildVersion names the running build in ETags: the commit it was built
// from when the build recorded one and the tree was clean, or else the
// process's start time. Templates, stylesheets and scripts are compiled
// into the binary, so a new build never answers 304 with a page an old one
// rendered.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev string
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" && !modified {
			return rev
		}
	}
	return strconv.FormatInt(time.Now().UnixNano(), 36)
}
