package server_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// accountsApp opens sitrep on an empty database with cheap password
// hashing; cfg may set other account options.
func accountsApp(t *testing.T, cfg server.AccountsConfig) *app.App {
	t.Helper()
	cfg.Password = auth.TestParams
	return openApp(t, app.Config{Accounts: cfg})
}

// addAccount creates a user with testPassword.
func addAccount(t *testing.T, a *app.App, email string, role conflict.Role) conflict.User {
	t.Helper()
	hash, err := auth.NewHasher(auth.TestParams).Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := conflict.User{Email: email, Name: "Test " + string(role), Role: role}
	if err := a.DB.CreateUser(t.Context(), &u, hash); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

// userAgent is a browser in miniature: it keeps cookies between requests it
// sends through the real handler.
type userAgent struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]string
	// header is sent with every request.
	header http.Header
	tls    bool
	// remote is the address the requests come from; httptest's 192.0.2.1
	// when empty.
	remote string
	// host is the Host requests are for; httptest's example.com when empty.
	host string
}

func newUserAgent(t *testing.T, h http.Handler) *userAgent {
	return &userAgent{t: t, h: h, cookies: map[string]string{}, header: http.Header{}}
}

// do sends a request, with form as the urlencoded body when not nil, and
// keeps the cookies the response sets.
func (c *userAgent) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if c.tls {
		req.TLS = &tls.ConnectionState{}
	}
	if c.remote != "" {
		req.RemoteAddr = c.remote + ":40000"
	}
	if c.host != "" {
		req.Host = c.host
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for name, value := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

// csrf returns the CSRF token, fetching the sign-in page for one if the
// client has none yet.
func (c *userAgent) csrf() string {
	c.t.Helper()
	if tok := c.cookies["_csrf"]; tok != "" {
		return tok
	}
	rec := c.do(http.MethodGet, "/signin", nil)
	tok := c.cookies["_csrf"]
	if tok == "" {
		c.t.Fatalf("GET /signin set no _csrf cookie (status %d)", rec.Code)
	}
	return tok
}

// post sends a form with the client's CSRF token.
func (c *userAgent) post(target string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf())
	return c.do(http.MethodPost, target, form)
}

// signIn signs in with testPassword and fails the test unless it works.
func (c *userAgent) signIn(email string) {
	c.t.Helper()
	rec := c.post("/signin", url.Values{"email": {email}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther || c.cookies["sitrep_session"] == "" {
		c.t.Fatalf("signing in as %s = %d, session cookie %q; want 303 and a session", email, rec.Code, c.cookies["sitrep_session"])
	}
}

// setCookie finds the Set-Cookie header for name, "" when there is none.
func setCookie(rec *httptest.ResponseRecorder, name string) string {
	for _, v := range rec.Header().Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

func TestSignIn(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	u := addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
	c := newUserAgent(t, a.Handler())

	form := c.do(http.MethodGet, "/signin?next=/events", nil)
	if form.Code != http.StatusOK {
		t.Fatalf("GET /signin = %d, want 200", form.Code)
	}
	body := form.Body.String()
	for _, want := range []string{`name="_csrf" value="` + c.cookies["_csrf"] + `"`, `name="next" value="/events"`,
		`autocomplete="current-password"`, `<meta name="csrf-token"`} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /signin lacks %s", want)
		}
	}
	if cc := form.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /signin Cache-Control = %q, want no-store", cc)
	}
	csrf := setCookie(form, "_csrf")
	if !strings.Contains(csrf, "HttpOnly") || !strings.Contains(csrf, "SameSite=Lax") || strings.Contains(csrf, "Secure") {
		t.Errorf("CSRF cookie = %q, want HttpOnly, SameSite=Lax, not Secure without TLS", csrf)
	}
	oldCSRF := c.cookies["_csrf"]

	rec := c.post("/signin", url.Values{"email": {"  Dorrian@Example.org "}, "password": {testPassword}, "next": {"/events?actor=isis"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/events?actor=isis" {
		t.Fatalf("POST /signin = %d to %q, want 303 to /events?actor=isis", rec.Code, rec.Header().Get("Location"))
	}
	session := setCookie(rec, "sitrep_session")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="} {
		if !strings.Contains(session, want) {
			t.Errorf("session cookie = %q, want %s", session, want)
		}
	}
	if strings.Contains(session, "Secure") {
		t.Errorf("session cookie = %q, Secure without TLS or the flag", session)
	}
	if c.cookies["_csrf"] != "" {
		t.Errorf("the CSRF cookie survived sign-in; want it renewed")
	}

	home := c.do(http.MethodGet, "/", nil)
	body = home.Body.String()
	if home.Code != http.StatusOK || !strings.Contains(body, `data-testid="account-name" dir="auto">`+u.Name) || !strings.Contains(body, `action="/signout"`) {
		t.Errorf("GET / signed in = %d, want the user's name and a sign-out form in the header", home.Code)
	}
	if c.cookies["_csrf"] == "" || c.cookies["_csrf"] == oldCSRF {
		t.Errorf("CSRF token after sign-in = %q, want a new one (was %q)", c.cookies["_csrf"], oldCSRF)
	}
	if !strings.Contains(body, `hx-headers="{&#34;X-CSRF-Token&#34;:&#34;`+c.cookies["_csrf"]) {
		t.Errorf("GET / signed in: the body's hx-headers lack the CSRF token")
	}
	if cc := home.Header().Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("GET / signed in Cache-Control = %q, want private, no-store", cc)
	}
	if strings.Contains(body, `data-testid="sign-in-link"`) {
		t.Errorf("GET / signed in still shows the sign-in link")
	}
}

