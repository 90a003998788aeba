package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// publicRoutes are the routes anyone may use without signing in, as
// "METHOD /path" with Echo's parameters. A route that is not listed here and
// not under a protected prefix fails TestAuthorizationWalk: either register
// it in one of routes.go's role groups or, if the public should reach it,
// list it here.
var publicRoutes = map[string]bool{
	"GET /":                          true,
	"GET /events":                    true,
	"GET /events/:id":                true,
	"GET /events/:id/rev/:n":         true,
	"GET /events/:id/rev/:n/:format": true,
	// History is public for public records (history.go); what a reader
	// sees there depends on who they are, not whether they may come.
	"GET /events/:id/history":           true,
	"GET /events/:id/diff":              true,
	"GET /estimates/:id/history":        true,
	"GET /estimates/:id/diff":           true,
	"GET /timelines/:slug":              true,
	"GET /estimates":                    true,
	"GET /estimates/:id":                true,
	"GET /estimates/:id/rev/:n":         true,
	"GET /estimates/:id/rev/:n/:format": true,
	"GET /claimants":                    true,
	"GET /claimants/:id":                true,
	"GET /actors/:slug":                 true,
	"GET /places/:slug":                 true,
	"GET /sources/:id":                  true,
	"GET /search":                       true,
	// The map of any list of events (map.go).
	"GET /map":     true,
	"GET /map.svg": true,
	// The Atom feeds of the lists (feed.go).
	"GET /feeds/events":          true,
	"GET /feeds/estimates":       true,
	"GET /feeds/timelines/:slug": true,
	// The about and methodology pages an admin wrote (settings.go).
	"GET /about":         true,
	"GET /methodology":   true,
	"GET /suggest/:kind": true,
	"GET /healthz":       true,
	"GET /static/*":      true,
	"GET /favicon.ico":   true,
	"GET /embed.js":      true,
	"GET /oembed":        true,
	"GET /signin":        true,
	// Signing in is what an anonymous visitor posts; it carries a CSRF
	// token like every form.
	"POST /signin": true,
	// Signing out changes nothing for someone already signed out.
	"POST /signout": true,
}

// publicPrefixes are families of read-only public routes: embeds and the
// JSON API. Only GET is public there.
var publicPrefixes = []string{"/embed/", "/api/"}

// protectedPrefixes give the least role each group of routes needs.
var protectedPrefixes = []struct {
	prefix string
	role   conflict.Role
}{
	{"/edit", conflict.RoleEditor},
	{"/review", conflict.RoleReviewer},
	{"/admin", conflict.RoleAdmin},
}

var allRoles = []conflict.Role{conflict.RoleEditor, conflict.RoleReviewer, conflict.RoleAdmin}

// requiredRole returns the role a path needs, and false for a path outside
// every protected group.
func requiredRole(path string) (conflict.Role, bool) {
	for _, p := range protectedPrefixes {
		if path == p.prefix || strings.HasPrefix(path, p.prefix+"/") {
			return p.role, true
		}
	}
	return "", false
}

func isPublic(method, path string) bool {
	if publicRoutes[method+" "+path] {
		return true
	}
	if method != http.MethodGet {
		return false
	}
	for _, p := range publicPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

var routeParam = regexp.MustCompile(`:[^/]+`)

// fillParams turns a route pattern into a path to request.
func fillParams(path, value string) string {
	path = routeParam.ReplaceAllString(path, value)
	return strings.ReplaceAll(path, "*", "x")
}

// TestAuthorizationWalk requests every route Echo has registered, as an
// anonymous visitor and as each role, and checks that every route outside
// the public list refuses whoever it is not for. A route added later
// without protection fails here.
func TestAuthorizationWalk(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	h := a.Handler()
	e, ok := h.(*server.Handler)
	if !ok {
		t.Fatalf("the handler is a %T, not *server.Handler", h)
	}
	clients := map[conflict.Role]*userAgent{}
	for _, r := range allRoles {
		addAccount(t, a, string(r)+"@example.org", r)
		c := newUserAgent(t, h)
		c.signIn(string(r) + "@example.org")
		c.do(http.MethodGet, "/", nil) // a CSRF token for the signed-in session
		clients[r] = c
	}
	anon := newUserAgent(t, h)
	anon.csrf()

	routes := e.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	protected := 0
	for _, r := range routes {
		method := r.Method
		if method == echo.RouteNotFound {
			// A group's catch-all: unknown paths under it must be as
			// guarded as the known ones.
			method = http.MethodGet
		}
		role, isProtected := requiredRole(r.Path)
		if !isProtected {
			if !isPublic(method, r.Path) {
				t.Errorf("%s %s is neither in a role group (/edit, /review, /admin in routes.go) nor listed as public in authz_test.go",
					method, r.Path)
			}
			continue
		}
		protected++
		target := fillParams(r.Path, "999999")
		t.Run(method+" "+r.Path, func(t *testing.T) {
			rec := requestAs(anon, method, target)
			switch method {
			case http.MethodGet, http.MethodHead:
				loc := rec.Header().Get("Location")
				if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin?next=") {
					t.Errorf("anonymous %s %s = %d to %q, want 303 to /signin", method, target, rec.Code, loc)
				} else if next, _ := url.QueryUnescape(strings.TrimPrefix(loc, "/signin?next=")); next != target {
					t.Errorf("anonymous %s %s: next = %q, want the page asked for", method, target, next)
				}
			default:
				if rec.Code != http.StatusUnauthorized {
					t.Errorf("anonymous %s %s = %d, want 401", method, target, rec.Code)
				}
			}
			for _, have := range allRoles {
				rec := requestAs(clients[have], method, target)
				refused := rec.Code == http.StatusForbidden
				if have.AtLeast(role) {
					if refused || rec.Code == http.StatusUnauthorized || strings.HasPrefix(rec.Header().Get("Location"), "/signin") {
						t.Errorf("%s %s %s = %d, want it let through", have, method, target, rec.Code)
					}
					continue
				}
				if !refused {
					t.Errorf("%s %s %s = %d, want 403 (the route is for %ss)", have, method, target, rec.Code, role)
				} else if !strings.Contains(rec.Body.String(), `data-testid="error-page"`) {
					t.Errorf("%s %s %s: the 403 is not the error page", have, method, target)
				}
			}
		})
	}
	if protected == 0 {
		t.Fatalf("no protected route found: the walk checked nothing")
	}
}

// requestAs sends method to target with the client's cookies and, for
// anything but GET, its CSRF token, so that only authorization can refuse.
func requestAs(c *userAgent, method, target string) *httptest.ResponseRecorder {
	if method == http.MethodGet || method == http.MethodHead {
		return c.do(method, target, nil)
	}
	return c.do(method, target, url.Values{"_csrf": {c.csrf()}})
}
