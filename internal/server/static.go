package server

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// staticFile serves an embedded asset under its content-hashed name, so it
// may be cached for a year.
func (s *Server) staticFile(c echo.Context) error {
	name := strings.TrimPrefix(c.Param("*"), "/")
	body, orig, ok := s.cfg.Assets.Open(name)
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	ctype := mime.TypeByExtension(path.Ext(orig))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	return c.Blob(http.StatusOK, ctype, body)
}

// favicon points browsers that ask for the classic name at the real icon.
func (s *Server) favicon(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, s.cfg.Assets.URL("img/favicon.svg"))
}

// health answers 200 while the database answers.
func (s *Server) health(c echo.Context) error {
	ctx, cancel := withTimeout(c, healthTimeout)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, "ok\n")
}