func TestSignInFails(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
	disabled := addAccount(t, a, "gone@example.org", conflict.RoleEditor)
	if err := a.DB.SetUserDisabled(t.Context(), disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email, password, want string
		field                       string
	}{
		{"wrong password", "dorrian@example.org", "not the password at all", "The email address or password is wrong.", ""},
		{"unknown address", "nobody@example.org", testPassword, "The email address or password is wrong.", ""},
		{"disabled account", "gone@example.org", testPassword, "This account is disabled.", ""},
		{"no address", "", testPassword, "Enter your email address.", "email"},
		{"no password", "dorrian@example.org", "", "Enter your password.", "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newUserAgent(t, a.Handler())
			rec := c.post("/signin", url.Values{"email": {tt.email}, "password": {tt.password}})
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("POST /signin = %d, want 422", rec.Code)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("POST /signin body lacks %q", tt.want)
			}
			if tt.field != "" && !strings.Contains(body, `data-testid="error-`+tt.field+`"`) {
				t.Errorf("POST /signin shows no error next to %s", tt.field)
			}
			if tt.email != "" && !strings.Contains(body, `value="`+tt.email+`"`) {
				t.Errorf("POST /signin did not keep the address %q", tt.email)
			}
			if strings.Contains(body, tt.password) && tt.password != "" {
				t.Errorf("POST /signin echoed the password")
			}
			if sc := setCookie(rec, "sitrep_session"); sc != "" {
				t.Errorf("failed sign-in set a session cookie: %s", sc)
			}
		})
	}
}

// tryPassword signs in as email with password from the agent's address.
func (c *userAgent) tryPassword(email, password string) *httptest.ResponseRecorder {
	c.t.Helper()
	return c.post("/signin", url.Values{"email": {email}, "password": {password}})
}

// from is a fresh browser at the address ip.
func from(t *testing.T, a *app.App, ip string) *userAgent {
	c := newUserAgent(t, a.Handler())
	c.remote = ip
	return c
}

func wantThrottled(t *testing.T, rec *httptest.ResponseRecorder, what, why string) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("%s = %d, want 429", what, rec.Code)
	}
	if body := rec.Body.String(); !strings.Contains(body, "Too many failed sign-in attempts "+why) {
		t.Errorf("%s: 429 body lacks a clear message (%q)", what, why)
	}
	if ra, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 15*60 {
		t.Errorf("%s: Retry-After = %q, want seconds up to 15 minutes", what, rec.Header().Get("Retry-After"))
	}
	if sc := setCookie(rec, "sitrep_session"); sc != "" {
		t.Errorf("%s: a throttled sign-in set a session cookie", what)
	}
}

