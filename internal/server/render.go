package server

import (
	"bytes"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/web/layout"
)

// render writes a templ component with the given status. It renders into a
// buffer first, so that a failing template becomes a clean error page
// instead of half a page.
func (s *Server) render(c echo.Context, status int, page templ.Component) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := page.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// buffers holds the buffers pages and API answers are made in. Grown from
// nothing for every request, a 60 KB page cost twice its size in copies
// and garbage, a quarter of what an uncached event list allocated. What
// is written from one is copied on (into the compressor or the response),
// so it is free again once the response is written.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer kept for reuse: an export-sized
// one would otherwise stay in memory for the pages after it.
const maxPooledBuffer = 1 << 20

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// base fills in the page shell's fields that every page shares.
func (s *Server) base(c echo.Context, title, section string) layout.Base {
	return layout.Base{
		Title:     title,
		Section:   section,
		Asset:     s.cfg.Assets.URL,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Canonical: s.absURL(c, c.Request().URL.RequestURI()),
		User:      currentUser(c),
		CSRF:      csrfToken(c),
		Flash:     s.popFlash(c),
		// The rule is the deployment's, fixed at start, so a cached page
		// says the same.
		Unreviewed: !s.db.ReviewRule().Independent(),
		DeskCount:  s.deskCount(c, currentUser(c)),
		Site:       layoutSite(s.settings(c.Request().Context())),
	}
}

// absURL makes path absolute against the configured origin, or the
// request's when its Host is allowed; otherwise path stays relative, so
// that no Host a client made up is written into a page (hosts.go).
func (s *Server) absURL(c echo.Context, path string) string {
	return s.origin(c) + path
}
