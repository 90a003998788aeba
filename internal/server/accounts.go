package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/sqlite"
)

// AccountsConfig configures sign-in sessions, their cookies and password
// hashing. The zero value serves: 12 hours idle, 7 days at most, cookies
// Secure only on TLS requests, argon2id at auth.DefaultParams.
type AccountsConfig struct {
	// SecureCookies marks the session and CSRF cookies Secure on every
	// request, for a TLS proxy in front of a plain-HTTP sitrep. Requests
	// that arrive over TLS, or from a trusted proxy saying
	// X-Forwarded-Proto: https, get Secure cookies anyway.
	SecureCookies bool
	// IdleTimeout ends a session nobody used for this long.
	IdleTimeout time.Duration
	// Lifetime ends every session this long after sign-in, used or not.
	Lifetime time.Duration
	// Password sets argon2id's cost; tests use auth.TestParams.
	Password auth.Params
}

// The sign-in throttles, over throttleWindow. A client (an address) may
// fail failuresPerClient times in all, higher than the rest because an
// office or a newsroom shares one address, and failuresPerPair times on one
// account. An account that failuresPerAccount failures from anywhere have
// hit is under attack: then only clients with no recent failure may try it
// (signin.go), which leaves a guesser spread over many addresses one guess
// per address, and its owner, on a client that has not been failing, let in.
const (
	failuresPerAccount = 5
	failuresPerPair    = 5
	failuresPerClient  = 20
	throttleWindow     = 15 * time.Minute
)

const (
	sessionCookie  = "sitrep_session"
	csrfCookie     = "_csrf"
	csrfField      = "_csrf"
	csrfHeader     = "X-CSRF-Token"
	csrfContextKey = "csrf"
	userContextKey = "user"
	// sessionContextKey marks a request whose session was loaded.
	sessionContextKey = "session"
	sessionUserKey    = "user_id"
	sessionPassword   = "password_stamp"
	sessionFlash      = "flash"
)

// accounts holds what sessions, sign-in and CSRF checks need.
type accounts struct {
	cfg       AccountsConfig
	sessions  *scs.SessionManager
	hasher    *auth.Hasher
	byAccount *auth.Throttle
	byClient  *auth.Throttle
	// byPair counts failures per account and client together.
	byPair *auth.Throttle
	// csrf and csrfTLS differ only in the Secure flag of their cookie.
	csrf, csrfTLS echo.MiddlewareFunc
}

func newAccounts(cfg AccountsConfig, db *sqlite.DB) *accounts {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 12 * time.Hour
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 7 * 24 * time.Hour
	}
	sm := scs.New()
	sm.Store = db.Sessions()
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	// Only a hash of each token is stored: a copy of the database does not
	// hand out live sessions.
	sm.HashTokenInStore = true
	// The cookie itself is written by saveSession, which decides Secure per
	// request; these mirror it for anything scs writes on its own.
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	a := &accounts{
		cfg:       cfg,
		sessions:  sm,
		hasher:    auth.NewHasher(cfg.Password),
		byAccount: auth.NewThrottle(failuresPerAccount, throttleWindow),
		byClient:  auth.NewThrottle(failuresPerClient, throttleWindow),
		byPair:    auth.NewThrottle(failuresPerPair, throttleWindow),
	}
	a.csrf = a.newCSRF(cfg.SecureCookies)
	a.csrfTLS = a.newCSRF(true)
	return a
}