func TestSignInThrottle(t *testing.T) {
	const owner = "dorrian@example.org"

	t.Run("a stranger cannot lock the owner out", func(t *testing.T) {
		a := accountsApp(t, server.AccountsConfig{})
		addAccount(t, a, owner, conflict.RoleEditor)
		guesser := from(t, a, "198.51.100.1")
		for i := range 5 {
			if rec := guesser.tryPassword(owner, "guess number "+strconv.Itoa(i)); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d = %d, want 422", i+1, rec.Code)
			}
		}
		// The guesser is slowed down, even when it guesses right...
		wantThrottled(t, guesser.tryPassword(owner, testPassword), "the guesser's sixth try", "for this account")
		// ...but the owner, on a client that has not been failing, is let in.
		if rec := from(t, a, "203.0.113.7").tryPassword("Dorrian@example.org", testPassword); rec.Code != http.StatusSeeOther {
			t.Fatalf("the owner's sign-in from a clean client after 5 failures by another = %d, want 303", rec.Code)
		}
		// A guesser spread over many addresses gets one guess per address
		// while the account is under attack.
		second := from(t, a, "198.51.100.2")
		if rec := second.tryPassword(owner, "another guess"); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a fresh address's first guess = %d, want 422", rec.Code)
		}
		wantThrottled(t, second.tryPassword(owner, "and another"), "a fresh address's second guess", "for this account")
		// Another account is not affected by this one's count.
		addAccount(t, a, "ahmed@example.org", conflict.RoleEditor)
		if rec := second.tryPassword("ahmed@example.org", testPassword); rec.Code != http.StatusSeeOther {
			t.Errorf("signing in to another account from that address = %d, want 303", rec.Code)
		}
	})

	t.Run("one client on one account", func(t *testing.T) {
		a := accountsApp(t, server.AccountsConfig{})
		addAccount(t, a, owner, conflict.RoleEditor)
		c := from(t, a, "203.0.113.7")
		for i := range 5 {
			if rec := c.tryPassword(owner, "guess number "+strconv.Itoa(i)); rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d = %d, want 422", i+1, rec.Code)
			}
		}
		wantThrottled(t, c.tryPassword(owner, testPassword), "the sixth try from one client", "for this account")
	})

	t.Run("per client", func(t *testing.T) {
		a := accountsApp(t, server.AccountsConfig{})
		addAccount(t, a, "other@example.org", conflict.RoleEditor)
		c := newUserAgent(t, a.Handler())
		// httptest's requests all come from 192.0.2.1; 20 failures on 20
		// addresses, the account limit never reached.
		for i := range 20 {
			rec := c.tryPassword("nobody"+strconv.Itoa(i)+"@example.org", "wrong password")
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d = %d, want 422", i+1, rec.Code)
			}
		}
		wantThrottled(t, c.tryPassword("other@example.org", testPassword), "sign-in after 20 failures from one client", "from your network")
		// A forwarded-for header is not believed without --trusted-proxies.
		c.header.Set("X-Forwarded-For", "203.0.113.9")
		wantThrottled(t, c.tryPassword("other@example.org", testPassword), "sign-in with a made-up X-Forwarded-For", "from your network")
	})

	t.Run("an admin clears the count", func(t *testing.T) {
		a := accountsApp(t, server.AccountsConfig{})
		ed := addAccount(t, a, owner, conflict.RoleEditor)
		addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
		// The owner mistypes once; then someone else fails five times.
		ownerPC := from(t, a, "203.0.113.7")
		if rec := ownerPC.tryPassword(owner, "a typo"); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("the owner's typo = %d, want 422", rec.Code)
		}
		for i := range 5 {
			from(t, a, "198.51.100."+strconv.Itoa(10+i)).tryPassword(owner, "guess")
		}
		wantThrottled(t, ownerPC.tryPassword(owner, testPassword), "the owner, who failed once, while under attack", "for this account")

		admin := from(t, a, "203.0.113.50")
		admin.signIn("admin@example.org")
		list := admin.do(http.MethodGet, "/admin/users", nil).Body.String()
		if !strings.Contains(list, "5 or more failed sign-ins in the last 15 minutes") || !strings.Contains(list, `data-testid="clear-throttle-form"`) {
			t.Fatalf("the users page does not show the failed sign-ins with a way to clear them")
		}
		id := strconv.FormatInt(int64(ed.ID), 10)
		// The form is a POST with the CSRF token like every other.
		if rec := admin.do(http.MethodPost, "/admin/users/"+id+"/throttle", url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("clearing without a CSRF token = %d, want 403", rec.Code)
		}
		if rec := admin.post("/admin/users/"+id+"/throttle", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("clearing the throttle = %d, want 303", rec.Code)
		}
		if list := admin.do(http.MethodGet, "/admin/users", nil).Body.String(); strings.Contains(list, `data-testid="user-failed-signins"`) ||
			!strings.Contains(list, "failed sign-ins cleared") {
			t.Errorf("after clearing, the users page still shows failed sign-ins or does not say it cleared them")
		}
		if rec := ownerPC.tryPassword(owner, testPassword); rec.Code != http.StatusSeeOther {
			t.Errorf("the owner's sign-in after an admin cleared the count = %d, want 303", rec.Code)
		}
		// Only admins may clear.
		editor := from(t, a, "203.0.113.7")
		editor.signIn(owner)
		if rec := editor.post("/admin/users/"+id+"/throttle", nil); rec.Code != http.StatusForbidden {
			t.Errorf("an editor clearing a throttle = %d, want 403", rec.Code)
		}
	})
}

