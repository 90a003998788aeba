package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// maxBodyBytes is the largest request body read: a form with an imported
// file at most.
const maxBodyBytes = 12 << 20

// maxQueryLen cuts absurdly long query strings before any handler parses
// them; no filter needs more.
const maxQueryLen = 4096

func (s *Server) middleware(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Pre(headAsGet)
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(s.recoverPanics())
	e.Use(s.securityHeaders)
	e.Use(s.checkHost)
	e.Use(s.warnUntrustedProxy)
	e.Use(embedsWithoutCookies)
	e.Use(s.limitBodies)
	e.Use(cutLongQueries)
	e.Use(s.limitExports)
	e.Use(s.conditionalGet(cacheSkipper))
	e.Use(s.cacheResponses)
	e.Use(limitRendering(renderSlots()))
	e.Use(compress(func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/healthz") }))
	e.Use(s.limitLargeReads)
	s.useAccounts(e)
}

// headAsGet answers HEAD on every GET route with the GET response's status
// and headers and no body. Echo v4 routes HEAD only where it is registered,
// and link checkers, uptime monitors and curl -I all send it.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodHead {
			return next(c)
		}
		c.Request().Method = http.MethodGet
		res := c.Response()
		res.Writer = bodiless{res.Writer}
		return next(c)
	}
}

// bodiless drops the body of a response to HEAD.
type bodiless struct{ http.ResponseWriter }

func (w bodiless) Write(p []byte) (int, error) { return len(p), nil }

func (w bodiless) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured line per request.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if warming(c.Request().Context()) {
			return next(c)
		}
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the status
			// logged is the one sent.
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= 500 && res.Status != statusClientGone {
			level = slog.LevelError
		}
		s.log.LogAttrs(req.Context(), level, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
		)
		return nil
	}
}

// recoverPanics turns a panic in a handler into an internal error, so the
// reader gets the 500 page and the log gets the stack. It is made once:
// Echo wraps every request in its middleware afresh, and a config made
// inside the wrapper was made again on every request.
func (s *Server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
				"err", err, "stack", string(stack))
			return err
		},
	})
}

// contentSecurityPolicy allows only sitrep's own scripts, styles and images.
// Pages refuse to be framed; embeds override frame-ancestors.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// hstsMaxAge is a year: browsers that saw sitrep over HTTPS keep to it.
const hstsMaxAge = "max-age=31536000"

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// The values are shared, never changed: a handler that sets one
		// of these headers replaces the slice rather than writing into
		// it. Set would make a key and a slice for each of them on every
		// request, a tenth of answering a revalidation.
		h := c.Response().Header()
		// Only over HTTPS, as the client reached us (hosts.go): a browser
		// ignores it over plain HTTP, and a made-up X-Forwarded-Proto
		// must not set it.
		if s.hosts.secure(c.Request()) {
			h["Strict-Transport-Security"] = hstsHeader
		}
		if isEmbed(c.Request().URL.Path) {
			h["Content-Security-Policy"] = embedCSPHeader
		} else {
			h["Content-Security-Policy"] = cspHeader
			h["X-Frame-Options"] = denyFramesHeader
		}
		h["X-Content-Type-Options"] = nosniffHeader
		h["Referrer-Policy"] = referrerHeader
		h["Permissions-Policy"] = permissionsHeader
		h["Cross-Origin-Opener-Policy"] = openerHeader
		return next(c)
	}
}

// pageSecurityHeaders are the headers securityHeaders sets, which guard a
// page's body: a 304 has none, and the response it revalidates keeps
// them (notModified).
var pageSecurityHeaders = []string{"Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
	"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"}

// The security headers' values, one slice each for every response.
var (
	hstsHeader        = []string{hstsMaxAge}
	embedCSPHeader    = []string{embedContentSecurityPolicy}
	cspHeader         = []string{contentSecurityPolicy}
	denyFramesHeader  = []string{"DENY"}
	nosniffHeader     = []string{"nosniff"}
	referrerHeader    = []string{"strict-origin-when-cross-origin"}
	permissionsHeader = []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}
	openerHeader      = []string{"same-origin"}
)

func cutLongQueries(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := c.Request().URL; len(u.RawQuery) > maxQueryLen {
			u.RawQuery = u.RawQuery[:maxQueryLen]
			if i := strings.LastIndexByte(u.RawQuery, '&'); i > 0 {
				u.RawQuery = u.RawQuery[:i]
			}
		}
		return next(c)
	}
}

// errTooLarge answers a body over maxBodyBytes; handleError and apiError
// say it in words.
var errTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "request body over the limit")

// limitBodies refuses a body over maxBodyBytes with 413, and reads a form
// whole before anything else looks into it. The CSRF check reads its token
// from the form: were the form cut short by the limit there, the answer
// would be a misleading "could not be checked" instead of "too large".
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxBodyBytes {
			return errTooLarge
		}
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		var err error
		switch ct := req.Header.Get(echo.HeaderContentType); {
		case strings.HasPrefix(ct, echo.MIMEApplicationForm):
			err = req.ParseForm()
		case strings.HasPrefix(ct, echo.MIMEMultipartForm):
			// As much as the CSRF check's own parse keeps in memory; the
			// rest of a file goes to a temporary file.
			err = req.ParseMultipartForm(32 << 20)
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				return errTooLarge
			case req.Context().Err() != nil:
				return req.Context().Err()
			}
			return echo.NewHTTPError(http.StatusBadRequest, "the form could not be read").SetInternal(err)
		}
		return next(c)
	}
}

// clientGone reports whether the client closed the connection before its
// answer was written: then an error is the request's end, not the
// server's fault, and there is nobody to show a page to.
func clientGone(c echo.Context) bool {
	return errors.Is(c.Request().Context().Err(), context.Canceled)
}

// statusClientGone is logged for a request whose client went away, as
// nginx logs it; it is never sent to anyone.
const statusClientGone = 499

// withTimeout bounds how long a handler may hold database connections.
func withTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}

const healthTimeout = 2 * time.Second