// sessionless reports whether a path is public and cacheable, so that it
// must neither read nor set a session or CSRF cookie: assets, embeds, the
// API, oEmbed and the health check.
func sessionless(path string) bool {
	for _, p := range []string{"/static", "/embed", "/api", "/oembed", "/healthz"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return path == "/embed.js" || path == "/favicon.ico" || isTiles(path)
}

// useAccounts adds the session and CSRF middleware, in that order: the CSRF
// check needs to know whether someone is signed in.
func (s *Server) useAccounts(e *echo.Echo) {
	e.Use(s.loadSession)
	e.Use(s.checkCSRF)
}

// loadSession loads the request's session and its user, and saves the
// session when the response is written. A session whose user has since
// been disabled or removed ends.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if sessionless(req.URL.Path) {
			return next(c)
		}
		sm := s.acc.sessions
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderCookie)
		var token string
		if ck, err := req.Cookie(sessionCookie); err == nil {
			token = ck.Value
		}
		ctx, err := sm.Load(req.Context(), token)
		if err != nil {
			return err
		}
		c.SetRequest(req.WithContext(ctx))
		c.Set(sessionContextKey, true)
		res.Before(func() { s.saveSession(c, ctx) })
		if id := sm.GetInt64(ctx, sessionUserKey); id != 0 {
			u, live, err := s.sessionUser(c, conflict.UserID(id))
			if err != nil {
				return err
			}
			if live {
				c.Set(userContextKey, &u)
			} else if err := sm.Destroy(ctx); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// sessionUser loads the session's user and reports whether the session
// still stands: not when the user has been disabled or removed, nor when
// their password has changed since the session began (a reset locks out
// whoever knew the old one).
func (s *Server) sessionUser(c echo.Context, id conflict.UserID) (conflict.User, bool, error) {
	ctx := c.Request().Context()
	u, err := s.db.FindUserByID(ctx, id)
	if conflict.ErrorCode(err) == conflict.NotFound {
		return u, false, nil
	}
	if err != nil || u.Disabled {
		return u, false, err
	}
	hash, err := s.db.FindPasswordHash(ctx, id)
	if err != nil {
		return u, false, err
	}
	stamp := s.acc.sessions.GetString(ctx, sessionPassword)
	return u, subtle.ConstantTimeCompare([]byte(stamp), []byte(passwordStamp(hash))) == 1, nil
}

// passwordStamp identifies a password hash without revealing it: a session
// keeps the stamp of the hash it began with.
func passwordStamp(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:12])
}

// saveSession runs just before the response's header is written: it
// commits a changed session and sets or clears its cookie. A signed-in
// reader's pages carry their name and a CSRF token, so no shared cache may
// keep them.
func (s *Server) saveSession(c echo.Context, ctx context.Context) {
	sm := s.acc.sessions
	h := c.Response().Header()
	if currentUser(c) != nil {
		h.Set(echo.HeaderCacheControl, "private, no-store")
	}
	switch sm.Status(ctx) {
	case scs.Modified:
		// The request may be cancelled by now; the commit is still owed.
		token, expiry, err := sm.Commit(context.WithoutCancel(ctx))
		if err != nil {
			s.log.Error("saving the session", "request_id", h.Get(echo.HeaderXRequestID), "err", err)
			return
		}
		s.setSessionCookie(c, token, expiry)
	case scs.Destroyed:
		s.setSessionCookie(c, "", time.Time{})
	}
}

// setSessionCookie sets the session cookie, or clears it when token is "".
func (s *Server) setSessionCookie(c echo.Context, token string, expiry time.Time) {
	ck := &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   s.secureCookies(c),
	}
	if token == "" {
		ck.Expires, ck.MaxAge = time.Unix(1, 0), -1
	} else {
		ck.Expires = expiry.Add(time.Second).Truncate(time.Second)
		ck.MaxAge = int(time.Until(expiry).Seconds()) + 1
	}
	c.SetCookie(ck)
	c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
}

// secureCookies reports whether this response's cookies are Secure: always
// with the flag, else when the request came over HTTPS: TLS, or a trusted
// proxy's X-Forwarded-Proto (hosts.go).
func (s *Server) secureCookies(c echo.Context) bool {
	return s.acc.cfg.SecureCookies || s.hosts.secure(c.Request())
}

// currentUser returns the signed-in user, or nil.
func currentUser(c echo.Context) *conflict.User {
	u, _ := c.Get(userContextKey).(*conflict.User)
	return u
}

// csrfToken returns the token a form on this page must carry, "" where the
// CSRF check did not run (anonymous public pages).
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}

// formPages are the pages an anonymous reader may be shown a form on.
var formPages = map[string]bool{"/signin": true}