func TestSignInNext(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/events", "/events"},
		{"/events?actor=isis&page=2", "/events?actor=isis&page=2"},
		{"//evil.example", "/"},
		{"//evil.example/events", "/"},
		{"https://evil.example/", "/"},
		{"http:evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/signin", "/"},
		{"events", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			c := newUserAgent(t, a.Handler())
			rec := c.post("/signin", url.Values{"email": {"dorrian@example.org"}, "password": {testPassword}, "next": {tt.next}})
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.want {
				t.Errorf("sign-in with next=%q = %d to %q, want 303 to %q", tt.next, rec.Code, rec.Header().Get("Location"), tt.want)
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
	form := url.Values{"email": {"dorrian@example.org"}, "password": {testPassword}}
	tests := []struct {
		name  string
		token string
		site  string
		want  int
	}{
		{"no token", "", "", http.StatusForbidden},
		{"wrong token", "not-the-token", "", http.StatusForbidden},
		{"cross-site browser", "", "cross-site", http.StatusForbidden},
		{"right token", "ok", "", http.StatusSeeOther},
		{"same-origin browser", "", "same-origin", http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newUserAgent(t, a.Handler())
			tok := c.csrf()
			f := url.Values{"email": form["email"], "password": form["password"]}
			switch tt.token {
			case "ok":
				f.Set("_csrf", tok)
			case "":
			default:
				f.Set("_csrf", tt.token)
			}
			if tt.site != "" {
				c.header.Set("Sec-Fetch-Site", tt.site)
			}
			rec := c.do(http.MethodPost, "/signin", f)
			if rec.Code != tt.want {
				t.Fatalf("POST /signin = %d, want %d", rec.Code, tt.want)
			}
			if tt.want == http.StatusForbidden {
				if !strings.Contains(rec.Body.String(), `data-testid="error-page"`) {
					t.Errorf("CSRF refusal is not the error page")
				}
				if setCookie(rec, "sitrep_session") != "" {
					t.Errorf("CSRF refusal set a session cookie")
				}
			}
		})
	}

	t.Run("htmx header", func(t *testing.T) {
		c := newUserAgent(t, a.Handler())
		c.signIn("dorrian@example.org")
		c.do(http.MethodGet, "/", nil)
		c.header.Set("X-CSRF-Token", c.cookies["_csrf"])
		if rec := c.do(http.MethodPost, "/signout", url.Values{}); rec.Code != http.StatusSeeOther {
			t.Errorf("POST /signout with the token in X-CSRF-Token = %d, want 303", rec.Code)
		}
	})
}

func TestSignOut(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")
	token := c.cookies["sitrep_session"]
	if rec := c.do(http.MethodGet, "/admin/users", nil); rec.Code != http.StatusOK {
		t.Fatalf("GET /admin/users signed in = %d, want 200", rec.Code)
	}

	rec := c.post("/signout", nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Fatalf("POST /signout = %d to %q, want 303 to /", rec.Code, rec.Header().Get("Location"))
	}
	if sc := setCookie(rec, "sitrep_session"); !strings.Contains(sc, "Max-Age=0") {
		t.Errorf("sign-out session cookie = %q, want it cleared", sc)
	}
	if c.cookies["sitrep_session"] != "" {
		t.Errorf("the session cookie survived sign-out")
	}
	home := c.do(http.MethodGet, "/", nil)
	if !strings.Contains(home.Body.String(), `data-testid="sign-in-link"`) {
		t.Errorf("GET / after sign-out does not offer to sign in")
	}

	// The old token is dead in the store, not just forgotten by the client.
	replay := newUserAgent(t, a.Handler())
	replay.cookies["sitrep_session"] = token
	if rec := replay.do(http.MethodGet, "/admin/users", nil); rec.Code != http.StatusSeeOther {
		t.Errorf("GET /admin/users with the signed-out token = %d, want 303 to sign in", rec.Code)
	}
}

func TestSessionRenewedAndEnded(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	u := addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)

	// A token planted before sign-in is replaced.
	c := newUserAgent(t, a.Handler())
	c.cookies["sitrep_session"] = "planted-by-someone-else"
	c.signIn("dorrian@example.org")
	first := c.cookies["sitrep_session"]
	if first == "planted-by-someone-else" {
		t.Fatalf("sign-in kept a planted session token")
	}
	c.signIn("dorrian@example.org")
	if second := c.cookies["sitrep_session"]; second == first {
		t.Errorf("a second sign-in kept the token")
	}
	stale := newUserAgent(t, a.Handler())
	stale.cookies["sitrep_session"] = first
	if body := stale.do(http.MethodGet, "/", nil).Body.String(); strings.Contains(body, `data-testid="account-name"`) {
		t.Errorf("the token from before the second sign-in still works")
	}

	// A new password, set from the command line or by an admin, ends the
	// sessions begun with the old one.
	other := newUserAgent(t, a.Handler())
	other.signIn("dorrian@example.org")
	hash, _ := auth.NewHasher(auth.TestParams).Hash("a different passphrase")
	if err := a.DB.SetUserPassword(t.Context(), u.ID, hash); err != nil {
		t.Fatal(err)
	}
	if body := other.do(http.MethodGet, "/", nil).Body.String(); strings.Contains(body, `data-testid="account-name"`) {
		t.Errorf("a session begun before a password reset still works")
	}
	hash, _ = auth.NewHasher(auth.TestParams).Hash(testPassword)
	if err := a.DB.SetUserPassword(t.Context(), u.ID, hash); err != nil {
		t.Fatal(err)
	}
	c.signIn("dorrian@example.org")

	// Disabling the account ends its sessions at their next request.
	if err := a.DB.SetUserDisabled(t.Context(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	rec := c.do(http.MethodGet, "/", nil)
	if strings.Contains(rec.Body.String(), `data-testid="account-name"`) {
		t.Errorf("a disabled user is still shown as signed in")
	}
	if sc := setCookie(rec, "sitrep_session"); !strings.Contains(sc, "Max-Age=0") {
		t.Errorf("a disabled user's session cookie = %q, want it cleared", sc)
	}
}

func TestNoCookiesForAnonymousReaders(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	h := a.Handler()
	e := h.(*server.Handler)
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/edit") || strings.HasPrefix(r.Path, "/review") ||
			strings.HasPrefix(r.Path, "/admin") || r.Path == "/signin" {
			continue
		}
		target := fillParams(r.Path, "1")
		rec := do(t, h, http.MethodGet, target)
		if sc := rec.Header().Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("anonymous GET %s (%d) sets cookies: %q", target, rec.Code, sc)
		}
	}
}

