package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// embedContentSecurityPolicy is the pages' policy with one difference:
// any site may frame an embed.
const embedContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors *"

// isEmbed reports whether path is an embed: a page any site may frame,
// which never reads or sets a session cookie and never shows editor
// controls. Session and CSRF middleware skip these paths with it.
func isEmbed(path string) bool {
	return path == "/embed" || strings.HasPrefix(path, "/embed/")
}

// embedsWithoutCookies keeps embeds the same for everyone: the request's
// cookies are dropped before any later middleware or handler can read
// them, and any Set-Cookie is removed before the response goes out. A
// reader's session thus never reaches a page inside someone else's site,
// and a shared cache may keep one copy for all.
func embedsWithoutCookies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isEmbed(c.Request().URL.Path) {
			return next(c)
		}
		c.Request().Header.Del("Cookie")
		res := c.Response()
		res.Before(func() { res.Header().Del("Set-Cookie") })
		// Pages that isolate themselves (Cross-Origin-Embedder-Policy) may
		// frame an embed too.
		res.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
		return next(c)
	}
}