// checkCSRF checks the CSRF token of every request that changes something
// and hands a token to every page that shows a form. It stays out of
// anonymous readers' public pages, which must set no cookie.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	// Echo wraps every request in its middleware afresh: the CSRF check is
	// wrapped around next only for the requests it checks.
	return func(c echo.Context) error {
		req := c.Request()
		if sessionless(req.URL.Path) {
			return next(c)
		}
		switch req.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			if currentUser(c) == nil && !formPages[req.URL.Path] {
				return next(c)
			}
		}
		tokenFromBody(req)
		if s.secureCookies(c) {
			return s.acc.csrfTLS(next)(c)
		}
		return s.acc.csrf(next)(c)
	}
}

// tokenFromBody keeps only a CSRF token sent in the form body. Echo's form
// lookup reads Request.Form, where the URL's query is merged in, and a
// token in a URL leaks: into logs, the Referer header, browser history.
// limitBodies has parsed the body already; an unparsed one is parsed here.
func tokenFromBody(req *http.Request) {
	if req.Form == nil {
		_ = req.ParseForm()
	}
	if req.Form == nil {
		return
	}
	if v := req.PostForm[csrfField]; len(v) > 0 {
		req.Form[csrfField] = v
	} else {
		delete(req.Form, csrfField)
	}
}

func (a *accounts) newCSRF(secure bool) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		// "form:" is the body only: checkCSRF drops a token given in the
		// query (tokenFromBody).
		TokenLookup:    "form:" + csrfField + ",header:" + csrfHeader,
		ContextKey:     csrfContextKey,
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieMaxAge:   int(a.cfg.Lifetime.Seconds()),
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   secure,
		// A missing token is as forbidden as a wrong one.
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "CSRF token missing or invalid").SetInternal(err)
		},
	})
}

// renewCSRF drops the CSRF cookie when someone signs in or out, so that a
// token planted or seen before cannot be used across the change; the next
// page gets a fresh one.
func renewCSRF(c echo.Context) {
	h := c.Response().Header()
	kept := h.Values("Set-Cookie")[:0:0]
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, csrfCookie+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	c.SetCookie(&http.Cookie{Name: csrfCookie, Path: "/", MaxAge: -1, Expires: time.Unix(1, 0), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// requireRole lets through only users holding at least min. An anonymous
// reader is sent to sign in when asking for a page (GET) and refused with
// 401 otherwise; a signed-in user without the role gets the 403 page.
func (s *Server) requireRole(min conflict.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
			u := currentUser(c)
			if u == nil {
				if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
					return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(c.Request().URL.RequestURI()))
				}
				return conflict.Errorf(conflict.Unauthorized, "Sign in to do this.")
			}
			if !u.Role.AtLeast(min) {
				return conflict.Errorf(conflict.Forbidden, "Your role (%s) does not allow this: it needs %s.", u.Role, roleNeeded(min))
			}
			return next(c)
		}
	}
}

func roleNeeded(r conflict.Role) string {
	switch r {
	case conflict.RoleEditor:
		return "an editor, reviewer or admin"
	case conflict.RoleReviewer:
		return "a reviewer or admin"
	}
	return "an admin"
}

// flash keeps a one-time message for the next page the user sees.
func (s *Server) flash(c echo.Context, msg string) {
	s.acc.sessions.Put(c.Request().Context(), sessionFlash, msg)
}

// popFlash takes the one-time message, if any. It never creates a session
// for an anonymous reader, and answers "" where no session was loaded (an
// error before the session middleware, a sessionless path).
func (s *Server) popFlash(c echo.Context) string {
	ctx := c.Request().Context()
	if loaded, _ := c.Get(sessionContextKey).(bool); !loaded || !s.acc.sessions.Exists(ctx, sessionFlash) {
		return ""
	}
	return s.acc.sessions.PopString(ctx, sessionFlash)
}

// localPath returns next when it is a path on this site, and "/" for
// anything else: absolute URLs, scheme-relative //host, backslash tricks.
// It keeps a sign-in from redirecting anyone off the site.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2000 {
		return "/"
	}
	if strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	if u.Path == "/signin" || u.Path == "/signout" {
		return "/"
	}
	return next
}