func TestSecureCookies(t *testing.T) {
	tests := []struct {
		name string
		cfg  server.AccountsConfig
		tls  bool
	}{
		{"flag", server.AccountsConfig{SecureCookies: true}, false},
		{"TLS request", server.AccountsConfig{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := accountsApp(t, tt.cfg)
			addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
			c := newUserAgent(t, a.Handler())
			c.tls = tt.tls
			form := c.do(http.MethodGet, "/signin", nil)
			if sc := setCookie(form, "_csrf"); !strings.Contains(sc, "; Secure") {
				t.Errorf("CSRF cookie = %q, want Secure", sc)
			}
			rec := c.post("/signin", url.Values{"email": {"dorrian@example.org"}, "password": {testPassword}})
			if sc := setCookie(rec, "sitrep_session"); !strings.Contains(sc, "; Secure") {
				t.Errorf("session cookie = %q, want Secure", sc)
			}
		})
	}
}

var fieldValue = regexp.MustCompile(`name="(email|name)"[^>]*value="([^"]*)"`)

func TestAdminUsers(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	admin := addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")

	list := c.do(http.MethodGet, "/admin/users", nil)
	if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), "admin@example.org") {
		t.Fatalf("GET /admin/users = %d, want 200 listing the admin", list.Code)
	}

	// A failed add keeps what was typed, with a message next to each field.
	rec := c.post("/admin/users", url.Values{"email": {"not an address"}, "name": {"Ahmed <b>Ali</b>"}, "role": {"owner"}, "password": {"short"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /admin/users with bad fields = %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	for _, f := range []string{"email", "role", "password"} {
		if !strings.Contains(body, `data-testid="error-`+f+`"`) {
			t.Errorf("failed add shows no error next to %s", f)
		}
	}
	kept := map[string]string{}
	for _, m := range fieldValue.FindAllStringSubmatch(body, -1) {
		kept[m[1]] = m[2]
	}
	if kept["email"] != "not an address" || kept["name"] != "Ahmed &lt;b&gt;Ali&lt;/b&gt;" {
		t.Errorf("failed add kept %q, want the typed values, escaped", kept)
	}

	rec = c.post("/admin/users", url.Values{"email": {"Ahmed@Example.org"}, "name": {"Ahmed Ali"}, "role": {"editor"}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/users" {
		t.Fatalf("POST /admin/users = %d to %q, want 303 to /admin/users", rec.Code, rec.Header().Get("Location"))
	}
	if body := c.do(http.MethodGet, "/admin/users", nil).Body.String(); !strings.Contains(body, `data-testid="flash">Added ahmed@example.org as editor.`) {
		t.Errorf("after adding, the list does not say so")
	}
	added, err := a.DB.FindUserByEmail(t.Context(), "ahmed@example.org")
	if err != nil {
		t.Fatalf("the added user is not stored: %v", err)
	}
	if rec := c.post("/admin/users", url.Values{"email": {"ahmed@example.org"}, "name": {"Again"}, "role": {"editor"}, "password": {testPassword}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "already exists") {
		t.Errorf("adding an address twice = %d, want 422 saying it exists", rec.Code)
	}

	id := strconv.FormatInt(int64(added.ID), 10)
	self := strconv.FormatInt(int64(admin.ID), 10)
	steps := []struct {
		name, path string
		form       url.Values
		want       int
		check      func(conflict.User) bool
	}{
		{"role", "/admin/users/" + id + "/role", url.Values{"role": {"reviewer"}}, http.StatusSeeOther,
			func(u conflict.User) bool { return u.Role == conflict.RoleReviewer }},
		{"bad role", "/admin/users/" + id + "/role", url.Values{"role": {"owner"}}, http.StatusUnprocessableEntity,
			func(u conflict.User) bool { return u.Role == conflict.RoleReviewer }},
		{"disable", "/admin/users/" + id + "/disable", nil, http.StatusSeeOther,
			func(u conflict.User) bool { return u.Disabled }},
		{"enable", "/admin/users/" + id + "/enable", nil, http.StatusSeeOther,
			func(u conflict.User) bool { return !u.Disabled }},
		{"short password", "/admin/users/" + id + "/password", url.Values{"password": {"short"}}, http.StatusUnprocessableEntity, nil},
		{"password", "/admin/users/" + id + "/password", url.Values{"password": {"a brand new passphrase"}}, http.StatusSeeOther, nil},
		{"demote the last admin", "/admin/users/" + self + "/role", url.Values{"role": {"editor"}}, http.StatusUnprocessableEntity, nil},
		{"disable oneself", "/admin/users/" + self + "/disable", nil, http.StatusUnprocessableEntity, nil},
		{"unknown user", "/admin/users/999/role", url.Values{"role": {"editor"}}, http.StatusNotFound, nil},
		{"not an id", "/admin/users/abc/role", url.Values{"role": {"editor"}}, http.StatusNotFound, nil},
	}
	for _, s := range steps {
		rec := c.post(s.path, s.form)
		if rec.Code != s.want {
			t.Errorf("%s: POST %s = %d, want %d", s.name, s.path, rec.Code, s.want)
			continue
		}
		if s.want == http.StatusUnprocessableEntity && !strings.Contains(rec.Body.String(), `class="field__error"`) {
			t.Errorf("%s: the 422 page shows no message", s.name)
		}
		if s.check != nil {
			u, _ := a.DB.FindUserByID(t.Context(), added.ID)
			if !s.check(u) {
				t.Errorf("%s: user is now %+v", s.name, u)
			}
		}
	}
	// An admin who sets their own password stays signed in.
	if rec := c.post("/admin/users/"+self+"/password", url.Values{"password": {"my own new passphrase"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("setting one's own password = %d, want 303", rec.Code)
	}
	if rec := c.do(http.MethodGet, "/admin/users", nil); rec.Code != http.StatusOK {
		t.Errorf("after setting their own password the admin gets %d, want 200 (still signed in)", rec.Code)
	}
	other := newUserAgent(t, a.Handler())
	rec = other.post("/signin", url.Values{"email": {"ahmed@example.org"}, "password": {"a brand new passphrase"}})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("signing in with the password the admin set = %d, want 303", rec.Code)
	}
}

// TestAdminGuessablePassword: length alone is not enough; an admin adding
// a user or setting a password is told why a guessable one is refused.
func TestAdminGuessablePassword(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	ed := addAccount(t, a, "ed@example.org", conflict.RoleEditor)
	c := newUserAgent(t, a.Handler())
	c.signIn("admin@example.org")
	for _, pw := range []string{"password1234", strings.Repeat(" ", 12)} {
		rec := c.post("/admin/users", url.Values{"email": {"ahmed@example.org"}, "name": {"Ahmed Ali"}, "role": {"editor"}, "password": {pw}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "This password is easy to guess") {
			t.Errorf("adding a user with %q = %d, want 422 saying it is easy to guess", pw, rec.Code)
		}
		rec = c.post("/admin/users/"+strconv.FormatInt(int64(ed.ID), 10)+"/password", url.Values{"password": {pw}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "This password is easy to guess") {
			t.Errorf("setting %q = %d, want 422 saying it is easy to guess", pw, rec.Code)
		}
	}
	// The account's own address is a guess too.
	rec := c.post("/admin/users/"+strconv.FormatInt(int64(ed.ID), 10)+"/password", url.Values{"password": {"ed@example.org!!"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "name or email address") {
		t.Errorf("setting a password built on the address = %d, want 422 naming the address", rec.Code)
	}
	if _, err := a.DB.FindUserByEmail(t.Context(), "ahmed@example.org"); conflict.ErrorCode(err) != conflict.NotFound {
		t.Errorf("a user was added with a guessable password (err %v)", err)
	}
}
