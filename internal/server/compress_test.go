package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestCompression: a client that takes gzip gets pages, API answers and
// streamed exports compressed, and each decodes to what a client without
// gzip gets; answers without a body (a redirect, a HEAD) and error pages
// keep their status and say nothing of an encoding they do not have.
func TestCompression(t *testing.T) {
	h := newHandler(t)
	for _, target := range []string{"/events", "/api/v1/events?limit=3", "/api/v1/export/events?format=csv"} {
		plain := do(t, h, http.MethodGet, target)
		zipped := do(t, h, http.MethodGet, target, "Accept-Encoding", "gzip")
		if plain.Code != http.StatusOK || zipped.Code != http.StatusOK {
			t.Fatalf("GET %s = %d plain, %d with gzip", target, plain.Code, zipped.Code)
		}
		if enc := plain.Header().Get("Content-Encoding"); enc != "" {
			t.Errorf("GET %s without gzip: Content-Encoding %q", target, enc)
		}
		if enc := zipped.Header().Get("Content-Encoding"); enc != "gzip" {
			t.Fatalf("GET %s with gzip: Content-Encoding %q", target, enc)
		}
		if !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s: Vary %q lacks Accept-Encoding", target, zipped.Header().Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped.Body.Bytes()))
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		if len(body) == 0 || zipped.Body.Len() >= len(body) {
			t.Errorf("GET %s: %d bytes compressed to %d", target, len(body), zipped.Body.Len())
		}
		// Pages carry a request's own nonce or token; the API and export
		// do not, and decode to the same bytes.
		if strings.HasPrefix(target, "/api/") && !bytes.Equal(body, plain.Body.Bytes()) {
			t.Errorf("GET %s: the gzip body decodes to something else than the plain one", target)
		}
	}
	redirect := do(t, h, http.MethodGet, "/events/1", "Accept-Encoding", "gzip")
	if redirect.Code != http.StatusMovedPermanently || redirect.Header().Get("Location") == "" || redirect.Header().Get("Content-Encoding") != "" {
		t.Errorf("redirect = %d to %q, Content-Encoding %q", redirect.Code, redirect.Header().Get("Location"), redirect.Header().Get("Content-Encoding"))
	}
	missing := do(t, h, http.MethodGet, "/events/999999", "Accept-Encoding", "gzip")
	if missing.Code != http.StatusNotFound {
		t.Errorf("a missing event = %d, want 404", missing.Code)
	}
	body := missing.Body.String()
	if missing.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(missing.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		body = string(b)
	}
	if !strings.Contains(body, "</html>") {
		t.Errorf("the 404 page did not arrive whole:\n%.300s", body)
	}
	head := do(t, h, http.MethodHead, "/events", "Accept-Encoding", "gzip")
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD /events = %d with %d bytes of body", head.Code, head.Body.Len())
	}
}
