package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/app"
	"github.com/sitrep/sitrep/internal/conflict"
	"github.com/sitrep/sitrep/internal/server"
)

// TestCSRFNotFromQuery: a token is read from the form body or the
// X-CSRF-Token header, never from the address, where it would leak into
// logs, history and Referer headers.
func TestCSRFNotFromQuery(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	addAccount(t, a, "dorrian@example.org", conflict.RoleEditor)
	c := newUserAgent(t, a.Handler())
	tok := c.csrf()
	form := url.Values{"email": {"dorrian@example.org"}, "password": {testPassword}}
	if rec := c.do(http.MethodPost, "/signin?_csrf="+url.QueryEscape(tok), form); rec.Code != http.StatusForbidden {
		t.Fatalf("POST /signin with the token in the query = %d, want 403", rec.Code)
	}
	if c.cookies["sitrep_session"] != "" {
		t.Fatalf("a token in the query signed someone in")
	}
	// The same token in the body works: it was the place that was wrong.
	form.Set("_csrf", tok)
	if rec := c.do(http.MethodPost, "/signin", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST /signin with the token in the body = %d, want 303", rec.Code)
	}
}

// chunked is a body of unknown length, as a client streaming it sends:
// only reading it finds that it is too large.
type chunked struct{ io.Reader }

// TestBodyTooLarge: a body over the limit is answered 413 with a message
// that says so, on a page for a form and in JSON for the API; never a
// complaint about the CSRF token that happens to be cut off with it.
func TestBodyTooLarge(t *testing.T) {
	a := accountsApp(t, server.AccountsConfig{})
	admin := addAccount(t, a, "admin@example.org", conflict.RoleAdmin)
	c := newUserAgent(t, a.Handler())
	c.signIn(admin.Email)
	tok := c.csrf()
	big := strings.Repeat("x", 13<<20)

	send := func(t *testing.T, target, contentType string, body []byte, knownLength bool) *httptest.ResponseRecorder {
		t.Helper()
		var r io.Reader = bytes.NewReader(body)
		if !knownLength {
			r = chunked{r}
		}
		req := httptest.NewRequest(http.MethodPost, target, r)
		if !knownLength {
			req.ContentLength = -1
		}
		req.Header.Set("Content-Type", contentType)
		for name, value := range c.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		return rec
	}
	form := []byte(url.Values{"_csrf": {tok}, "email": {"ahmed@example.org"}, "name": {big}}.Encode())
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	_ = w.WriteField("_csrf", tok)
	fw, _ := w.CreateFormFile("file", "huge.csv")
	_, _ = io.WriteString(fw, big)
	_ = w.Close()

	for _, tt := range []struct {
		name        string
		contentType string
		body        []byte
		known       bool
	}{
		{"form with its length", "application/x-www-form-urlencoded", form, true},
		{"streamed form", "application/x-www-form-urlencoded", form, false},
		{"streamed file upload", w.FormDataContentType(), mp.Bytes(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := send(t, "/admin/users", tt.contentType, tt.body, tt.known)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST of %d MB = %d, want 413", len(tt.body)>>20, rec.Code)
			}
			body := rec.Body.String()
			if !strings.Contains(body, `data-testid="error-page"`) || !strings.Contains(body, "larger than sitrep accepts: 12 MB at most") {
				t.Errorf("413 page does not say the limit:\n%s", body)
			}
			if strings.Contains(body, "could not be checked") {
				t.Errorf("413 page speaks of the CSRF check")
			}
		})
	}
	t.Run("API", func(t *testing.T) {
		rec := send(t, "/api/v1/events", "application/json", []byte(`{"title":"`+big+`"}`), true)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST /api/v1/events of 13 MB = %d, want 413", rec.Code)
		}
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error.Message, "12 MB at most") {
			t.Errorf("API 413 = %q (%v), want JSON naming the limit", rec.Body.String(), err)
		}
	})
	// Just under the limit is read and judged on its content.
	small := []byte(url.Values{"_csrf": {tok}, "email": {"ahmed@example.org"}, "name": {"Ahmed"}, "role": {"editor"}, "password": {"short"}}.Encode())
	if rec := send(t, "/admin/users", "application/x-www-form-urlencoded", small, false); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a streamed small form = %d, want 422 for its short password", rec.Code)
	}
}

// TestClientGoneNotLogged: a client that disconnects cancels its request;
// that is not a server error and is not logged as one.
func TestClientGoneNotLogged(t *testing.T) {
	logs := &testLog{}
	a, err := app.Open(t.Context(), app.Config{
		DBPath: filepath.Join(t.TempDir(), "sitrep.db"),
		Demo:   true,
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, target := range []string{"/events", "/search?q=mosul", "/api/v1/events"} {
		req := httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != 499 {
			t.Errorf("GET %s from a client gone = %d, want no 5xx", target, rec.Code)
		}
	}
	logs.mu.Lock()
	out := logs.buf.String()
	logs.mu.Unlock()
	if strings.Contains(out, "level=ERROR") {
		t.Errorf("a client that went away was logged as an error:\n%s", out)
	}
	if !strings.Contains(out, "client went away") {
		t.Errorf("the log does not say the client went away:\n%s", out)
	}
}
