package server

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/web/pages"
)

// wrongCredentials is the one answer to a wrong address or a wrong
// password, so that the form does not tell who has an account.
const wrongCredentials = "The email address or password is wrong."

// signinForm shows the sign-in form; someone already signed in goes on to
// where they were headed.
func (s *Server) signinForm(c echo.Context) error {
	next := c.QueryParam("next")
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, localPath(next))
	}
	return s.renderSignin(c, http.StatusOK, pages.SignInView{Next: keepNext(next)})
}

// signin checks an address and password. A wrong pair answers 422 with the
// address kept; too many failures for the address or from the client
// answer 429; success starts a fresh session and redirects (303) to next.
func (s *Server) signin(c echo.Context) error {
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	password := c.FormValue("password")
	next := c.FormValue("next")
	v := pages.SignInView{Email: email, Next: keepNext(next), Errors: conflict.FieldErrors{}}
	if email == "" {
		v.Errors.Add("email", "Enter your email address.")
	}
	if password == "" {
		v.Errors.Add("password", "Enter your password.")
	}
	if len(v.Errors) > 0 {
		return s.renderSignin(c, http.StatusUnprocessableEntity, v)
	}
	if len(email) > 320 || len(password) > 4*auth.MaxPasswordLen {
		v.Email = ""
		v.Problem = wrongCredentials
		return s.renderSignin(c, http.StatusUnprocessableEntity, v)
	}

	keys := throttleKeys(email, clientAddr(c))
	if wait, why := s.throttled(keys); wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		v.Problem = fmt.Sprintf("Too many failed sign-in attempts %s. Wait %s and try again", why, minutes(wait))
		if why == forAccount {
			// An admin can clear an account's count, not a network's.
			v.Problem += ", or ask an admin to clear this account's failed sign-ins"
		}
		v.Problem += "."
		return s.renderSignin(c, http.StatusTooManyRequests, v)
	}

	ctx := c.Request().Context()
	u, hash, ok, err := s.checkPassword(c, email, password)
	if err != nil {
		return err
	}
	if !ok {
		s.acc.byAccount.Fail(keys.account)
		s.acc.byClient.Fail(keys.client)
		s.acc.byPair.Fail(keys.pair)
		v.Problem = wrongCredentials
		return s.renderSignin(c, http.StatusUnprocessableEntity, v)
	}
	if u.Disabled {
		// Said only to someone who knows the password.
		v.Problem = "This account is disabled. Ask an admin to enable it."
		return s.renderSignin(c, http.StatusUnprocessableEntity, v)
	}
	// The account's own count is left to run out: a success must not
	// hand a guesser spread over many addresses a fresh allowance.
	s.acc.byPair.Reset(keys.pair)

	// A new token on every change of privilege: a token known before
	// sign-in is worth nothing after it.
	sm := s.acc.sessions
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionUserKey, int64(u.ID))
	sm.Put(ctx, sessionPassword, passwordStamp(hash))
	renewCSRF(c)
	s.log.Info("signed in", "user_id", int64(u.ID), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	return c.Redirect(http.StatusSeeOther, localPath(next))
}

// checkPassword reports whether password is the user's, and returns the
// user's password hash as stored now. An unknown address costs as much
// time as a known one. A hash made with older parameters is upgraded.
func (s *Server) checkPassword(c echo.Context, email, password string) (conflict.User, string, bool, error) {
	ctx := c.Request().Context()
	h := s.acc.hasher
	u, err := s.db.FindUserByEmail(ctx, email)
	if conflict.ErrorCode(err) == conflict.NotFound {
		h.VerifyNone(password)
		return u, "", false, nil
	}
	if err != nil {
		return u, "", false, err
	}
	hash, err := s.db.FindPasswordHash(ctx, u.ID)
	if err != nil {
		return u, "", false, err
	}
	ok, err := h.Verify(password, hash)
	if err != nil {
		return u, "", false, fmt.Errorf("user %d: %w", u.ID, err)
	}
	if ok && h.NeedsRehash(hash) {
		newHash, err := h.Hash(password)
		if err == nil {
			err = s.db.SetUserPassword(ctx, u.ID, newHash)
		}
		if err != nil {
			s.log.Warn("upgrading a password hash", "user_id", int64(u.ID), "err", err)
		} else {
			hash = newHash
		}
	}
	return u, hash, ok, nil
}

// signinKeys name one sign-in attempt in the throttles.
type signinKeys struct{ account, client, pair string }

func throttleKeys(email, client string) signinKeys {
	account := accountThrottleKey(email)
	return signinKeys{account: account, client: "client:" + client, pair: account + "\x00" + client}
}

// accountThrottleKey names an account in the throttles; the keys of its
// pairs with clients begin with it and a NUL.
func accountThrottleKey(email string) string { return "account:" + strings.ToLower(email) }

// Why an attempt is throttled, in words that follow "Too many failed
// sign-in attempts".
const (
	fromNetwork = "from your network"
	forAccount  = "for this account"
)

// throttled reports how long this attempt must wait, 0 when it may go
// ahead, and why, in words that end "Too many failed sign-in attempts …".
// The right password from a client that has not been failing is never
// refused: an account's own count alone refuses nobody, so a stranger
// cannot lock its owner out by failing on purpose. It only makes a client
// that has failed lately wait for its failures to run out.
func (s *Server) throttled(k signinKeys) (time.Duration, string) {
	a := s.acc
	if wait := a.byClient.Wait(k.client, failuresPerClient); wait > 0 {
		return wait, fromNetwork
	}
	if wait := a.byPair.Wait(k.pair, failuresPerPair); wait > 0 {
		return wait, forAccount
	}
	if a.byAccount.Wait(k.account, failuresPerAccount) > 0 {
		if wait := a.byClient.Wait(k.client, 1); wait > 0 {
			return wait, forAccount
		}
	}
	return 0, ""
}

// signout ends the session and goes home. Someone whose session has already
// ended gets the same answer.
func (s *Server) signout(c echo.Context) error {
	if u := currentUser(c); u != nil {
		if err := s.acc.sessions.Destroy(c.Request().Context()); err != nil {
			return err
		}
		s.log.Info("signed out", "user_id", int64(u.ID), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	renewCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) renderSignin(c echo.Context, status int, v pages.SignInView) error {
	v.Base = s.base(c, "Sign in", "")
	v.Canonical = ""
	// The form carries a per-visitor CSRF token: no cache may keep it.
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return s.render(c, status, pages.SignIn(v))
}

// keepNext is the next path worth carrying through the form: a local path
// other than the home page.
func keepNext(next string) string {
	if p := localPath(next); p != "/" {
		return p
	}
	return ""
}

// clientAddr is the client's address for throttling and limits.
// X-Forwarded-For is believed only from --trusted-proxies (hosts.go), so a
// client cannot pick its own address.
func clientAddr(c echo.Context) string {
	return c.RealIP()
}

// minutes says a wait in whole minutes, rounded up.
func minutes(d time.Duration) string {
	m := int(math.Ceil(d.Minutes()))
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}
